// kv-block-size (§7.2, Fig. 18b): vLLM's normalized latency as the KV block size varies from 1 to 256 tokens, on
// the ShareGPT and Alpaca traces: small blocks pay the paged kernel's per-block gather cost, large blocks read
// (cost.ts) and hold their unfilled tails, which on Alpaca's short sequences is most of a block.
import { defineExperiment } from '../experiments/types';
import type { ChartSpec, Comparison, Result, RunContext } from '../experiments/types';
import { round } from '../kernel/numbers';
import {
  PAPER,
  blockSizesParam,
  checkRequests,
  durationParam,
  makeRequests,
  modelParam,
  overheadParam,
  preemptionParam,
  rateParam,
  runOne,
  servingInput,
  servingWork,
  traceParam,
} from './servingParams';

/** The traces of Fig. 18b, and the user's own. */
const WORKLOADS = ['sharegpt', 'alpaca', 'trace'] as const;

const params = {
  model: modelParam(),
  workloads: {
    kind: 'enum-list',
    label: 'Workloads',
    help: 'Fig. 18b’s two traces (ShareGPT at rate, Alpaca at alpacaRate), or your own trace (the trace parameter).',
    default: ['sharegpt', 'alpaca'],
    options: WORKLOADS,
  },
  trace: traceParam(),
  rate: rateParam(2, 'Request rate (ShareGPT)'),
  alpacaRate: rateParam(30, 'Request rate (Alpaca)'),
  duration: durationParam(300),
  blockSizes: blockSizesParam(),
  preemption: preemptionParam('recompute'),
  pagedOverhead: overheadParam(),
} as const;

type Params = {
  model: string;
  workloads: readonly string[];
  trace: string;
  rate: number;
  alpacaRate: number;
  duration: number;
  blockSizes: readonly number[];
  preemption: string;
  pagedOverhead: number;
};

/** The rate each workload runs at: Alpaca its own (Fig. 13b's 30 req/s), the others `rate`. */
function rateOf(p: Params, workload: string): number {
  return workload === 'alpaca' ? p.alpacaRate : p.rate;
}

/** What §7.2 says is best on each trace: the published number is vLLM's default, 16, inside that range. */
const PUBLISHED_BEST: Record<string, string> = {
  sharegpt:
    'Fig. 18b (§7.2): “block sizes from 16 to 128 lead to the best performance” on ShareGPT; 16 is vLLM’s default',
  alpaca:
    'Fig. 18b (§7.2): on Alpaca “block size 16 and 32 work well, while larger block sizes significantly degrade the performance”',
};

interface Sweep {
  rows: (string | number)[][];
  best: number;
}

/** One workload served by vllm at every block size; fills `metrics` with latency.<w>.<bs> and internal.<w>.<bs>. */
async function sweepWorkload(
  ctx: RunContext,
  p: Params,
  workload: string,
  span: [number, number],
  metrics: Record<string, number>,
): Promise<Sweep> {
  const requests = makeRequests(ctx, workload, rateOf(p, workload), p.duration, p.trace);
  metrics[`requests.${workload}`] = requests.length;
  const sizes = p.blockSizes;
  const rows: (string | number)[][] = [];
  let best = sizes[0]!;
  let bestLat = Infinity;
  const step = (span[1] - span[0]) / sizes.length;
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
      span[0] + i * step,
      span[0] + (i + 1) * step,
      `${workload}, block size ${bs}`,
    );
    const lat = round(r.meanNormLatencyS);
    metrics[`latency.${workload}.${bs}`] = lat;
    metrics[`internal.${workload}.${bs}`] = round(r.memory.internal);
    if (lat < bestLat) {
      bestLat = lat;
      best = bs;
    }
    rows.push([
      workload,
      bs,
      lat,
      round(r.memory.internal),
      round(r.meanBatchedRequests, 3),
      r.preemptions,
      r.gpuBlocks,
    ]);
  }
  metrics[`best-block-size.${workload}`] = best;
  return { rows, best };
}

export const kvBlockSize = defineExperiment({
  id: 'kv-block-size',
  title: 'Block size: normalized latency from 1 to 256 tokens per block',
  paper: PAPER,
  figure: 'Fig. 18b (§7.2)',
  description:
    'Each trace is served by vllm at each block size (OPT-13B, basic sampling), as in Fig. 18b. Mechanisms: (1) the ' +
    'paged kernel gathers KV block by block and each block costs a fixed gather overhead (BLOCK_GATHER_TOKENS ' +
    'token-equivalents of KV read, an ASSUMPTION normalised so the total overhead at block size 16 equals ' +
    'pagedOverhead, the 20–26% of Fig. 18a) — so tiny blocks slow attention; (2) the kernel reads every block whole, ' +
    'its unfilled tail included (vLLM 0.1’s attention_kernels.cu loads all BLOCK_SIZE slots of a block and masks ' +
    'past the context only when it stores the logits), so a 50-token Alpaca sequence in a 256-token block reads 5× ' +
    'its KV; (3) a sequence’s last block is partly empty, so large blocks hold fewer sequences (internal ' +
    'fragmentation, then preemptions and queueing). ASSUMPTION: §7.2 runs “fixed request rates” without naming ' +
    'them; we use the rates of Fig. 13 for the same model, 2 req/s on ShareGPT and 30 req/s on Alpaca. DEVIATION: ' +
    '300 s of arrivals, not 1 hour. Measured at the defaults (seed 1): ShareGPT best at 64, with 16–128 within 3.2% ' +
    'of it, 256 +23% and block size 1 12.5× slower (the paper: 16–128 best); Alpaca best at 16, 32 +0.5%, 64 +2.2%, ' +
    '128 +0.2% (77 preemptions), 256 30× slower (60 blocks hold only 60 sequences) and block size 1 1.9× slower. ' +
    'GAP (Alpaca): the paper finds 64 and 128 clearly worse; here they cost only their padded reads, because half ' +
    'of the iterations are prefills (vLLM 0.1 runs prompts in iterations of their own, and Alpaca at 30 req/s ' +
    'admits about one request per iteration), whose cost does not depend on the block size, and decode attention is ' +
    'a small part of a decode iteration next to reading the 26 GB of weights. Capacity is what would make 128 much ' +
    'worse: 120 blocks of 128 hold at most 120 Alpaca sequences, fewer than the 132.44 the paper’s vLLM batches at ' +
    'this rate (Fig. 13b), but this model batches ≈100 there (its iterations are faster than vLLM 0.1’s: ' +
    'kv-throughput’s Fig. 13 gap), so the cap barely binds; at alpacaRate=35 it does, and 128 is 21% slower than ' +
    '16 (64 stays within 3%). Not modelled: the kernel runs only as many of its 4 warps as a sequence has ' +
    'blocks (cost.ts), which would slow large blocks on short sequences further. The exact optimum inside a flat ' +
    'region is not meaningful.',
  comparisonNote:
    'The paper gives Fig. 18b as a plot and §7.2 as ranges, not numbers; best-block-size.<trace> is compared with ' +
    'vLLM’s default 16, which lies in both published ranges (16–128 on ShareGPT, 16–32 on Alpaca).',
  params,
  check(p) {
    if (p.workloads.length === 0)
      return { field: 'workloads', reason: 'choose at least one workload (sharegpt, alpaca or trace)' };
    for (const w of p.workloads) {
      if (w === 'trace') continue;
      const bad = checkRequests(rateOf(p, w), p.duration, w === 'alpaca' ? 'alpacaRate' : 'rate');
      if (bad) return bad as { field: keyof typeof params & string; reason: string };
    }
    return undefined;
  },
  work(p) {
    const inputs = p.workloads.map((w) => servingInput(w, rateOf(p, w), p.duration, p.trace));
    const n = p.blockSizes.length;
    const input = {
      outputTokens: inputs.reduce((s, x) => s + x.outputTokens, 0),
      text: inputs.map((x) => x.text).join(' + '),
    };
    return servingWork(input, n, `${n} block sizes`, 'duration, rate, alpacaRate or blockSizes');
  },
  async run(p, ctx) {
    const metrics: Record<string, number> = {};
    const rows: (string | number)[][] = [];
    const comparisons: Comparison[] = [];
    const n = p.workloads.length;
    for (let i = 0; i < n; i++) {
      const w = p.workloads[i]!;
      const sweep = await sweepWorkload(ctx, p, w, [i / n, (i + 1) / n], metrics);
      rows.push(...sweep.rows);
      const source = PUBLISHED_BEST[w];
      if (source)
        comparisons.push({ metric: `best-block-size.${w}`, published: 16, measured: sweep.best, source });
    }
    return {
      metrics,
      tables: {
        sweep: {
          columns: [
            'workload',
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
    const names = [...new Set(t.rows.map((r) => String(r[0])))];
    // One chart per trace: Alpaca's and ShareGPT's latencies differ in scale, and a blown-up point of one would
    // flatten the other's curve.
    return names.map((name) => ({
      kind: 'line',
      title: `Normalized latency vs block size (${name})`,
      x: { label: 'block size (tokens)', scale: 'log2' },
      y: { label: 'normalized latency (s/token)', min: 0 },
      series: [
        {
          name,
          points: t.rows
            .filter((r) => String(r[0]) === name)
            .map((r) => [Number(r[1]), Number(r[2])] as [number, number]),
        },
      ],
    }));
  },
});
