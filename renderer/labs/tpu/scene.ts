// The TPU pod in three.js: 4096 chips as one InstancedMesh (coloured by the job of their machine) laid out as an
// exploded 4x4x4 grid of cubes, intra-cube ICI links as one LineSegments, the 48 OCS as one InstancedMesh in a
// bank of three columns (x, y, z faces) beside the pod, and fibres drawn only on demand (hovered cube or OCS, a
// failed OCS, a move, or the "all fibres" toggle). It renders on demand: a frame is drawn only when something
// changed, and a requestAnimationFrame loop runs only while something moves (camera flight, damping, a move).
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
  chipOfFaceLink,
  chipCoord,
  chipsOfMachine,
  cubeCoord,
  cubeOfChip,
  cubeOfMachine,
  iciLinks,
  machineOfChip,
  machinesOfCube,
  ocsPortOf,
} from '../../../core/tpu/topology';
import type { Dim, Side } from '../../../core/tpu/topology';
import type { PodState } from '../../../core/tpu/viewState';

/** Chip pitch 1; cubes sit apart by more than their own size (exploded), layers further still, so all 64 show. */
const CUBE_PITCH = CUBE_DIM + 4.5;
const LAYER_PITCH = CUBE_DIM + 6;
const POD_CENTER = new THREE.Vector3(0, 0, 0);
/**
 * Pixels covered by the control panel (right) and the colour legend (left): the projection centre sits in
 * the middle of what is left, and framing fits into that part.
 */
const PANEL_PX = 420;
const LEGEND_PX = 200;
const MAX_GHOSTS = 32;
/** Home view direction (from the target towards the camera): the side of cube 0, a little above. */
const HOME_DIR = new THREE.Vector3(-0.62, 0.5, -0.6).normalize();
const MOVE_SECONDS = 1.6;
/** Simulated hours a move's receiving cube, fibres and switches stay lit after it (also while paused). */
const MOVE_HIGHLIGHT_H = 2;
const FLIGHT_S = 0.7;

const COLOR_FREE = new THREE.Color('#5b6a7e');
const COLOR_DOWN = new THREE.Color('#ff3b30');
const COLOR_CUBE_HIT = new THREE.Color('#ff9f0a');
const COLOR_SELECTED = new THREE.Color('#ffffff');
const COLOR_LINK = new THREE.Color('#2a3442');
const COLOR_BG = new THREE.Color('#0b0e14');
const COLOR_OCS = new THREE.Color('#2bb6a8');
const COLOR_FIBRE = new THREE.Color('#7f9cc0');
const COLOR_HOVER = new THREE.Color('#dfe7f2');

/** Edges of a box: 12 segments, 24 vertices. */
const BOX_EDGE_VERTICES = 24;
/** Most sub-cube blocks at once: every machine a one-machine slice. */
const MAX_BLOCKS = MACHINES;
const MAX_MARKS = 256;
const FIBRES = CUBES * OPTICAL_LINKS_PER_CUBE; // 6144

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

export function jobColorCss(job: number): string {
  return `#${jobColor(job).getHexString()}`;
}

const HALF_X = (3 * CUBE_PITCH + CUBE_DIM - 1) / 2;
const HALF_Z = (3 * LAYER_PITCH + CUBE_DIM - 1) / 2;

/**
 * Scene position of a chip: pod x → X, pod z → -Y (z = 0 on top, where the scheduler's low-numbered cubes
 * fill first), pod y → Z, centred on the origin.
 */
export function chipPosition(chip: number, out = new THREE.Vector3()): THREE.Vector3 {
  const [x, y, z] = chipCoord(chip);
  const at = (v: number) => Math.floor(v / CUBE_DIM) * CUBE_PITCH + (v % CUBE_DIM) - HALF_X;
  const atZ = (v: number) => Math.floor(v / CUBE_DIM) * LAYER_PITCH + (v % CUBE_DIM) - HALF_Z;
  return out.set(at(x), -atZ(z), at(y));
}

export function cubeCenter(cube: number, out = new THREE.Vector3()): THREE.Vector3 {
  const [cx, cy, cz] = cubeCoord(cube);
  const mid = (CUBE_DIM - 1) / 2;
  return out.set(
    cx * CUBE_PITCH + mid - HALF_X,
    -(cz * LAYER_PITCH + mid - HALF_Z),
    cy * CUBE_PITCH + mid - HALF_X,
  );
}

/** Radius of a sphere around one cube (its chips and outline). */
const CUBE_RADIUS = (Math.sqrt(3) * (CUBE_DIM + 0.4)) / 2;

/** Right and up of the home view: the OCS bank stands in that plane, beside the pod, facing the camera. */
const HOME_RIGHT = new THREE.Vector3().crossVectors(new THREE.Vector3(0, 1, 0), HOME_DIR).normalize();
const HOME_UP = new THREE.Vector3().crossVectors(HOME_DIR, HOME_RIGHT).normalize();
const BANK_ROW_PITCH = 2.1;
const BANK_COL_PITCH = 4.2;
/** Centre of the OCS bank: right of the pod as seen from the home view (the legend sits on the left). */
const BANK_CENTER = HOME_RIGHT.clone()
  .multiplyScalar(HALF_X * 1.45 + 9)
  .add(new THREE.Vector3(0, -2, 0));

/** OCS `dim*16 + j` sits in column `dim` (x, y, z faces), row j from the top. */
export function ocsPosition(ocs: number, out = new THREE.Vector3()): THREE.Vector3 {
  const col = Math.floor(ocs / LINKS_PER_FACE);
  const row = ocs % LINKS_PER_FACE;
  return out
    .copy(BANK_CENTER)
    .addScaledVector(HOME_RIGHT, (col - 1) * BANK_COL_PITCH)
    .addScaledVector(HOME_UP, ((LINKS_PER_FACE - 1) / 2 - row) * BANK_ROW_PITCH);
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

/** A growable list of box outlines (or single segments) written into one LineSegments. */
class LineBuffer {
  readonly lines: THREE.LineSegments;
  private readonly pos: THREE.BufferAttribute;
  private readonly col: THREE.BufferAttribute;
  private n = 0;
  constructor(
    private readonly maxVertices: number,
    material: THREE.LineBasicMaterial,
  ) {
    const g = new THREE.BufferGeometry();
    this.pos = new THREE.BufferAttribute(new Float32Array(maxVertices * 3), 3);
    this.col = new THREE.BufferAttribute(new Float32Array(maxVertices * 3), 3);
    g.setAttribute('position', this.pos);
    g.setAttribute('color', this.col);
    g.setDrawRange(0, 0);
    this.lines = new THREE.LineSegments(g, material);
    this.lines.frustumCulled = false;
  }
  clear(): void {
    this.n = 0;
  }
  segment(a: THREE.Vector3, b: THREE.Vector3, c: THREE.Color): void {
    if (this.n + 2 > this.maxVertices) return;
    this.pos.setXYZ(this.n, a.x, a.y, a.z);
    this.col.setXYZ(this.n++, c.r, c.g, c.b);
    this.pos.setXYZ(this.n, b.x, b.y, b.z);
    this.col.setXYZ(this.n++, c.r, c.g, c.b);
  }
  box(lo: THREE.Vector3, hi: THREE.Vector3, c: THREE.Color): void {
    if (this.n + BOX_EDGE_VERTICES > this.maxVertices) return;
    const xs = [lo.x, hi.x];
    const ys = [lo.y, hi.y];
    const zs = [lo.z, hi.z];
    for (let a = 0; a < 2; a++)
      for (let b = 0; b < 2; b++) {
        this.xyz(xs[0]!, ys[a]!, zs[b]!, c);
        this.xyz(xs[1]!, ys[a]!, zs[b]!, c);
        this.xyz(xs[a]!, ys[0]!, zs[b]!, c);
        this.xyz(xs[a]!, ys[1]!, zs[b]!, c);
        this.xyz(xs[a]!, ys[b]!, zs[0]!, c);
        this.xyz(xs[a]!, ys[b]!, zs[1]!, c);
      }
  }
  /** A cube outline, `pad` chip pitches outside its chips. */
  cubeBox(cube: number, pad: number, c: THREE.Color): void {
    const p = cubeCenter(cube);
    const h = (CUBE_DIM - 1) / 2 + pad;
    this.box(new THREE.Vector3(p.x - h, p.y - h, p.z - h), new THREE.Vector3(p.x + h, p.y + h, p.z + h), c);
  }
  private xyz(x: number, y: number, z: number, c: THREE.Color): void {
    this.pos.setXYZ(this.n, x, y, z);
    this.col.setXYZ(this.n++, c.r, c.g, c.b);
  }
  commit(): void {
    this.lines.geometry.setDrawRange(0, this.n);
    this.pos.needsUpdate = true;
    this.col.needsUpdate = true;
  }
  dispose(): void {
    this.lines.geometry.dispose();
    (this.lines.material as THREE.Material).dispose();
  }
}

interface Ghost {
  from: THREE.Vector3;
  to: THREE.Vector3;
  color: THREE.Color;
  startS: number;
}

/** A move in the recent past: its receiving cubes and the switches whose xconnects it re-programmed. */
interface RecentMove {
  job: number;
  from: number[];
  /** Cubes the job left (from minus its new cubes). */
  left: number[];
  arrived: number[];
  ocs: number[];
}

interface Flight {
  fromTarget: THREE.Vector3;
  toTarget: THREE.Vector3;
  fromPos: THREE.Vector3;
  toPos: THREE.Vector3;
  startS: number;
}

interface Label {
  el: HTMLDivElement;
  at: THREE.Vector3;
  align: 'above' | 'left' | 'below';
}

export interface LabelSpec {
  text: string;
  at: THREE.Vector3;
  kind: 'down' | 'move' | 'hover' | 'selected' | 'bank' | 'note';
  color?: string;
  /** Where the label sits relative to its point: centred above it (default) or to its left. */
  align?: 'above' | 'left' | 'below';
}

export interface FrameStats {
  frameMs: number;
  renderMs: number;
  drawCalls: number;
  pixelRatio: number;
  renders: number;
  rafCallbacks: number;
}

export type Hover = { kind: 'cube'; index: number } | { kind: 'ocs'; index: number } | null;

/**
 * The OCS whose xconnects a move re-programs. A cube-granular slice is a torus whose every cube has a '+'
 * hop in each dimension (wrap-around included, through the OCS), so each newly wired cube changes hops in
 * all three dimensions: the 16 switches of each dimension carrying its faces. Sub-cube moves touch none.
 */
export function ocsOfMove(from: readonly number[], to: readonly number[]): number[] {
  const arrived = to.filter((c) => !from.includes(c));
  if (arrived.length === 0) return [];
  const dims = new Set<number>();
  for (const c of arrived) for (let d = 0; d < 3; d++) if (c >= 0) dims.add(d);
  const out: number[] = [];
  for (const d of [...dims].sort()) for (let j = 0; j < LINKS_PER_FACE; j++) out.push(d * LINKS_PER_FACE + j);
  return out;
}

export class PodScene {
  private readonly renderer: THREE.WebGLRenderer;
  private readonly scene = new THREE.Scene();
  private readonly camera: THREE.PerspectiveCamera;
  readonly controls: OrbitControls;
  private readonly chips: THREE.InstancedMesh;
  private readonly ici: THREE.LineSegments;
  private readonly switches: THREE.InstancedMesh;
  private readonly ghosts: THREE.InstancedMesh;
  private readonly outlines: THREE.LineSegments;
  /** Outlines of the blocks the sub-cube jobs hold, in their jobs' colours. */
  private readonly blocks: LineBuffer;
  /** Fibres shown now (on demand), in their cube's job colour or red for a failed switch. */
  private readonly fibres: LineBuffer;
  /** Highlight boxes: failures, a move's receiving cube, the hovered cube, the selected chip. */
  private readonly marks: LineBuffer;
  /** One invisible box per cube, for cheap hover picking. */
  private readonly cubePick: THREE.InstancedMesh;
  /** Start of each fibre: just outside its face chip. */
  private readonly fibreStart = new Float32Array(FIBRES * 3);
  private readonly chipMachine = new Int32Array(CHIPS);
  private readonly linkMachines: Int32Array;
  private readonly disposables: { dispose(): void }[] = [];
  private readonly raycaster = new THREE.Raycaster();
  private readonly activeGhosts: Ghost[] = [];
  private recentMoves: RecentMove[] = [];
  private readonly labelLayer: HTMLDivElement;
  private labels: Label[] = [];
  private flight: Flight | null = null;
  private state: PodState | null = null;
  private jobChips = new Map<number, number>();
  private selected = -1;
  private hover: Hover = null;
  private focus = -1;
  /** The camera is (flying) at the home view: a resize re-fits it. Cleared by any other camera move. */
  private atHome = true;
  private design: 'ocs' | 'static' = 'ocs';
  private allFibres = false;
  private framesTimed = 0;
  private drawn = 0;
  private rafCallbacks = 0;
  private rafId = 0;
  private lastDrawMs = 0;
  private readonly pixelRatio = Math.min(window.devicePixelRatio, 2);
  private frameMsAvg = 0;
  private renderMsAvg = 0;
  private readonly resize: ResizeObserver;
  /** Called after each drawn frame with rolling figures (the component writes them as data attributes). */
  onFrame: ((s: FrameStats) => void) | null = null;
  /** Called when the hovered cube or switch changes. */
  onHover: ((h: Hover) => void) | null = null;

  constructor(private readonly host: HTMLElement) {
    // No MSAA: software GL (CI) pays it per pixel, and the picture is mostly boxes.
    this.renderer = new THREE.WebGLRenderer({ antialias: false, powerPreference: 'high-performance' });
    this.renderer.setPixelRatio(this.pixelRatio);
    this.renderer.setClearColor(COLOR_BG);
    host.appendChild(this.renderer.domElement);
    this.labelLayer = document.createElement('div');
    this.labelLayer.className = 'tpu-labels';
    host.appendChild(this.labelLayer);
    this.camera = new THREE.PerspectiveCamera(40, 1, 0.5, 600);
    this.controls = new OrbitControls(this.camera, this.renderer.domElement);
    this.controls.enableDamping = true;
    this.controls.minDistance = 4;
    this.controls.maxDistance = 300;
    this.controls.addEventListener('change', this.invalidate);
    this.controls.addEventListener('start', this.leftHome);

    const m = new THREE.Matrix4();
    const p = new THREE.Vector3();
    // Chips: one InstancedMesh of 4096 boxes, unlit with per-face shading baked in.
    const chipGeo = shadedBox(0.72);
    const chipMat = new THREE.MeshBasicMaterial({ vertexColors: true });
    this.chips = new THREE.InstancedMesh(chipGeo, chipMat, CHIPS);
    for (let c = 0; c < CHIPS; c++) {
      this.chips.setMatrixAt(c, m.makeTranslation(chipPosition(c, p)));
      this.chips.setColorAt(c, COLOR_FREE);
      this.chipMachine[c] = machineOfChip(c);
    }
    this.scene.add(this.chips);

    // Electrical ICI links inside cubes: one LineSegments with per-vertex colours.
    const links = iciLinks();
    this.linkMachines = new Int32Array(links.count * 2);
    const iciPos = new Float32Array(links.count * 6);
    const a = new THREE.Vector3();
    const b = new THREE.Vector3();
    for (let i = 0; i < links.count; i++) {
      this.linkMachines[2 * i] = this.chipMachine[links.a[i]!]!;
      this.linkMachines[2 * i + 1] = this.chipMachine[links.b[i]!]!;
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

    // Fibre start points: a short stub out of each face chip.
    for (let cube = 0; cube < CUBES; cube++)
      for (let dim = 0; dim < 3; dim++)
        for (let side = 0; side < 2; side++)
          for (let j = 0; j < LINKS_PER_FACE; j++) {
            chipPosition(chipOfFaceLink(cube, dim as Dim, side as Side, j), a);
            const axis = dim === 0 ? 0 : dim === 1 ? 2 : 1; // pod axis → scene axis
            const outward = (side === 0 ? -0.6 : 0.6) * (axis === 1 ? -1 : 1); // scene Y runs against pod z
            a.setComponent(axis, a.getComponent(axis) + outward);
            a.toArray(this.fibreStart, fibreIndex(cube, dim, side, j) * 3);
          }
    this.fibres = new LineBuffer(FIBRES * 2, new THREE.LineBasicMaterial({ vertexColors: true }));
    this.scene.add(this.fibres.lines);

    // 48 optical circuit switches in a bank of three columns, facing the home view.
    const swGeo = new THREE.BoxGeometry(3.2, 1.5, 0.8);
    this.switches = new THREE.InstancedMesh(swGeo, new THREE.MeshBasicMaterial(), OCS_COUNT);
    this.setSwitchMatrices(new Uint8Array(OCS_COUNT));
    for (let o = 0; o < OCS_COUNT; o++) this.switches.setColorAt(o, COLOR_OCS);
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
      new THREE.LineBasicMaterial({ color: '#4a5566', transparent: true, opacity: 0.6 }),
    );
    this.scene.add(this.outlines);

    this.blocks = new LineBuffer(
      MAX_BLOCKS * BOX_EDGE_VERTICES,
      new THREE.LineBasicMaterial({ vertexColors: true }),
    );
    this.scene.add(this.blocks.lines);
    this.marks = new LineBuffer(
      MAX_MARKS * BOX_EDGE_VERTICES,
      new THREE.LineBasicMaterial({ vertexColors: true, depthTest: false }),
    );
    this.marks.lines.renderOrder = 10;
    this.scene.add(this.marks.lines);

    // Ghost cubes that fly from a failed cube to its spare during a re-wire.
    const ghostGeo = new THREE.BoxGeometry(CUBE_DIM, CUBE_DIM, CUBE_DIM);
    this.ghosts = new THREE.InstancedMesh(
      ghostGeo,
      new THREE.MeshBasicMaterial({ transparent: true, opacity: 0.45, depthWrite: false }),
      MAX_GHOSTS,
    );
    this.ghosts.count = 0;
    this.scene.add(this.ghosts);

    // Hover picking: one box per cube (not drawn).
    const pickGeo = new THREE.BoxGeometry(CUBE_DIM + 0.6, CUBE_DIM + 0.6, CUBE_DIM + 0.6);
    this.cubePick = new THREE.InstancedMesh(pickGeo, new THREE.MeshBasicMaterial(), CUBES);
    for (let c = 0; c < CUBES; c++) this.cubePick.setMatrixAt(c, m.makeTranslation(cubeCenter(c, p)));
    this.cubePick.updateMatrixWorld(true);
    this.cubePick.computeBoundingSphere();

    this.disposables.push(
      chipGeo,
      chipMat,
      iciGeo,
      this.ici.material as THREE.Material,
      swGeo,
      this.switches.material as THREE.Material,
      outGeo,
      this.outlines.material as THREE.Material,
      this.blocks,
      this.fibres,
      this.marks,
      ghostGeo,
      this.ghosts.material as THREE.Material,
      pickGeo,
      this.cubePick.material as THREE.Material,
    );

    this.renderer.domElement.addEventListener('pointermove', this.onPointerMove);
    this.renderer.domElement.addEventListener('pointerleave', this.onPointerLeave);
    this.resize = new ResizeObserver(() => this.fit());
    this.resize.observe(host);
    this.fit();
    this.placeHome(false);
    this.refreshOverlays();
  }

  private readonly leftHome = (): void => {
    this.atHome = false;
  };

  /** Ask for one frame; further frames follow only while something moves. */
  readonly invalidate = (): void => {
    if (this.rafId === 0) this.rafId = requestAnimationFrame(this.tick);
  };

  private readonly tick = (): void => {
    this.rafId = 0;
    this.rafCallbacks++;
    if (this.renderFrame()) this.invalidate();
  };

  private fit(): void {
    const w = Math.max(1, this.host.clientWidth);
    const h = Math.max(1, this.host.clientHeight);
    this.renderer.setSize(w, h, false);
    this.renderer.domElement.style.width = '100%';
    this.renderer.domElement.style.height = '100%';
    this.camera.aspect = w / h;
    const { left, right } = this.covered();
    const d = (right - left) / 2;
    if (d !== 0) this.camera.setViewOffset(w + 2 * Math.abs(d), h, d > 0 ? 2 * d : 0, 0, w, h);
    else this.camera.clearViewOffset();
    this.camera.updateProjectionMatrix();
    if (this.atHome && !this.flight) this.placeHome(false);
    this.invalidate();
  }

  /** Canvas pixels hidden under the panel and the legend (none on a narrow canvas). */
  private covered(): { left: number; right: number } {
    const w = this.host.clientWidth;
    if (w > PANEL_PX + LEGEND_PX + 360) return { left: LEGEND_PX, right: PANEL_PX };
    return w > PANEL_PX + 360 ? { left: 0, right: PANEL_PX } : { left: 0, right: 0 };
  }

  /** Distance at which a sphere of `radius` fills the uncovered part of the canvas. */
  private fitDistance(radius: number): number {
    const { left, right } = this.covered();
    const w = Math.max(1, this.host.clientWidth - left - right);
    const h = Math.max(1, this.host.clientHeight);
    const vfov = (this.camera.fov * Math.PI) / 180;
    const hfov = 2 * Math.atan(Math.tan(vfov / 2) * (w / h));
    return radius / Math.sin(Math.min(vfov, hfov) / 2);
  }

  /**
   * Camera target and position that look along `dir` and fit `pts` into the uncovered part of the canvas
   * with a margin: a few rounds of projecting and scaling the distance (perspective makes it non-linear).
   */
  private fitPoints(pts: readonly THREE.Vector3[], dir: THREE.Vector3, margin = 0.9) {
    const box = new THREE.Box3().setFromPoints(pts as THREE.Vector3[]);
    const target = box.getCenter(new THREE.Vector3());
    let dist = this.fitDistance(box.getBoundingSphere(new THREE.Sphere()).radius);
    const { left, right } = this.covered();
    const w = Math.max(1, this.host.clientWidth);
    const usable = (w - left - right) / w;
    const cam = this.camera.clone();
    const v = new THREE.Vector3();
    const up = new THREE.Vector3(0, 1, 0);
    const rightV = new THREE.Vector3();
    for (let round = 0; round < 4; round++) {
      cam.position.copy(target).addScaledVector(dir, dist);
      cam.lookAt(target);
      cam.updateMatrixWorld();
      let minX = Infinity;
      let maxX = -Infinity;
      let minY = Infinity;
      let maxY = -Infinity;
      for (const p of pts) {
        v.copy(p).project(cam);
        minX = Math.min(minX, v.x);
        maxX = Math.max(maxX, v.x);
        minY = Math.min(minY, v.y);
        maxY = Math.max(maxY, v.y);
      }
      // Re-centre: move the target by the projected centre's offset from the optical axis (where the
      // target projects), converted to world units at the target's depth by projecting unit steps.
      rightV.crossVectors(up, dir).normalize();
      const upV = new THREE.Vector3().crossVectors(dir, rightV).normalize();
      const c = target.clone().project(cam);
      const sx = target.clone().add(rightV).project(cam).x - c.x;
      const sy = target.clone().add(upV).project(cam).y - c.y;
      target.addScaledVector(rightV, ((minX + maxX) / 2 - c.x) / sx);
      target.addScaledVector(upV, ((minY + maxY) / 2 - c.y) / sy);
      const need = Math.max((maxX - minX) / 2 / usable, (maxY - minY) / 2) / margin;
      dist *= Math.max(0.5, Math.min(2, need));
    }
    return { target, pos: target.clone().addScaledVector(dir, dist) };
  }

  get canvas(): HTMLCanvasElement {
    return this.renderer.domElement;
  }

  setJobChips(jobChips: Map<number, number>): void {
    this.jobChips = jobChips;
  }

  /** Static pods have no OCS: the bank and every fibre disappear. */
  setDesign(design: 'ocs' | 'static'): void {
    if (design === this.design) return;
    this.design = design;
    this.switches.visible = design === 'ocs';
    this.recentMoves.length = 0;
    this.refreshOverlays();
    this.placeHome(true);
  }

  setAllFibres(on: boolean): void {
    this.allFibres = on;
    this.refreshOverlays();
  }

  /** Recolour everything from a pod state (cheap: typed-array writes, no new objects). */
  setState(state: PodState, selected: number): void {
    this.state = state;
    this.selected = selected;
    const cubeHit = new Uint8Array(CUBES);
    const links = iciLinks();
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
    this.outlineBlocks(state);
    this.recentMoves = state.moves
      .filter((e) => state.t - e.t <= MOVE_HIGHLIGHT_H)
      .map((e) => ({
        job: e.job,
        from: e.from,
        left: e.from.filter((c) => !e.cubes.includes(c)),
        arrived: e.cubes.filter((c) => !e.from.includes(c)),
        ocs: this.design === 'ocs' && e.kind === 'rewire' ? ocsOfMove(e.from, e.cubes) : [],
      }))
      .filter((m) => m.arrived.length > 0);
    this.refreshOverlays();
  }

  /** A box around each sub-cube job's chips, in a lighter shade of its colour. */
  private outlineBlocks(state: PodState): void {
    const lo = new THREE.Vector3();
    const hi = new THREE.Vector3();
    const p = new THREE.Vector3();
    const shade = new THREE.Color();
    this.blocks.clear();
    for (const [job, h] of state.held) {
      if (h.cubes.length > 0 || h.machines.length === 0) continue;
      lo.set(Infinity, Infinity, Infinity);
      hi.set(-Infinity, -Infinity, -Infinity);
      for (const m of h.machines)
        for (const chip of chipsOfMachine(m)) {
          chipPosition(chip, p);
          lo.min(p);
          hi.max(p);
        }
      lo.subScalar(0.47);
      hi.addScalar(0.47);
      this.blocks.box(lo, hi, shade.copy(jobColor(job)).lerp(COLOR_SELECTED, 0.35));
    }
    this.blocks.commit();
  }

  private cableLinkCache: Int32Array | null = null;
  /** Set by the component from the view model (cable index → ICI link index). */
  setCableLinks(cableLinks: Int32Array): void {
    this.cableLinkCache = cableLinks;
  }
  private cableLinkIndex(): Int32Array {
    return this.cableLinkCache ?? new Int32Array(0);
  }

  /** Failed switches drawn 1.5x larger so they stand out in the bank. */
  private setSwitchMatrices(down: Uint8Array): void {
    const m = new THREE.Matrix4();
    const q = new THREE.Quaternion().setFromRotationMatrix(
      new THREE.Matrix4().lookAt(HOME_DIR, new THREE.Vector3(), new THREE.Vector3(0, 1, 0)),
    );
    const p = new THREE.Vector3();
    for (let o = 0; o < OCS_COUNT; o++) {
      const s = down[o] ? 1.5 : 1;
      m.compose(ocsPosition(o, p), q, new THREE.Vector3(s, s, s));
      this.switches.setMatrixAt(o, m);
    }
    this.switches.instanceMatrix.needsUpdate = true;
    this.switches.computeBoundingSphere();
  }

  /**
   * Rebuild what depends on state, hover, selection and recent moves: switch colours, the fibres shown,
   * highlight boxes and labels. Cheap (a few hundred segments at most unless all fibres are on).
   */
  private refreshOverlays(): void {
    const s = this.state;
    const ocs = this.design === 'ocs';
    const color = new THREE.Color();
    const labels: LabelSpec[] = [];

    // Switches: red when down, lit in the job's colour while a move re-programs them.
    const lit = new Map<number, number>();
    for (const mv of this.recentMoves) for (const o of mv.ocs) lit.set(o, mv.job);
    const ocsDown = s?.ocsDown ?? new Uint8Array(OCS_COUNT);
    this.setSwitchMatrices(ocsDown);
    for (let o = 0; o < OCS_COUNT; o++) {
      const job = lit.get(o);
      const hovered = this.hover?.kind === 'ocs' && this.hover.index === o;
      const c = ocsDown[o]
        ? COLOR_DOWN
        : job !== undefined
          ? color.copy(COLOR_OCS).lerp(jobColor(job), 0.8)
          : hovered
            ? color.copy(COLOR_OCS).lerp(COLOR_HOVER, 0.6)
            : COLOR_OCS;
      this.switches.setColorAt(o, c);
    }
    this.switches.instanceColor!.needsUpdate = true;

    // Fibres on demand.
    this.fibres.clear();
    if (ocs) {
      const shown = new Uint8Array(FIBRES);
      const a = new THREE.Vector3();
      const b = new THREE.Vector3();
      const add = (cube: number, dim: number, side: number, j: number, c: THREE.Color) => {
        const k = fibreIndex(cube, dim, side, j);
        if (shown[k]) return;
        shown[k] = 1;
        a.fromArray(this.fibreStart, k * 3);
        ocsPosition(ocsPortOf(cube, dim as Dim, side as Side, j).ocs, b);
        this.fibres.segment(a, b, c);
      };
      const cubeColor = (cube: number, dim: number, j: number, strength: number) => {
        const o = dim * LINKS_PER_FACE + j;
        if (ocsDown[o]) return color.copy(COLOR_DOWN);
        const job = s ? s.cubeJob[cube]! : -1;
        return job >= 0
          ? color.copy(jobColor(job)).lerp(COLOR_BG, 1 - strength)
          : color.copy(COLOR_FIBRE).lerp(COLOR_BG, 1 - strength);
      };
      const cubeFibres = (cube: number, strength: number) => {
        for (let dim = 0; dim < 3; dim++)
          for (let side = 0; side < 2; side++)
            for (let j = 0; j < LINKS_PER_FACE; j++)
              add(cube, dim, side, j, cubeColor(cube, dim, j, strength));
      };
      const switchFibres = (o: number, c: THREE.Color | null, strength: number) => {
        const dim = Math.floor(o / LINKS_PER_FACE);
        const j = o % LINKS_PER_FACE;
        for (let cube = 0; cube < CUBES; cube++)
          for (let side = 0; side < 2; side++)
            add(cube, dim, side, j, c ?? cubeColor(cube, dim, j, strength));
      };
      for (const mv of this.recentMoves)
        for (const cube of mv.arrived)
          for (let dim = 0; dim < 3; dim++)
            for (let side = 0; side < 2; side++)
              for (let j = 0; j < LINKS_PER_FACE; j++)
                if (mv.ocs.includes(dim * LINKS_PER_FACE + j))
                  add(cube, dim, side, j, color.copy(jobColor(mv.job)));
      if (this.hover?.kind === 'cube') cubeFibres(this.hover.index, 0.9);
      if (this.hover?.kind === 'ocs') switchFibres(this.hover.index, null, 0.9);
      if (this.selected >= 0) {
        const chip = this.selected;
        const cube = cubeOfChip(chip);
        for (let dim = 0; dim < 3; dim++)
          for (let side = 0; side < 2; side++)
            for (let j = 0; j < LINKS_PER_FACE; j++)
              if (chipOfFaceLink(cube, dim as Dim, side as Side, j) === chip)
                add(cube, dim, side, j, color.copy(COLOR_SELECTED));
      }
      for (let o = 0; o < OCS_COUNT; o++)
        if (ocsDown[o]) switchFibres(o, color.copy(COLOR_DOWN).lerp(COLOR_BG, 0.35), 1);
      if (this.allFibres) for (let cube = 0; cube < CUBES; cube++) cubeFibres(cube, 0.3);
    }
    this.fibres.commit();

    // Highlight boxes and labels.
    this.marks.clear();
    const p = new THREE.Vector3();
    const above = (cube: number) => cubeCenter(cube, new THREE.Vector3()).add(new THREE.Vector3(0, 3.2, 0));
    if (s) {
      const downCubes = new Set<number>();
      for (let m = 0; m < MACHINES; m++) {
        if (!s.machineDown[m]) continue;
        const cube = cubeOfMachine(m);
        const lo = new THREE.Vector3(Infinity, Infinity, Infinity);
        const hi = new THREE.Vector3(-Infinity, -Infinity, -Infinity);
        for (const chip of chipsOfMachine(m)) {
          chipPosition(chip, p);
          lo.min(p);
          hi.max(p);
        }
        this.marks.box(lo.subScalar(0.55), hi.addScalar(0.55), COLOR_DOWN);
        if (!downCubes.has(cube)) labels.push({ text: `machine ${m} down`, at: above(cube), kind: 'down' });
        downCubes.add(cube);
      }
      const links = iciLinks();
      const cableLink = this.cableLinkIndex();
      for (let i = 0; i < s.cableDown.length; i++) {
        if (!s.cableDown[i]) continue;
        const cube = links.cube[cableLink[i]!]!;
        downCubes.add(cube);
        labels.push({ text: `ICI cable ${i} down`, at: above(cube), kind: 'down' });
      }
      for (const cube of downCubes) {
        this.marks.cubeBox(cube, 0.7, COLOR_DOWN);
        this.marks.cubeBox(cube, 0.85, COLOR_DOWN);
      }
      if (ocs)
        for (let o = 0; o < OCS_COUNT; o++)
          if (ocsDown[o])
            labels.push({
              text: `OCS ${o} down: 1 link of every cube's ${'xyz'[Math.floor(o / LINKS_PER_FACE)]} faces`,
              at: bankLeft(o),
              align: 'left',
              kind: 'down',
            });
    }
    for (const mv of this.recentMoves)
      for (const cube of mv.arrived) {
        const c = jobColor(mv.job);
        this.marks.cubeBox(cube, 0.7, c);
        this.marks.cubeBox(cube, 0.85, c);
        this.marks.cubeBox(cube, 1.0, COLOR_SELECTED);
        const from = mv.left;
        labels.push({
          text: `job ${mv.job} → cube ${cube}${from.length ? ` (from ${from.join(',')})` : ''}${
            mv.ocs.length ? `; ${mv.ocs.length} OCS re-programmed` : ''
          }`,
          at: above(cube).add(new THREE.Vector3(0, 1.2, 0)),
          kind: 'move',
          color: jobColorCss(mv.job),
        });
      }
    if (this.hover?.kind === 'cube') {
      const cube = this.hover.index;
      this.marks.cubeBox(cube, 0.6, COLOR_HOVER);
      labels.push({
        text: this.cubeLabel(cube),
        at: cubeCenter(cube, new THREE.Vector3()).add(new THREE.Vector3(0, -3, 0)),
        kind: 'hover',
        align: 'below',
      });
    } else if (this.hover?.kind === 'ocs') {
      const o = this.hover.index;
      labels.push({
        text: `OCS ${o}: link ${o % LINKS_PER_FACE} of the ${'xyz'[Math.floor(o / LINKS_PER_FACE)]} faces of all 64 cubes (128 fibres)`,
        at: bankLeft(o),
        align: 'left',
        kind: 'hover',
      });
    }
    if (this.selected >= 0) {
      chipPosition(this.selected, p);
      const lo = p.clone().subScalar(0.6);
      const hi = p.clone().addScalar(0.6);
      this.marks.box(lo, hi, COLOR_SELECTED);
      this.marks.box(lo.subScalar(0.15), hi.addScalar(0.15), COLOR_SELECTED);
      const top = p.clone().add(new THREE.Vector3(0, 6, 0));
      this.marks.segment(p.clone().add(new THREE.Vector3(0, 0.75, 0)), top, COLOR_SELECTED);
      labels.push({ text: `chip ${this.selected}`, at: top, kind: 'selected' });
    }
    this.marks.commit();
    if (ocs) {
      for (let d = 0; d < 3; d++)
        labels.push({
          text: 'xyz'[d]!,
          at: ocsPosition(d * LINKS_PER_FACE, new THREE.Vector3()).addScaledVector(HOME_UP, 1.3),
          kind: 'bank',
        });
      labels.push({
        text: '48 OCS (x, y, z faces)',
        at: ocsPosition(LINKS_PER_FACE, new THREE.Vector3()).addScaledVector(HOME_UP, 3.3),
        kind: 'bank',
      });
    }
    labels.push({ text: 'cube 0', at: cubeCenter(0).add(new THREE.Vector3(0, 3, 0)), kind: 'note' });
    this.setLabels(labels);
    this.invalidate();
  }

  private cubeLabel(cube: number): string {
    const s = this.state;
    if (!s) return `cube ${cube}`;
    const job = s.cubeJob[cube]!;
    if (job >= 0) {
      const chips = this.jobChips.get(job);
      return `cube ${cube}: job ${job}${chips ? ` (${chips} chips)` : ''}${this.design === 'ocs' ? ' · 96 fibres' : ''}`;
    }
    const jobs = new Set<number>();
    let free = 0;
    for (const m of machinesOfCube(cube)) {
      if (s.machineJob[m]! >= 0) jobs.add(s.machineJob[m]!);
      else free++;
    }
    if (jobs.size === 0) return `cube ${cube}: free (spare)`;
    return `cube ${cube}: sub-cube job${jobs.size > 1 ? 's' : ''} ${[...jobs].join(', ')}; ${free} machines free`;
  }

  private setLabels(specs: LabelSpec[]): void {
    while (this.labels.length < specs.length) {
      const el = document.createElement('div');
      this.labelLayer.appendChild(el);
      this.labels.push({ el, at: new THREE.Vector3(), align: 'above' });
    }
    while (this.labels.length > specs.length) this.labels.pop()!.el.remove();
    specs.forEach((sp, i) => {
      const l = this.labels[i]!;
      l.at.copy(sp.at);
      l.align = sp.align ?? 'above';
      if (l.el.textContent !== sp.text) l.el.textContent = sp.text;
      l.el.className = `tpu-label tpu-label-${sp.kind}`;
      l.el.style.color = sp.color ?? '';
      l.el.dataset.kind = sp.kind;
    });
  }

  private placeLabels(): void {
    const w = this.host.clientWidth;
    const h = this.host.clientHeight;
    const v = new THREE.Vector3();
    for (const l of this.labels) {
      v.copy(l.at).project(this.camera);
      if (v.z > 1 || v.z < -1) {
        l.el.style.display = 'none';
        continue;
      }
      l.el.style.display = '';
      const x = ((v.x + 1) / 2) * w;
      const y = ((1 - v.y) / 2) * h;
      l.el.style.transform = `translate(${x.toFixed(1)}px, ${y.toFixed(1)}px) ${ANCHOR[l.align]}`;
    }
  }

  /** Fly a ghost of the job from each cube it left to the cube that replaced it (the highlight comes from the state). */
  animateMove(job: number, from: readonly number[], to: readonly number[]): void {
    const now = this.now();
    const left = from.filter((c) => !to.includes(c));
    const arrived = to.filter((c) => !from.includes(c));
    if (arrived.length === 0) return;
    for (let i = 0; i < Math.min(left.length, arrived.length); i++) {
      if (this.activeGhosts.length >= MAX_GHOSTS) this.activeGhosts.shift();
      this.activeGhosts.push({
        from: cubeCenter(left[i]!),
        to: cubeCenter(arrived[i]!),
        color: jobColor(job).clone(),
        startS: now,
      });
    }
    this.invalidate();
  }

  /** Hovered cube or switch under a client-space point. */
  private pickHover(clientX: number, clientY: number): Hover {
    this.setRay(clientX, clientY);
    const hits: THREE.Intersection[] = [];
    if (this.design === 'ocs') this.raycaster.intersectObject(this.switches, false, hits);
    const sw = hits[0]?.instanceId;
    if (sw !== undefined) return { kind: 'ocs', index: sw };
    const cube = this.raycaster.intersectObject(this.cubePick, false)[0]?.instanceId;
    return cube !== undefined ? { kind: 'cube', index: cube } : null;
  }

  private readonly onPointerMove = (ev: PointerEvent): void => {
    if (ev.buttons !== 0) return; // orbiting
    const h = this.pickHover(ev.clientX, ev.clientY);
    if (h?.kind === this.hover?.kind && h?.index === this.hover?.index) return;
    this.hover = h;
    this.onHover?.(h);
    this.refreshOverlays();
  };

  private readonly onPointerLeave = (): void => {
    if (!this.hover) return;
    this.hover = null;
    this.onHover?.(null);
    this.refreshOverlays();
  };

  private setRay(clientX: number, clientY: number): void {
    const rect = this.renderer.domElement.getBoundingClientRect();
    const ndc = new THREE.Vector2(
      ((clientX - rect.left) / rect.width) * 2 - 1,
      -((clientY - rect.top) / rect.height) * 2 + 1,
    );
    this.raycaster.setFromCamera(ndc, this.camera);
  }

  /** Chip under a client-space point, or -1. */
  pick(clientX: number, clientY: number): number {
    this.setRay(clientX, clientY);
    const hit = this.raycaster.intersectObject(this.chips, false)[0];
    return hit?.instanceId ?? -1;
  }

  /** Client-space position of a cube's centre (for tests and tools). */
  cubeScreen(cube: number): { x: number; y: number } {
    const v = cubeCenter(cube).project(this.camera);
    const rect = this.renderer.domElement.getBoundingClientRect();
    return { x: rect.left + ((v.x + 1) / 2) * rect.width, y: rect.top + ((1 - v.y) / 2) * rect.height };
  }

  /** Shrink every cube but `cube` to dots (or restore all with -1), so a zoomed cube is never walled in. */
  private setFocus(cube: number): void {
    if (cube === this.focus) return;
    this.focus = cube;
    const m = new THREE.Matrix4();
    const p = new THREE.Vector3();
    const small = new THREE.Vector3(0.3, 0.3, 0.3);
    const one = new THREE.Vector3(1, 1, 1);
    const q = new THREE.Quaternion();
    for (let c = 0; c < CHIPS; c++) {
      const keep = cube < 0 || cubeOfChip(c) === cube;
      this.chips.setMatrixAt(c, m.compose(chipPosition(c, p), q, keep ? one : small));
    }
    this.chips.instanceMatrix.needsUpdate = true;
    this.ici.visible = cube < 0;
    this.blocks.lines.visible = cube < 0;
  }

  /** Zoom to one cube, from outside the pod on its side; the other cubes shrink to dots meanwhile. */
  focusCube(cube: number): void {
    this.setFocus(cube);
    const c = cubeCenter(cube);
    const out = c.clone().sub(POD_CENTER);
    const dir = out.lengthSq() > 1 ? out.normalize().lerp(HOME_DIR, 0.5).normalize() : HOME_DIR.clone();
    if (dir.y < 0.25) dir.setY(0.25).normalize();
    this.flyTo(c, c.clone().addScaledVector(dir, this.fitDistance(CUBE_RADIUS) * 1.25));
  }

  /**
   * Frame a set of cubes (and switches) from outside the pod: a failure's cube, a move's old and new cubes.
   * The camera keeps the home direction so the picture stays familiar.
   */
  frame(cubes: readonly number[], switches: readonly number[] = []): void {
    if (cubes.length === 0 && switches.length === 0) return;
    // A switch failure touches a link of every cube: the whole pod with the bank is its frame.
    if (cubes.length === 0) {
      this.resetCamera();
      return;
    }
    this.setFocus(-1);
    // What must show: each cube's silhouette, and each switch with the room its label takes above it.
    const pts: THREE.Vector3[] = [];
    for (const c of cubes)
      for (const sx of [-1, 1])
        for (const sy of [-1, 1])
          pts.push(
            cubeCenter(c)
              .addScaledVector(HOME_RIGHT, sx * CUBE_RADIUS)
              .addScaledVector(HOME_UP, sy * CUBE_RADIUS),
          );
    for (const o of switches)
      for (const sx of [-1.8, 1.8])
        for (const sy of [-1, 3.5])
          pts.push(ocsPosition(o).addScaledVector(HOME_RIGHT, sx).addScaledVector(HOME_UP, sy));
    // Fit them into the part of the canvas the panel and the legend leave (not a sphere: the bank is tall
    // and narrow, and a sphere around it and the cubes leaves the cubes tiny).
    const { target, pos } = this.fitPoints(pts, HOME_DIR, 0.9);
    // Far enough to stand outside the pod's bounding sphere along the view direction (no wall of cubes),
    // and never closer than a 9-unit sphere needs (one cube is not blown up to fill the view).
    const t = target.dot(HOME_DIR);
    const podR = Math.hypot(HALF_X, HALF_Z, HALF_X) + CUBE_RADIUS;
    const outside = -t + Math.sqrt(Math.max(0, t * t - target.lengthSq() + podR * podR));
    const dist = Math.max(pos.distanceTo(target), this.fitDistance(9) * 1.1, outside + 4);
    this.flyTo(target, target.clone().addScaledVector(HOME_DIR, dist));
  }

  private homeView(): { target: THREE.Vector3; pos: THREE.Vector3 } {
    const pts: THREE.Vector3[] = [];
    for (const x of [-HALF_X - 0.5, HALF_X + 0.5])
      for (const y of [-HALF_Z - 0.5, HALF_Z + 0.5])
        for (const z of [-HALF_X - 0.5, HALF_X + 0.5]) pts.push(new THREE.Vector3(x, y, z));
    if (this.design === 'ocs')
      for (const o of [0, 15, 32, 47])
        for (const sx of [-1.8, 1.8])
          for (const sy of [-1, 3.5])
            pts.push(ocsPosition(o).addScaledVector(HOME_RIGHT, sx).addScaledVector(HOME_UP, sy));
    return this.fitPoints(pts, HOME_DIR, 0.94);
  }

  private placeHome(animate: boolean): void {
    const { target, pos } = this.homeView();
    this.atHome = true;
    if (animate) {
      this.flyTo(target, pos, true);
      return;
    }
    this.controls.target.copy(target);
    this.camera.position.copy(pos);
    this.controls.update();
    this.invalidate();
  }

  resetCamera(): void {
    this.setFocus(-1);
    this.placeHome(true);
  }

  private flyTo(target: THREE.Vector3, pos: THREE.Vector3, home = false): void {
    this.atHome = home;
    this.flight = {
      fromTarget: this.controls.target.clone(),
      toTarget: target.clone(),
      fromPos: this.camera.position.clone(),
      toPos: pos.clone(),
      startS: this.now(),
    };
    this.invalidate();
  }

  /**
   * Draw one frame. Returns whether another frame is needed (camera flight, damping, a ghost or a
   * highlight about to expire); when it returns false the scene stays still and no loop runs.
   */
  private renderFrame(): boolean {
    const nowS = this.now();
    let more = false;
    if (this.flight) {
      const f = Math.min(1, (nowS - this.flight.startS) / FLIGHT_S);
      const e = f < 0.5 ? 2 * f * f : 1 - Math.pow(-2 * f + 2, 2) / 2;
      this.controls.target.lerpVectors(this.flight.fromTarget, this.flight.toTarget, e);
      this.camera.position.lerpVectors(this.flight.fromPos, this.flight.toPos, e);
      if (f >= 1) this.flight = null;
      else more = true;
    }
    // With damping, update() keeps returning true while the camera still drifts after a drag.
    if (this.controls.update()) more = true;

    const t0 = performance.now();
    const m = new THREE.Matrix4();
    const p = new THREE.Vector3();
    let n = 0;
    for (let i = this.activeGhosts.length - 1; i >= 0; i--) {
      const g = this.activeGhosts[i]!;
      const f = (nowS - g.startS) / MOVE_SECONDS;
      if (f >= 1) {
        this.activeGhosts.splice(i, 1);
        continue;
      }
      const e = f < 0.5 ? 2 * f * f : 1 - Math.pow(-2 * f + 2, 2) / 2;
      p.lerpVectors(g.from, g.to, e);
      p.y += Math.sin(Math.PI * e) * 8;
      this.ghosts.setMatrixAt(n, m.makeTranslation(p));
      this.ghosts.setColorAt(n, g.color);
      n++;
      more = true;
    }
    this.ghosts.count = n;
    this.ghosts.instanceMatrix.needsUpdate = true;
    if (this.ghosts.instanceColor) this.ghosts.instanceColor.needsUpdate = true;
    this.renderer.render(this.scene, this.camera);
    this.placeLabels();
    const endMs = performance.now();
    const renderMs = endMs - t0;
    // Frame time: the interval between consecutive drawn frames of one animation (not idle gaps).
    if (this.lastDrawMs > 0 && endMs - this.lastDrawMs < 250) {
      this.framesTimed++;
      const w = this.framesTimed < 10 ? 1 / this.framesTimed : 0.1;
      this.frameMsAvg += (endMs - this.lastDrawMs - this.frameMsAvg) * w;
    }
    this.drawn++;
    const w = this.drawn < 10 ? 1 / this.drawn : 0.1;
    this.renderMsAvg += (renderMs - this.renderMsAvg) * w;
    this.lastDrawMs = endMs;
    this.onFrame?.({
      frameMs: this.frameMsAvg,
      renderMs: this.renderMsAvg,
      drawCalls: this.renderer.info.render.calls,
      pixelRatio: this.pixelRatio,
      renders: this.drawn,
      rafCallbacks: this.rafCallbacks,
    });
    return more;
  }

  private now(): number {
    return performance.now() / 1000;
  }

  dispose(): void {
    if (this.rafId) cancelAnimationFrame(this.rafId);
    this.rafId = 0;
    this.resize.disconnect();
    this.renderer.domElement.removeEventListener('pointermove', this.onPointerMove);
    this.renderer.domElement.removeEventListener('pointerleave', this.onPointerLeave);
    this.controls.removeEventListener('change', this.invalidate);
    this.controls.removeEventListener('start', this.leftHome);
    this.controls.dispose();
    for (const d of this.disposables) d.dispose();
    this.chips.dispose();
    this.switches.dispose();
    this.ghosts.dispose();
    this.cubePick.dispose();
    this.renderer.dispose();
    this.renderer.domElement.remove();
    this.labelLayer.remove();
  }
}

const ANCHOR = {
  above: 'translate(-50%, -100%)',
  left: 'translate(-100%, -50%)',
  below: 'translate(-50%, 0)',
} as const;

/** Just left of the bank, on the row of switch `o`: where its labels point from. */
function bankLeft(o: number): THREE.Vector3 {
  return ocsPosition(o % LINKS_PER_FACE).addScaledVector(HOME_RIGHT, -2.4);
}

function fibreIndex(cube: number, dim: number, side: number, j: number): number {
  return ((cube * 3 + dim) * 2 + side) * LINKS_PER_FACE + j;
}
