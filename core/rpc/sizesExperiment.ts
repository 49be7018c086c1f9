// rpc-sizes (“Characteristics”, "elephants and mice"): request and response sizes and their ratio, sampled from the fitted
// generator: most RPCs are small (the smallest one 64-byte cache line), a few are very large.
import { defineExperiment } from '../experiments/types';
import type { ChartSpec, Comparison, Result } from '../experiments/types';
import { round } from '../kernel/numbers';
import { cdfPoints, log2Grid, percentileSorted, tableSeries } from './families';
import { RPC_PAPER, SOURCES, rpcsParam } from './params';
import { fleetCatalog, sampleRpcWorkload } from './workload';

/** Bytes per reported unit. ASSUMPTION (the fit): 1 KB = 1,000 bytes; the paper's unit is not stated in the sources here. */
const UNIT_BYTES: Readonly<Record<string, number>> = { KB: 1000, KiB: 1024 };

export const rpcSizes = defineExperiment({
  id: 'rpc-sizes',
  title: 'RPC request and response sizes: mice and elephants',
  paper: RPC_PAPER,
  figure: '“Characteristics” (request and response size CDFs, response/request ratio)',
  description:
    'Samples RPCs from the fitted generator (core/rpc/fitted.ts): request bytes lognormal with median 1.5 KB (secondary source; ASSUMPTION that the ' +
    'reported median is the request’s) and P99 196 KB, floored at one 64-byte cache line; response = request × a lognormal ratio whose median is ' +
    '0.5 (ASSUMPTION: the sources say only that most RPCs are write-dominant) and whose spread makes the response P99 563 KB. ' +
    'The fit takes KB = 1,000 bytes (ASSUMPTION); unit=KiB reports the same sample in 1,024-byte units to show what that assumption moves. ' +
    'floorBytes lowers or raises the one-cache-line floor to show its effect on the small end. Request and ratio are independent (ASSUMPTION).',
  comparisonNote:
    'Every row is a fit check: the generator was fitted to these very percentiles, so they test the sampler (and the 64 B floor’s effect), not a prediction. ' +
    'The smallest size (request-b.min) is the floor itself, so it is reported, not compared. ' +
    'The response median and the ratio’s median follow from the assumed ratio median and are not compared.',
  params: {
    ...rpcsParam,
    unit: {
      kind: 'enum',
      label: 'Size unit',
      help: 'KB = 1,000 bytes (what the fit assumed) or KiB = 1,024 bytes.',
      default: 'KB',
      options: ['KB', 'KiB'],
      group: 'Sizes',
    },
    floorBytes: {
      kind: 'int',
      label: 'Smallest RPC',
      help: 'The floor of request and response sizes (published: one 64-byte cache line).',
      default: 64,
      min: 0,
      max: 65_536,
      unit: 'B',
      group: 'Sizes',
    },
  },
  work: (p) => ({
    units: p.rpcs,
    what: 'sampled RPCs',
    formula: `${p.rpcs.toLocaleString('en-US')} RPCs (3 sorts)`,
    unitCostUs: 1.5,
    lower: 'rpcs',
  }),
  async run(p, ctx) {
    await ctx.progress(0.05, 'sampling RPCs');
    const fleet = fleetCatalog();
    const catalog = {
      ...fleet,
      fit: { ...fleet.fit, request: { ...fleet.fit.request, minBytes: p.floorBytes } },
    };
    const s = sampleRpcWorkload(ctx.rng, p.rpcs, catalog);
    const KB = UNIT_BYTES[p.unit]!;
    await ctx.progress(0.4, 'sorting sizes');
    const ratio = Float64Array.from(s.responseB, (r, i) => r / s.requestB[i]!).sort();
    const req = s.requestB.map((b) => b / KB).sort();
    const resp = s.responseB.map((b) => b / KB).sort();
    let writeDominant = 0;
    for (let i = 0; i < p.rpcs; i++) if (s.requestB[i]! > s.responseB[i]!) writeDominant++;
    const metrics = {
      'request-kb.p50': round(percentileSorted(req, 50), 4),
      'request-kb.p99': round(percentileSorted(req, 99), 3),
      'response-kb.p50': round(percentileSorted(resp, 50), 4),
      'response-kb.p99': round(percentileSorted(resp, 99), 3),
      'ratio.p50': round(percentileSorted(ratio, 50), 4),
      'request-b.min': round(req[0]! * KB, 3),
      'write-dominant.share': round(writeDominant / p.rpcs, 6),
    };
    const fit = (where: string) => `fit check (fitted to this figure by scripts/fit-rpc.ts): ${where}`;
    const comparisons: Comparison[] = [
      {
        metric: 'request-kb.p50',
        published: 1.5,
        measured: metrics['request-kb.p50'],
        source: fit(SOURCES.notes),
      },
      {
        metric: 'request-kb.p99',
        published: 196,
        measured: metrics['request-kb.p99'],
        source: fit(`“Characteristics”, ${SOURCES.review}`),
      },
      {
        metric: 'response-kb.p99',
        published: 563,
        measured: metrics['response-kb.p99'],
        source: fit(`“Characteristics”, ${SOURCES.review}`),
      },
    ];
    await ctx.progress(0.9, 'CDFs');
    const xs = log2Grid(-4, 14);
    const rs = log2Grid(-14, 14);
    const reqCdf = cdfPoints(req, xs);
    const respCdf = cdfPoints(resp, xs);
    return {
      metrics,
      tables: {
        sizeCdf: {
          columns: [p.unit, `requests ≤ ${p.unit}`, `responses ≤ ${p.unit}`],
          rows: xs.map((x, i) => [round(x, 6), round(reqCdf[i]![1], 6), round(respCdf[i]![1], 6)]),
        },
        ratioCdf: {
          columns: ['response/request', 'RPCs ≤ ratio'],
          rows: cdfPoints(ratio, rs).map(([x, y]) => [round(x, 8), round(y, 6)]),
        },
      },
      comparisons,
    };
  },
  charts(result: Result): ChartSpec[] {
    const sizes = result.tables.sizeCdf;
    const ratio = result.tables.ratioCdf;
    if (!sizes || !ratio) return [];
    return [
      {
        kind: 'line',
        title: 'CDF of request and response sizes',
        x: { label: `size (${String(result.params.unit ?? 'KB')})`, scale: 'log2' },
        y: { label: 'share of RPCs', format: 'percent', min: 0, max: 1 },
        series: [
          { name: 'request', points: tableSeries(sizes, 1) },
          { name: 'response', points: tableSeries(sizes, 2) },
        ],
      },
      {
        kind: 'line',
        title: 'CDF of the response/request ratio (below 1: write-dominant)',
        x: { label: 'response bytes / request bytes', scale: 'log2' },
        y: { label: 'share of RPCs', format: 'percent', min: 0, max: 1 },
        series: [{ name: 'ratio', points: tableSeries(ratio, 1) }],
      },
    ];
  },
});
