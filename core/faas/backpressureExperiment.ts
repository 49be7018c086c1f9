// faas-backpressure: a downstream outage with and without XFaaS's AIMD back-pressure on the functions
// that call it (§4.5: a TCP-like congestion control paces their execution).
import { defineExperiment } from '../experiments/types';
import type { ChartSpec, Result } from '../experiments/types';
import { round } from '../kernel/numbers';
import {
  BACKPRESSURE_POLICIES,
  DEFAULT_DOWNSTREAM,
  RECOVERY_HOLD_S,
  aimdSustainedRps,
  runDownstream,
} from './downstream';
import type { DownstreamSpec } from './downstream';
import { XFAAS_PAPER, tablePoints } from './scenario';

const D = DEFAULT_DOWNSTREAM;
export const BACKPRESSURE_PARAMS = {
  durationS: {
    kind: 'int',
    label: 'Duration',
    default: D.durationS,
    min: 60,
    max: 86_400,
    unit: 's (simulated)',
  },
  outageAtS: { kind: 'int', label: 'Outage at', default: D.outageAtS, min: 0, max: 86_000, unit: 's' },
  outageS: { kind: 'int', label: 'Outage length', default: D.outageS, min: 1, max: 86_000, unit: 's' },
  outageCapacity: {
    kind: 'number',
    label: 'Capacity in outage',
    help: 'The downstream’s capacity during the outage, as a share of healthy.',
    default: D.outageCapacity,
    min: 0,
    max: 1,
  },
  healthyRps: {
    kind: 'int',
    label: 'Healthy capacity',
    default: D.healthyRps,
    min: 1,
    max: 10_000_000,
    unit: 'calls/s',
    advanced: true,
  },
  offeredLoad: {
    kind: 'number',
    label: 'Offered load',
    help: 'Calls the functions want to make, as a share of the healthy capacity.',
    default: D.offeredRps / D.healthyRps,
    min: 0.01,
    max: 1,
    advanced: true,
  },
  maxAttempts: {
    kind: 'int',
    label: 'Attempts per call',
    default: D.maxAttempts,
    min: 1,
    max: 20,
    advanced: true,
  },
  aimdIncrease: {
    kind: 'number',
    label: 'AIMD increase',
    help: 'Additive increase per second, as a share of the healthy capacity.',
    default: D.aimdIncreaseRps / D.healthyRps,
    min: 0.0001,
    max: 1,
    advanced: true,
  },
  aimdDecrease: {
    kind: 'number',
    label: 'AIMD decrease',
    default: D.aimdDecrease,
    min: 0.05,
    max: 0.95,
    advanced: true,
  },
} as const;

export function downstreamSpec(p: {
  durationS: number;
  outageAtS: number;
  outageS: number;
  outageCapacity: number;
  healthyRps: number;
  offeredLoad: number;
  maxAttempts: number;
  aimdIncrease: number;
  aimdDecrease: number;
}): DownstreamSpec {
  return {
    ...D,
    durationS: p.durationS,
    outageAtS: p.outageAtS,
    outageS: p.outageS,
    outageCapacity: p.outageCapacity,
    healthyRps: p.healthyRps,
    offeredRps: p.offeredLoad * p.healthyRps,
    xfaasMaxRps: (D.xfaasMaxRps / D.healthyRps) * p.healthyRps,
    maxAttempts: p.maxAttempts,
    aimdIncreaseRps: p.aimdIncrease * p.healthyRps,
    aimdDecrease: p.aimdDecrease,
  };
}

/** The outage must end within the run (so `recovery-seconds` counts from a moment the run reaches). */
export function checkOutage(p: {
  outageAtS: number;
  outageS: number;
  durationS: number;
}): { field: 'outageS'; reason: string } | undefined {
  if (p.outageAtS + p.outageS > p.durationS)
    return {
      field: 'outageS',
      reason: `outageAtS + outageS (${p.outageAtS + p.outageS} s) must end within durationS (${p.durationS} s)`,
    };
  return undefined;
}

export const faasBackpressure = defineExperiment({
  id: 'faas-backpressure',
  title: 'Downstream outage: no back-pressure vs AIMD',
  paper: XFAAS_PAPER,
  figure: 'downstream protection (TCP-like AIMD; the TAO outage the paper describes)',
  description:
    'Functions call a downstream service (think TAO) at `offeredLoad` of its healthy capacity; from ' +
    '`outageAtS` for `outageS` it serves only `outageCapacity` of that. Without back-pressure (`none`) ' +
    'XFaaS runs every waiting call up to its workers’ limit (3x the healthy capacity) and retries failed ' +
    'calls until `maxAttempts`; with `aimd` (§4.5: TCP-like congestion control on the downstream’s ' +
    'back-pressure signal) the calls let through are capped by a window that grows by `aimdIncrease` × ' +
    'capacity per second while errors stay under 1% and it limits sending (as TCP’s window validation, ' +
    'RFC 7661), starts at the healthy capacity and is multiplied by `aimdDecrease` when errors exceed 1%; ' +
    'calls held back wait in the queue. The error signal only fires once sending exceeds capacity, so the ' +
    'window saw-tooths between about `aimdDecrease` × capacity and capacity: aimd-sustained-load is the ' +
    'share of healthy capacity it serves on average from a backlog (computed from the rule; ≈ (1 + ' +
    '`aimdDecrease`) / 2, TCP’s sawtooth average). downstream-excess-calls sums, over the outage, the calls ' +
    `sent beyond what the downstream could serve; recovered is 1 once the backlog is drained (under one ` +
    `second of offered calls) and stays drained with errors under 1% for ${RECOVERY_HOLD_S / 60} minutes ` +
    '(the definition of sustained), and recovery-seconds is the time from the outage’s end to the start of ' +
    'that; with recovered 0, recovery-seconds is only the time observed after the outage without ' +
    'recovering (a lower bound). ASSUMPTIONs: an overloaded downstream’s goodput falls as capacity²/sent ' +
    '(timeouts waste its work), a per-second fluid model, the numbers above (the paper gives the mechanism ' +
    'and an outage trace, not these).',
  comparisonNote:
    'The paper shows XFaaS cutting the calls it sends to TAO during an outage without a number we could ' +
    'compare. What the model shows: `none` recovers by shedding load (it drops calls after their last ' +
    'attempt); `aimd` keeps them, but AIMD on an error signal sustains only about (1 + decrease) / 2 of ' +
    'the healthy capacity (aimd-sustained-load, 0.76 at the defaults), so with offered load above that ' +
    '(0.8 by default) its backlog grows without end and it never recovers; below it, it drains. XFaaS ' +
    'itself runs these calls from a deferrable queue, so a standing backlog there is delay, not loss.',
  params: BACKPRESSURE_PARAMS,
  check: checkOutage,
  work: (p) => ({
    units: p.durationS * BACKPRESSURE_POLICIES.length,
    what: 'seconds simulated',
    formula: `${p.durationS} s × ${BACKPRESSURE_POLICIES.length} policies`,
    unitCostUs: 2,
    lower: 'durationS',
  }),
  async run(p, ctx) {
    const spec = downstreamSpec(p);
    const metrics: Record<string, number> = {
      'aimd-sustained-load': round(aimdSustainedRps(spec) / spec.healthyRps, 4),
    };
    const series: Record<string, ReturnType<typeof runDownstream>> = {};
    for (const [i, policy] of BACKPRESSURE_POLICIES.entries()) {
      await ctx.progress(i / BACKPRESSURE_POLICIES.length, policy);
      const r = runDownstream(spec, policy);
      series[policy] = r;
      metrics[`downstream-excess-calls.${policy}`] = Math.round(r.excessCalls);
      metrics[`recovery-seconds.${policy}`] = r.recoveryS;
      metrics[`recovered.${policy}`] = r.recovered ? 1 : 0;
      metrics[`dropped-calls.${policy}`] = Math.round(r.dropped);
      metrics[`pending-calls-at-end.${policy}`] = Math.round(r.pending);
    }
    const every = Math.max(1, Math.floor(p.durationS / 240));
    const rows: (number | string)[][] = [];
    for (let t = 0; t < p.durationS; t += every)
      rows.push([
        t,
        round(spec.healthyRps * (series.none!.capacity[t]! / spec.healthyRps), 2),
        round(series.none!.sent[t]!, 2),
        round(series.aimd!.sent[t]!, 2),
        round(series.aimd!.window[t]!, 2),
        round(series.none!.backlog[t]!, 0),
        round(series.aimd!.backlog[t]!, 0),
      ]);
    return {
      metrics,
      tables: {
        timeline: {
          columns: [
            't (s)',
            'downstream capacity',
            'sent none',
            'sent aimd',
            'aimd window',
            'backlog none',
            'backlog aimd',
          ],
          rows,
        },
      },
      comparisons: [],
    };
  },
  charts(result: Result): ChartSpec[] {
    const t = result.tables.timeline;
    if (!t) return [];
    // Every 4th row, so the markers of one series do not hide the next (the table keeps them all). The
    // same series order in both charts gives each policy one colour; the AIMD window is left to the table
    // (while calls wait, AIMD sends exactly its window, so the two lines coincide).
    const col = (i: number) => tablePoints(t, i).filter((_, k) => k % 4 === 0);
    return [
      {
        kind: 'line',
        title: 'Calls sent to the downstream per second',
        x: { label: 'time since the run start (s)' },
        y: { label: 'calls/s', format: 'number', min: 0 },
        series: [
          { name: 'sent, no back-pressure', points: col(2) },
          { name: 'sent, AIMD', points: col(3) },
          { name: 'downstream capacity', points: col(1) },
        ],
      },
      {
        kind: 'line',
        title: 'Calls waiting to be sent (backlog, incl. retries)',
        x: { label: 'time since the run start (s)' },
        y: { label: 'calls', format: 'number', min: 0 },
        series: [
          { name: 'backlog, no back-pressure', points: col(5) },
          { name: 'backlog, AIMD', points: col(6) },
        ],
      },
    ];
  },
});
