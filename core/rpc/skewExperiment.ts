// rpc-method-skew (“Characteristics”, "not all RPCs are the same"): how few methods carry most calls, and how the slowest
// methods — few calls — take most of the RPC time. Sampled from the fitted generator and compared with the
// figures it was fitted to (fit checks) and the one it predicts (the most popular method's share).
import { defineExperiment } from '../experiments/types';
import type { ChartSpec, Comparison, Result } from '../experiments/types';
import { round } from '../kernel/numbers';
import { CATEGORIES, STORAGE } from './categories';
import { headShare, tableSeries } from './families';
import { RPC_PAPER, SOURCES, rpcsParam } from './params';
import { fleetCatalog, sampleRpcWorkload } from './workload';

/** Method counts the Lorenz chart samples at: 1, 2, 4, … and all of them. */
function lorenzKs(n: number): number[] {
  const ks: number[] = [];
  for (let k = 1; k < n; k *= 2) ks.push(k);
  return [...ks, n];
}

export const rpcMethodSkew = defineExperiment({
  id: 'rpc-method-skew',
  title: 'RPC method skew: the most popular methods carry most calls, the slowest most of the time',
  paper: RPC_PAPER,
  figure: '“Characteristics” (method popularity and per-method latency)',
  description:
    'Samples RPCs from the workload generator fitted once by scripts/fit-rpc.ts (core/rpc/fitted.ts): 10,000 methods ' +
    '(ASSUMPTION: "over 10,000"), popularity Zipf–Mandelbrot p_k ∝ (k+q)^−s fitted to the top-10 (58%) and top-100 (91%) shares; ' +
    'each method’s median processing time exp(mu + beta·(−ln p) + sigma·e), a lognormal trend with rarity, fitted on the fleet catalogue ' +
    '(one fixed draw, catalogSeed) to the slowest 1000 methods’ 1.1% of calls and 89% of time, with the call-weighted median at 1 ms (ASSUMPTION) ' +
    'and a within-method lognormal spread of 0.8 (ASSUMPTION). The experiment’s seed draws the calls. Calls are ranked by their sampled counts; ' +
    '"slowest" ranks methods by their mean processing time in the catalogue. Time is server processing time (the latency tax, microseconds, is left out here). ' +
    'Gaps of the family: the most popular method gets 13% of calls where the paper’s single top method (Network Disk Write) has 28% (secondary source); ' +
    'and to put 89% of time on 1.1% of calls the lognormal spreads method latencies over about 7 decades (call-weighted mean about 1.2 s against a 1 ms median): ' +
    'the sampled time share is dominated by a few very slow methods and moves with the seed.',
  comparisonNote:
    'Rows marked "fit check" compare the sampled workload with a figure the generator was fitted to: they test the sampler and its convergence, ' +
    'not a prediction. The top-1 row is a prediction of the fitted family (not fitted).',
  params: rpcsParam,
  work: (p) => ({
    units: p.rpcs,
    what: 'sampled RPCs',
    formula: `${p.rpcs.toLocaleString('en-US')} RPCs`,
    unitCostUs: 0.6,
    lower: 'rpcs',
  }),
  async run(p, ctx) {
    const catalog = fleetCatalog();
    const m = catalog.prob.length;
    await ctx.progress(0.05, 'sampling RPCs');
    const s = sampleRpcWorkload(ctx.rng, p.rpcs, catalog);
    await ctx.progress(0.7, 'ranking methods');
    const calls = new Float64Array(m);
    const time = new Float64Array(m);
    let totalTime = 0;
    let storageCalls = 0;
    let bytes = 0;
    let storageBytes = 0;
    for (let i = 0; i < p.rpcs; i++) {
      const j = s.method[i]!;
      calls[j] = calls[j]! + 1;
      time[j] = time[j]! + s.processingMs[i]!;
      totalTime += s.processingMs[i]!;
      const b = s.requestB[i]! + s.responseB[i]!;
      bytes += b;
      if (STORAGE.has(CATEGORIES[catalog.category[j]!]!)) {
        storageCalls++;
        storageBytes += b;
      }
    }
    const byCalls = Array.from(calls.keys()).sort((a, b) => calls[b]! - calls[a]! || a - b);
    const bySlow = Array.from(calls.keys()).sort((a, b) => catalog.meanMs[b]! - catalog.meanMs[a]! || a - b);
    const callShare = Float64Array.from(byCalls, (j) => calls[j]! / p.rpcs);
    const slowCalls = Float64Array.from(bySlow, (j) => calls[j]! / p.rpcs);
    const slowTime = Float64Array.from(bySlow, (j) => time[j]! / totalTime);
    const metrics = {
      'call-share.top1': round(headShare(callShare, 1), 6),
      'call-share.top10': round(headShare(callShare, 10), 6),
      'call-share.top100': round(headShare(callShare, 100), 6),
      'call-share.slowest1000': round(headShare(slowCalls, 1000), 6),
      'time-share.slowest1000': round(headShare(slowTime, 1000), 6),
      'storage-share.calls': round(storageCalls / p.rpcs, 6),
      'storage-share.bytes': round(storageBytes / bytes, 6),
      'methods.called': calls.filter((c) => c > 0).length,
    };
    const fit = `fit check (fitted to this figure by scripts/fit-rpc.ts): “Characteristics”, ${SOURCES.review}`;
    const comparisons: Comparison[] = [
      { metric: 'call-share.top10', published: 0.58, measured: metrics['call-share.top10'], source: fit },
      { metric: 'call-share.top100', published: 0.91, measured: metrics['call-share.top100'], source: fit },
      {
        metric: 'call-share.top1',
        published: 0.28,
        measured: metrics['call-share.top1'],
        source: `prediction of the fitted family; ${SOURCES.notes}`,
      },
      {
        metric: 'call-share.slowest1000',
        published: 0.011,
        measured: metrics['call-share.slowest1000'],
        source: fit,
      },
      {
        metric: 'time-share.slowest1000',
        published: 0.89,
        measured: metrics['time-share.slowest1000'],
        source: fit,
      },
    ];
    const ks = lorenzKs(m);
    return {
      metrics,
      tables: {
        lorenz: {
          columns: [
            'methods k',
            'call share of the k most called',
            'time share of the k slowest',
            'call share of the k slowest',
          ],
          rows: ks.map((k) => [
            k,
            round(headShare(callShare, k), 6),
            round(headShare(slowTime, k), 6),
            round(headShare(slowCalls, k), 6),
          ]),
        },
      },
      comparisons,
    };
  },
  charts(result: Result): ChartSpec[] {
    const t = result.tables.lorenz;
    if (!t) return [];
    return [
      {
        kind: 'line',
        title: 'Cumulative share of calls and time by method (Lorenz-style)',
        x: { label: 'methods, most called (or slowest) first', scale: 'log2' },
        y: { label: 'cumulative share', format: 'percent', min: 0, max: 1 },
        series: t.columns.slice(1).map((name, c) => ({
          name,
          points: tableSeries(t, c + 1),
        })),
      },
    ];
  },
});
