// kv-block-size (§7.2, Fig. 18): vLLM's normalized latency as the KV block size varies from 1 to 256 tokens:
// small blocks pay the paged kernel's per-block gather cost, large blocks waste their unfilled tails.
import { defineExperiment } from '../experiments/types';
import type { ChartSpec, Comparison, Result } from '../experiments/types';
import { round } from '../kernel/numbers';
import {
  PAPER,
  checkRequests,
  makeRequests,
  blockSizesParam,
  overheadParam,
  preemptionParam,
  runOne,
  servingInput,
  servingWork,
  workloadParams,
} from './servingParams';

const params = {
  ...workloadParams('sharegpt', 2, 300),
  blockSizes: blockSizesParam(),
  preemption: preemptionParam('recompute'),
  pagedOverhead: overheadParam(),
} as const;

export const kvBlockSize = defineExperiment({
  id: 'kv-block-size',
  title: 'Block size: normalized latency from 1 to 256 tokens per block',
  paper: PAPER,
  figure: 'Fig. 18b (§7.2)',
  description:
    'The same trace is served by vllm at each block size. Two opposing mechanisms: the paged kernel gathers KV block by ' +
    'block, and each block costs a fixed gather overhead (BLOCK_GATHER_TOKENS token-equivalents of KV read, an ' +
    'ASSUMPTION calibrated so the total overhead at block size 16 equals pagedOverhead, the 20–26% of §5) — so tiny ' +
    'blocks slow attention; and a sequence’s last block is on average half empty, so large blocks hold fewer requests ' +
    'in memory (internal fragmentation, and preemptions). The paper finds 16–128 best on ShareGPT and 16–32 on Alpaca ' +
    '(its default is 16); best-block-size reports the measured optimum. Measured at the defaults (seed 1): 128, with ' +
    'latency within 6% from 16 to 256 and 13× worse at block size 1 — the paper’s shape (flat 16–128, small blocks ' +
    'slow); the exact optimum inside the flat region is not meaningful. Gaps: the gather constant is an assumption, so ' +
    'the left side of the curve is a model; the right side (fragmentation) comes out of the block manager.',
  params,
  check(p) {
    return checkRequests(p.rate, p.duration) as
      { field: keyof typeof params & string; reason: string } | undefined;
  },
  work(p) {
    const input = servingInput(p.workload, p.rate, p.duration, p.trace);
    const n = p.blockSizes.length;
    return servingWork(input, n, `${n} block sizes`, 'duration, rate or blockSizes');
  },
  async run(p, ctx) {
    const requests = makeRequests(ctx, p.workload, p.rate, p.duration, p.trace);
    const sizes = [...p.blockSizes];
    const metrics: Record<string, number> = { requests: requests.length };
    const rows: (string | number)[][] = [];
    let best = sizes[0]!;
    let bestLat = Infinity;
    for (let i = 0; i < sizes.length; i++) {
      const bs = sizes[i]!;
      const r = await runOne(
        ctx,
        requests,
        {
          model: p.model,
          blockSize: bs,
          policy: 'vllm',
          pagedOverhead: p.pagedOverhead,
          preemption: p.preemption as 'swap' | 'recompute',
        },
        i / sizes.length,
        (i + 1) / sizes.length,
        `block size ${bs}`,
      );
      const lat = round(r.meanNormLatencyS);
      metrics[`latency.${bs}`] = lat;
      metrics[`internal.${bs}`] = round(r.memory.internal);
      if (lat < bestLat) {
        bestLat = lat;
        best = bs;
      }
      rows.push([
        bs,
        lat,
        round(r.memory.internal),
        round(r.meanBatchedRequests, 3),
        r.preemptions,
        r.gpuBlocks,
      ]);
    }
    metrics['best-block-size'] = best;
    const comparisons: Comparison[] = [
      {
        metric: 'best-block-size',
        published: 16,
        measured: best,
        source: 'Fig. 18b (§7.2): 16–128 best on ShareGPT, 16–32 on Alpaca; 16 is vLLM’s default',
      },
    ];
    return {
      metrics,
      tables: {
        sweep: {
          columns: [
            'blockSize',
            'normLatencyS',
            'internalShare',
            'meanBatchedRequests',
            'preemptions',
            'gpuBlocks',
          ],
          rows,
        },
      },
      comparisons,
    };
  },
  charts(result: Result): ChartSpec[] {
    const t = result.tables.sweep;
    if (!t) return [];
    return [
      {
        kind: 'line',
        title: 'Normalized latency vs block size',
        x: { label: 'block size (tokens)', scale: 'log2' },
        y: { label: 'normalized latency (s/token)', min: 0 },
        series: [
          { name: 'vllm', points: t.rows.map((r) => [Number(r[0]), Number(r[1])] as [number, number]) },
        ],
      },
    ];
  },
});
