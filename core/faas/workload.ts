// The serverless lab's load: a population of functions (heavy-tailed popularity, CPU time, memory and code
// size; three trigger kinds; reserved or opportunistic quota), grouped into function classes for the fluid
// scheduler, the regions and the diurnal "Received" curve (XFaaS, SOSP'23, §2 and the Received curve of its
// evaluation). Everything drawn here comes from the run's Rng; the numbers are ASSUMPTIONs unless cited.
import type { Rng } from '../kernel/rng';
import { lognormalFromMean, zipfWeights } from '../kernel/distributions';

export const DAY_S = 86_400;
export const TRIGGERS = ['queue', 'event', 'timer'] as const;
export type Trigger = (typeof TRIGGERS)[number];
export const QUOTAS = ['reserved', 'opportunistic'] as const;
export type Quota = (typeof QUOTAS)[number];

/**
 * Execution deadlines (seconds after submission) a function may declare. ASSUMPTION: the paper says
 * delay-tolerant calls may run hours later (off-peak); it publishes no distribution, so reserved calls get
 * 1–15 min and opportunistic ones 1–24 h, each bucket equally likely.
 */
export const DEADLINES_S: Readonly<Record<Quota, readonly number[]>> = {
  reserved: [60, 300, 900],
  opportunistic: [12 * 3_600, 24 * 3_600],
};

export interface FaasRegion {
  id: string;
  name: string;
  /** Map position (degrees) for the view's small map. */
  lat: number;
  lon: number;
  /** Share of the calls submitted here (clients in this region). */
  loadShare: number;
  /** Share of the fleet's workers in this region. */
  capacityShare: number;
}

/**
 * ASSUMPTION: five regions; Meta does not publish per-region load or capacity, so the shares are ours. Load
 * and capacity shares differ on purpose (a region's clients are not where its servers are), which is the
 * imbalance the traffic matrix exists to fix (§4, global load balancing).
 */
export const REGIONS: readonly FaasRegion[] = [
  { id: 'prn', name: 'Prineville, OR', lat: 44.3, lon: -120.8, loadShare: 0.3, capacityShare: 0.22 },
  { id: 'ftw', name: 'Fort Worth, TX', lat: 32.8, lon: -97.3, loadShare: 0.22, capacityShare: 0.2 },
  { id: 'atn', name: 'Altoona, IA', lat: 41.6, lon: -93.4, loadShare: 0.18, capacityShare: 0.22 },
  { id: 'lla', name: 'Luleå, Sweden', lat: 65.6, lon: 22.1, loadShare: 0.18, capacityShare: 0.18 },
  { id: 'odn', name: 'Odense, Denmark', lat: 55.4, lon: 10.4, loadShare: 0.12, capacityShare: 0.18 },
];

/** One function of the population. */
export interface FaasFunction {
  /** Share of all calls (Zipf popularity). */
  share: number;
  trigger: Trigger;
  quota: Quota;
  /** 1 = critical, 0 = normal (RunQ order). */
  criticality: number;
  deadlineS: number;
  /** Mean CPU-seconds per call. */
  cpuS: number;
  /** Memory a running call needs (MB). */
  memMb: number;
  /** Code + JIT-ed code a worker keeps loaded for this function once warm (MB). */
  codeMb: number;
  /** Class index (see `FunctionClass`). */
  cls: number;
}

/**
 * A function class: the functions sharing quota, criticality, trigger and deadline. The scheduler keeps one
 * FuncBuffer per class (DEVIATION: the paper keeps one per function; a class merges functions whose RunQ key
 * is the same, so the merged order is unchanged).
 */
export interface FunctionClass {
  quota: Quota;
  criticality: number;
  trigger: Trigger;
  deadlineS: number;
  /** Share of all calls. */
  share: number;
  /** Call-weighted mean CPU-seconds per call. */
  cpuS: number;
  /** Call-weighted mean memory per running call (MB). */
  memMb: number;
  /** Per-class concurrency limit (running calls); Infinity when not binding. */
  concurrency: number;
}

export interface Population {
  functions: FaasFunction[];
  classes: FunctionClass[];
  /** Call-weighted mean CPU-seconds per call. */
  meanCpuS: number;
}

export interface PopulationSpec {
  functions: number;
  /** Zipf exponent of call popularity. */
  zipf: number;
  /** Share of the CPU demand on opportunistic quota. */
  opportunisticShare: number;
}

/**
 * Draw the function population. ASSUMPTIONs (the paper publishes no distributions): CPU per call lognormal
 * with mean 0.5 s (σ 1.5, heavy tail), memory per call lognormal mean 128 MB (σ 1), code+JIT lognormal mean
 * 40 MB (σ 1); 20% of functions critical; triggers queue 60%, event 25%, timer 15%. About
 * `opportunisticShare` of the CPU demand is on opportunistic quota.
 */
export function drawPopulation(spec: PopulationSpec, rng: Rng): Population {
  const weights = zipfWeights(spec.functions, spec.zipf);
  const total = weights.reduce((a, b) => a + b, 0);
  const r = rng.fork('functions');
  const functions: FaasFunction[] = [];
  for (let i = 0; i < spec.functions; i++) {
    const u = r.float();
    const trigger: Trigger = u < 0.6 ? 'queue' : u < 0.85 ? 'event' : 'timer';
    functions.push({
      share: weights[i]! / total,
      trigger,
      quota: 'reserved',
      criticality: r.bernoulli(0.2) ? 1 : 0,
      deadlineS: 0,
      cpuS: lognormalFromMean(r, 0.5, 1.5),
      memMb: lognormalFromMean(r, 128, 1),
      codeMb: lognormalFromMean(r, 40, 1),
      cls: -1,
    });
  }
  // Quota by CPU demand, in popularity order: a function goes opportunistic while that keeps the running
  // opportunistic CPU share at or under the target (so popular and rare functions land in both).
  let opp = 0;
  let seen = 0;
  for (const f of functions) {
    const d = f.share * f.cpuS;
    seen += d;
    if (opp + d / 2 <= spec.opportunisticShare * seen && spec.opportunisticShare > 0) {
      f.quota = 'opportunistic';
      opp += d;
    }
    const deadlines = DEADLINES_S[f.quota];
    f.deadlineS = deadlines[r.int(0, deadlines.length - 1)]!;
  }
  return { functions, classes: classify(functions), meanCpuS: weightedMean(functions, (f) => f.cpuS) };
}

function weightedMean(fs: readonly FaasFunction[], x: (f: FaasFunction) => number): number {
  let s = 0;
  let w = 0;
  for (const f of fs) {
    s += f.share * x(f);
    w += f.share;
  }
  return w > 0 ? s / w : 0;
}

/** Group functions into classes (sets `cls` on each function); classes in a stable, sorted order. */
function classify(functions: FaasFunction[]): FunctionClass[] {
  const key = (f: FaasFunction) => `${f.quota}|${f.criticality}|${f.trigger}|${f.deadlineS}`;
  const groups = new Map<string, FaasFunction[]>();
  for (const f of functions) {
    const k = key(f);
    const g = groups.get(k);
    if (g) g.push(f);
    else groups.set(k, [f]);
  }
  const keys = [...groups.keys()].sort();
  return keys.map((k, cls) => {
    const fs = groups.get(k)!;
    for (const f of fs) f.cls = cls;
    const f0 = fs[0]!;
    return {
      quota: f0.quota,
      criticality: f0.criticality,
      trigger: f0.trigger,
      deadlineS: f0.deadlineS,
      share: fs.reduce((a, f) => a + f.share, 0),
      cpuS: weightedMean(fs, (f) => f.cpuS),
      memMb: weightedMean(fs, (f) => f.memMb),
      concurrency: Infinity,
    };
  });
}

/**
 * The diurnal received curve, mean 1 over a day: 1 + a·cos(2π(t − peak)/day) with a = (P − 1)/(P + 1), so
 * peak/trough = P (the paper's Received curve varies 4.3x peak to trough: a stated input here). Peak at
 * 17:00 UTC. ASSUMPTION: a sinusoid; the paper's curve is not a pure one.
 */
export function diurnal(tS: number, peakToTrough: number): number {
  const a = (peakToTrough - 1) / (peakToTrough + 1);
  return 1 + a * Math.cos((2 * Math.PI * (tS - 17 * 3_600)) / DAY_S);
}
