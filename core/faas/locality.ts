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

/** One group's workers: warm set at keep-alive τ, shortened by bisection until it fits `roomGb`. */
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
    let warm = 0;
    let cold = 0;
    for (const f of members) {
      const x = (rate[f]! * tau) / workers;
      const p = -Math.expm1(-x);
      codeMb += p * fs[f]!.codeMb;
      warm += p;
      cold += rate[f]! * Math.exp(-x);
    }
    return { memoryGb: baseGb + codeMb / 1024, warm, cold };
  };
  let tau = keepAliveS;
  let s = at(tau);
  if (s.memoryGb > roomGb) {
    let lo = 0;
    let hi = tau;
    for (let it = 0; it < 30; it++) {
      const mid = (lo + hi) / 2;
      if (at(mid).memoryGb > roomGb) hi = mid;
      else lo = mid;
    }
    tau = lo;
    s = at(tau);
  }
  return { ...s, tau };
}
