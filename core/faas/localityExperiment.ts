// faas-locality: the same day with universal workers (any worker runs any function) and with locality
// groups (a worker runs only its group's functions), the pools' memory and cold starts feeding back into
// the capacity each region has left for calls (XFaaS §4.2, locality groups; cooperative JIT).
import { defineExperiment } from '../experiments/types';
import type { ChartSpec, Result } from '../experiments/types';
import { round } from '../kernel/numbers';
import { simulateDayAsync } from './sim';
import type { SimResult } from './sim';
import { LOCALITY_MODES, MAX_NEWTON_STEPS, assignGroups, poolState } from './locality';
import type { LocalityMode, PoolState, WorkerSpec } from './locality';
import {
  CORES_PER_WORKER,
  DAY_PARAMS,
  DEFAULT_WORKERS,
  XFAAS_PAPER,
  checkStep,
  dayWork,
  daySpec,
  runDays,
} from './scenario';
import type { DayOptions, DayParams } from './scenario';
import { DAY_S, REGIONS } from './workload';
import type { Population } from './workload';
import type { Rng } from '../kernel/rng';

export const LOCALITY_PARAMS = {
  groups: {
    kind: 'int',
    label: 'Locality groups',
    help: 'Groups the functions (and each region’s workers) are split into in locality-groups mode.',
    default: 8,
    min: 1,
    max: 256,
    group: 'Workers',
  },
  workerMemoryGb: {
    kind: 'number',
    label: 'Worker memory',
    default: 64,
    min: 8,
    max: 1024,
    unit: 'GB',
    group: 'Workers',
    advanced: true,
  },
  keepAliveS: {
    kind: 'int',
    label: 'Keep-alive',
    help: 'How long a worker keeps a function loaded after its last call, memory permitting.',
    default: 600,
    min: 10,
    max: 86_400,
    unit: 's',
    group: 'Workers',
    advanced: true,
  },
  cooperativeJit: {
    kind: 'boolean',
    label: 'Cooperative JIT',
    help: 'Workers receive already-JIT-ed code from a peer: a cold start costs 0.5 CPU-s instead of 2.',
    default: true,
    group: 'Workers',
  },
} as const;

const params = { ...DAY_PARAMS, ...LOCALITY_PARAMS } as const;

/** ASSUMPTIONs: runtime 6 GB per worker; a cold start costs 2 CPU-s, 0.5 with cooperative JIT. */
export function workerSpec(
  region: number,
  p: { workerMemoryGb: number; keepAliveS: number; cooperativeJit: boolean },
): WorkerSpec {
  return {
    workers: Math.max(1, Math.round(DEFAULT_WORKERS * REGIONS[region]!.capacityShare)),
    cores: CORES_PER_WORKER,
    memoryGb: p.workerMemoryGb,
    baseGb: 6,
    keepAliveS: p.keepAliveS,
    coldStartCpuS: p.cooperativeJit ? 0.5 : 2,
  };
}

export interface LocalityDay {
  res: SimResult;
  /** Pool state per [region][hour of the whole run]. */
  pools: PoolState[][];
  warmupHours: number;
  population: Population;
}

/**
 * Run the day with worker pools in `mode`: each hour, each region's pool state follows from the calls it
 * executed the hour before, and its capacity for calls is its cores less the CPU its cold starts burn.
 */
export async function localityDay(
  p: DayParams & { groups: number; workerMemoryGb: number; keepAliveS: number; cooperativeJit: boolean },
  mode: LocalityMode,
  rng: Rng,
  day: Omit<DayOptions, 'capacityHook'> = { timeShift: true, global: 'traffic-matrix', burstCalls: 0 },
  report: (fraction: number) => Promise<void> = async () => {},
): Promise<LocalityDay> {
  const pools: PoolState[][] = REGIONS.map(() => []);
  let pop: Population | null = null;
  let group: Int32Array | null = null;
  const spec = daySpec(
    p,
    {
      ...day,
      capacityHook: (r, hour, execPrev) => {
        const w = workerSpec(r, p);
        const rate = functionRates(pop!, execPrev);
        const busy = pools[r]!.length > 0 ? execCpu(pop!, execPrev) / 3_600 : 0;
        const state = poolState(pop!.functions, rate, mode === 'none' ? null : group, p.groups, w, busy);
        pools[r]![hour] = state;
        return Math.max(0, w.workers * w.cores - state.coldPerS * w.coldStartCpuS);
      },
    },
    rng,
  );
  pop = spec.population;
  group = assignGroups(
    pop.functions.map((f) => f.share * f.cpuS),
    p.groups,
  );
  const res = await simulateDayAsync(spec, rng.fork('sim'), report);
  return { res, pools, warmupHours: p.warmupDays * 24, population: pop };
}

/**
 * Pool-state work of one day in step-region-class units: per region and hour, up to 1 + MAX_NEWTON_STEPS
 * passes over every function, a function-pass about 1/12 of a unit (measured with 100,000 functions).
 */
export function poolUnits(p: { warmupDays: number; functions: number }): number {
  return ((1 + p.warmupDays) * 24 * REGIONS.length * p.functions * (1 + MAX_NEWTON_STEPS)) / 12;
}

/** Calls/s per function from calls per class in the last hour (each class's calls split by popularity). */
function functionRates(pop: Population, execPrev: Float64Array): Float64Array {
  const out = new Float64Array(pop.functions.length);
  pop.functions.forEach((f, i) => {
    const c = pop.classes[f.cls]!;
    out[i] = c.share > 0 ? (execPrev[f.cls]! * f.share) / c.share / 3_600 : 0;
  });
  return out;
}

function execCpu(pop: Population, execPrev: Float64Array): number {
  let s = 0;
  pop.classes.forEach((c, k) => (s += execPrev[k]! * c.cpuS));
  return s;
}

/** Call-weighted means over the measured day's hours of every region. */
function poolMeans(
  d: LocalityDay,
  coldStartCpuS: number,
): { memoryGb: number; coldFraction: number; coldCpu: number } {
  let mem = 0;
  let n = 0;
  let cold = 0;
  let calls = 0;
  d.pools.forEach((hours) =>
    hours.forEach((s, h) => {
      if (h < d.warmupHours || !s) return;
      mem += s.memoryGb;
      n++;
      cold += s.coldPerS;
      calls += s.coldFraction > 0 ? s.coldPerS / s.coldFraction : 0;
    }),
  );
  return {
    memoryGb: n > 0 ? mem / n : 0,
    coldFraction: calls > 0 ? cold / calls : 0,
    coldCpu: cold * 3_600 * coldStartCpuS,
  };
}

/** The day's step rule, and no more locality groups than functions (a group with no function is empty). */
export function checkLocality(p: {
  stepS: number;
  groups: number;
  functions: number;
}): { field: 'stepS' | 'groups'; reason: string } | undefined {
  if (p.groups > p.functions)
    return {
      field: 'groups',
      reason: `must be at most functions (${p.functions}); got ${p.groups} — lower groups or raise functions`,
    };
  return checkStep(p);
}

export const faasLocality = defineExperiment({
  id: 'faas-locality',
  title: 'Locality groups: memory per worker and cold starts',
  paper: XFAAS_PAPER,
  figure: 'locality groups and cooperative JIT (memory and functions per worker stay flat over the day)',
  description:
    'The time-shifted day of faas-time-shift (without its bursty client), with each region’s workers ' +
    'modelled: in `none` any worker ' +
    'may run any function; in `locality-groups` the functions are split into `groups` groups of about ' +
    'equal CPU load and each region’s workers into the same groups in proportion to load, and a worker ' +
    'runs only its group’s functions. A worker keeps a function’s code and JIT-ed code loaded for ' +
    '`keepAliveS` after its last call; calls of a function reach its eligible workers as Poisson streams, so ' +
    'a worker holds it warm with probability 1 − exp(−λτ/n) and a call is cold otherwise; when runtime, ' +
    'warm code and running calls overflow `workerMemoryGb`, eviction shortens the keep-alive. Cold starts ' +
    'burn CPU (2 CPU-s, 0.5 with cooperative JIT), taken from the capacity left for calls in the next hour. ' +
    'worker-memory-gb is the mean loaded memory per worker (runtime + warm code), cold-start-fraction the ' +
    'share of calls that started cold, utilization.mean the busy cores\u2019 share: CPU of calls executed plus ' +
    'CPU burnt on cold starts, over all cores (the calls\u2019 CPU is the same in both modes while capacity ' +
    'suffices, so the difference is the cold starts), cold-start-cpu-fraction the cores\u2019 share burnt on ' +
    'cold starts. The measured day is in steady state: day 0\u2019s time-shift forecast is the configured load ' +
    'over the capacity left for calls after cold starts, so no warm-up backlog is left to drain (executed ' +
    'CPU within 1% of received on the measured day). ASSUMPTIONs: ' +
    '6 GB runtime, code + JIT 40 MB per function (lognormal), 128 MB per running call, the CPU costs above.',
  comparisonNote:
    'The paper shows memory and functions per worker staying flat with locality groups, not a figure we ' +
    'could read off; the comparison is between the two modes.',
  params,
  check: checkLocality,
  work: (p) => {
    const w = dayWork(p, 2, 'warmupDays, functions or raise stepS');
    return { ...w, units: w.units + 2 * poolUnits(p), formula: `${w.formula} + 2 × pool states` };
  },
  async run(p, ctx) {
    const days = await runDays(
      ctx,
      LOCALITY_MODES.map((mode) => ({
        label: mode,
        run: (report) => localityDay(p, mode, ctx.rng.fork('day'), undefined, report),
      })),
    );
    const metrics: Record<string, number> = {};
    const rows: (string | number)[][] = [];
    LOCALITY_MODES.forEach((mode, i) => {
      const d = days[i]!;
      const m = poolMeans(d, workerSpec(0, p).coldStartCpuS);
      metrics[`worker-memory-gb.${mode}`] = round(m.memoryGb, 3);
      metrics[`cold-start-fraction.${mode}`] = round(m.coldFraction, 6);
      const cores = DEFAULT_WORKERS * CORES_PER_WORKER * DAY_S;
      // Busy cores: the calls' CPU and the CPU cold starts burn.
      const useful = d.res.series.executedCpu.reduce((a, b) => a + b, 0);
      metrics[`utilization.mean.${mode}`] = round((useful + m.coldCpu) / cores, 4);
      metrics[`cold-start-cpu-fraction.${mode}`] = round(m.coldCpu / cores, 4);
      rows.push([
        mode,
        metrics[`worker-memory-gb.${mode}`]!,
        metrics[`cold-start-fraction.${mode}`]!,
        metrics[`utilization.mean.${mode}`]!,
      ]);
    });
    return {
      metrics,
      tables: {
        modes: {
          columns: [
            'mode',
            'memory per worker (GB)',
            'cold-start fraction',
            'busy cores (incl. cold starts)',
          ],
          rows,
        },
      },
      comparisons: [],
    };
  },
  charts(result: Result): ChartSpec[] {
    const t = result.tables.modes;
    if (!t) return [];
    const bar = (title: string, y: ChartSpec['y'], name: string, col: number): ChartSpec => ({
      kind: 'bar',
      title,
      y,
      stacked: false,
      categories: t.rows.map((r) => String(r[0])),
      segments: [{ name, values: t.rows.map((r) => Number(r[col])) }],
    });
    return [
      bar('Loaded memory per worker', { label: 'GB', format: 'number' }, 'memory per worker', 1),
      bar('Calls that started cold', { label: 'share of calls', format: 'percent' }, 'cold starts', 2),
    ];
  },
});
