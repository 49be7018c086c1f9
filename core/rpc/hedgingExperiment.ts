// rpc-hedging (“Resource Utilization”: the CPU of unsuccessful RPCs): no hedging against hedged requests (a second copy after the
// method's latency percentile, the loser cancelled), their tail latency, and the server CPU that cancelled or
// duplicate work and error responses cost.
import { defineExperiment } from '../experiments/types';
import type { ChartSpec, Result } from '../experiments/types';
import { round } from '../kernel/numbers';
import { percentileSorted } from './families';
import { POLICIES, hedgeCopies, hedgeDelaysUs, simulateHedging } from './hedging';
import type { Policy } from './hedging';
import { RPC_PAPER, exogenous, exogenousParams, rpcsParam } from './params';
import { fleetCatalog, sampleRpcWorkload } from './workload';

const params = {
  policies: {
    kind: 'enum-list',
    label: 'Policies',
    default: ['none', 'hedged'],
    options: POLICIES,
    group: 'Hedging',
  },
  hedgePercentile: {
    kind: 'number',
    label: 'Hedge delay (percentile)',
    help: 'A copy is sent when the RPC is still unanswered at this percentile of its method’s latency (The Tail at Scale: P95).',
    default: 95,
    min: 50,
    max: 99.9,
    unit: 'th pct',
    group: 'Hedging',
  },
  cpuPct: {
    kind: 'int',
    label: 'CPU utilisation',
    help: 'Exogenous, before the hedged copies add their load. ASSUMPTION: 50%.',
    default: 50,
    min: 1,
    max: 95,
    unit: '%',
    group: 'Exogenous variables',
  },
  notFoundPct: {
    kind: 'number',
    label: 'Not-found responses',
    help: 'ASSUMPTION: 2% of RPCs answer "entity not found" after 30% of their processing.',
    default: 2,
    min: 0,
    max: 50,
    unit: '%',
    group: 'Errors',
  },
  otherErrorPct: {
    kind: 'number',
    label: 'Other error responses',
    help: 'ASSUMPTION: 0.5% of RPCs fail after all their processing (deadline exceeded, unavailable).',
    default: 0.5,
    min: 0,
    max: 50,
    unit: '%',
    group: 'Errors',
  },
  rpcs: { ...rpcsParam.rpcs, default: 200_000, max: 5_000_000 },
  ...exogenousParams,
} as const;

export const rpcHedging = defineExperiment({
  id: 'rpc-hedging',
  title: 'Hedged RPCs: the tail they cut and the CPU they waste',
  paper: RPC_PAPER,
  figure: '“Resource Utilization” (CPU cycles of unsuccessful RPCs: cancelled requests the largest)',
  description:
    'RPCs from the fitted generator pass the latency-tax model (rpc-latency-tax) at the given CPU utilisation. hedged: when an RPC is still unanswered ' +
    'at the hedge percentile of its method’s latency (its processing percentile at this utilisation plus its mean tax, ASSUMPTION that clients know it), a copy ' +
    'goes to another server with its own queue and processing draws; the first answer wins and the other copy is cancelled, burning server CPU until the cancel ' +
    'reaches it one network hop after the answer (or all of it, when it had finished: duplicate work). Server CPU = server processing time (ASSUMPTION). ' +
    'The cancelled CPU raises the servers’ utilisation in proportion, which lengthens queues and processing; the run is repeated 4 times to settle that load. ' +
    'latency.p99 mixes methods whose medians span decades, so it barely moves; over-hedge-delay (an RPC’s latency over its method’s hedge delay at the base utilisation) shows the per-method tail hedging cuts. ' +
    'Error responses cost CPU too: not found (ASSUMPTION 2% of RPCs, 30% of their processing) and other errors (ASSUMPTION 0.5%, all of it).',
  comparisonNote:
    'The paper (“Resource Utilization”, via the review) reports that cancelled requests, likely from hedging, are the largest CPU cost among unsuccessful RPCs, and that ' +
    '"entity not found" errors cost a surprising amount; it publishes no hedging latencies. failed-cpu.cancelled-share.<policy> is the cancelled share ' +
    'of the CPU of unsuccessful RPCs (cancelled + not found + other errors) to set beside that statement; the error rates are ASSUMPTIONS, so it is not a prediction to compare with a number.',
  params,
  work: (p) => ({
    units: p.rpcs * (2 + p.policies.length * 8),
    what: 'RPC copies',
    formula: `${p.rpcs.toLocaleString('en-US')} RPCs × (${p.policies.length} policies × up to 4 load iterations × 2 copies + sampling)`,
    unitCostUs: 0.4,
    lower: 'rpcs',
  }),
  async run(p, ctx) {
    const catalog = fleetCatalog();
    const sample = sampleRpcWorkload(ctx.rng, p.rpcs, catalog);
    const copies = hedgeCopies(ctx.rng.fork('copies'), catalog, sample);
    const cfg = {
      x: exogenous(p.cpuPct, p),
      hedgePercentile: p.hedgePercentile,
      notFoundRate: p.notFoundPct / 100,
      otherErrorRate: p.otherErrorPct / 100,
    };
    // Each RPC's latency over its method's hedge delay at the base utilisation: the per-method tail, comparable across methods.
    const norm = hedgeDelaysUs(catalog, cfg.x, cfg.hedgePercentile);
    const metrics: Record<string, number> = {};
    const rows: (string | number)[][] = [];
    for (const [k, policy] of (p.policies as readonly Policy[]).entries()) {
      await ctx.progress(k / p.policies.length, policy);
      const out = simulateHedging(ctx.rng.fork('serve'), catalog, sample, copies, policy, cfg);
      const slowdown = Float64Array.from(
        out.latencyMs,
        (l, i) => (l * 1000) / norm[sample.method[i]!]!,
      ).sort();
      const lat = out.latencyMs.sort();
      const c = out.cpuMs;
      const all = c.useful + c.cancelled + c.notFound + c.otherError;
      const failed = c.cancelled + c.notFound + c.otherError;
      metrics[`latency.p50.${policy}`] = round(percentileSorted(lat, 50), 6);
      metrics[`latency.p99.${policy}`] = round(percentileSorted(lat, 99), 4);
      metrics[`over-hedge-delay.p99.${policy}`] = round(percentileSorted(slowdown, 99), 4);
      metrics[`over-hedge-delay.p999.${policy}`] = round(percentileSorted(slowdown, 99.9), 4);
      metrics[`cpu-waste.${policy}`] = round(c.cancelled / all, 6);
      metrics[`hedge-rate.${policy}`] = round(out.hedges / p.rpcs, 6);
      metrics[`failed-cpu.cancelled-share.${policy}`] = round(failed > 0 ? c.cancelled / failed : 0, 6);
      metrics[`cpu-util.${policy}`] = round(out.cpuUtil, 6);
      rows.push([policy, ...[c.useful, c.cancelled, c.notFound, c.otherError].map((v) => round(v / all, 6))]);
    }
    return {
      metrics,
      tables: {
        cpu: { columns: ['policy', 'useful', 'cancelled or duplicate', 'not found', 'other errors'], rows },
      },
      comparisons: [],
    };
  },
  charts(result: Result): ChartSpec[] {
    const t = result.tables.cpu;
    if (!t) return [];
    const pols = t.rows.map((r) => String(r[0]));
    return [
      {
        kind: 'bar',
        title: 'Tail of each RPC’s latency over its method’s hedge delay',
        y: { label: 'latency / hedge delay' },
        stacked: false,
        categories: pols,
        segments: ['p99', 'p999'].map((q) => ({
          name: q === 'p99' ? 'P99' : 'P99.9',
          values: pols.map((pl) => result.metrics[`over-hedge-delay.${q}.${pl}`] ?? 0),
        })),
      },
      {
        kind: 'bar',
        title: 'Server CPU by outcome',
        y: { label: 'share of server CPU', format: 'percent' },
        stacked: true,
        categories: pols,
        segments: t.columns
          .slice(1)
          .map((name, c) => ({ name, values: t.rows.map((r) => Number(r[c + 1])) })),
      },
    ];
  },
});
