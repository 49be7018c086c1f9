// The serverless lab's live picture: one simulated day (with worker pools in a locality mode) reduced to
// 5-minute frames per region (received, executed, capacity, queues by quota type, the traffic matrix), the
// pools' memory and cold starts per hour, and a downstream outage under the chosen back-pressure policy.
import { defineLabView } from '../experiments/types';
import type { ParamsOf } from '../experiments/types';
import { GLOBAL_MODES } from './sim';
import { DAY_PARAMS, dayWork } from './scenario';
import { BURST_PARAM } from './timeShiftExperiment';
import { LOCALITY_PARAMS, checkLocality, localityDay, poolUnits, workerSpec } from './localityExperiment';
import { ParamError } from '../experiments/errors';
import { LOCALITY_MODES, assignGroups } from './locality';
import { BACKPRESSURE_POLICIES, aimdSustainedRps, runDownstream } from './downstream';
import { BACKPRESSURE_PARAMS, checkOutage, downstreamSpec } from './backpressureExperiment';
import { REGIONS } from './workload';

// Names match the experiments' (functions, peakToTrough, meanLoad, …, burstCalls, groups, …), so the view
// follows the experiment form on them; timeShift, global, locality and policy are the view's own.
const params = {
  timeShift: { kind: 'boolean', label: 'Time-shift', default: true },
  global: { kind: 'enum', label: 'Regions', default: 'traffic-matrix', options: GLOBAL_MODES },
  locality: { kind: 'enum', label: 'Workers', default: 'locality-groups', options: LOCALITY_MODES },
  policy: { kind: 'enum', label: 'Downstream', default: 'aimd', options: BACKPRESSURE_POLICIES },
  ...DAY_PARAMS,
  opportunisticShare: { ...DAY_PARAMS.opportunisticShare, advanced: true },
  burstCalls: { ...BURST_PARAM, advanced: true },
  ...LOCALITY_PARAMS,
  groups: { ...LOCALITY_PARAMS.groups, advanced: true },
  cooperativeJit: { ...LOCALITY_PARAMS.cooperativeJit, advanced: true },
  // faas-backpressure's outage, so the downstream panel follows that form too.
  ...BACKPRESSURE_PARAMS,
  durationS: { ...BACKPRESSURE_PARAMS.durationS, advanced: true },
  outageAtS: { ...BACKPRESSURE_PARAMS.outageAtS, advanced: true },
  outageS: { ...BACKPRESSURE_PARAMS.outageS, advanced: true },
  outageCapacity: { ...BACKPRESSURE_PARAMS.outageCapacity, advanced: true },
} as const;

export const FRAME_S = 300;

export interface FaasViewRegion {
  id: string;
  name: string;
  lat: number;
  lon: number;
  workers: number;
  cores: number;
  loadShare: number;
  capacityShare: number;
}

export interface FaasViewModel {
  timeShift: boolean;
  global: string;
  locality: string;
  policy: string;
  regions: FaasViewRegion[];
  frameS: number;
  frames: number;
  /** Cores' worth per [frame][region]: CPU demand received, CPU executed, capacity for calls. */
  received: Float32Array;
  executed: Float32Array;
  capacity: Float32Array;
  /** Cores' worth per [frame][region] the scheduler dispatched from its RunQ, by quota. */
  runReserved: Float32Array;
  runOpportunistic: Float32Array;
  /** Calls pending per [frame][region] by quota (end of frame). */
  pendingReserved: Float32Array;
  pendingOpportunistic: Float32Array;
  /** Calls/s executed per [frame][region] that another region received. */
  pulled: Float32Array;
  /**
   * Traffic matrix as it ran, per [frame][from][to]: the share of the CPU of `from`'s calls executed in the
   * frame that ran in `to` (diagonal: run where received); a row of zeros where `from`'s calls ran nowhere.
   */
  matrix: Float32Array;
  /** Per [region][hour]: loaded memory per worker (GB), cold-start share, warm functions per worker. */
  memoryGb: Float32Array;
  coldFraction: Float32Array;
  warmFunctions: Float32Array;
  groups: number;
  /** Per [region][group]: workers in the group (one group of all workers when locality is 'none'). */
  groupWorkers: Float32Array;
  workerMemoryGb: number;
  /** The downstream outage (per second, on its own clock): capacity, calls sent, served OK, AIMD window, backlog. */
  downstream: {
    durationS: number;
    outageAtS: number;
    outageS: number;
    healthyRps: number;
    capacity: Float32Array;
    sent: Float32Array;
    ok: Float32Array;
    window: Float32Array;
    backlog: Float32Array;
    excessCalls: number;
    /** Seconds after the outage until drained and healthy; when not recovered, the seconds observed. */
    recoveryS: number;
    recovered: boolean;
    pending: number;
    /** What AIMD serves on average from a backlog, as a share of healthy capacity. */
    aimdSustainedShare: number;
  };
  summary: { throttled: number; crossRegion: number; executed: number };
  /** Sampled calls: per region every 15 min, its largest cohort run, with the function class it belongs to. */
  samples: FaasCallSample[];
}

export interface FaasCallSample {
  ranS: number;
  receivedS: number;
  from: number;
  to: number;
  quota: string;
  trigger: string;
  deadlineS: number;
  critical: boolean;
  calls: number;
}

type ViewParams = ParamsOf<typeof params>;

/** Sum a [step][region] series into frames of `per` steps, as cores' worth (value / frame seconds). */
function frames(v: Float64Array, R: number, per: number, divide: number): Float32Array {
  const F = Math.floor(v.length / R / per);
  const out = new Float32Array(F * R);
  for (let f = 0; f < F; f++)
    for (let s = 0; s < per; s++)
      for (let r = 0; r < R; r++) out[f * R + r]! += v[(f * per + s) * R + r]! / divide;
  return out;
}

/** The value at the end of each frame of a [step][region] series. */
function frameEnds(v: Float64Array, R: number, per: number): Float32Array {
  const F = Math.floor(v.length / R / per);
  const out = new Float32Array(F * R);
  for (let f = 0; f < F; f++) for (let r = 0; r < R; r++) out[f * R + r] = v[((f + 1) * per - 1) * R + r]!;
  return out;
}

/** Per frame, each row of the CPU run per (from, to) pair as shares of the row's total. */
function ranMatrix(cpu: Float64Array, R: number, per: number): Float32Array {
  const F = Math.floor(cpu.length / (R * R) / per);
  const out = new Float32Array(F * R * R);
  for (let f = 0; f < F; f++)
    for (let a = 0; a < R; a++) {
      let total = 0;
      for (let s = 0; s < per; s++)
        for (let b = 0; b < R; b++) {
          const v = cpu[((f * per + s) * R + a) * R + b]!;
          out[(f * R + a) * R + b]! += v;
          total += v;
        }
      for (let b = 0; b < R; b++)
        out[(f * R + a) * R + b] = total > 0 ? out[(f * R + a) * R + b]! / total : 0;
    }
  return out;
}

export const faasView = defineLabView({
  title: 'Serverless day',
  description:
    'One simulated day of XFaaS across five regions: received vs executed CPU vs capacity, queues by quota, the traffic matrix, worker pools by locality group, and a downstream outage under AIMD.',
  params,
  work: (p) => {
    const w = dayWork(p, 1, 'warmupDays or functions, or raise stepS');
    // The downstream outage: about 2 µs a simulated second (5 units).
    return {
      ...w,
      units: w.units + poolUnits(p) + 5 * p.durationS,
      formula: `${w.formula} + pool states + ${p.durationS} s of downstream`,
    };
  },
  async build(p: ViewParams, ctx) {
    // The experiments' cross-parameter rules (a view has no `check` hook, so the build throws the same error).
    const problem = checkLocality(p) ?? checkOutage(p);
    if (problem) throw new ParamError(problem.field, problem.reason);
    const day = await localityDay(
      p,
      p.locality as 'none' | 'locality-groups',
      ctx.rng.fork('day'),
      {
        timeShift: p.timeShift,
        global: p.global as 'local-only' | 'traffic-matrix',
        burstCalls: p.burstCalls,
        recordMatrix: true,
      },
      (f) => ctx.progress(0.9 * f, 'simulating the day'),
    );
    await ctx.progress(0.9, 'downstream outage');
    const s = day.res.series;
    const R = s.R;
    const per = Math.max(1, Math.round(FRAME_S / s.stepS));
    const frameS = per * s.stepS;
    const F = Math.floor(s.steps / per);
    const matrix = ranMatrix(s.matrix, R, per);
    const hourly = (
      pick: (st: { memoryGb: number; coldFraction: number; warmFunctions: number }) => number,
    ) => {
      const out = new Float32Array(R * 24);
      for (let r = 0; r < R; r++)
        for (let h = 0; h < 24; h++) {
          const st = day.pools[r]![day.warmupHours + h];
          out[r * 24 + h] = st ? pick(st) : 0;
        }
      return out;
    };
    const groups = p.locality === 'none' ? 1 : p.groups;
    const groupWorkers = new Float32Array(R * groups);
    const pop = day.population;
    const group = assignGroups(
      pop.functions.map((f) => f.share * f.cpuS),
      groups,
    );
    const load = new Float64Array(groups);
    pop.functions.forEach((f, i) => (load[group[i]!]! += f.share * f.cpuS));
    const totalLoad = load.reduce((a, b) => a + b, 0);
    const regions = REGIONS.map((g, r) => {
      const w = workerSpec(r, p);
      for (let q = 0; q < groups; q++) groupWorkers[r * groups + q] = (w.workers * load[q]!) / totalLoad;
      return {
        id: g.id,
        name: g.name,
        lat: g.lat,
        lon: g.lon,
        workers: w.workers,
        cores: w.cores,
        loadShare: g.loadShare,
        capacityShare: g.capacityShare,
      };
    });
    const dsSpec = downstreamSpec(p);
    const ds = runDownstream(dsSpec, p.policy as 'none' | 'aimd');
    return {
      timeShift: p.timeShift,
      global: p.global,
      locality: p.locality,
      policy: p.policy,
      regions,
      frameS,
      frames: F,
      received: frames(s.receivedCpu, R, per, frameS),
      executed: frames(s.executedCpu, R, per, frameS),
      capacity: frames(s.capacityCpu, R, per, frameS),
      runReserved: frames(
        s.executedCpu.map((x, i) => x - s.opportunisticCpu[i]!),
        R,
        per,
        frameS,
      ),
      runOpportunistic: frames(s.opportunisticCpu, R, per, frameS),
      pendingReserved: frameEnds(s.pendingReserved, R, per),
      pendingOpportunistic: frameEnds(s.pendingOpportunistic, R, per),
      pulled: frames(s.pulledCalls, R, per, frameS),
      matrix,
      memoryGb: hourly((st) => st.memoryGb),
      coldFraction: hourly((st) => st.coldFraction),
      warmFunctions: hourly((st) => st.warmFunctions),
      groups,
      groupWorkers,
      workerMemoryGb: p.workerMemoryGb,
      downstream: {
        durationS: dsSpec.durationS,
        outageAtS: dsSpec.outageAtS,
        outageS: dsSpec.outageS,
        healthyRps: dsSpec.healthyRps,
        capacity: Float32Array.from(ds.capacity),
        sent: Float32Array.from(ds.sent),
        ok: Float32Array.from(ds.ok),
        window: Float32Array.from(ds.window),
        backlog: Float32Array.from(ds.backlog),
        excessCalls: ds.excessCalls,
        recoveryS: ds.recoveryS,
        recovered: ds.recovered,
        pending: ds.pending,
        aimdSustainedShare: aimdSustainedRps(dsSpec) / dsSpec.healthyRps,
      },
      samples: day.res.samples.map((c) => {
        const k = day.res.classes[c.cls]!;
        return {
          ranS: c.ranS,
          receivedS: c.receivedS,
          from: c.from,
          to: c.to,
          quota: k.quota,
          trigger: k.trigger,
          deadlineS: k.deadlineS,
          critical: k.criticality > 0,
          calls: c.calls,
        };
      }),
      summary: {
        throttled: day.res.day.throttled,
        crossRegion: day.res.day.crossRegion,
        executed: day.res.day.executed,
      },
    } satisfies FaasViewModel;
  },
});

/** A duration in words: "45 s", "12 min", "13 h 20 min". */
export function durationText(s: number): string {
  if (s < 60) return `${Math.round(s)} s`;
  if (s < 3_600) return `${Math.round(s / 60)} min`;
  const h = Math.floor(s / 3_600);
  const m = Math.round((s - h * 3_600) / 60);
  return m > 0 ? `${h} h ${m} min` : `${h} h`;
}

/** Time of day of `s` seconds into the measured day, "hh:mm", with "yesterday" before it starts; its end is "24:00". */
export function clockText(s: number): string {
  if (s === 86_400) return '24:00';
  const day = Math.floor(s / 86_400);
  const t = s - day * 86_400;
  const hhmm = `${String(Math.floor(t / 3_600)).padStart(2, '0')}:${String(Math.floor((t % 3_600) / 60)).padStart(2, '0')}`;
  return day < 0 ? `${hhmm} yesterday` : hhmm;
}

/** One sampled call's path in a sentence: what it is, where it was received and ran, how long it waited. */
export function describeSample(m: Pick<FaasViewModel, 'regions'>, c: FaasCallSample): string {
  const waited = c.ranS - c.receivedS;
  const what = `${c.critical ? 'critical ' : ''}${c.trigger}-triggered ${c.quota} function (deadline ${durationText(c.deadlineS)})`;
  const where =
    c.from === c.to
      ? `received and run in ${m.regions[c.to]!.id}`
      : `received in ${m.regions[c.from]!.id}, pulled by ${m.regions[c.to]!.id} from its DurableQ`;
  const late = waited > c.deadlineS ? ', after its deadline' : '';
  return `${what}: ${where}; received ${clockText(c.receivedS)}, ran ${clockText(c.ranS)} (waited ${durationText(waited)}${late})`;
}
