// System availability over a failure trace: the share of time in which the pod's healthy hardware can
// form the slices that users ask for (Resiliency at Scale: "99.98% system availability", credited to
// dynamic reconfiguration). A property of the hardware state alone, with no job in it: a slice counts as
// available when it could be placed on an otherwise empty pod, as in tpu-availability, but here with the
// failure trace's real up and down times instead of independent per-machine draws.
import { CUBES, MACHINES, cubeOfMachine, iciCables, iciLinks, CHIPS_PER_CUBE } from './topology';
import type { StaticOrientation } from './slices';
import { staticPlacements } from './availability';
import type { CubeMask } from './availability';
import { subCubeBlocks } from './subcube';
import type { Design } from './pod';
import { shapeForChips } from './failures';
import type { FailureEvent } from './failures';

export interface SystemAvailability {
  /** Per requested slice size (chips): share of [0, horizon) in which it can be formed. */
  bySize: Map<number, number>;
  /** The mix's job-weighted mean of bySize: the system availability we compare with the paper's. */
  system: number;
  /** Share of cube-hours in which the cube has no failed machine or cable (usable by a cube-granular slice). */
  cube: number;
  /** Share of machine-hours in which the machine is up ("host availability" of tpu-availability). */
  host: number;
}

/**
 * Down intervals of machines and ICI cables as the simulator has them: a component is down from its failure
 * until detection + repair time later (the Pod Manager schedules the repair when it learns of the failure);
 * a failure of a component that is already down changes nothing. OCS failures are left out: with
 * fault-tolerant routing a slice can still be formed across a failed switch, only slower (tpu-failures'
 * handling); a static pod has no OCS.
 */
function downIntervals(
  failures: readonly FailureEvent[],
  detectH: number,
  horizonH: number,
): { kind: 'machine' | 'cable'; target: number; from: number; to: number }[] {
  const downUntil = new Map<string, number>();
  const out: { kind: 'machine' | 'cable'; target: number; from: number; to: number }[] = [];
  for (const f of failures) {
    if (f.kind === 'ocs' || f.timeH >= horizonH) continue;
    const key = `${f.kind}:${f.target}`;
    if ((downUntil.get(key) ?? -1) > f.timeH) continue;
    const to = f.timeH + detectH + f.repairH;
    downUntil.set(key, to);
    out.push({ kind: f.kind, target: f.target, from: f.timeH, to });
  }
  return out;
}

/**
 * Sweep the trace: between consecutive failure and repair times the hardware state is constant, and each
 * requested size is available or not for the whole stretch. Reconfigurable pod: a slice of k cubes needs
 * k cubes with no failed machine or cable (the OCS can join any cubes). Static pod: some cube-aligned
 * contiguous block of healthy cubes in an orientation the rule allows (any, by default). Sub-cube slices (both designs): some aligned block
 * of healthy machines, with healthy cables inside, in some cube.
 */
export function systemAvailability(
  failures: readonly FailureEvent[],
  opts: {
    design: Design;
    horizonH: number;
    detectH: number;
    sizes: readonly number[];
    weights: readonly number[];
    /** The static pod's orientation rule (slices.ts); 'any' unless given, as in the pod simulator. */
    staticOrientation?: StaticOrientation;
  },
): SystemAvailability {
  const { design, horizonH, sizes, weights } = opts;
  const intervals = downIntervals(failures, opts.detectH, horizonH);
  const edges: { t: number; delta: 1 | -1; kind: 'machine' | 'cable'; target: number }[] = [];
  for (const iv of intervals) {
    edges.push({ t: iv.from, delta: 1, kind: iv.kind, target: iv.target });
    if (iv.to < horizonH) edges.push({ t: iv.to, delta: -1, kind: iv.kind, target: iv.target });
  }
  edges.sort((a, b) => a.t - b.t || a.delta - b.delta);

  const cables = iciCables();
  const links = iciLinks();
  const machineDown = new Uint8Array(MACHINES);
  const cableDown = new Uint8Array(cables.length);
  const cubeDown = new Int32Array(CUBES);
  const staticMasks = new Map<number, CubeMask[]>();
  for (const chips of sizes) {
    if (chips >= CHIPS_PER_CUBE && design === 'static')
      staticMasks.set(chips, staticPlacements(shapeForChips(chips)!, opts.staticOrientation ?? 'any'));
  }

  const availableNow = (chips: number, healthyCubes: number, badLo: number, badHi: number): boolean => {
    if (chips < CHIPS_PER_CUBE) {
      return subCubeBlocks(chips).some(
        (b) => b.machines.every((m) => !machineDown[m]) && b.cables.every((c) => !cableDown[c]),
      );
    }
    if (design === 'ocs') return healthyCubes >= chips / CHIPS_PER_CUBE;
    return staticMasks.get(chips)!.some((m) => (m.lo & badLo) === 0 && (m.hi & badHi) === 0);
  };

  const upTime = new Map<number, number>(sizes.map((s) => [s, 0]));
  let cubeHours = 0;
  let machineHours = 0;
  let machinesDown = 0;
  let last = 0;
  const accumulate = (until: number) => {
    const dt = Math.min(until, horizonH) - last;
    if (dt <= 0) return;
    let healthy = 0;
    let badLo = 0;
    let badHi = 0;
    for (let c = 0; c < CUBES; c++) {
      if (cubeDown[c] === 0) healthy++;
      else if (c < 32) badLo |= 1 << c;
      else badHi |= 1 << (c - 32);
    }
    for (const s of upTime.keys())
      if (availableNow(s, healthy, badLo, badHi)) upTime.set(s, upTime.get(s)! + dt);
    cubeHours += healthy * dt;
    machineHours += (MACHINES - machinesDown) * dt;
    last = Math.min(until, horizonH);
  };
  for (const e of edges) {
    accumulate(e.t);
    const cube = e.kind === 'machine' ? cubeOfMachine(e.target) : links.cube[cables[e.target]!]!;
    cubeDown[cube]! += e.delta;
    if (e.kind === 'machine') {
      machineDown[e.target] = e.delta > 0 ? 1 : 0;
      machinesDown += e.delta;
    } else {
      cableDown[e.target] = e.delta > 0 ? 1 : 0;
    }
  }
  accumulate(horizonH);

  const bySize = new Map<number, number>();
  for (const [s, up] of upTime) bySize.set(s, horizonH > 0 ? up / horizonH : 1);
  let system = 0;
  let total = 0;
  sizes.forEach((s, i) => {
    system += weights[i]! * bySize.get(s)!;
    total += weights[i]!;
  });
  return {
    bySize,
    system: total > 0 ? system / total : 1,
    cube: horizonH > 0 ? cubeHours / (CUBES * horizonH) : 1,
    host: horizonH > 0 ? machineHours / (MACHINES * horizonH) : 1,
  };
}
