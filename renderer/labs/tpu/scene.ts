// The TPU pod in three.js: 4096 chips as one InstancedMesh (each coloured by the job of its machine), intra-cube
// ICI links and the 6144 optical links as one LineSegments each, 48 OCS as one InstancedMesh, cube outlines,
// outlines of the sub-cube jobs' blocks and move "ghosts" — a handful of draw calls for the whole pod. It only
// draws the PodState it is given; it owns and disposes its GPU objects.
import * as THREE from 'three';
import { OrbitControls } from 'three/examples/jsm/controls/OrbitControls.js';
import {
  CHIPS,
  CUBES,
  CUBE_DIM,
  LINKS_PER_FACE,
  MACHINES,
  OCS_COUNT,
  OPTICAL_LINKS_PER_CUBE,
  chipCoord,
  chipOfFaceLink,
  chipsOfMachine,
  cubeCoord,
  cubeOfChip,
  iciLinks,
  machineOfChip,
  ocsPortOf,
} from '../../../core/tpu/topology';
import type { Dim, Side } from '../../../core/tpu/topology';
import type { PodState } from '../../../core/tpu/viewState';

/** Distance between neighbouring chips and between cube origins (cubes float apart so each reads alone). */
const CHIP_PITCH = 1;
const CUBE_PITCH = CUBE_DIM * CHIP_PITCH + 3.5;
const POD_SPAN = 4 * CUBE_PITCH;
const OCS_RING_RADIUS = 30;
const OCS_HEIGHT = -24;
/** Pixels on the right covered by the control panel: the projection centre shifts left by half of it. */
const PANEL_PX = 420;
const MAX_GHOSTS = 32;
/**
 * Home camera: above the pod on the side of cube 0 (pod x = y = 0 is scene -X, -Z), where the schedulers
 * put jobs first (lowest free cube index), so busy cubes and the sub-cube jobs packed into them face the
 * viewer; zooming into a cube looks at it from the same side.
 */
const CAMERA_HOME = new THREE.Vector3(-40, 52, -62);
const TARGET_HOME = new THREE.Vector3(0, -9, 0);
const CUBE_VIEW_OFFSET = new THREE.Vector3(-9, 7, -11);
const MOVE_SECONDS = 1.6;

const COLOR_FREE = new THREE.Color('#5b6a7e');
const COLOR_DOWN = new THREE.Color('#ff3b30');
const COLOR_CUBE_HIT = new THREE.Color('#ff9f0a');
const COLOR_SELECTED = new THREE.Color('#ffffff');
const COLOR_LINK = new THREE.Color('#2a3442');
const COLOR_BG = new THREE.Color('#0b0e14');
const COLOR_OCS = new THREE.Color('#2bb6a8');
const COLOR_OCS_PULSE = new THREE.Color('#ffd60a');

/** Edges of a box: 12 segments, 24 vertices. */
const BOX_EDGE_VERTICES = 24;
/** Most sub-cube blocks at once: every machine a one-machine slice. */
const MAX_BLOCKS = MACHINES;

const jobColors = new Map<number, THREE.Color>();

/**
 * A job's colour, the same wherever it is drawn. Hues step by the golden ratio over job ids, so jobs that
 * arrived close together (the small jobs packed into one cube usually did) get far-apart hues; the band
 * around red is left to failures. Do not mutate the returned colour.
 */
export function jobColor(job: number): THREE.Color {
  let c = jobColors.get(job);
  if (!c) {
    const golden = (((job * 0.6180339887498949) % 1) + 1) % 1;
    c = new THREE.Color().setHSL(
      0.07 + 0.84 * golden,
      0.68,
      job % 2 === 0 ? 0.6 : 0.68,
      THREE.SRGBColorSpace,
    );
    jobColors.set(job, c);
  }
  return c;
}

/**
 * Scene position of a chip: pod x → X, pod z → -Y (z = 0 on top, where the scheduler's low-numbered cubes
 * fill first, so busy cubes face the camera), pod y → Z, centred on the origin.
 */
export function chipPosition(chip: number, out = new THREE.Vector3()): THREE.Vector3 {
  const [x, y, z] = chipCoord(chip);
  const at = (v: number) =>
    Math.floor(v / CUBE_DIM) * CUBE_PITCH + (v % CUBE_DIM) * CHIP_PITCH - POD_SPAN / 2 + 1.75;
  return out.set(at(x), -at(z), at(y));
}

export function cubeCenter(cube: number, out = new THREE.Vector3()): THREE.Vector3 {
  const [cx, cy, cz] = cubeCoord(cube);
  const at = (c: number) => c * CUBE_PITCH + 1.5 * CHIP_PITCH - POD_SPAN / 2 + 1.75;
  return out.set(at(cx), -at(cz), at(cy));
}

function ocsPosition(ocs: number, out = new THREE.Vector3()): THREE.Vector3 {
  const angle = (ocs / OCS_COUNT) * Math.PI * 2;
  return out.set(Math.cos(angle) * OCS_RING_RADIUS, OCS_HEIGHT, Math.sin(angle) * OCS_RING_RADIUS);
}

/** A box whose vertex colours shade its faces (+y 1.0, ±x 0.78, ±z 0.62, -y 0.45); instance colours multiply. */
function shadedBox(size: number): THREE.BoxGeometry {
  const g = new THREE.BoxGeometry(size, size, size);
  const normals = g.getAttribute('normal') as THREE.BufferAttribute;
  const col = new Float32Array(normals.count * 3);
  for (let i = 0; i < normals.count; i++) {
    const ny = normals.getY(i);
    const shade = ny > 0.5 ? 1 : ny < -0.5 ? 0.45 : Math.abs(normals.getX(i)) > 0.5 ? 0.78 : 0.62;
    col.fill(shade, i * 3, i * 3 + 3);
  }
  g.setAttribute('color', new THREE.BufferAttribute(col, 3));
  return g;
}

interface Ghost {
  from: THREE.Vector3;
  to: THREE.Vector3;
  color: THREE.Color;
  startS: number;
}

export interface FrameStats {
  frameMs: number;
  renderMs: number;
  drawCalls: number;
  pixelRatio: number;
}

export class PodScene {
  private readonly renderer: THREE.WebGLRenderer;
  private readonly scene = new THREE.Scene();
  private readonly camera: THREE.PerspectiveCamera;
  readonly controls: OrbitControls;
  private readonly chips: THREE.InstancedMesh;
  private readonly ici: THREE.LineSegments;
  private readonly optical: THREE.LineSegments;
  private readonly switches: THREE.InstancedMesh;
  private readonly ghosts: THREE.InstancedMesh;
  private readonly outlines: THREE.LineSegments;
  /** Outlines of the blocks the sub-cube jobs hold, in their jobs' colours (draw range = blocks shown). */
  private readonly blocks: THREE.LineSegments;
  /** Machine of each chip, and of both ends of each ICI link (computed once). */
  private readonly chipMachine = new Int32Array(CHIPS);
  private readonly linkMachines: Int32Array;
  private readonly disposables: { dispose(): void }[] = [];
  private readonly raycaster = new THREE.Raycaster();
  private readonly activeGhosts: Ghost[] = [];
  private readonly ocsPulseUntil = new Float64Array(OCS_COUNT);
  private state: PodState | null = null;
  private selected = -1;
  private frame = 0;
  private drawn = 0;
  private lastDrawMs = 0;
  private dirty = true;
  private wasPulsing = false;
  private readonly pixelRatio = Math.min(window.devicePixelRatio, 2);
  private frameMsAvg = 0;
  private renderMsAvg = 0;
  private readonly resize: ResizeObserver;

  constructor(private readonly host: HTMLElement) {
    // No MSAA: with 6144 optical lines it costs more than it shows, and software GL (CI) pays it per pixel.
    this.renderer = new THREE.WebGLRenderer({ antialias: false, powerPreference: 'high-performance' });
    this.renderer.setPixelRatio(this.pixelRatio);
    this.renderer.setClearColor(COLOR_BG);
    host.appendChild(this.renderer.domElement);
    this.camera = new THREE.PerspectiveCamera(45, 1, 0.5, 500);
    this.camera.position.copy(CAMERA_HOME);
    this.controls = new OrbitControls(this.camera, this.renderer.domElement);
    this.controls.target.copy(TARGET_HOME);
    this.controls.enableDamping = true;
    this.controls.minDistance = 8;
    this.controls.maxDistance = 200;
    this.controls.addEventListener('change', this.markDirty);

    this.scene.add(new THREE.AmbientLight('#ffffff', 1.1));
    const sun = new THREE.DirectionalLight('#ffffff', 1.6);
    sun.position.set(30, 60, 40);
    this.scene.add(sun);

    // Chips: one InstancedMesh of 4096 boxes.
    // Unlit material with shading baked per face (top bright, sides darker): no per-fragment lighting.
    const chipGeo = shadedBox(0.72);
    const chipMat = new THREE.MeshBasicMaterial({ vertexColors: true });
    this.chips = new THREE.InstancedMesh(chipGeo, chipMat, CHIPS);
    const m = new THREE.Matrix4();
    const p = new THREE.Vector3();
    for (let c = 0; c < CHIPS; c++) {
      this.chips.setMatrixAt(c, m.makeTranslation(chipPosition(c, p)));
      this.chips.setColorAt(c, COLOR_FREE);
    }
    this.scene.add(this.chips);
    for (let c = 0; c < CHIPS; c++) this.chipMachine[c] = machineOfChip(c);

    // Electrical ICI links inside cubes: one LineSegments with per-vertex colours.
    const links = iciLinks();
    this.linkMachines = new Int32Array(links.count * 2);
    for (let i = 0; i < links.count; i++) {
      this.linkMachines[2 * i] = this.chipMachine[links.a[i]!]!;
      this.linkMachines[2 * i + 1] = this.chipMachine[links.b[i]!]!;
    }
    const iciPos = new Float32Array(links.count * 6);
    const a = new THREE.Vector3();
    const b = new THREE.Vector3();
    for (let i = 0; i < links.count; i++) {
      chipPosition(links.a[i]!, a).toArray(iciPos, i * 6);
      chipPosition(links.b[i]!, b).toArray(iciPos, i * 6 + 3);
    }
    const iciGeo = new THREE.BufferGeometry();
    iciGeo.setAttribute('position', new THREE.BufferAttribute(iciPos, 3));
    iciGeo.setAttribute('color', new THREE.BufferAttribute(new Float32Array(links.count * 6), 3));
    this.ici = new THREE.LineSegments(
      iciGeo,
      new THREE.LineBasicMaterial({ vertexColors: true, transparent: true, opacity: 0.55 }),
    );
    this.scene.add(this.ici);

    // Optical links: from each face chip, a short stub out of the face, then to its OCS.
    // Every optical link is one line segment: two vertices of 3 floats.
    const optPos = new Float32Array(CUBES * OPTICAL_LINKS_PER_CUBE * 6);
    let k = 0;
    for (let cube = 0; cube < CUBES; cube++)
      for (let dim = 0; dim < 3; dim++)
        for (let side = 0; side < 2; side++)
          for (let j = 0; j < LINKS_PER_FACE; j++) {
            const chip = chipOfFaceLink(cube, dim as Dim, side as Side, j);
            chipPosition(chip, a);
            const axis = dim === 0 ? 0 : dim === 1 ? 2 : 1; // pod axis → scene axis
            const outward = (side === 0 ? -0.6 : 0.6) * (axis === 1 ? -1 : 1); // scene Y runs against pod z
            a.setComponent(axis, a.getComponent(axis) + outward);
            const { ocs } = ocsPortOf(cube, dim as Dim, side as Side, j);
            a.toArray(optPos, k * 6);
            ocsPosition(ocs, b).toArray(optPos, k * 6 + 3);
            k++;
          }
    const optGeo = new THREE.BufferGeometry();
    optGeo.setAttribute('position', new THREE.BufferAttribute(optPos, 3));
    optGeo.setAttribute(
      'color',
      new THREE.BufferAttribute(new Float32Array(CUBES * OPTICAL_LINKS_PER_CUBE * 6), 3),
    );
    this.optical = new THREE.LineSegments(
      optGeo,
      // Opaque, with colours pre-blended towards the background: blending 6144 long lines is what costs most.
      new THREE.LineBasicMaterial({ vertexColors: true }),
    );
    this.scene.add(this.optical);

    // 48 optical circuit switches.
    const swGeo = new THREE.BoxGeometry(2.4, 3.2, 1.2);
    this.switches = new THREE.InstancedMesh(swGeo, new THREE.MeshLambertMaterial(), OCS_COUNT);
    for (let o = 0; o < OCS_COUNT; o++) {
      const pos = ocsPosition(o, p);
      m.makeRotationY(-(o / OCS_COUNT) * Math.PI * 2 + Math.PI / 2).setPosition(pos);
      this.switches.setMatrixAt(o, m);
      this.switches.setColorAt(o, COLOR_OCS);
    }
    this.scene.add(this.switches);

    // Cube outlines: 64 wireframe boxes in one LineSegments.
    const box = new THREE.EdgesGeometry(
      new THREE.BoxGeometry(CUBE_DIM + 0.4, CUBE_DIM + 0.4, CUBE_DIM + 0.4),
    );
    const boxPos = box.getAttribute('position') as THREE.BufferAttribute;
    const outPos = new Float32Array(CUBES * boxPos.count * 3);
    for (let cube = 0; cube < CUBES; cube++) {
      cubeCenter(cube, p);
      for (let v = 0; v < boxPos.count; v++) {
        outPos[(cube * boxPos.count + v) * 3] = boxPos.getX(v) + p.x;
        outPos[(cube * boxPos.count + v) * 3 + 1] = boxPos.getY(v) + p.y;
        outPos[(cube * boxPos.count + v) * 3 + 2] = boxPos.getZ(v) + p.z;
      }
    }
    box.dispose();
    const outGeo = new THREE.BufferGeometry();
    outGeo.setAttribute('position', new THREE.BufferAttribute(outPos, 3));
    this.outlines = new THREE.LineSegments(
      outGeo,
      new THREE.LineBasicMaterial({ color: '#4a5566', transparent: true, opacity: 0.5 }),
    );
    this.scene.add(this.outlines);

    // Sub-cube blocks: one box outline per sub-cube job, rewritten on each state.
    const blockGeo = new THREE.BufferGeometry();
    blockGeo.setAttribute(
      'position',
      new THREE.BufferAttribute(new Float32Array(MAX_BLOCKS * BOX_EDGE_VERTICES * 3), 3),
    );
    blockGeo.setAttribute(
      'color',
      new THREE.BufferAttribute(new Float32Array(MAX_BLOCKS * BOX_EDGE_VERTICES * 3), 3),
    );
    blockGeo.setDrawRange(0, 0);
    this.blocks = new THREE.LineSegments(blockGeo, new THREE.LineBasicMaterial({ vertexColors: true }));
    this.blocks.frustumCulled = false;
    this.scene.add(this.blocks);

    // Ghost cubes that fly from a failed cube to its spare during a re-wire.
    const ghostGeo = new THREE.BoxGeometry(CUBE_DIM, CUBE_DIM, CUBE_DIM);
    this.ghosts = new THREE.InstancedMesh(
      ghostGeo,
      new THREE.MeshBasicMaterial({ transparent: true, opacity: 0.45, depthWrite: false }),
      MAX_GHOSTS,
    );
    this.ghosts.count = 0;
    this.scene.add(this.ghosts);

    this.disposables.push(
      chipGeo,
      chipMat,
      iciGeo,
      this.ici.material as THREE.Material,
      optGeo,
      this.optical.material as THREE.Material,
      swGeo,
      this.switches.material as THREE.Material,
      outGeo,
      this.outlines.material as THREE.Material,
      blockGeo,
      this.blocks.material as THREE.Material,
      ghostGeo,
      this.ghosts.material as THREE.Material,
    );

    this.resize = new ResizeObserver(() => this.fit());
    this.resize.observe(host);
    this.fit();
  }

  private readonly markDirty = () => {
    this.dirty = true;
  };

  private fit(): void {
    this.dirty = true;
    const w = Math.max(1, this.host.clientWidth);
    const h = Math.max(1, this.host.clientHeight);
    this.renderer.setSize(w, h, false);
    this.renderer.domElement.style.width = '100%';
    this.renderer.domElement.style.height = '100%';
    this.camera.aspect = w / h;
    const d = w > 2 * PANEL_PX ? PANEL_PX / 2 : 0;
    if (d > 0) this.camera.setViewOffset(w + 2 * d, h, 2 * d, 0, w, h);
    else this.camera.clearViewOffset();
    this.camera.updateProjectionMatrix();
  }

  get canvas(): HTMLCanvasElement {
    return this.renderer.domElement;
  }

  /** Recolour everything from a pod state (cheap: typed-array writes, no new objects). */
  setState(state: PodState, selected: number): void {
    this.state = state;
    this.selected = selected;
    this.dirty = true;
    const cubeHit = new Uint8Array(CUBES);
    const links = iciLinks();
    // A failed cable breaks its cube's torus: mark the cube.
    const cables = state.cableDown;
    const cableLink = this.cableLinkIndex();
    for (let i = 0; i < cables.length; i++) if (cables[i]) cubeHit[links.cube[cableLink[i]!]!] = 1;
    const color = new THREE.Color();
    for (let c = 0; c < CHIPS; c++) {
      const cube = cubeOfChip(c);
      const machine = this.chipMachine[c]!;
      const job = state.machineJob[machine]!;
      if (c === selected) color.copy(COLOR_SELECTED);
      else if (state.machineDown[machine]) color.copy(COLOR_DOWN);
      else if (job >= 0) color.copy(jobColor(job));
      else color.copy(COLOR_FREE);
      if (cubeHit[cube] && !state.machineDown[machine] && c !== selected) color.lerp(COLOR_CUBE_HIT, 0.35);
      this.chips.setColorAt(c, color);
    }
    this.chips.instanceColor!.needsUpdate = true;

    const iciCol = this.ici.geometry.getAttribute('color') as THREE.BufferAttribute;
    const down = new Uint8Array(links.count);
    for (let i = 0; i < cables.length; i++) if (cables[i]) down[cableLink[i]!] = 1;
    for (let i = 0; i < links.count; i++) {
      // A link is a job's when both its chips' machines are (a sub-cube block's edge links are not).
      const job = state.machineJob[this.linkMachines[2 * i]!]!;
      const own = job >= 0 && state.machineJob[this.linkMachines[2 * i + 1]!] === job;
      const col = down[i] ? COLOR_DOWN : own ? color.copy(jobColor(job)).multiplyScalar(0.7) : COLOR_LINK;
      iciCol.setXYZ(i * 2, col.r, col.g, col.b);
      iciCol.setXYZ(i * 2 + 1, col.r, col.g, col.b);
    }
    iciCol.needsUpdate = true;

    const optCol = this.optical.geometry.getAttribute('color') as THREE.BufferAttribute;
    let k = 0;
    for (let cube = 0; cube < CUBES; cube++)
      for (let dim = 0; dim < 3; dim++)
        for (let side = 0; side < 2; side++)
          for (let j = 0; j < LINKS_PER_FACE; j++) {
            const { ocs } = ocsPortOf(cube, dim as Dim, side as Side, j);
            const job = state.cubeJob[cube]!;
            const col = state.ocsDown[ocs]
              ? color.copy(COLOR_DOWN).lerp(COLOR_BG, 0.45)
              : job >= 0
                ? color.copy(jobColor(job)).lerp(COLOR_BG, 0.78)
                : color.copy(COLOR_LINK).lerp(COLOR_BG, 0.5);
            optCol.setXYZ(k * 2, col.r, col.g, col.b);
            optCol.setXYZ(k * 2 + 1, col.r, col.g, col.b);
            k++;
          }
    optCol.needsUpdate = true;
    this.outlineBlocks(state);
    this.paintSwitches(this.now());
  }

  /** A box around each sub-cube job's chips, in a lighter shade of its colour. */
  private outlineBlocks(state: PodState): void {
    const pos = this.blocks.geometry.getAttribute('position') as THREE.BufferAttribute;
    const col = this.blocks.geometry.getAttribute('color') as THREE.BufferAttribute;
    const lo = new THREE.Vector3();
    const hi = new THREE.Vector3();
    const p = new THREE.Vector3();
    const shade = new THREE.Color();
    const pad = 0.47;
    let n = 0;
    for (const [job, h] of state.held) {
      if (h.cubes.length > 0 || h.machines.length === 0 || n >= MAX_BLOCKS) continue;
      lo.set(Infinity, Infinity, Infinity);
      hi.set(-Infinity, -Infinity, -Infinity);
      for (const m of h.machines)
        for (const chip of chipsOfMachine(m)) {
          chipPosition(chip, p);
          lo.min(p);
          hi.max(p);
        }
      lo.subScalar(pad);
      hi.addScalar(pad);
      shade.copy(jobColor(job)).lerp(COLOR_SELECTED, 0.35);
      const xs = [lo.x, hi.x];
      const ys = [lo.y, hi.y];
      const zs = [lo.z, hi.z];
      let v = n * BOX_EDGE_VERTICES;
      // The 12 edges: 4 along each axis.
      for (let a = 0; a < 2; a++)
        for (let b = 0; b < 2; b++) {
          pos.setXYZ(v++, xs[0]!, ys[a]!, zs[b]!);
          pos.setXYZ(v++, xs[1]!, ys[a]!, zs[b]!);
          pos.setXYZ(v++, xs[a]!, ys[0]!, zs[b]!);
          pos.setXYZ(v++, xs[a]!, ys[1]!, zs[b]!);
          pos.setXYZ(v++, xs[a]!, ys[b]!, zs[0]!);
          pos.setXYZ(v++, xs[a]!, ys[b]!, zs[1]!);
        }
      for (let k = n * BOX_EDGE_VERTICES; k < v; k++) col.setXYZ(k, shade.r, shade.g, shade.b);
      n++;
    }
    this.blocks.geometry.setDrawRange(0, n * BOX_EDGE_VERTICES);
    pos.needsUpdate = true;
    col.needsUpdate = true;
  }

  private cableLinkCache: Int32Array | null = null;
  /** Set by the component from the view model (cable index → ICI link index). */
  setCableLinks(cableLinks: Int32Array): void {
    this.cableLinkCache = cableLinks;
  }
  private cableLinkIndex(): Int32Array {
    return this.cableLinkCache ?? new Int32Array(0);
  }

  private paintSwitches(nowS: number): void {
    const s = this.state;
    for (let o = 0; o < OCS_COUNT; o++) {
      const pulse = this.ocsPulseUntil[o]! > nowS;
      const c = s?.ocsDown[o] ? COLOR_DOWN : pulse ? COLOR_OCS_PULSE : COLOR_OCS;
      this.switches.setColorAt(o, c);
    }
    this.switches.instanceColor!.needsUpdate = true;
  }

  /** Animate a job moving from `from` cubes to `to` cubes; the switches of the changed hops pulse. */
  animateMove(job: number, from: readonly number[], to: readonly number[]): void {
    const now = this.now();
    const left = from.filter((c) => !to.includes(c));
    const arrived = to.filter((c) => !from.includes(c));
    for (let i = 0; i < Math.min(left.length, arrived.length); i++) {
      if (this.activeGhosts.length >= MAX_GHOSTS) this.activeGhosts.shift();
      this.activeGhosts.push({
        from: cubeCenter(left[i]!),
        to: cubeCenter(arrived[i]!),
        color: jobColor(job).clone(),
        startS: now,
      });
    }
    // Every OCS carries one link of each face of the new cube: all 48 re-program.
    if (arrived.length > 0) this.ocsPulseUntil.fill(now + MOVE_SECONDS);
  }

  /** Chip under a client-space point, or -1. */
  pick(clientX: number, clientY: number): number {
    const rect = this.renderer.domElement.getBoundingClientRect();
    const ndc = new THREE.Vector2(
      ((clientX - rect.left) / rect.width) * 2 - 1,
      -((clientY - rect.top) / rect.height) * 2 + 1,
    );
    this.raycaster.setFromCamera(ndc, this.camera);
    const hit = this.raycaster.intersectObject(this.chips, false)[0];
    return hit?.instanceId ?? -1;
  }

  /** Fly the orbit target to one cube (zoom into it). */
  focusCube(cube: number): void {
    const c = cubeCenter(cube);
    this.controls.target.copy(c);
    this.camera.position.copy(c).add(CUBE_VIEW_OFFSET);
    this.dirty = true;
  }

  resetCamera(): void {
    this.controls.target.copy(TARGET_HOME);
    this.camera.position.copy(CAMERA_HOME);
    this.dirty = true;
  }

  /**
   * Draw a frame if anything changed (camera, state, a move or pulse in flight): the pod is redrawn only
   * when dirty. Returns rolling timing figures, or null when nothing was drawn. Frame time is the interval
   * between two consecutive drawn frames.
   */
  render(): FrameStats | null {
    const nowS = this.now();
    this.controls.update();
    const pulsing = this.ocsPulseUntil.some((u) => u > nowS);
    if (!this.dirty && this.activeGhosts.length === 0 && !pulsing && !this.wasPulsing) {
      this.lastDrawMs = 0;
      return null;
    }
    this.wasPulsing = pulsing;
    this.dirty = false;
    const t0 = performance.now();
    // Ghost cubes: ease along an arc from the old cube to the spare.
    const m = new THREE.Matrix4();
    const p = new THREE.Vector3();
    let n = 0;
    for (let i = this.activeGhosts.length - 1; i >= 0; i--) {
      const g = this.activeGhosts[i]!;
      const f = (nowS - g.startS) / MOVE_SECONDS;
      if (f >= 1) {
        this.activeGhosts.splice(i, 1);
        this.dirty = true; // one more frame without it
        continue;
      }
      const e = f < 0.5 ? 2 * f * f : 1 - Math.pow(-2 * f + 2, 2) / 2;
      p.lerpVectors(g.from, g.to, e);
      p.y += Math.sin(Math.PI * e) * 10;
      this.ghosts.setMatrixAt(n, m.makeTranslation(p));
      this.ghosts.setColorAt(n, g.color);
      n++;
    }
    this.ghosts.count = n;
    this.ghosts.instanceMatrix.needsUpdate = true;
    if (this.ghosts.instanceColor) this.ghosts.instanceColor.needsUpdate = true;
    this.paintSwitches(nowS);
    this.renderer.render(this.scene, this.camera);
    const endMs = performance.now();
    const renderMs = endMs - t0;
    if (this.lastDrawMs > 0) {
      const frameMs = endMs - this.lastDrawMs;
      this.frame++;
      const w = this.frame < 10 ? 1 / this.frame : 0.1;
      this.frameMsAvg += (frameMs - this.frameMsAvg) * w;
    }
    this.drawn++;
    const w = this.drawn < 10 ? 1 / this.drawn : 0.1;
    this.renderMsAvg += (renderMs - this.renderMsAvg) * w;
    this.lastDrawMs = endMs;
    return {
      frameMs: this.frameMsAvg,
      renderMs: this.renderMsAvg,
      drawCalls: this.renderer.info.render.calls,
      pixelRatio: this.pixelRatio,
    };
  }

  private now(): number {
    return performance.now() / 1000;
  }

  dispose(): void {
    this.resize.disconnect();
    this.controls.removeEventListener('change', this.markDirty);
    this.controls.dispose();
    for (const d of this.disposables) d.dispose();
    this.chips.dispose();
    this.switches.dispose();
    this.ghosts.dispose();
    this.renderer.dispose();
    this.renderer.domElement.remove();
  }

  /** For the info panel: whether the selected chip is the one painted white. */
  get selectedChip(): number {
    return this.selected;
  }
}
