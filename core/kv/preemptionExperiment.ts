// kv-preemption (§4.5, §7.3, Fig. 19): swapping vs recomputation — (a) the cost of moving or recomputing a
// sequence's KV at each block size, (b) end-to-end normalized latency with each preemption mode.
import { defineExperiment } from '../experiments/types';
import type { ChartSpec, Comparison, Result } from '../experiments/types';
import { round } from '../kernel/numbers';
import { SETUPS, costModel } from './cost';
import type { SetupId } from './cost';
import {
  blockSizesParam,
  checkRequests,
  makeRequests,
  overheadParam,
  PAPER,
  runOne,
  servingInput,
  servingWork,
  workloadParams,
} from './servingParams';

const params = {
  ...workloadParams('sharegpt', 2.5, 300),
  blockSizes: blockSizesParam(),
  tokens: {
    kind: 'int',
    label: 'Tokens moved (microbenchmark)',
    help: 'KV of this many tokens swapped out and in, or recomputed in one prompt iteration.',
    default: 1024,
    min: 16,
    max: 2048,
    unit: 'tokens',
  },
  pagedOverhead: overheadParam(),
} as const;

export const kvPreemption = defineExperiment({
  id: 'kv-preemption',
  title: 'Preemption: swapping vs recomputation across block sizes',
  paper: PAPER,
  figure: 'Fig. 19 (§7.3)',
  description:
    '(a) Microbenchmark from the cost model: swapping `tokens` tokens out and back in costs PCIe bytes plus one ' +
    'cudaMemcpyAsync per block per layer for K and V (vLLM’s swap_blocks), so small blocks pay many small transfers; ' +
    'recomputing them is one prompt iteration of `tokens` tokens (compute-bound), independent of the block size. (b) ' +
    'The same trace served by vllm with swap and with recompute preemption at each block size (normalized latency). ' +
    'The paper: recomputation’s overhead stays constant across block sizes; swapping wins for large blocks and ' +
    'recomputation for small ones, with recomputation never more than 20% above swapping where swapping wins, and ' +
    'the two comparable end to end for blocks of 16–64. The swap models vLLM 0.1’s copy path: one cudaMemcpyAsync ' +
    'per block, layer and K/V, each 3.5 µs (measured per-call cost, torchcomms PR #2195, H100 host) plus its bytes at ' +
    '25 GB/s (PCIe 4.0 x16 measured peak on an A100, BaM, ASPLOS’23); not the 12.5 GB/s of the later batched copy ' +
    'kernel (vLLM PR #11531). ASSUMPTIONS: the per-copy cost of a 2023 A100 host equals that H100 measurement; issue ' +
    'and transfer of a copy do not overlap; 4 GiB CPU swap space per GPU (vLLM default); 60% of peak FLOPs in the ' +
    'prompt iteration. ' +
    'Measured at the defaults: recomputation is faster up to 4-token blocks (4.3× at block size 1), swapping from 8 ' +
    'on, and where swapping wins recomputing costs up to 2.14× swapping (published: at most 1.2×). End to end, ' +
    'recompute wins for tiny blocks, as in Fig. 19b, but for blocks 16–64 swap’s normalized latency is 20% below ' +
    'recompute’s (published: comparable): at 2.5 req/s this model runs near vLLM’s knee, preempting 405–555 times, ' +
    'and each swap is cheaper than a recompute (with 2 ms instead of 4 ms per iteration the load is lighter and the ' +
    'two are within 4%). GAP: for large blocks the ratio tends to (2 × params / achieved FLOP/s) / (2 × KV bytes per token / ' +
    'host bandwidth) = 2.1 on OPT-13B; reaching 1.2 at block size 256 would need the 1024-token prompt at ≥330 ' +
    'TFLOP/s, above the A100’s 312 TFLOPS peak, so no compute efficiency explains it. The paper’s swaps must have ' +
    'run at ≤14 GB/s effective even for 2.5 MB copies (at 60% of peak FLOPs): a host-link property of its testbed ' +
    '(shared PCIe switch, NUMA placement or pageable memory — not published) that this model does not have. A ' +
    'per-copy cost of 9 µs (what PR #11531’s 3.11 GB/s implies for 32 KB copies) moves the crossover to 32-token ' +
    'blocks but leaves the large-block ratio at 2.0.',
  params,
  check(p) {
    return checkRequests(p.rate, p.duration) as
      { field: keyof typeof params & string; reason: string } | undefined;
  },
  work(p) {
    const input = servingInput(p.workload, p.rate, p.duration, p.trace);
    const n = p.blockSizes.length * 2;
    return servingWork(input, n, `${n} runs (block sizes × swap, recompute)`, 'duration, rate or blockSizes');
  },
  async run(p, ctx) {
    const setup = SETUPS[p.model as SetupId];
    const sizes = [...p.blockSizes];
    const requests = makeRequests(ctx, p.workload, p.rate, p.duration, p.trace);
    const metrics: Record<string, number> = { requests: requests.length };
    const rows: (string | number)[][] = [];
    let maxRatioWhereSwapWins = 0;
    const units = sizes.length * 2;
    let u = 0;
    const e2e: Record<string, number> = {};
    for (const bs of sizes) {
      const cost = costModel(setup, bs, p.pagedOverhead);
      const blocks = Math.ceil(p.tokens / bs);
      const swapMs = round(2 * cost.swapS(blocks) * 1000, 4);
      const recomputeMs = round(cost.recomputeS(p.tokens) * 1000, 4);
      metrics[`swap-ms.${bs}`] = swapMs;
      metrics[`recompute-ms.${bs}`] = recomputeMs;
      if (swapMs <= recomputeMs)
        maxRatioWhereSwapWins = Math.max(maxRatioWhereSwapWins, recomputeMs / swapMs);
      for (const mode of ['swap', 'recompute'] as const) {
        const r = await runOne(
          ctx,
          requests,
          { model: p.model, blockSize: bs, policy: 'vllm', pagedOverhead: p.pagedOverhead, preemption: mode },
          u / units,
          (u + 1) / units,
          `${mode}, block size ${bs}`,
        );
        u++;
        e2e[`${mode}.${bs}`] = round(r.meanNormLatencyS);
        metrics[`latency.${mode}.${bs}`] = round(r.meanNormLatencyS);
        metrics[`preemptions.${mode}.${bs}`] = r.preemptions;
      }
      rows.push([
        bs,
        swapMs,
        recomputeMs,
        e2e[`swap.${bs}`]!,
        e2e[`recompute.${bs}`]!,
        metrics[`preemptions.swap.${bs}`]!,
        metrics[`preemptions.recompute.${bs}`]!,
      ]);
    }
    metrics['max-recompute-over-swap'] = round(maxRatioWhereSwapWins, 4);
    const comparisons: Comparison[] = [
      {
        metric: 'max-recompute-over-swap',
        published: 1.2,
        measured: round(maxRatioWhereSwapWins, 4),
        source: 'Fig. 19a (§7.3): where swapping is faster, recomputation costs at most 20% more',
      },
    ];
    const mid = sizes.filter((b) => b >= 16 && b <= 64);
    if (mid.length > 0) {
      let s = 0;
      for (const b of mid) s += e2e[`swap.${b}`]! / Math.max(1e-12, e2e[`recompute.${b}`]!);
      const ratio = round(s / mid.length, 4);
      metrics['e2e-swap-over-recompute.16-64'] = ratio;
      comparisons.push({
        metric: 'e2e-swap-over-recompute.16-64',
        published: 1,
        measured: ratio,
        source: 'Fig. 19b (§7.3): for block sizes 16–64 the two methods perform comparably end to end',
      });
    }
    return {
      metrics,
      tables: {
        sweep: {
          columns: [
            'blockSize',
            'swapOutInMs',
            'recomputeMs',
            'normLatencySwapS',
            'normLatencyRecomputeS',
            'preemptionsSwap',
            'preemptionsRecompute',
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
    const s = (name: string, c: number) => ({
      name,
      points: t.rows.map((r) => [Number(r[0]), Number(r[c])] as [number, number]),
    });
    return [
      {
        kind: 'line',
        title: 'Microbenchmark: swap out + in vs recompute',
        x: { label: 'block size (tokens)', scale: 'log2' },
        y: { label: 'latency (ms)', min: 0 },
        series: [s('swap out + in', 1), s('recompute', 2)],
      },
      {
        kind: 'line',
        title: 'End to end: normalized latency by preemption mode',
        x: { label: 'block size (tokens)', scale: 'log2' },
        y: { label: 'normalized latency (s/token)', min: 0 },
        series: [s('swap', 3), s('recompute', 4)],
      },
    ];
  },
});
