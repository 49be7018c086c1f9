// kv-prefix-cache: a shared-system-prompt workload driven through the vLLM V1 block manager by the serving
// scheduler (vLLM V1's token budget, recompute preemption), swept over the number of GPU KV blocks.
import { EmpiricalDiscrete, lognormalFromMean, poissonArrivals, zipfWeights } from '../kernel/distributions';
import { round } from '../kernel/numbers';
import type { Rng } from '../kernel/rng';
import { defineExperiment } from '../experiments/types';
import type { ChartSpec, ParamsOf, Result, RunContext } from '../experiments/types';
import { V1Policy } from './memory/v1Policy';
import { newGroups } from './serving/groups';
import { ServingScheduler } from './serving/scheduler';
import type { Request } from './workloads';

const params = {
  blocks: {
    kind: 'int-list',
    label: 'GPU KV blocks (sweep)',
    help: 'Sizes of the GPU block pool to compare, one run each (sorted, duplicates dropped).',
    default: [64, 128, 256, 512, 1024, 2048],
    min: 8,
    max: 65536,
    maxItems: 16,
    unit: 'blocks',
  },
  blockSize: { kind: 'int', label: 'Block size', default: 16, min: 1, max: 256, unit: 'tokens' },
  prefixes: { kind: 'int', label: 'Distinct system prompts', default: 16, min: 1, max: 1000 },
  zipf: {
    kind: 'number',
    label: 'Prompt popularity skew',
    help: 'Zipf exponent s: prompt k is chosen with weight 1/k^s (0 = uniform).',
    default: 1,
    min: 0,
    max: 3,
  },
  prefixTokens: {
    kind: 'int',
    label: 'System prompt length',
    default: 384,
    min: 1,
    max: 4096,
    unit: 'tokens',
  },
  suffixTokens: {
    kind: 'int',
    label: 'Mean user suffix length',
    help: 'Lognormal (σ = 0.6) random tokens after the shared prompt.',
    default: 64,
    min: 1,
    max: 4096,
    unit: 'tokens',
  },
  outputTokens: {
    kind: 'int',
    label: 'Mean output length',
    help: 'Lognormal (σ = 0.8), capped so prompt + output ≤ max model length.',
    default: 128,
    min: 1,
    max: 4096,
    unit: 'tokens',
  },
  rate: {
    kind: 'number',
    label: 'Arrival rate',
    help: 'Poisson arrivals.',
    default: 4,
    min: 0.01,
    max: 1000,
    unit: 'req/s',
  },
  duration: {
    kind: 'number',
    label: 'Arrival window',
    default: 120,
    min: 1,
    max: 86400,
    unit: 's (simulated)',
  },
  maxRunning: { advanced: true, kind: 'int', label: 'Max running requests', default: 64, min: 1, max: 1024 },
  maxBatchTokens: {
    advanced: true,
    kind: 'int',
    label: 'Token budget per iteration',
    help: 'Without chunked prefill, a prompt that does not fit the remaining budget waits for the next iteration.',
    default: 8192,
    min: 16,
    max: 65536,
    unit: 'tokens',
  },
  iterationMs: {
    advanced: true,
    kind: 'number',
    label: 'Iteration time',
    help: 'DEVIATION: a fixed time per engine iteration (no cost model yet).',
    default: 25,
    min: 0.1,
    max: 10000,
    unit: 'ms',
  },
  maxModelLen: {
    advanced: true,
    kind: 'int',
    label: 'Max model length',
    default: 2048,
    min: 16,
    max: 131072,
    unit: 'tokens',
  },
  preallocateTokens: {
    advanced: true,
    kind: 'int',
    label: 'Preallocated tokens',
    help: 'vLLM V1 num_preallocate_tokens: extra slots taken with each allocation.',
    default: 64,
    min: 0,
    max: 4096,
    unit: 'tokens',
  },
} as const;

type Params = ParamsOf<typeof params>;

const VOCAB = 32000;

/** One request of the workload: its arrival, shared system prompt and own suffix (joined on admission). */
interface Req {
  arrivalS: number;
  prefix: readonly number[];
  suffix: readonly number[];
  promptLen: number;
  outputLen: number;
}

interface PointResult {
  gpuBlocks: number;
  hitRate: number;
  hitTokens: number;
  lookupTokens: number;
  evictions: number;
  preemptions: number;
  peakBlocksInUse: number;
  finished: number;
  rejected: number;
  meanTtftS: number;
  makespanS: number;
}

function randomTokens(rng: Rng, n: number): number[] {
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) out[i] = rng.int(0, VOCAB - 1);
  return out;
}

/**
 * The workload is drawn once per run and replayed identically at every pool size. Prompts stay as
 * (shared prefix, own suffix) so memory grows with the suffixes only.
 */
async function makeWorkload(
  p: Params,
  rng: Rng,
  progress: (fraction: number) => Promise<void>,
): Promise<Req[]> {
  const prefixRng = rng.fork('prefixes');
  const prefixes = Array.from({ length: p.prefixes }, () => randomTokens(prefixRng, p.prefixTokens));
  const pick = new EmpiricalDiscrete(
    prefixes.map((_, i) => i),
    zipfWeights(p.prefixes, p.zipf),
  );
  const arrivals = poissonArrivals(rng.fork('arrivals'), p.rate, p.duration);
  const lenRng = rng.fork('lengths');
  const tokRng = rng.fork('suffix-tokens');
  const out: Req[] = [];
  for (let i = 0; i < arrivals.length; i++) {
    if (i % 10_000 === 0) await progress(i / arrivals.length);
    const fullPrefix = prefixes[pick.sample(lenRng)] ?? [];
    const suffixLen = Math.max(1, Math.round(lognormalFromMean(lenRng, p.suffixTokens, 0.6)));
    const suffixDrawn = randomTokens(tokRng, suffixLen);
    // The prompt is cut to maxModelLen - 1 so at least one token can be generated.
    const room = p.maxModelLen - 1;
    const prefix = fullPrefix.length > room ? fullPrefix.slice(0, room) : fullPrefix;
    const suffix = suffixDrawn.slice(0, room - prefix.length);
    const promptLen = prefix.length + suffix.length;
    const outputCap = p.maxModelLen - promptLen;
    const outputLen = Math.min(
      outputCap,
      Math.max(1, Math.round(lognormalFromMean(lenRng, p.outputTokens, 0.8))),
    );
    out.push({ arrivalS: arrivals[i]!, prefix, suffix, promptLen, outputLen });
  }
  return out;
}

/** The most requests one run may draw (rate × duration), so a run stays seconds, not hours. */
export const MAX_EXPECTED_REQUESTS = 100_000;

/** The workload as the serving scheduler sees it (lengths only; the tokens come from `V1TokenSource`). */
function asRequests(workload: readonly Req[]): Request[] {
  return workload.map((w, i) => ({
    arrivalS: w.arrivalS,
    inputLen: w.promptLen,
    outputLen: w.outputLen,
    prefixId: -1,
    prefixLen: 0,
    convId: i,
    contextStart: 0,
  }));
}

/**
 * One pool size. The scheduler follows vLLM V1's (Dec 2024): running requests first, each needing one
 * new slot while the token budget lasts; when `append` fails the most recently admitted running request
 * is preempted (all its blocks freed, recomputed later) and put at the front of the waiting queue; then,
 * only if nothing was preempted in this step, waiting requests are admitted FCFS after a prefix-cache
 * lookup while blocks, the token budget and the running limit allow.
 * DEVIATION: no chunked prefill (V1 chunks a prompt that exceeds the budget); a prompt waits until it
 * fits whole, so `maxBatchTokens` must be at least `maxModelLen` (checked).
 */
async function simulatePool(
  p: Params,
  gpuBlocks: number,
  workload: readonly Req[],
  tokenRng: Rng,
  onStep: (fraction: number) => Promise<void>,
): Promise<PointResult> {
  const policy = new V1Policy({
    config: {
      blockSize: p.blockSize,
      numGpuBlocks: gpuBlocks,
      maxModelLen: p.maxModelLen,
      enableCaching: true,
      numPreallocateTokens: p.preallocateTokens,
    },
    watermarkBlocks: 0,
    tokens: {
      prompt: (g) => workload[g.id]!.prefix.concat(workload[g.id]!.suffix),
      // The generated tokens are random: only prompts are shared.
      next: () => tokenRng.int(0, VOCAB - 1),
    },
  });
  const stepS = p.iterationMs / 1000;
  const sched = new ServingScheduler(newGroups(asRequests(workload), 1, false), policy, {
    maxNumSeqs: p.maxRunning,
    maxBatchedTokens: p.maxBatchTokens,
    tokenBudget: 'all-tokens',
    runningOrder: 'admission',
    preemption: 'recompute',
    iterationS: () => stepS,
    swapS: () => 0,
    // DEVIATION: kv-prefix-cache's engine wakes on an arrival that finds it idle, at the arrival's time, even
    // within the fixed-length iteration that emptied it (its results depend on this event-loop timing).
    wakeOnArrival: true,
  });
  const total = Math.max(1, workload.length);
  await sched.run((s) => onStep((s.finished + s.rejected) / total), 2000);
  const { hitTokens, lookupTokens, peakBlocksInUse } = policy.cache;
  return {
    gpuBlocks,
    hitRate: lookupTokens === 0 ? 0 : hitTokens / lookupTokens,
    hitTokens,
    lookupTokens,
    evictions: policy.blocks.stats.evictions,
    preemptions: sched.preemptions,
    peakBlocksInUse,
    finished: sched.finished,
    rejected: sched.rejected,
    meanTtftS: sched.finished === 0 ? 0 : sched.sums.ttftS / sched.finished,
    makespanS: sched.now,
  };
}

/** Microseconds per token step of the prefix-caching simulation (bench/work.bench.ts). */
const PREFIX_TOKEN_US = 0.5;

export const kvPrefixCache = defineExperiment({
  id: 'kv-prefix-cache',
  title: 'Prefix caching in vLLM V1: hit rate vs KV cache size',
  paper:
    'Kwon et al., "Efficient Memory Management for Large Language Model Serving with PagedAttention", SOSP 2023; vLLM V1 KVCacheManager (prefix caching)',
  figure: 'none (§4.4 shared prefix; vLLM V1 automatic prefix caching)',
  description:
    'Requests share one of N system prompts (Zipf popularity) followed by a random user suffix; Poisson arrivals; lognormal output lengths. ' +
    'They run through the vLLM V1 block manager (chained block hashes, LRU eviction from the free-queue front, preallocation, reverse-order freeing) ' +
    'under an FCFS scheduler without chunked prefill that preempts the latest-admitted request by recomputation when blocks run out. ' +
    'The same workload is replayed at each GPU pool size. Hit rate = prompt+generated tokens found in the cache / tokens looked up, over all admissions (re-admissions after preemption included). ' +
    'DEVIATION: each engine iteration takes a fixed time (iterationMs) instead of a cost model; a request that cannot fit in an empty pool is rejected instead of stalling the queue.',
  comparisonNote:
    'the PagedAttention paper shows shared-prefix throughput (Fig. 16) but publishes no hit-rate-vs-cache-size figure, so this experiment reports measured values only.',
  params,
  check(p) {
    if (p.maxBatchTokens < p.maxModelLen) {
      return {
        field: 'maxBatchTokens',
        reason: `must be at least maxModelLen (${p.maxModelLen}) without chunked prefill, or long prompts never fit`,
      };
    }
    if (p.rate * p.duration > MAX_EXPECTED_REQUESTS) {
      return {
        field: 'duration',
        reason: `rate × duration must be at most ${MAX_EXPECTED_REQUESTS.toLocaleString('en-US')} requests (got ${Math.round(p.rate * p.duration).toLocaleString('en-US')})`,
      };
    }
    return undefined;
  },
  work(p) {
    // Per pool size, every request's prompt tokens are hashed into blocks and its output decoded.
    const sizes = new Set(p.blocks).size;
    const perRequest = p.prefixTokens + p.suffixTokens + p.outputTokens;
    return {
      units: p.rate * p.duration * perRequest * sizes,
      what: 'token steps',
      formula: `${p.rate} req/s × ${p.duration} s × ${perRequest} tokens × ${sizes} pool sizes`,
      unitCostUs: PREFIX_TOKEN_US,
      lower: 'duration, rate, blocks or the token lengths',
    };
  },
  async run(p, ctx: RunContext) {
    const workload = await makeWorkload(p, ctx.rng.fork('workload'), (f) =>
      ctx.progress(0.02 * f, 'drawing the workload'),
    );
    const points: PointResult[] = [];
    const sizes = [...new Set(p.blocks)].sort((a, b) => a - b);
    for (let i = 0; i < sizes.length; i++) {
      const gpuBlocks = sizes[i]!;
      points.push(
        await simulatePool(p, gpuBlocks, workload, ctx.rng.fork(`tokens-${gpuBlocks}`), (f) =>
          ctx.progress(0.02 + (0.98 * (i + f)) / sizes.length, `${gpuBlocks} blocks`),
        ),
      );
      await ctx.progress(0.02 + (0.98 * (i + 1)) / sizes.length, `${gpuBlocks} blocks done`);
    }
    const metrics: Record<string, number> = { requests: workload.length };
    for (const pt of points) {
      metrics[`hit-rate.${pt.gpuBlocks}`] = round(pt.hitRate);
      metrics[`evictions.${pt.gpuBlocks}`] = pt.evictions;
      metrics[`preemptions.${pt.gpuBlocks}`] = pt.preemptions;
      metrics[`peak-blocks.${pt.gpuBlocks}`] = pt.peakBlocksInUse;
      metrics[`rejected.${pt.gpuBlocks}`] = pt.rejected;
    }
    return {
      metrics,
      tables: {
        sweep: {
          columns: [
            'gpuBlocks',
            'hitRate',
            'hitTokens',
            'lookupTokens',
            'evictions',
            'preemptions',
            'peakBlocksInUse',
            'finished',
            'rejected',
            'meanTtftS',
            'makespanS',
          ],
          rows: points.map((pt) => [
            pt.gpuBlocks,
            round(pt.hitRate),
            pt.hitTokens,
            pt.lookupTokens,
            pt.evictions,
            pt.preemptions,
            pt.peakBlocksInUse,
            pt.finished,
            pt.rejected,
            round(pt.meanTtftS),
            round(pt.makespanS),
          ]),
        },
      },
      comparisons: [],
    };
  },
  charts(result: Result): ChartSpec[] {
    const rows = result.tables.sweep?.rows ?? [];
    const col = (name: string) => result.tables.sweep?.columns.indexOf(name) ?? -1;
    const series = (name: string, column: string) => ({
      name,
      points: rows.map((r) => [Number(r[col('gpuBlocks')]), Number(r[col(column)])] as [number, number]),
    });
    return [
      {
        kind: 'line',
        title: 'Prefix-cache hit rate vs KV cache size',
        x: { label: 'GPU KV blocks', scale: 'log2' },
        y: { label: 'hit rate (tokens)', format: 'percent', min: 0, max: 1 },
        series: [series('hit rate', 'hitRate')],
      },
      {
        kind: 'line',
        title: 'Cache evictions vs KV cache size',
        x: { label: 'GPU KV blocks', scale: 'log2' },
        y: { label: 'cached blocks evicted' },
        series: [series('evictions', 'evictions')],
      },
      {
        kind: 'line',
        title: 'Preemptions (recompute) vs KV cache size',
        x: { label: 'GPU KV blocks', scale: 'log2' },
        y: { label: 'requests preempted' },
        series: [series('preemptions', 'preemptions')],
      },
    ];
  },
});
