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
    '"slowest" ranks methods by their mean processing time in the catalogue (or, slowRank=sampled, over the sampled calls). Time is server processing time (the latency tax, microseconds, is left out here). ' +
    'Each method has a service category (core/rpc/categories.ts; ASSUMED shares of methods, the most popular method is network disk as a secondary source says); ' +
    'storage-share.calls and storage-share.bytes are the sampled share of calls and bytes to storage categories (the paper: storage is by far the largest distributed application; no number). ' +
    'Gaps of the family: the most popular method gets 13% of calls where the paper’s single top method (Network Disk Write) has 28% (secondary source); ' +
    'and to put 89% of time on 1.1% of calls the lognormal spreads method latencies over about 7 decades (call-weighted mean about 1.2 s against a 1 ms median): ' +
    'the sampled time share is dominated by a few very slow methods and moves with the seed.',
  comparisonNote:
    'Rows marked "fit check" compare the sampled workload with a figure the generator was fitted to: they test the sampler and its convergence, ' +
    'not a prediction. The top-1 row is a prediction of the fitted family (not fitted).',
  params: {
    ...rpcsParam,
    top: {
      kind: 'int-list',
      label: 'Most popular k methods',
      help: 'Call share of the k most called methods, for each k (published: 1, 10, 100).',
      default: [1, 10, 100],
      min: 1,
      max: 10_000,
      maxItems: 8,
      group: 'Shares',
    },
    slowest: {
      kind: 'int',
      label: 'Slowest n methods',
      help: 'Call and time share of the n slowest methods (published: 1000).',
      default: 1000,
      min: 1,
      max: 10_000,
      group: 'Shares',
    },
    slowRank: {
      kind: 'enum',
      label: 'Rank slowness by',
      help: 'catalogue: each method’s mean processing time in the fitted catalogue; sampled: its mean over the sampled calls (methods never called rank last).',
      default: 'catalogue',
      options: ['catalogue', 'sampled'],
      group: 'Shares',
    },
  },
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
    // Slowest by the catalogue's mean, or by each method's sampled mean as a measurement would (uncalled last).
    const slowness =
      p.slowRank === 'catalogue' ? catalog.meanMs : time.map((t, j) => (calls[j]! > 0 ? t / calls[j]! : -1));
    const bySlow = Array.from(calls.keys()).sort((a, b) => slowness[b]! - slowness[a]! || a - b);
    const callShare = Float64Array.from(byCalls, (j) => calls[j]! / p.rpcs);
    const slowCalls = Float64Array.from(bySlow, (j) => calls[j]! / p.rpcs);
    const slowTime = Float64Array.from(bySlow, (j) => time[j]! / totalTime);
    const metrics: Record<string, number> = {};
    for (const k of p.top) metrics[`call-share.top${k}`] = round(headShare(callShare, k), 6);
    metrics[`call-share.slowest${p.slowest}`] = round(headShare(slowCalls, p.slowest), 6);
    metrics[`time-share.slowest${p.slowest}`] = round(headShare(slowTime, p.slowest), 6);
    metrics['storage-share.calls'] = round(storageCalls / p.rpcs, 6);
    metrics['storage-share.bytes'] = round(storageBytes / bytes, 6);
    metrics['methods.called'] = calls.filter((c) => c > 0).length;
    const fit = `fit check (fitted to this figure by scripts/fit-rpc.ts): “Characteristics”, ${SOURCES.review}`;
    const published: [string, number, string][] = [
      ['call-share.top10', 0.58, fit],
      ['call-share.top100', 0.91, fit],
      ['call-share.top1', 0.28, `prediction of the fitted family; ${SOURCES.notes}`],
      ['call-share.slowest1000', 0.011, fit],
      ['time-share.slowest1000', 0.89, fit],
    ];
    const comparisons: Comparison[] = published
      .filter(([metric]) => metric in metrics)
      .map(([metric, value, source]) => ({ metric, published: value, measured: metrics[metric]!, source }));
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
