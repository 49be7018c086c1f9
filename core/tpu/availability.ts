// Slice availability on an otherwise idle pod whose machines are each healthy with probability p
// (Resiliency at Scale §2.2, the static-vs-reconfigurable argument): the static rule (a contiguous,
// cube-aligned healthy block), the reconfigurable rule (any k healthy cubes), Monte Carlo and exact values.
import type { Rng } from '../kernel/rng';
import {
  CUBES,
  CUBE_GRID,
  MACHINES,
  MACHINES_PER_CUBE,
  MACHINE_GRID_X,
  MACHINE_GRID_Y,
  POD_DIM,
  cubeIndex,
  cubeOfMachine,
} from './topology';
import type { Shape } from './slices';
import { cubeExtent } from './slices';

/** A set of cubes as a 64-bit mask in two 32-bit halves (cubes 0..31 in lo, 32..63 in hi). */
export interface CubeMask {
  lo: number;
  hi: number;
}

/**
 * The cube masks of every placement of `shape` under the static rule: the slice keeps its orientation and
 * starts at offsets that are multiples of 4 chips, without wrap-around. Because offsets are multiples of
 * 4 and machines (2x2x1) never straddle cubes, a placement covers exactly whole cubes: it is available
 * iff all machines of those cubes are healthy (checked against machine-level prefix sums in the tests).
 */
export function staticPlacements(shape: Shape): CubeMask[] {
  const [ex, ey, ez] = cubeExtent(shape);
  const out: CubeMask[] = [];
  for (let oz = 0; oz + ez <= CUBE_GRID; oz++)
    for (let oy = 0; oy + ey <= CUBE_GRID; oy++)
      for (let ox = 0; ox + ex <= CUBE_GRID; ox++) {
        const m = { lo: 0, hi: 0 };
        for (let z = 0; z < ez; z++)
          for (let y = 0; y < ey; y++)
            for (let x = 0; x < ex; x++) {
              const c = cubeIndex(ox + x, oy + y, oz + z);
              if (c < 32) m.lo |= 1 << c;
              else m.hi |= 1 << (c - 32);
            }
        out.push({ lo: m.lo | 0, hi: m.hi | 0 });
      }
  return out;
}

function popcount32(x: number): number {
  x = x - ((x >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) & 0xff;
}

/**
 * Unhealthy machines of one pod draw, each independently unhealthy with probability q = 1 - p, by geometric
 * skipping (the gap to the next unhealthy machine is Geometric(q)): exact, and about 1024·q + 1 draws
 * instead of 1024. Writes machine ids into `out` and returns how many.
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
  trials: number;
}

/**
 * Monte Carlo over `trials` independent pod draws. Per trial: sample the unhealthy machines, fold them into
 * an unhealthy-cube mask, then static = some placement mask misses every unhealthy cube, reconfigurable =
 * at least k cubes are fully healthy (k = slice chips / 64).
 */
export async function estimateAvailability(
  rng: Rng,
  hostAvailability: number,
  shapes: readonly Shape[],
  trials: number,
  onChunk: (fraction: number) => Promise<void> = async () => {},
): Promise<AvailabilityEstimate> {
  const q = 1 - hostAvailability;
  const placements = shapes.map(staticPlacements);
  const cubesNeeded = shapes.map((s) => (s[0] * s[1] * s[2]) / 64);
  const staticHits = new Float64Array(shapes.length);
  const ocsHits = new Float64Array(shapes.length);
  const failed = new Int32Array(MACHINES);
  const cubeOf = new Int32Array(MACHINES);
  for (let m = 0; m < MACHINES; m++) cubeOf[m] = cubeOfMachine(m);
  const CHUNK = 10_000;
  for (let t = 0; t < trials; t++) {
    const n = sampleUnhealthyMachines(rng, q, failed);
    let lo = 0;
    let hi = 0;
    for (let i = 0; i < n; i++) {
      const c = cubeOf[failed[i]!]!;
      if (c < 32) lo |= 1 << c;
      else hi |= 1 << (c - 32);
    }
    const healthy = CUBES - popcount32(lo) - popcount32(hi);
    for (let s = 0; s < shapes.length; s++) {
      if (healthy >= cubesNeeded[s]!) ocsHits[s]!++;
      else continue; // a static placement needs at least as many healthy cubes
      const ps = placements[s]!;
      for (let k = 0; k < ps.length; k++) {
        const pm = ps[k]!;
        if ((pm.lo & lo) === 0 && (pm.hi & hi) === 0) {
          staticHits[s]!++;
          break;
        }
      }
    }
    if ((t + 1) % CHUNK === 0) await onChunk((t + 1) / trials);
  }
  return {
    sizes: shapes.map((s) => s[0] * s[1] * s[2]),
    staticAvail: Array.from(staticHits, (h) => h / trials),
    ocsAvail: Array.from(ocsHits, (h) => h / trials),
    trials,
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
export function staticAvailabilityExact(hostAvailability: number, shape: Shape): number | null {
  const pc = cubeHealthy(hostAvailability);
  const ps = staticPlacements(shape);
  if (ps.length === CUBES) return 1 - Math.pow(1 - pc, CUBES);
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
