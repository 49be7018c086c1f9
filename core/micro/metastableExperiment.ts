// micro-metastable: a load spike (the trigger) against the social network under three client policies.
// Naive retries turn the spike into a retry storm that outlives it (Bronson et al. HotOS'21: a trigger,
// then a sustaining effect — here retries of timed-out requests whose abandoned work still queues).
import { UserError } from '../experiments/errors';
import { defineExperiment } from '../experiments/types';
import type { ChartSpec, ParamsOf, Result, RunContext, Table } from '../experiments/types';
import { round } from '../kernel/numbers';
import { DEFAULT_POLICIES, POLICIES, POLICY_NAMES, withPolicy } from './apps';
import type { PolicyName } from './apps';
import { parseSpec } from './spec';
import { simulate } from './sim';
import type { SimResult, Workload } from './sim';
import {
  METASTABLE_PAPERS,
  SIM_UNIT_US,
  capacityRps,
  compileBuilt,
  loadParams,
  simulatedCalls,
  specParam,
} from './scenario';

export const triggerParams = {
  durationS: {
    kind: 'int',
    label: 'Run length',
    default: 30,
    min: 10,
    max: 600,
    unit: 's',
    group: 'Trigger',
  },
  spikeAtS: {
    kind: 'int',
    label: 'Spike starts at',
    default: 10,
    min: 1,
    max: 590,
    unit: 's',
    group: 'Trigger',
  },
  spikeForS: {
    kind: 'int',
    label: 'Spike length',
    default: 5,
    min: 1,
    max: 300,
    unit: 's',
    group: 'Trigger',
  },
  spikeFactor: {
    kind: 'number',
    label: 'Spike factor',
    help: 'The offered load is multiplied by this during the spike.',
    default: 2,
    min: 1,
    max: 10,
    group: 'Trigger',
  },
} as const;

const params = {
  ...specParam,
  ...loadParams,
  ...triggerParams,
  policies: {
    kind: 'enum-list',
    label: 'Client policies',
    default: DEFAULT_POLICIES,
    options: POLICY_NAMES,
    group: 'Clients',
  },
} as const;
type Params = ParamsOf<typeof params>;

/** The trigger must end at least 4 s before the run does, so there is an after-window to measure. */
export function checkTrigger(
  p: ParamsOf<typeof triggerParams>,
): { field: 'spikeForS'; reason: string } | undefined {
  if (p.spikeAtS + p.spikeForS + 4 > p.durationS)
    return {
      field: 'spikeForS',
      reason: `must end 4 s before the run: spikeAtS + spikeForS + 4 = ${p.spikeAtS + p.spikeForS + 4} > durationS ${p.durationS}; lower spikeAtS or spikeForS, or raise durationS`,
    };
  return undefined;
}

export function workloadOf(
  p: ParamsOf<typeof triggerParams> & { load: number },
  rpsAtFull: number,
): Workload {
  return {
    rps: p.load * rpsAtFull,
    durationS: p.durationS,
    spike: { atS: p.spikeAtS, forS: p.spikeForS, factor: p.spikeFactor },
  };
}

export interface Recovery {
  pre: number;
  after: number;
  recovered: boolean;
  /** Seconds after the trigger until a whole second's goodput is back at ≥ 90% (−1: never). */
  recoveryS: number;
}

/**
 * Goodput before the trigger (from second 1 to the spike, skipping the first second's warm-up; from second 0
 * when the spike starts at 1 s), and over the last half of the time after it; recovered when that
 * after-window averages ≥ 90% of the pre-trigger goodput. With no goodput before the trigger there is no
 * level to recover to: a one-line error.
 */
export function recoveryOf(r: SimResult, w: Workload): Recovery {
  const mean = (from: number, to: number): number => {
    const b = r.buckets.slice(from, to);
    return b.reduce((a, x) => a + x.goodput, 0) / Math.max(1, b.length);
  };
  const end = w.spike.atS + w.spike.forS;
  const pre = mean(w.spike.atS >= 2 ? 1 : 0, w.spike.atS);
  if (!(pre > 0))
    throw new UserError(
      `no request succeeded before the trigger at ${w.spike.atS} s: lower the spec's costs (cpuMs, backends' latencyMs) so a request finishes within the client's ${POLICIES.retry.timeoutMs} ms timeout, or start the spike later`,
    );
  const after = mean(Math.ceil((end + w.durationS) / 2), w.durationS);
  const back = r.buckets.findIndex((b) => b.t >= end && b.goodput >= 0.9 * pre);
  return {
    pre,
    after: after / pre,
    recovered: after >= 0.9 * pre,
    recoveryS: back < 0 ? -1 : back - end,
  };
}

/** Each policy's run: same spec but the client layer, same arrivals (one rng stream per policy). */
async function runPolicies(p: Params, ctx: RunContext) {
  const base = parseSpec(p.spec).spec;
  const runs: { policy: PolicyName; r: SimResult; w: Workload }[] = [];
  for (const [i, policy] of (p.policies as PolicyName[]).entries()) {
    await ctx.progress(i / p.policies.length, `simulating ${policy}`);
    const { model } = compileBuilt(withPolicy(base, policy));
    const w = workloadOf(p, capacityRps(model));
    runs.push({ policy, r: simulate(model, w, ctx.rng.fork('arrivals')), w });
  }
  return runs;
}

export const microMetastable = defineExperiment({
  id: 'micro-metastable',
  title: 'A load spike and a retry storm that outlives it: retry, retry budget, no retry',
  paper: METASTABLE_PAPERS,
  figure:
    'Blueprint evaluation (metastable failures reproduced); Bronson et al. (trigger and sustaining effect)',
  description:
    'The social network (or your spec: its client section is replaced by each policy’s) on its machines, offered Poisson load at `load` × its CPU capacity, with the rate multiplied by `spikeFactor` ' +
    'for `spikeForS` seconds from `spikeAtS` (the trigger). Clients time out after 50 ms and act by policy: `retry` (3 retries at once, no budget), ' +
    '`retry-budget` (3 retries with exponential backoff from 20 ms and full jitter, at most 0.1 retries per request: a token bucket like Finagle’s RetryBudget) ' +
    'and `no-retry`; optionally `retry-breaker` (naive retries behind a client circuit breaker that opens for 2 s when half of at least 20 attempts in a 1 s window failed, failing requests at the client while open). The CPU queue is FCFS and a timed-out attempt is not cancelled downstream, so its work still runs: with naive retries every request ' +
    'costs up to 4 attempts, which keeps the machine over capacity after the spike ends (the sustaining effect) — nothing in the model is switched at the trigger’s end. ' +
    'goodput-after is the goodput over the last half of the time after the trigger over the goodput before it (from second 1, or 0 when the spike starts at 1 s; a run where nothing succeeded before the trigger is refused); recovered is 1 when that is ≥ 0.9; ' +
    'amplification is attempts per request. ASSUMPTION: the social network’s CPU costs and the 50 ms timeout are round figures (core/micro/apps.ts), ' +
    'not Blueprint’s; one machine; a full admission queue (the spec’s queueLimit) refuses a request’s first call at once.',
  comparisonNote:
    'Bronson et al. and Huang et al. describe the storm qualitatively: the system stays in the metastable state after the trigger is removed while retries sustain it, ' +
    'and recovers when the sustaining effect is removed. Shown as 0 (not recovered) for retry and 1 for no-retry; Blueprint reports no per-policy numbers we compare with.',
  params,
  check: (p) => checkTrigger(p),
  work(p) {
    const { model } = compileBuilt(parseSpec(p.spec).spec);
    const w = workloadOf(p, capacityRps(model));
    const units = p.policies.length * simulatedCalls(model, w, 4);
    return {
      units,
      what: 'simulated calls',
      unitCostUs: SIM_UNIT_US,
      lower: 'durationS, load or the spec’s cores',
      formula: `${p.policies.length} policies × ${round(w.rps, 0)} req/s × ${p.durationS} s (+ spike) × up to 4 attempts × calls per request`,
    };
  },
  async run(p, ctx) {
    const runs = await runPolicies(p, ctx);
    const metrics: Record<string, number> = {};
    const summary: Table = {
      columns: [
        'policy',
        'goodput before (req/s)',
        'goodput after (fraction)',
        'recovered',
        'recovery s',
        'attempts per request',
        'requests',
        'succeeded',
        'failed',
      ],
      rows: [],
    };
    const timeline: Table = {
      columns: [
        'second',
        ...runs.map((x) => `goodput ${x.policy}`),
        ...runs.map((x) => `attempts ${x.policy}`),
        ...runs.map((x) => `p99 ms ${x.policy}`),
      ],
      rows: [],
    };
    for (const { policy, r, w } of runs) {
      const rec = recoveryOf(r, w);
      metrics[`recovered.${policy}`] = rec.recovered ? 1 : 0;
      metrics[`goodput-after.${policy}`] = round(rec.after, 4);
      metrics[`amplification.${policy}`] = round(r.totals.attempts / Math.max(1, r.totals.requests), 4);
      metrics[`recovery-s.${policy}`] = rec.recoveryS;
      summary.rows.push([
        policy,
        round(rec.pre, 1),
        round(rec.after, 4),
        rec.recovered ? 1 : 0,
        rec.recoveryS,
        metrics[`amplification.${policy}`]!,
        r.totals.requests,
        r.totals.succeeded,
        r.totals.failed,
      ]);
    }
    const n = runs[0]?.r.buckets.length ?? 0;
    for (let t = 0; t < n; t++)
      timeline.rows.push([
        t,
        ...runs.map((x) => x.r.buckets[t]!.goodput),
        ...runs.map((x) => x.r.buckets[t]!.attempts),
        // No success in the second: no latency (empty), not 0 ms.
        ...runs.map((x) => (x.r.buckets[t]!.goodput > 0 ? round(x.r.buckets[t]!.p99Ms, 3) : '')),
      ]);
    const comparisons = [];
    const src =
      'Bronson et al. HotOS’21 / Huang et al. OSDI’22 (docs/reference.md): the retry storm persists after the trigger is removed';
    if ('recovered.retry' in metrics)
      comparisons.push({
        metric: 'recovered.retry',
        published: 0,
        measured: metrics['recovered.retry']!,
        source: src,
      });
    if ('recovered.no-retry' in metrics)
      comparisons.push({
        metric: 'recovered.no-retry',
        published: 1,
        measured: metrics['recovered.no-retry']!,
        source:
          'Bronson et al. HotOS’21 (docs/reference.md): without the sustaining effect the system returns to its stable state',
      });
    return { metrics, tables: { policies: summary, timeline }, comparisons };
  },
  charts(result: Result): ChartSpec[] {
    const t = result.tables.timeline;
    if (!t) return [];
    const policies = t.columns.filter((c) => c.startsWith('goodput ')).map((c) => c.slice(8));
    return [
      {
        kind: 'line',
        title: `Goodput per second (spike from ${result.params.spikeAtS} s for ${result.params.spikeForS} s)`,
        x: { label: 'second' },
        y: { label: 'requests answered in time per second', format: 'number', min: 0 },
        series: policies.map((pol, i) => ({
          name: pol,
          points: t.rows.map((r) => [Number(r[0]), Number(r[1 + i])] as [number, number]),
        })),
      },
      {
        kind: 'line',
        title: 'Attempts sent per second',
        x: { label: 'second' },
        y: { label: 'attempts per second', format: 'number', min: 0 },
        series: policies.map((pol, i) => ({
          name: pol,
          points: t.rows.map((r) => [Number(r[0]), Number(r[1 + policies.length + i])] as [number, number]),
        })),
      },
    ];
  },
});
