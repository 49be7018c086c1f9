// kv-prefix-cache: a shared-system-prompt workload driven through the vLLM V1 block manager by an
// FCFS scheduler with recompute preemption, swept over the number of GPU KV blocks.
import { EventQueue } from '../kernel/queue';
import { EmpiricalDiscrete, lognormalFromMean, poissonArrivals, zipfWeights } from '../kernel/distributions';
import type { Rng } from '../kernel/rng';
import { defineExperiment } from '../experiments/types';
import type { ChartSpec, ParamsOf, Result, RunContext } from '../experiments/types';
import { BlockManager } from './memory/v1BlockManager';

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
  maxRunning: { kind: 'int', label: 'Max running requests', default: 64, min: 1, max: 1024 },
  maxBatchTokens: {
    kind: 'int',
    label: 'Token budget per iteration',
    help: 'Without chunked prefill, a prompt that does not fit the remaining budget waits for the next iteration.',
    default: 8192,
    min: 16,
    max: 65536,
    unit: 'tokens',
  },
  iterationMs: {
    kind: 'number',
    label: 'Iteration time',
    help: 'DEVIATION: a fixed time per engine iteration (no cost model yet).',
    default: 25,
    min: 0.1,
    max: 10000,
    unit: 'ms',
  },
  maxModelLen: {
    kind: 'int',
    label: 'Max model length',
    default: 2048,
    min: 16,
    max: 131072,
    unit: 'tokens',
  },
  preallocateTokens: {
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

interface Req {
  id: string;
  arrivalS: number;
  /** The shared system prompt this request starts with, and its own suffix; the prompt is built on arrival. */
  prefix: readonly number[];
  suffix: readonly number[];
  promptLen: number;
  outputLen: number;
  /** Tokens generated so far (kept across preemption: V1 recomputes them on re-admission). */
  generated: number;
  /** Tokens whose KV is in the cache (0 while waiting). */
  computed: number;
  firstTokenS?: number;
  /** Registered with the block manager (on its first admission attempt). */
  added?: boolean;
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
): Promise<Omit<Req, 'generated' | 'computed'>[]> {
  const prefixRng = rng.fork('prefixes');
  const prefixes = Array.from({ length: p.prefixes }, () => randomTokens(prefixRng, p.prefixTokens));
  const pick = new EmpiricalDiscrete(
    prefixes.map((_, i) => i),
    zipfWeights(p.prefixes, p.zipf),
  );
  const arrivals = poissonArrivals(rng.fork('arrivals'), p.rate, p.duration);
  const lenRng = rng.fork('lengths');
  const tokRng = rng.fork('suffix-tokens');
  const out: Omit<Req, 'generated' | 'computed'>[] = [];
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
    out.push({ id: `r${i}`, arrivalS: arrivals[i]!, prefix, suffix, promptLen, outputLen });
  }
  return out;
}

type Ev = { kind: 'arrival'; req: Req } | { kind: 'step' };

/** FCFS waiting queue with O(1) push, shift and put-back-at-front (for preempted requests). */
class WaitingQueue {
  private readonly items: Req[] = [];
  private head = 0;
  /** Preempted requests, frontmost last. */
  private readonly front: Req[] = [];

  get length(): number {
    return this.front.length + this.items.length - this.head;
  }
  peek(): Req | undefined {
    return this.front.length > 0 ? this.front[this.front.length - 1] : this.items[this.head];
  }
  shift(): void {
    if (this.front.length > 0) this.front.pop();
    else if (this.head < this.items.length) this.head++;
    if (this.head > 4096 && this.head * 2 > this.items.length) {
      this.items.splice(0, this.head);
      this.head = 0;
    }
  }
  push(r: Req): void {
    this.items.push(r);
  }
  unshift(r: Req): void {
    this.front.push(r);
  }
}

/** The most requests one run may draw (rate × duration), so a run stays seconds, not hours. */
export const MAX_EXPECTED_REQUESTS = 100_000;

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
  workload: Awaited<ReturnType<typeof makeWorkload>>,
  tokenRng: Rng,
  onStep: (fraction: number) => Promise<void>,
): Promise<PointResult> {
  const bm = new BlockManager({
    blockSize: p.blockSize,
    numGpuBlocks: gpuBlocks,
    maxModelLen: p.maxModelLen,
    enableCaching: true,
    numPreallocateTokens: p.preallocateTokens,
  });
  const q = new EventQueue<Ev>();
  const waiting = new WaitingQueue();
  const running: Req[] = [];
  let stepScheduled = false;
  let hitTokens = 0;
  let lookupTokens = 0;
  let preemptions = 0;
  let peak = 0;
  let finished = 0;
  let rejected = 0;
  let ttftSum = 0;
  let lastTimeS = 0;
  let steps = 0;
  const stepS = p.iterationMs / 1000;

  for (const w of workload)
    q.schedule(w.arrivalS, { kind: 'arrival', req: { ...w, generated: 0, computed: 0 } });

  const wake = (t: number) => {
    if (!stepScheduled) {
      stepScheduled = true;
      q.schedule(t, { kind: 'step' });
    }
  };
  const totalTokens = (r: Req) => r.promptLen + r.generated;

  const step = (now: number) => {
    let budget = p.maxBatchTokens;
    const scheduled: Req[] = [];
    // 1. Running requests: one new slot each; preempt from the back when the pool is full.
    let preemptedNow = false;
    for (let i = 0; i < running.length && budget > 0; i++) {
      const r = running[i]!;
      let ok = false;
      while (!ok) {
        if (bm.append(r.id, r.computed, 1) !== null) {
          ok = true;
          break;
        }
        const victim = running.pop()!;
        bm.free(victim.id, 'preempt');
        victim.computed = 0;
        waiting.unshift(victim);
        preemptions++;
        preemptedNow = true;
        if (victim === r) break;
      }
      if (!ok) break;
      scheduled.push(r);
      budget -= 1;
    }
    // 2. Admit waiting requests FCFS (vLLM V1 admits none in a step that preempted).
    while (!preemptedNow && waiting.length > 0 && running.length < p.maxRunning && budget > 0) {
      const r = waiting.peek()!;
      // Known to the block manager from its first admission attempt on (keeps memory to the queue head).
      if (!r.added) {
        bm.addRequest(r.id, r.prefix.concat(r.suffix));
        r.added = true;
      }
      let computedBlocks = bm.lookup(r.id);
      let numComputed = computedBlocks.length * p.blockSize;
      if (numComputed >= totalTokens(r)) {
        // Everything cached: the last block is recomputed so the model has a token to run on.
        computedBlocks = computedBlocks.slice(0, -1);
        numComputed -= p.blockSize;
      }
      const numTokens = totalTokens(r) - numComputed;
      if (numTokens > budget) break;
      const got = bm.allocate(r.id, numComputed, numTokens, computedBlocks);
      if (got === null) {
        if (running.length === 0) {
          // It cannot fit even in an empty pool: drop it rather than wait forever.
          waiting.shift();
          bm.free(r.id, 'finish');
          rejected++;
          continue;
        }
        break;
      }
      waiting.shift();
      hitTokens += numComputed;
      lookupTokens += totalTokens(r);
      r.computed = numComputed;
      running.push(r);
      scheduled.push(r);
      budget -= numTokens;
    }
    peak = Math.max(peak, gpuBlocks - bm.numFreeBlocks);
    // 3. The iteration runs: every scheduled request's KV is now computed and it emits one token.
    const end = now + stepS;
    for (const r of scheduled) {
      r.computed = totalTokens(r);
      r.generated++;
      if (r.firstTokenS === undefined) {
        r.firstTokenS = end;
        ttftSum += end - r.arrivalS;
      }
      if (r.generated >= r.outputLen) {
        bm.free(r.id, 'finish');
        running.splice(running.indexOf(r), 1);
        finished++;
      } else {
        bm.appendToken(r.id, tokenRng.int(0, VOCAB - 1));
      }
    }
    lastTimeS = end;
    if (running.length > 0 || waiting.length > 0) {
      stepScheduled = true;
      q.schedule(end, { kind: 'step' }, 1);
    }
  };

  const total = Math.max(1, workload.length);
  while (q.size > 0) {
    const ev = q.step()!;
    if (ev.event.kind === 'arrival') {
      const r = ev.event.req;
      waiting.push(r);
      wake(ev.time);
    } else {
      stepScheduled = false;
      step(ev.time);
      if (++steps % 2000 === 0) await onStep((finished + rejected) / total);
    }
  }

  return {
    gpuBlocks,
    hitRate: lookupTokens === 0 ? 0 : hitTokens / lookupTokens,
    hitTokens,
    lookupTokens,
    evictions: bm.stats.evictions,
    preemptions,
    peakBlocksInUse: peak,
    finished,
    rejected,
    meanTtftS: finished === 0 ? 0 : ttftSum / finished,
    makespanS: lastTimeS,
  };
}

function round(x: number, digits = 6): number {
  return Number(x.toFixed(digits));
}

export const kvPrefixCache = defineExperiment({
  id: 'kv-prefix-cache',
  lab: 'kv',
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
