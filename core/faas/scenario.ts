// What the serverless lab's experiments and view share: the paper's citation, the common parameters, the
// default day (population, fleet, burst), the work estimate and the day's summary figures.
import type { ParamsOf, RunContext, Table, WorkEstimate } from '../experiments/types';
import type { Rng } from '../kernel/rng';
import { DAY_S, REGIONS, drawPopulation } from './workload';
import { simUnits } from './sim';
import type { GlobalMode, SimResult, SimSeries, SimSpec } from './sim';

export const XFAAS_PAPER =
  'Sahraei et al., "XFaaS: Hyperscale and Low Cost Serverless Functions at Meta", SOSP 2023';

/** Microseconds one work unit (step × region × class) takes on the reference machine (bench/work.bench.ts). */
export const STEP_CLASS_US = 0.4;

/** Parameters every day-long experiment (and the view) shares, by name. */
export const DAY_PARAMS = {
  functions: {
    kind: 'int',
    label: 'Functions',
    help: 'Distinct functions (Zipf popularity); grouped into classes for the scheduler.',
    default: 10_000,
    min: 10,
    max: 200_000,
    group: 'Load',
  },
  peakToTrough: {
    kind: 'number',
    label: 'Received peak/trough',
    help: 'Peak-to-trough ratio of the diurnal received curve (the paper: 4.3x). An input.',
    default: 4.3,
    min: 1,
    max: 20,
    group: 'Load',
  },
  meanLoad: {
    kind: 'number',
    label: 'Mean load',
    help: 'Daily mean received CPU demand / fleet capacity (the paper reports 66% daily mean utilisation). An input.',
    default: 0.66,
    min: 0.05,
    max: 1.2,
    group: 'Load',
  },
  opportunisticShare: {
    kind: 'number',
    label: 'Opportunistic share',
    help: 'Share of the CPU demand on opportunistic quota (delay-tolerant; may be time-shifted).',
    default: 0.5,
    min: 0,
    max: 1,
    group: 'Load',
  },
  zipf: {
    kind: 'number',
    label: 'Popularity skew',
    help: 'Zipf exponent of call popularity over functions.',
    default: 1.1,
    min: 0,
    max: 3,
    group: 'Load',
    advanced: true,
  },
  shiftTarget: {
    kind: 'number',
    label: 'Shift target',
    help: 'Deferred opportunistic calls run only while a region is below this utilisation; 0 = auto (yesterday’s mean load).',
    default: 0,
    min: 0,
    max: 1,
    group: 'Scheduler',
    advanced: true,
  },
  stepS: {
    kind: 'int',
    label: 'Step',
    help: 'Scheduling round of the fluid simulation.',
    default: 60,
    min: 10,
    max: 900,
    unit: 's',
    group: 'Simulation',
    advanced: true,
  },
  warmupDays: {
    kind: 'int',
    label: 'Warm-up days',
    help: 'Days simulated before the measured one, so the overnight backlog is in steady state.',
    default: 1,
    min: 0,
    max: 6,
    group: 'Simulation',
    advanced: true,
  },
} as const;

export type DayParams = ParamsOf<typeof DAY_PARAMS>;

/** ASSUMPTION: a tenth of the paper's ">100,000 servers", 64 cores each. */
export const DEFAULT_WORKERS = 10_000;
export const CORES_PER_WORKER = 64;

export interface DayOptions {
  timeShift: boolean;
  global: GlobalMode;
  burstCalls: number;
  recordMatrix?: boolean;
  capacityHook?: SimSpec['capacityHook'];
}

/**
 * The day every experiment runs, from the shared parameters. ASSUMPTIONs: arrivals vary ±5% per class and
 * step; the DurableQ keeps a call 6 h past its deadline; the traffic matrix is recomputed every 5 min; the
 * bursty client (region prn, 10:00 UTC) submits `burstCalls` over 15 min with a quota of 5,000 calls/s and
 * a concurrency limit of 1,000 running calls of 0.5 CPU-s each, deadline 12 h.
 */
export function daySpec(p: DayParams, o: DayOptions, rng: Rng): SimSpec {
  const population = drawPopulation(
    { functions: p.functions, zipf: p.zipf, opportunisticShare: p.opportunisticShare },
    rng.fork('population'),
  );
  return {
    population,
    regions: REGIONS,
    fleetCores: DEFAULT_WORKERS * CORES_PER_WORKER,
    meanLoad: p.meanLoad,
    peakToTrough: p.peakToTrough,
    stepS: p.stepS,
    warmupDays: p.warmupDays,
    timeShift: o.timeShift,
    shiftTarget: p.shiftTarget,
    global: o.global,
    matrixPeriodS: Math.max(p.stepS, 300 - (300 % p.stepS)),
    retentionS: 6 * 3_600,
    burst: {
      calls: o.burstCalls,
      atS: 10 * 3_600,
      windowS: 900,
      quotaRps: 5_000,
      concurrency: 1_000,
      cpuS: 0.5,
      deadlineS: 12 * 3_600,
    },
    noise: 0.05,
    recordMatrix: o.recordMatrix ?? false,
    ...(o.capacityHook ? { capacityHook: o.capacityHook } : {}),
  };
}

/** The classes a population of `functions` has at most: 2 quotas × 2 criticalities × 3 triggers × deadlines. */
const MAX_CLASSES = 2 * 3 * (3 + 4);

/** Work of `runs` days at these parameters (units: step × region × class). */
export function dayWork(p: DayParams, runs: number, lower: string): WorkEstimate {
  const steps = ((1 + p.warmupDays) * DAY_S) / p.stepS;
  const classes = Math.min(MAX_CLASSES, p.functions) + 1;
  const units =
    runs *
    simUnits({
      stepS: p.stepS,
      warmupDays: p.warmupDays,
      regions: REGIONS,
      population: { classes: new Array(classes - 1), functions: [], meanCpuS: 1 },
    });
  return {
    units: units + runs * p.functions * 4,
    what: 'step-region-classes',
    formula: `${runs} day(s) × ${Math.round(steps)} steps × ${REGIONS.length} regions × ≤${classes} classes`,
    unitCostUs: STEP_CLASS_US,
    lower,
  };
}

/** `stepS` must divide an hour so that hours and the matrix period fall on steps. */
export function checkStep(p: { stepS: number }): { field: 'stepS'; reason: string } | undefined {
  if (3_600 % p.stepS !== 0)
    return { field: 'stepS', reason: `must divide 3600 s (an hour) evenly (got ${p.stepS}; try 60 or 300)` };
  return undefined;
}

/** Hourly sums of a [step][region] series, fleet-wide (r = −1) or for one region. */
export function hourly(series: SimSeries, values: Float64Array, r = -1): number[] {
  const perHour = 3_600 / series.stepS;
  const out = new Array<number>(24).fill(0);
  for (let d = 0; d < series.steps; d++) {
    const h = Math.min(23, Math.floor(d / perHour));
    if (r >= 0) out[h]! += values[d * series.R + r]!;
    else for (let q = 0; q < series.R; q++) out[h]! += values[d * series.R + q]!;
  }
  return out;
}

/** Peak / trough of hourly totals (the paper's curves are hourly-smooth): max over min. */
export function peakToTrough(hours: readonly number[]): number {
  const max = Math.max(...hours);
  const min = Math.min(...hours);
  return min > 0 ? max / min : Infinity;
}

/** Daily mean utilisation (executed CPU / capacity) of region r, or the fleet (r = −1). */
export function meanUtilization(series: SimSeries, r = -1): number {
  const ex = hourly(series, series.executedCpu, r).reduce((a, b) => a + b, 0);
  const cap = hourly(series, series.capacityCpu, r).reduce((a, b) => a + b, 0);
  return cap > 0 ? ex / cap : 0;
}

/** Deadline-miss fraction of a quota over the measured day: (late + dropped) / (executed + dropped). */
export function missFraction(res: SimResult, quota: 'reserved' | 'opportunistic'): number {
  const q = res.day.byQuota[quota];
  const all = q.executed + q.dropped;
  return all > 0 ? (q.late + q.dropped) / all : 0;
}

/**
 * Run `jobs` one after the other; each reports its own progress in [0, 1], mapped to its share of the
 * whole (the host yields there and a cancel lands there).
 */
export async function runDays<T>(
  ctx: RunContext,
  jobs: readonly { label: string; run: (report: (fraction: number) => Promise<void>) => Promise<T> }[],
): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < jobs.length; i++) {
    const job = jobs[i]!;
    out.push(await job.run((f) => ctx.progress((i + f) / jobs.length, job.label)));
  }
  return out;
}

/** A line chart's points from a table: column 0 as x, column `i` as y. */
export function tablePoints(t: Table, i: number): [number, number][] {
  return t.rows.map((r) => [Number(r[0]), Number(r[i])]);
}
