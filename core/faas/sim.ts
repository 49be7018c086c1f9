// The XFaaS day as a fluid simulation in fixed steps: Submitter (per-client quota; a bursty client is
// throttled over quota) → QueueLB → a DurableQ per region, one FuncBuffer per function class per region,
// merged by each region's scheduler into a RunQ ordered by quota type, criticality and execution deadline;
// opportunistic calls time-shifted to troughs within their deadline; a traffic matrix that tells each
// region's scheduler how much to pull from other regions' DurableQs (XFaaS, SOSP'23, §3–§4).
// DEVIATION: a region's DurableQ and its scheduler's FuncBuffers are one structure here (the per-class
// buffers of `Scheduler`; other regions pull from them as from the DurableQ); the paper's scheduler moves
// calls from the DurableQ into FuncBuffers, a hop (and its latency) not modelled.
// Calls are fluid (real-valued counts per cohort); every count below is conserved:
// submitted = executed + throttled + pending + dropped.
import type { Rng } from '../kernel/rng';
import { normal } from '../kernel/distributions';
import { DAY_S, diurnal } from './workload';
import type { FaasRegion, FunctionClass, Population } from './workload';

export const GLOBAL_MODES = ['local-only', 'traffic-matrix'] as const;
export type GlobalMode = (typeof GLOBAL_MODES)[number];

export interface BurstSpec {
  /** Calls the bursty client submits (0 = none). */
  calls: number;
  /** When, seconds into the measured day, and over how long. */
  atS: number;
  windowS: number;
  /** The client's quota (calls/s accepted by the Submitter); the rest is throttled. */
  quotaRps: number;
  /** The function's concurrency limit (running calls). */
  concurrency: number;
  cpuS: number;
  deadlineS: number;
}

export interface SimSpec {
  population: Population;
  regions: readonly FaasRegion[];
  /** Whole fleet, in cores (CPU-seconds per second). */
  fleetCores: number;
  /** Mean received CPU demand / fleet capacity over a day. */
  meanLoad: number;
  peakToTrough: number;
  stepS: number;
  /** Days simulated before the measured day (backlog carried over night reaches steady state). */
  warmupDays: number;
  timeShift: boolean;
  /**
   * Non-urgent opportunistic calls run only while a region's utilisation is below this; 0 = auto: the mean
   * received CPU / capacity of the previous day (the region's own, or the fleet's under the traffic matrix),
   * the flattest level the day's work can be run at.
   */
  shiftTarget: number;
  global: GlobalMode;
  matrixPeriodS: number;
  /** Calls still queued this long after their deadline are dropped (DurableQ retention). */
  retentionS: number;
  burst: BurstSpec;
  /** Relative noise of arrivals per class and step (sd of a normal factor). */
  noise: number;
  /**
   * Capacity (cores) of region `r` in the hour starting at step `step`, given the calls per class it
   * executed in the previous hour; absent → its share of `fleetCores`. The locality experiment uses it.
   */
  capacityHook?(r: number, hour: number, execPrevHour: Float64Array): number;
  /** Record the traffic matrix of every measured step (the view draws it). */
  recordMatrix: boolean;
}

/** One region's FuncBuffer for one class: cohorts (arrival time, calls left) in arrival order. */
interface FuncBuffer {
  arrive: number[];
  calls: number[];
  head: number;
}

export interface QuotaTotals {
  executed: number;
  /** Executed after their deadline. */
  late: number;
  dropped: number;
}

export interface SimTotals {
  submitted: number;
  executed: number;
  throttled: number;
  pending: number;
  dropped: number;
  byQuota: { reserved: QuotaTotals; opportunistic: QuotaTotals };
  /** Calls executed in a region other than the one that received them. */
  crossRegion: number;
}

/** Series per measured step (`steps` of them) and region (`R`), row-major [step][region]. */
export interface SimSeries {
  steps: number;
  stepS: number;
  R: number;
  receivedCpu: Float64Array;
  executedCpu: Float64Array;
  capacityCpu: Float64Array;
  /** Non-urgent opportunistic CPU run (the time-shifted part). */
  shiftedCpu: Float64Array;
  /** All opportunistic CPU run (urgent included). */
  opportunisticCpu: Float64Array;
  pendingReserved: Float64Array;
  pendingOpportunistic: Float64Array;
  /** Calls executed here that other regions received. */
  pulledCalls: Float64Array;
  executedCalls: Float64Array;
  /**
   * The traffic matrix as it ran: CPU-seconds per [step][from][to] of calls received by `from` executed
   * in `to` (diagonal: run where received). Only with `recordMatrix`.
   */
  matrix: Float64Array;
}

/**
 * A sampled execution (the view's call trace): one call drawn with the run's Rng from all the calls a region
 * ran in one step drawn at random within each 15-minute window (so neither the window's start nor the
 * largest cohort is favoured). `calls` is the size of the cohort (same class, arrival step and source) it
 * belongs to.
 */
export interface CallSample {
  /** Seconds into the measured day it ran, and when it was received (negative: a warm-up day). */
  ranS: number;
  receivedS: number;
  /** Region that received it (its DurableQ) and region that ran it. */
  from: number;
  to: number;
  cls: number;
  /** Calls in the cohort run (fluid). */
  calls: number;
}

export interface SimResult {
  totals: SimTotals;
  /** Totals over the measured day only (the warm-up days excluded; pending at its end). */
  day: SimTotals;
  series: SimSeries;
  /** Calls executed per [region][hour of measured day][class] (the burst class last). */
  execByHour: Float64Array;
  classes: readonly FunctionClass[];
  /** One per region per 15 simulated minutes of the measured day (where it ran anything in the drawn step). */
  samples: CallSample[];
}

const emptyTotals = (): SimTotals => ({
  submitted: 0,
  executed: 0,
  throttled: 0,
  pending: 0,
  dropped: 0,
  byQuota: {
    reserved: { executed: 0, late: 0, dropped: 0 },
    opportunistic: { executed: 0, late: 0, dropped: 0 },
  },
  crossRegion: 0,
});

/**
 * The classes the scheduler sees: the population's, then the bursty client's function. DEVIATION: only the
 * bursty client's function has a binding concurrency limit and only that client meets the Submitter's
 * quota; the population's classes merge many functions whose own limits and clients are not modelled.
 */
export function simClasses(spec: SimSpec): FunctionClass[] {
  const b = spec.burst;
  return [
    ...spec.population.classes,
    {
      quota: 'opportunistic',
      criticality: 0,
      trigger: 'queue',
      deadlineS: b.deadlineS,
      share: 0,
      cpuS: b.cpuS,
      memMb: 128,
      concurrency: b.concurrency,
    },
  ];
}

/** Work units of one run: steps × regions × classes (what the fluid loop iterates over). */
export function simUnits(spec: Pick<SimSpec, 'stepS' | 'warmupDays' | 'regions' | 'population'>): number {
  const steps = ((1 + spec.warmupDays) * DAY_S) / spec.stepS;
  return steps * spec.regions.length * (spec.population.classes.length + 1);
}

class Scheduler {
  readonly R: number;
  readonly K: number;
  readonly buffers: FuncBuffer[];
  /** Calls pending per region and class. */
  readonly pending: Float64Array;
  constructor(
    readonly classes: readonly FunctionClass[],
    R: number,
  ) {
    this.R = R;
    this.K = classes.length;
    this.buffers = Array.from({ length: R * this.K }, () => ({ arrive: [], calls: [], head: 0 }));
    this.pending = new Float64Array(R * this.K);
  }

  push(r: number, k: number, t: number, calls: number): void {
    if (calls <= 0) return;
    const b = this.buffers[r * this.K + k]!;
    b.arrive.push(t);
    b.calls.push(calls);
    this.pending[r * this.K + k]! += calls;
  }

  /** Drop cohorts queued past deadline + retention; returns calls dropped per quota. */
  expire(t: number, retentionS: number, onDrop: (k: number, calls: number) => void): void {
    for (let r = 0; r < this.R; r++)
      for (let k = 0; k < this.K; k++) {
        const b = this.buffers[r * this.K + k]!;
        const limit = t - this.classes[k]!.deadlineS - retentionS;
        while (b.head < b.arrive.length && b.arrive[b.head]! < limit) {
          onDrop(k, b.calls[b.head]!);
          this.pending[r * this.K + k]! -= b.calls[b.head]!;
          b.head++;
        }
        if (b.head >= b.arrive.length) this.pending[r * this.K + k] = 0;
        compact(b);
      }
  }

  /**
   * The RunQ head of region `src` among classes of `quota`: the class whose oldest cohort comes first by
   * (criticality desc, deadline asc). `urgentBy`: only cohorts whose deadline is before it. −1 when none.
   */
  best(src: number, quota: string, urgentBy: number, skip: Uint8Array): number {
    let bestK = -1;
    let bestCrit = -1;
    let bestDeadline = Infinity;
    for (let k = 0; k < this.K; k++) {
      const c = this.classes[k]!;
      if (c.quota !== quota || skip[k]) continue;
      const b = this.buffers[src * this.K + k]!;
      if (b.head >= b.arrive.length) continue;
      const deadline = b.arrive[b.head]! + c.deadlineS;
      if (deadline > urgentBy) continue;
      if (c.criticality > bestCrit || (c.criticality === bestCrit && deadline < bestDeadline)) {
        bestK = k;
        bestCrit = c.criticality;
        bestDeadline = deadline;
      }
    }
    return bestK;
  }
}

function compact(b: FuncBuffer): void {
  if (b.head > 64 && b.head * 2 > b.arrive.length) {
    b.arrive.splice(0, b.head);
    b.calls.splice(0, b.head);
    b.head = 0;
  }
}

/** What one serve call may use and where its executions are counted. */
interface Serve {
  src: number;
  dst: number;
  quota: 'reserved' | 'opportunistic';
  /** CPU-seconds it may use. */
  budget: number;
  urgentBy: number;
}

interface StepState {
  t: number;
  stepS: number;
  /** Calls each class may still start this step (its concurrency limit), fleet-wide. */
  concurrencyLeft: Float64Array;
  onExec(s: Serve, k: number, calls: number, cpu: number, late: boolean, arriveS: number): void;
}

/** Run RunQ heads of `s.src` into `s.dst` until the budget is spent or nothing eligible is left. */
function serve(sch: Scheduler, s: Serve, st: StepState): number {
  let used = 0;
  const skip = new Uint8Array(sch.K);
  while (s.budget - used > 1e-9) {
    const k = sch.best(s.src, s.quota, s.urgentBy, skip);
    if (k < 0) break;
    const c = sch.classes[k]!;
    const b = sch.buffers[s.src * sch.K + k]!;
    const room = Math.min((s.budget - used) / c.cpuS, st.concurrencyLeft[k]!);
    if (room <= 1e-12) {
      skip[k] = 1;
      continue;
    }
    const n = Math.min(b.calls[b.head]!, room);
    const late = b.arrive[b.head]! + c.deadlineS < st.t;
    b.calls[b.head]! -= n;
    if (b.calls[b.head]! <= 1e-12) {
      // The cohort is done: whatever float dust is left counts as executed with it.
      const rest = b.calls[b.head]!;
      b.head++;
      st.onExec(s, k, n + rest, (n + rest) * c.cpuS, late, b.arrive[b.head - 1]!);
      sch.pending[s.src * sch.K + k]! -= n + rest;
      // An empty FuncBuffer holds nothing: drop the running sum's rounding dust with it.
      if (b.head >= b.arrive.length) sch.pending[s.src * sch.K + k] = 0;
      used += (n + rest) * c.cpuS;
    } else {
      st.onExec(s, k, n, n * c.cpuS, late, b.arrive[b.head]!);
      sch.pending[s.src * sch.K + k]! -= n;
      used += n * c.cpuS;
    }
    if (isFinite(c.concurrency)) st.concurrencyLeft[k]! -= n;
  }
  return used;
}

/**
 * The traffic matrix (§4.3): each region's load (recent received CPU rate plus its backlog spread over an
 * hour) against its capacity; regions above the fleet-wide load/capacity ratio give their excess to regions
 * below it, in proportion to their deficits. Returns CPU-seconds per second region `to` pulls from `from`,
 * row-major [from][to], diagonal 0. ASSUMPTION: the paper gives the idea, not the formula; this is the
 * proportional fill.
 */
export function trafficMatrix(load: readonly number[], capacity: readonly number[]): Float64Array {
  const R = load.length;
  const totalLoad = load.reduce((a, b) => a + b, 0);
  const totalCap = capacity.reduce((a, b) => a + b, 0);
  const out = new Float64Array(R * R);
  if (totalCap <= 0 || totalLoad <= 0) return out;
  const rho = totalLoad / totalCap;
  const excess = load.map((l, i) => Math.max(0, l - rho * capacity[i]!));
  const deficit = load.map((l, i) => Math.max(0, rho * capacity[i]! - l));
  const totalDeficit = deficit.reduce((a, b) => a + b, 0);
  if (totalDeficit <= 0) return out;
  for (let i = 0; i < R; i++)
    for (let j = 0; j < R; j++) if (i !== j) out[i * R + j] = (excess[i]! * deficit[j]!) / totalDeficit;
  return out;
}

export function simulateDay(spec: SimSpec, rng: Rng): SimResult {
  const run = new DayRun(spec, rng);
  for (let i = 0; i < run.steps; i++) run.step(i);
  return run.result();
}

/**
 * The same day, reporting progress (fraction of its steps) every simulated hour: the host yields there and
 * a cancel lands there.
 */
export async function simulateDayAsync(
  spec: SimSpec,
  rng: Rng,
  report: (fraction: number) => Promise<void>,
): Promise<SimResult> {
  const run = new DayRun(spec, rng);
  const perHour = Math.max(1, Math.round(3_600 / spec.stepS));
  for (let i = 0; i < run.steps; i++) {
    if (i % perHour === 0) await report(i / run.steps);
    run.step(i);
  }
  return run.result();
}

/** The day's state and loop; `step` is one scheduling round of every region. */
class DayRun {
  readonly R: number;
  readonly classes: FunctionClass[];
  readonly sch: Scheduler;
  readonly steps: number;
  readonly measuredFrom: number;
  readonly totals = emptyTotals();
  readonly day = emptyTotals();
  readonly series: SimSeries;
  readonly execByHour: Float64Array;
  readonly execThisHour: Float64Array;
  readonly execPrevHour: Float64Array;
  readonly samples: CallSample[] = [];
  /** Index in `samples` of this step's sample per region (−1: none yet). */
  private sampleAt: Int32Array;
  /** Per region: the measured step drawn for this 15-minute window's sample, and calls run in it so far. */
  private readonly sampleStep: Int32Array;
  private readonly sampleWeight: Float64Array;
  private readonly sampler: Rng;
  capacity: number[];
  pull: Float64Array;
  recentReceived: Float64Array;
  /** Received CPU-seconds so far today, per region; and the shift target per region. */
  readonly receivedToday: Float64Array;
  target: number[];
  readonly callsPerS: number;
  private readonly noise: Rng;

  constructor(
    readonly spec: SimSpec,
    rng: Rng,
  ) {
    this.R = spec.regions.length;
    this.classes = simClasses(spec);
    this.sch = new Scheduler(this.classes, this.R);
    this.steps = Math.round(((1 + spec.warmupDays) * DAY_S) / spec.stepS);
    this.measuredFrom = Math.round((spec.warmupDays * DAY_S) / spec.stepS);
    const daySteps = this.steps - this.measuredFrom;
    const R = this.R;
    const f = () => new Float64Array(daySteps * R);
    this.series = {
      steps: daySteps,
      stepS: spec.stepS,
      R,
      receivedCpu: f(),
      executedCpu: f(),
      capacityCpu: f(),
      shiftedCpu: f(),
      opportunisticCpu: f(),
      pendingReserved: f(),
      pendingOpportunistic: f(),
      pulledCalls: f(),
      executedCalls: f(),
      matrix: new Float64Array(spec.recordMatrix ? daySteps * R * R : 0),
    };
    const K = this.classes.length;
    this.execByHour = new Float64Array(R * 24 * K);
    this.execThisHour = new Float64Array(R * K);
    this.execPrevHour = new Float64Array(R * K);
    this.sampleAt = new Int32Array(R).fill(-1);
    this.sampleStep = new Int32Array(R).fill(-1);
    this.sampleWeight = new Float64Array(R);
    this.sampler = rng.fork('samples');
    this.capacity = spec.regions.map((r) => r.capacityShare * spec.fleetCores);
    this.pull = new Float64Array(R * R);
    this.recentReceived = new Float64Array(R);
    this.receivedToday = new Float64Array(R);
    this.target = this.dayZeroTarget();
    this.callsPerS = (spec.meanLoad * spec.fleetCores) / spec.population.meanCpuS;
    this.noise = rng.fork('arrivals');
  }

  /**
   * Day 0's forecast (no yesterday yet): the configured mean load in CPU (meanLoad × fleetCores, spread by
   * the regions' load shares) over the capacity regions have for calls now — which a capacity hook (cold
   * starts) may have cut below their cores, so the forecast is not biased low on a first day.
   */
  private dayZeroTarget(): number[] {
    const { spec } = this;
    const demand = spec.meanLoad * spec.fleetCores;
    const total = this.capacity.reduce((a, b) => a + b, 0);
    return spec.regions.map((g, r) =>
      spec.global === 'traffic-matrix' ? demand / total : (demand * g.loadShare) / this.capacity[r]!,
    );
  }

  private measured(i: number): boolean {
    return i >= this.measuredFrom;
  }

  private count(i: number, f: (t: SimTotals) => void): void {
    f(this.totals);
    if (this.measured(i)) f(this.day);
  }

  /** Arrivals of step i into each region's FuncBuffers (the Submitter and QueueLB path). */
  private arrive(i: number, t: number): void {
    const { spec, R } = this;
    const level = diurnal(t, spec.peakToTrough);
    const K0 = spec.population.classes.length;
    for (let r = 0; r < R; r++) {
      let cpu = 0;
      for (let k = 0; k < K0; k++) {
        const c = this.classes[k]!;
        // Timer-triggered functions fire on 5-minute marks (cron-like): the same mass, in spikes.
        // DEVIATION: queue- and event-triggered calls arrive alike (smooth streams).
        const timerFactor =
          c.trigger === 'timer' ? (t % 300 < spec.stepS ? 300 / Math.min(300, spec.stepS) : 0) : 1;
        if (timerFactor === 0) continue;
        const mean = this.callsPerS * c.share * spec.regions[r]!.loadShare * level * spec.stepS * timerFactor;
        const n = Math.max(0, mean * normal(this.noise, 1, spec.noise));
        this.sch.push(r, k, t, n);
        cpu += n * c.cpuS;
        this.count(i, (x) => (x.submitted += n));
      }
      this.recentReceived[r] = this.recentReceived[r]! * 0.9 + (cpu / spec.stepS) * 0.1;
      this.receivedToday[r]! += cpu;
      if (this.measured(i)) this.series.receivedCpu[(i - this.measuredFrom) * R + r] = cpu;
    }
    this.burstArrivals(i, t);
  }

  /** The bursty client (region 0): calls over its quota are throttled at the Submitter. */
  private burstArrivals(i: number, t: number): void {
    const b = this.spec.burst;
    if (b.calls <= 0 || !this.measured(i)) return;
    const dayT = t - this.measuredFrom * this.spec.stepS;
    const from = Math.max(dayT, b.atS);
    const to = Math.min(dayT + this.spec.stepS, b.atS + b.windowS);
    if (to <= from) return;
    const offered = (b.calls * (to - from)) / b.windowS;
    const accepted = Math.min(offered, b.quotaRps * (to - from));
    this.sch.push(0, this.classes.length - 1, t, accepted);
    this.series.receivedCpu[(i - this.measuredFrom) * this.R]! += accepted * b.cpuS;
    this.count(i, (x) => {
      x.submitted += offered;
      x.throttled += offered - accepted;
    });
  }

  private updateMatrix(): void {
    const { R, sch } = this;
    const load: number[] = [];
    for (let r = 0; r < R; r++) {
      let backlogCpu = 0;
      for (let k = 0; k < sch.K; k++) backlogCpu += sch.pending[r * sch.K + k]! * this.classes[k]!.cpuS;
      load.push(this.recentReceived[r]! + backlogCpu / 3_600);
    }
    this.pull =
      this.spec.global === 'traffic-matrix' ? trafficMatrix(load, this.capacity) : new Float64Array(R * R);
  }

  private hourly(i: number, t: number): void {
    const { R, spec } = this;
    const K = this.classes.length;
    if (i > 0) {
      this.execPrevHour.set(this.execThisHour);
      if (this.measured(i - 1)) {
        const h = Math.floor(((i - 1 - this.measuredFrom) * spec.stepS) / 3_600);
        for (let r = 0; r < R; r++)
          for (let k = 0; k < K; k++) this.execByHour[(r * 24 + h) * K + k] = this.execThisHour[r * K + k]!;
      }
      this.execThisHour.fill(0);
    }
    if (spec.capacityHook) {
      const hour = Math.floor(t / 3_600);
      this.capacity = spec.regions.map((_, r) =>
        spec.capacityHook!(r, hour, this.execPrevHour.subarray(r * K, (r + 1) * K)),
      );
      if (t < DAY_S) this.target = this.dayZeroTarget();
    }
  }

  /** The auto shift target for the next day: yesterday's received CPU over capacity. */
  private newDay(): void {
    const cap = this.capacity.map((c) => c * DAY_S);
    const fleet = this.receivedToday.reduce((a, b) => a + b, 0) / cap.reduce((a, b) => a + b, 0);
    this.target = this.capacity.map((_, r) =>
      this.spec.global === 'traffic-matrix' ? fleet : this.receivedToday[r]! / cap[r]!,
    );
    this.receivedToday.fill(0);
  }

  step(i: number): void {
    const { spec, sch } = this;
    const t = i * spec.stepS;
    if (t % 3_600 === 0) this.hourly(i, t);
    if (t % DAY_S === 0 && i > 0) this.newDay();
    this.arrive(i, t);
    sch.expire(t, spec.retentionS, (k, calls) =>
      this.count(i, (x) => {
        x.dropped += calls;
        x.byQuota[this.classes[k]!.quota].dropped += calls;
      }),
    );
    if (t % spec.matrixPeriodS === 0) this.updateMatrix();
    this.schedule(i, t);
    if (this.measured(i)) this.record(i);
  }

  /** Each region's scheduler: reserved, then urgent opportunistic, then time-shifted opportunistic. */
  private schedule(i: number, t: number): void {
    const { spec, R, sch } = this;
    const d = i - this.measuredFrom;
    const cap = this.capacity.map((c) => c * spec.stepS);
    const used = new Array<number>(R).fill(0);
    const allowance = Array.from(this.pull, (x) => x * spec.stepS);
    const concurrencyLeft = new Float64Array(this.classes.map((c) => (c.concurrency * spec.stepS) / c.cpuS));
    const st: StepState = {
      t,
      stepS: spec.stepS,
      concurrencyLeft,
      onExec: (s, k, calls, cpu, late, arriveS) => {
        this.count(i, (x) => {
          x.executed += calls;
          x.byQuota[s.quota].executed += calls;
          if (late) x.byQuota[s.quota].late += calls;
          if (s.src !== s.dst) x.crossRegion += calls;
        });
        this.execThisHour[s.dst * this.classes.length + k]! += calls;
        if (d >= 0) {
          this.series.executedCpu[d * R + s.dst]! += cpu;
          this.series.executedCalls[d * R + s.dst]! += calls;
          if (s.src !== s.dst) this.series.pulledCalls[d * R + s.dst]! += calls;
          if (s.quota === 'opportunistic') this.series.opportunisticCpu[d * R + s.dst]! += cpu;
          if (s.quota === 'opportunistic' && s.urgentBy === Infinity)
            this.series.shiftedCpu[d * R + s.dst]! += cpu;
          if (this.series.matrix.length > 0) this.series.matrix[(d * R + s.src) * R + s.dst]! += cpu;
          this.sample(d, t, s, k, calls, arriveS);
        }
      },
    };
    // Opportunistic calls are urgent once they could not wait another step.
    const urgentBy = t + 2 * spec.stepS;
    this.drawSampleSteps(d);
    const phases: ['reserved' | 'opportunistic', number, number][] = [
      ['reserved', Infinity, 1],
      ['opportunistic', urgentBy, 1],
      ['opportunistic', Infinity, spec.timeShift ? spec.shiftTarget : 1],
    ];
    for (const [quota, by, fixed] of phases) {
      const targetOf = (j: number) => Math.min(1, fixed === 0 ? this.target[j]! : fixed);
      for (let j = 0; j < R; j++) {
        const target = targetOf(j);
        const budget = Math.max(0, Math.min(cap[j]! - used[j]!, target * cap[j]! - used[j]!));
        used[j]! += serve(sch, { src: j, dst: j, quota, budget, urgentBy: by }, st);
      }
      for (let j = 0; j < R; j++)
        for (let src = 0; src < R; src++) {
          if (src === j || allowance[src * R + j]! <= 0) continue;
          const target = targetOf(j);
          const budget = Math.max(
            0,
            Math.min(cap[j]! - used[j]!, target * cap[j]! - used[j]!, allowance[src * R + j]!),
          );
          const u = serve(sch, { src, dst: j, quota, budget, urgentBy: by }, st);
          used[j]! += u;
          allowance[src * R + j]! -= u;
        }
    }
  }

  /** At each 15-minute window's start, draw per region the step whose calls it samples from. */
  private drawSampleSteps(d: number): void {
    const per = Math.max(1, Math.round(900 / this.spec.stepS));
    if (d < 0 || d % per !== 0) return;
    for (let r = 0; r < this.R; r++) {
      this.sampleStep[r] = d + this.sampler.int(0, per - 1);
      this.sampleWeight[r] = 0;
    }
  }

  /**
   * In the drawn step, keep one call drawn uniformly from the calls the region runs (weighted reservoir
   * sampling over its cohorts: the newest replaces the kept one with probability calls / calls so far).
   */
  private sample(d: number, t: number, s: Serve, k: number, calls: number, arriveS: number): void {
    if (d !== this.sampleStep[s.dst] || calls <= 0) return;
    this.sampleWeight[s.dst]! += calls;
    if (this.sampler.float() >= calls / this.sampleWeight[s.dst]!) return;
    const dayStart = this.measuredFrom * this.spec.stepS;
    const next = { ranS: t - dayStart, receivedS: arriveS - dayStart, from: s.src, to: s.dst, cls: k, calls };
    const at = this.sampleAt[s.dst]!;
    if (at >= 0 && this.samples[at]!.ranS === next.ranS) this.samples[at] = next;
    else this.sampleAt[s.dst] = this.samples.push(next) - 1;
  }

  private record(i: number): void {
    const { R, sch, series } = this;
    const d = i - this.measuredFrom;
    for (let r = 0; r < R; r++) {
      series.capacityCpu[d * R + r] = this.capacity[r]! * this.spec.stepS;
      let res = 0;
      let opp = 0;
      for (let k = 0; k < sch.K; k++) {
        if (this.classes[k]!.quota === 'reserved') res += sch.pending[r * sch.K + k]!;
        else opp += sch.pending[r * sch.K + k]!;
      }
      series.pendingReserved[d * R + r] = res;
      series.pendingOpportunistic[d * R + r] = opp;
    }
  }

  result(): SimResult {
    let pending = 0;
    for (const p of this.sch.pending) pending += p;
    this.totals.pending = pending;
    this.day.pending = pending;
    // The last hour's executions.
    const K = this.classes.length;
    for (let r = 0; r < this.R; r++)
      for (let k = 0; k < K; k++) this.execByHour[(r * 24 + 23) * K + k] = this.execThisHour[r * K + k]!;
    return {
      totals: this.totals,
      day: this.day,
      series: this.series,
      execByHour: this.execByHour,
      classes: this.classes,
      samples: this.samples,
    };
  }
}
