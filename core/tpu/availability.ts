// Slice availability on an otherwise idle pod whose machines are each healthy with probability p
// (Resiliency at Scale §2.2, the static-vs-reconfigurable argument): the static rule (a contiguous,
// cube-aligned healthy block), the reconfigurable rule (any k healthy cubes), Monte Carlo and exact values.
import type { AvailabilityProblem, ComputeBackend } from '../compute/backend';
import { addAvailabilityCounts, gapThresholds } from '../compute/availabilityCounts';
import type { Rng } from '../kernel/rng';
import {
  CUBES,
  MACHINES,
  MACHINES_PER_CUBE,
  MACHINE_GRID_X,
  MACHINE_GRID_Y,
  POD_DIM,
  cubeOfMachine,
  CHIPS_PER_CUBE,
} from './topology';
import type { Shape, StaticOrientation } from './slices';
import { staticBlocks } from './slices';

/** A set of cubes as a 64-bit mask in two 32-bit halves (cubes 0..31 in lo, 32..63 in hi). */
export interface CubeMask {
  lo: number;
  hi: number;
}

/**
 * The cube masks of every placement of `shape` under the static rule (slices.ts staticBlocks): offsets that
 * are multiples of 4 chips, without wrap-around, in the orientations `rule` allows ('fixed' by default: the
 * slice keeps its orientation). Because offsets are multiples of 4 and machines (2x2x1) never straddle
 * cubes, a placement covers exactly whole cubes: it is available iff all machines of those cubes are
 * healthy (checked against machine-level prefix sums in the tests).
 */
export function staticPlacements(shape: Shape, rule: StaticOrientation = 'fixed'): CubeMask[] {
  return staticBlocks(shape, rule).map(({ cubes }) => {
    let lo = 0;
    let hi = 0;
    for (const c of cubes) {
      if (c < 32) lo |= 1 << c;
      else hi |= 1 << (c - 32);
    }
    return { lo: lo | 0, hi: hi | 0 };
  });
}

function popcount32(x: number): number {
  x = x - ((x >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) & 0xff;
}

/**
 * Unhealthy machines of one pod draw, each independently unhealthy with probability q = 1 - p, by geometric
 * skipping (the gap to the next unhealthy machine is Geometric(q)): exact, and about 1024·q + 1 draws
 * instead of 1024. Writes machine ids into `out` and returns how many. Draws from the kernel Rng in float
 * arithmetic: the machine-level tests use it for random pods; the Monte Carlo below uses the integer,
 * Philox-keyed form of the same skipping (core/compute/availabilityCounts.ts) so a GPU can reproduce it.
 */
export function sampleUnhealthyMachines(rng: Rng, q: number, out: Int32Array): number {
  if (q <= 0) return 0;
  if (q >= 1) {
    for (let m = 0; m < MACHINES; m++) out[m] = m;
    return MACHINES;
  }
  const logKeep = Math.log1p(-q);
  let n = 0;
  let pos = -1;
  for (;;) {
    const u = 1 - rng.float(); // (0, 1]
    pos += 1 + Math.floor(Math.log(u) / logKeep);
    if (pos >= MACHINES) return n;
    out[n++] = pos;
  }
}

/**
 * Reference check of the static rule at machine level: 3D prefix sums of unhealthy-machine counts over the
 * 8x8x16 machine grid, every chip offset that is a multiple of 4 in each dimension, no wrap-around.
 */
export function staticAvailableByMachines(unhealthy: Uint8Array, shape: Shape): boolean {
  const X = MACHINE_GRID_X;
  const Y = MACHINE_GRID_Y;
  const Z = POD_DIM;
  const S = new Int32Array((X + 1) * (Y + 1) * (Z + 1));
  const at = (x: number, y: number, z: number) => x + (X + 1) * (y + (Y + 1) * z);
  for (let z = 1; z <= Z; z++)
    for (let y = 1; y <= Y; y++)
      for (let x = 1; x <= X; x++) {
        const v = unhealthy[x - 1 + X * (y - 1 + Y * (z - 1))]!;
        S[at(x, y, z)] =
          v +
          S[at(x - 1, y, z)]! +
          S[at(x, y - 1, z)]! +
          S[at(x, y, z - 1)]! -
          S[at(x - 1, y - 1, z)]! -
          S[at(x - 1, y, z - 1)]! -
          S[at(x, y - 1, z - 1)]! +
          S[at(x - 1, y - 1, z - 1)]!;
      }
  const [A, B, C] = shape;
  const mx = A / 2; // machines along x (2 chips each)
  const my = B / 2;
  for (let oz = 0; oz + C <= POD_DIM; oz += 4)
    for (let oy = 0; oy + B <= POD_DIM; oy += 4)
      for (let ox = 0; ox + A <= POD_DIM; ox += 4) {
        const x0 = ox / 2;
        const y0 = oy / 2;
        const x1 = x0 + mx;
        const y1 = y0 + my;
        const z0 = oz;
        const z1 = oz + C;
        const bad =
          S[at(x1, y1, z1)]! -
          S[at(x0, y1, z1)]! -
          S[at(x1, y0, z1)]! -
          S[at(x1, y1, z0)]! +
          S[at(x0, y0, z1)]! +
          S[at(x0, y1, z0)]! +
          S[at(x1, y0, z0)]! -
          S[at(x0, y0, z0)]!;
        if (bad === 0) return true;
      }
  return false;
}

export interface AvailabilityEstimate {
  sizes: number[];
  /** Fraction of trials in which the slice could be placed, per size. */
  staticAvail: number[];
  ocsAvail: number[];
  /** The same as counts of trials (what CPU and GPU must agree on exactly). */
  staticHits: number[];
  ocsHits: number[];
  trials: number;
  /** Kernel time the backend measured (only when a compute backend ran it). */
  ms?: number;
}

/**
 * The Monte Carlo as a kernel problem (core/compute/backend.ts AvailabilityProblem): a Philox key of two words
 * drawn from `rng`, geometric-skip thresholds for host availability p, the machine → cube map, and every
 * size's static placements as cube masks.
 */
export function availabilityProblem(
  rng: Rng,
  hostAvailability: number,
  shapes: readonly Shape[],
  trials: number,
  rule: StaticOrientation = 'fixed',
): AvailabilityProblem {
  const key: [number, number] = [rng.int(0, 0xffffffff), rng.int(0, 0xffffffff)];
  const cubeOf = new Uint32Array(MACHINES);
  for (let m = 0; m < MACHINES; m++) cubeOf[m] = cubeOfMachine(m);
  const all = shapes.map((sh) => staticPlacements(sh, rule));
  const placementStart = new Uint32Array(shapes.length + 1);
  all.forEach((ps, s) => (placementStart[s + 1] = placementStart[s]! + ps.length));
  const placements = new Uint32Array(2 * placementStart[shapes.length]!);
  all.flat().forEach((pm, k) => {
    placements[2 * k] = pm.lo >>> 0;
    placements[2 * k + 1] = pm.hi >>> 0;
  });
  return {
    key,
    firstTrial: 0,
    trials,
    gapThresholds: gapThresholds(hostAvailability, MACHINES),
    cubeOfMachine: cubeOf,
    placements,
    placementStart,
    cubesNeeded: Uint32Array.from(shapes, (sh) => (sh[0] * sh[1] * sh[2]) / CHIPS_PER_CUBE),
  };
}

/**
 * Monte Carlo over `trials` independent pod draws. Per trial: the unhealthy machines by geometric skipping
 * on a Philox stream (trial t is counter word t, so any backend can draw any trial), folded into an
 * unhealthy-cube mask; static = some placement mask misses every unhealthy cube, reconfigurable = at least
 * k cubes are fully healthy (k = slice chips / 64). With `compute.availabilityCounts` (WebGPU) the whole
 * batch runs there in one launch; otherwise core counts it in chunks of 10,000 trials. Both give the same
 * counts for the same rng.
 */
export async function estimateAvailability(
  rng: Rng,
  hostAvailability: number,
  shapes: readonly Shape[],
  trials: number,
  onChunk: (fraction: number) => Promise<void> = async () => {},
  compute?: ComputeBackend,
  rule: StaticOrientation = 'fixed',
): Promise<AvailabilityEstimate> {
  const problem = availabilityProblem(rng, hostAvailability, shapes, trials, rule);
  let staticHits: Uint32Array = new Uint32Array(shapes.length);
  let ocsHits: Uint32Array = new Uint32Array(shapes.length);
  let ms: number | undefined;
  if (compute?.availabilityCounts) {
    const run = await compute.availabilityCounts(problem);
    ({ staticHits, ocsHits, ms } = run);
    await onChunk(1);
  } else {
    const CHUNK = 10_000;
    for (let t0 = 0; t0 < trials; t0 += CHUNK) {
      const n = Math.min(CHUNK, trials - t0);
      addAvailabilityCounts({ ...problem, firstTrial: t0, trials: n }, staticHits, ocsHits);
      await onChunk((t0 + n) / trials);
    }
  }
  return {
    sizes: shapes.map((s) => s[0] * s[1] * s[2]),
    staticAvail: Array.from(staticHits, (h) => h / trials),
    ocsAvail: Array.from(ocsHits, (h) => h / trials),
    staticHits: Array.from(staticHits),
    ocsHits: Array.from(ocsHits),
    trials,
    ...(ms === undefined ? {} : { ms }),
  };
}

/** P(a cube has all 16 machines healthy). */
export function cubeHealthy(hostAvailability: number): number {
  return Math.pow(hostAvailability, MACHINES_PER_CUBE);
}

/** Exact reconfigurable availability: P(Binomial(64, p^16) ≥ k), summed in log space. */
export function ocsAvailabilityExact(hostAvailability: number, cubesNeeded: number): number {
  const pc = cubeHealthy(hostAvailability);
  if (pc >= 1) return 1;
  if (pc <= 0) return cubesNeeded === 0 ? 1 : 0;
  let total = 0;
  let logC = 0; // log C(64, h), built up from h = 0
  for (let h = 0; h <= CUBES; h++) {
    if (h > 0) logC += Math.log((CUBES - h + 1) / h);
    if (h >= cubesNeeded) total += Math.exp(logC + h * Math.log(pc) + (CUBES - h) * Math.log1p(-pc));
  }
  return Math.min(1, total);
}

/** Placements above this count make inclusion–exclusion too costly (2^n terms): no exact static value. */
export const MAX_EXACT_PLACEMENTS = 16;

/**
 * Exact static availability by inclusion–exclusion over placements: P(∪ placements healthy) =
 * Σ_{S≠∅} (-1)^{|S|+1} pc^{|∪S|} with pc = p^16 the cube-healthy probability. One-cube slices have
 * disjoint placements: 1 - (1 - pc)^64. Null when there are more than MAX_EXACT_PLACEMENTS placements.
 */
export function staticAvailabilityExact(
  hostAvailability: number,
  shape: Shape,
  rule: StaticOrientation = 'fixed',
): number | null {
  const pc = cubeHealthy(hostAvailability);
  const ps = staticPlacements(shape, rule);
  if (shape[0] * shape[1] * shape[2] === CHIPS_PER_CUBE) return 1 - Math.pow(1 - pc, CUBES);
  if (ps.length > MAX_EXACT_PLACEMENTS) return null;
  let total = 0;
  for (let s = 1; s < 1 << ps.length; s++) {
    let lo = 0;
    let hi = 0;
    let size = 0;
    for (let i = 0; i < ps.length; i++)
      if (s & (1 << i)) {
        lo |= ps[i]!.lo;
        hi |= ps[i]!.hi;
        size++;
      }
    const union = popcount32(lo) + popcount32(hi);
    total += (size % 2 === 1 ? 1 : -1) * Math.pow(pc, union);
  }
  return Math.min(1, Math.max(0, total));
}

/**
 * The lowest host availability in [lo, 1] at which `availability(p)` reaches `target`, by bisection
 * (availability is non-decreasing in p); `lo` itself when already reached there.
 */
export function hostAvailabilityNeeded(
  availability: (p: number) => number,
  target: number,
  lo = 0.9,
): number {
  if (availability(lo) >= target) return lo;
  let a = lo;
  let b = 1;
  for (let i = 0; i < 60; i++) {
    const m = (a + b) / 2;
    if (availability(m) >= target) b = m;
    else a = m;
  }
  return b;
}
