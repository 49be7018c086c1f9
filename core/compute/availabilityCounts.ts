// CPU reference of the pod-availability Monte Carlo kernel (contract in backend.ts, WGSL port in
// webgpu/availability): Philox-driven geometric skipping over machines, integer-only, so the CPU and
// every GPU count exactly the same trials for the same key.
import type { AvailabilityProblem } from './backend';
import { philox4x32 } from './philox';

/** 24-bit uniforms: a Philox word's top 24 bits, compared with thresholds scaled by 2^24. */
export const UNIT24 = 16777216;

/**
 * gapThresholds for host availability p: t[g] = floor(p^g · 2^24) for g = 0..machines, p^g by repeated
 * float64 multiplication (exact IEEE steps, the same on every platform), so P(G ≥ g) = t[g] / 2^24 ≈ p^g.
 */
export function gapThresholds(p: number, machines: number): Uint32Array {
  const t = new Uint32Array(machines + 1);
  let pg = 1;
  for (let g = 0; g <= machines; g++) {
    t[g] = Math.floor(pg * UNIT24);
    pg *= p;
  }
  return t;
}

/** The number of g in 1..machines with u < t[g] (t non-increasing): the healthy run before a failure. */
export function gapLength(t: Uint32Array, u: number): number {
  let a = 1;
  let b = t.length; // first g in [1, machines] with t[g] <= u, or machines + 1
  while (a < b) {
    const m = (a + b) >>> 1;
    if (t[m]! > u) a = m + 1;
    else b = m;
  }
  return a - 1;
}

function popcount32(x: number): number {
  x = x - ((x >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) & 0xff;
}

// Scratch for trialCubeMask (synchronous, so never shared between two calls in flight).
const BLOCK = new Uint32Array(4);
const CTR = [0, 0, 0, 0];

/**
 * The unhealthy-cube mask of trial t as [lo, hi] (cubes 0..31, 32..63), written into `mask`: the machine
 * after a healthy run of G is unhealthy, until the runs pass the last machine.
 */
export function trialCubeMask(problem: AvailabilityProblem, t: number, mask: Uint32Array): Uint32Array {
  const { gapThresholds: th, cubeOfMachine } = problem;
  const machines = cubeOfMachine.length;
  const block = BLOCK;
  const ctr = CTR;
  ctr[0] = 0;
  ctr[1] = t >>> 0;
  let lo = 0;
  let hi = 0;
  let next = 0; // first machine not yet decided
  for (let j = 0; ; j++) {
    if ((j & 3) === 0) {
      ctr[0] = j >>> 2;
      philox4x32(ctr, problem.key, block);
    }
    const m = next + gapLength(th, block[j & 3]! >>> 8);
    if (m >= machines) break;
    const c = cubeOfMachine[m]!;
    if (c < 32) lo |= 1 << c;
    else hi |= 1 << (c - 32);
    next = m + 1;
  }
  mask[0] = lo >>> 0;
  mask[1] = hi >>> 0;
  return mask;
}

/**
 * Adds the trials firstTrial .. firstTrial + trials − 1 into staticHits / ocsHits: reconfigurable = at least
 * cubesNeeded fully healthy cubes; static = some placement mask misses every unhealthy cube (tried only
 * when there are enough healthy cubes, which a static placement also needs).
 */
export function addAvailabilityCounts(
  problem: AvailabilityProblem,
  staticHits: Uint32Array,
  ocsHits: Uint32Array,
): void {
  const { placements, placementStart, cubesNeeded } = problem;
  const sizes = cubesNeeded.length;
  const mask = new Uint32Array(2);
  const end = problem.firstTrial + problem.trials;
  for (let t = problem.firstTrial; t < end; t++) {
    trialCubeMask(problem, t, mask);
    const lo = mask[0]! | 0;
    const hi = mask[1]! | 0;
    const healthy = 64 - popcount32(lo) - popcount32(hi);
    for (let s = 0; s < sizes; s++) {
      if (healthy < cubesNeeded[s]!) continue;
      ocsHits[s]!++;
      for (let k = placementStart[s]!; k < placementStart[s + 1]!; k++) {
        if ((placements[2 * k]! & lo) === 0 && (placements[2 * k + 1]! & hi) === 0) {
          staticHits[s]!++;
          break;
        }
      }
    }
  }
}
