// Worker pools and locality groups (XFaaS §4.2): a worker keeps a function's code (and its JIT-ed code)
// loaded for a while after running it. With no groups every worker of a region may get any call, so each
// keeps many functions warm; with locality groups the functions are split into groups and each worker runs
// only its group's, so fewer functions per worker, less memory and fewer cold starts. Analytic: calls of a
// function reach each of its eligible workers as a Poisson stream, so a worker holds function f warm with
// probability 1 − exp(−λ_f·τ/n_f) (τ: keep-alive, n_f: eligible workers), and a call is cold with the
// complementary probability. When the warm set overflows a worker's memory, eviction shortens τ (LRU).
import type { FaasFunction } from './workload';

export const LOCALITY_MODES = ['none', 'locality-groups'] as const;
export type LocalityMode = (typeof LOCALITY_MODES)[number];

export interface WorkerSpec {
  workers: number;
  cores: number;
  memoryGb: number;
  /** Memory of the runtime itself (GB). */
  baseGb: number;
  /** How long a worker keeps a function loaded after its last call (s), memory permitting. */
  keepAliveS: number;
  /** CPU-seconds a cold start costs (code load, JIT warm-up). */
  coldStartCpuS: number;
}

export interface PoolState {
  /** Mean loaded memory per worker (GB): runtime + warm functions' code. */
  memoryGb: number;
  /** Share of calls that found their function cold on the worker they landed on. */
  coldFraction: number;
  /** Cold starts per second in the region. */
  coldPerS: number;
  /** Functions warm per worker (mean). */
  warmFunctions: number;
  /** The keep-alive eviction left (s). */
  keepAliveS: number;
}

/**
 * Assign functions to `groups` locality groups: heaviest CPU load first, each to the least-loaded group
 * (longest-processing-time greedy, so groups carry about equal load). Returns the group of each function.
 */
export function assignGroups(load: readonly number[], groups: number): Int32Array {
  const order = load.map((l, i) => [l, i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  const sums = new Float64Array(groups);
  const out = new Int32Array(load.length);
  for (const [l, i] of order) {
    let g = 0;
    for (let q = 1; q < groups; q++) if (sums[q]! < sums[g]!) g = q;
    out[i] = g;
    sums[g]! += l;
  }
  return out;
}

/**
 * The pool state of one region for call rates `rate` (calls/s per function). Workers are split across the
 * groups in proportion to the groups' CPU load (`group` null: one group of every function and worker); a
 * worker of group g holds only g's functions, each warm with probability 1 − exp(−λ_f·τ/W_g), and τ is
 * shortened by bisection where runtime + warm code + running calls overflow the worker's memory.
 */
export function poolState(
  fs: readonly FaasFunction[],
  rate: Float64Array,
  group: Int32Array | null,
  groups: number,
  w: WorkerSpec,
  busyCores: number,
): PoolState {
  const G = group ? groups : 1;
  const members: number[][] = Array.from({ length: G }, () => []);
  const load = new Float64Array(G);
  let total = 0;
  let callMem = 0;
  let callRate = 0;
  for (let f = 0; f < fs.length; f++) {
    const g = group ? group[f]! : 0;
    members[g]!.push(f);
    load[g]! += rate[f]! * fs[f]!.cpuS;
    total += rate[f]! * fs[f]!.cpuS;
    callMem += rate[f]! * fs[f]!.memMb;
    callRate += rate[f]!;
  }
  // Memory of the calls running on a worker: busy cores × the call-weighted memory per call.
  const runningGb = callRate > 0 ? ((busyCores / w.workers) * callMem) / callRate / 1024 : 0;
  const room = w.memoryGb - runningGb;
  let memory = 0;
  let warm = 0;
  let cold = 0;
  let tauWeighted = 0;
  for (let g = 0; g < G; g++) {
    const share = total > 0 ? load[g]! / total : 1 / G;
    const workers = Math.max(1, w.workers * share);
    const s = groupState(fs, members[g]!, rate, workers, w.baseGb, w.keepAliveS, room);
    memory += share * s.memoryGb;
    warm += share * s.warm;
    cold += s.cold;
    tauWeighted += share * s.tau;
  }
  return {
    memoryGb: memory,
    coldFraction: callRate > 0 ? cold / callRate : 0,
    coldPerS: cold,
    warmFunctions: warm,
    keepAliveS: tauWeighted,
  };
}

/** Newton steps at most when the warm set overflows (it converges in a few: see groupState). */
export const MAX_NEWTON_STEPS = 8;

/**
 * One group's workers: the warm set at keep-alive τ; when it overflows `roomGb`, τ is shortened until it
 * fits. Memory m(τ) = base + Σ code_f·(1 − exp(−λ_f·τ/W)) is increasing and concave in τ, so Newton's method
 * from τ = keep-alive lands left of the root in one step and then climbs to it from the left, every iterate
 * fitting in memory (m(τ) ≤ room).
 */
function groupState(
  fs: readonly FaasFunction[],
  members: readonly number[],
  rate: Float64Array,
  workers: number,
  baseGb: number,
  keepAliveS: number,
  roomGb: number,
): { memoryGb: number; warm: number; cold: number; tau: number } {
  const at = (tau: number) => {
    let codeMb = 0;
    let slopeMb = 0;
    let warm = 0;
    let cold = 0;
    for (const f of members) {
      const k = rate[f]! / workers;
      const e = Math.exp(-k * tau);
      codeMb += (1 - e) * fs[f]!.codeMb;
      slopeMb += k * e * fs[f]!.codeMb;
      warm += 1 - e;
      cold += rate[f]! * e;
    }
    return { memoryGb: baseGb + codeMb / 1024, slopeGb: slopeMb / 1024, warm, cold };
  };
  let tau = keepAliveS;
  let s = at(tau);
  if (s.memoryGb > roomGb) {
    for (let it = 0; it < MAX_NEWTON_STEPS && s.slopeGb > 0; it++) {
      const next = Math.max(0, tau - (s.memoryGb - roomGb) / s.slopeGb);
      const done = Math.abs(next - tau) <= 1e-3 * keepAliveS && s.memoryGb <= roomGb;
      tau = next;
      s = at(tau);
      if (done) break;
    }
    // Room below the runtime itself: nothing stays warm.
    if (s.memoryGb > roomGb + 1e-9) {
      tau = 0;
      s = at(0);
    }
  }
  return { memoryGb: s.memoryGb, warm: s.warm, cold: s.cold, tau };
}
