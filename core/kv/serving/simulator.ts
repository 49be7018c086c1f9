// The serving simulator (§4.2, §4.5, §6): iteration-level scheduling of sequence groups over one KV memory
// policy — the paper's paged manager (vllm), vLLM V1's allocator (vllm-v1), or Orca's contiguous reservations
// (orca-max / orca-pow2 / orca-oracle, placed by a buddy allocator as in §6.1) — timed by the roofline cost model.
// Memory is accounted per iteration. The scheduler is serving/scheduler.ts; the policies live in core/kv/memory.
import type { Rng } from '../../kernel/rng';
import { costModel, cpuBlocks, gpuBlocks, kvSlots } from '../cost';
import type { Setup } from '../cost';
import { OrcaPolicy } from '../memory/orcaPolicy';
import { PagedPolicy } from '../memory/pagedPolicy';
import type { MemoryPolicy, MemorySample } from '../memory/policy';
import { V1Policy } from '../memory/v1Policy';
import type { V1TokenSource } from '../memory/v1Policy';
import { MAX_MODEL_LEN } from '../workloads';
import type { Request } from '../workloads';
import { newGroups } from './groups';
import { ServingScheduler } from './scheduler';
import type { PreemptionMode, SchedulerConfig, SimState } from './scheduler';

export type { Group, GroupState } from './groups';
export type { MemorySample } from '../memory/policy';
export type { PreemptionMode, SimState } from './scheduler';

export type Policy = 'vllm' | 'vllm-v1' | 'orca-max' | 'orca-pow2' | 'orca-oracle';
export const POLICIES: readonly Policy[] = ['vllm', 'vllm-v1', 'orca-max', 'orca-pow2', 'orca-oracle'];
/** How many sequences a request decodes: one, n parallel samples, or a beam of width k (§4.4). */
export type Sampling = { kind: 'single' } | { kind: 'parallel'; n: number } | { kind: 'beam'; k: number };

/** vLLM 0.1's scheduler defaults (SchedulerConfig): max_num_seqs, and the BlockSpaceManager's admission watermark. */
export const VLLM_MAX_NUM_SEQS = 256;
export const VLLM_WATERMARK = 0.01;

export interface SimOptions {
  setup: Setup;
  blockSize: number;
  policy: Policy;
  /** §4.5: how vllm preempts a group. Groups of several sequences can only be swapped (as in vLLM). */
  preemption: PreemptionMode;
  sampling: Sampling;
  pagedOverhead?: number;
  /** vLLM's scheduler limits (vLLM 0.1 defaults: max_num_seqs 256, max_num_batched_tokens 2560). */
  maxNumSeqs?: number;
  maxBatchedTokens?: number;
  /** vLLM 0.1 BlockSpaceManager watermark: admit only while 1% of GPU blocks stay free. */
  watermark?: number;
  /** Override the pool size (views use a small pool); default from the cost model's KV slots. */
  gpuBlocks?: number;
  cpuBlocks?: number;
  /** Beam candidate scores. */
  rng?: Rng;
  /** Called after every iteration (views record frames). */
  onIteration?: (s: SimState) => void;
  /** Awaited every `progressEvery` iterations with the fraction of requests finished. */
  progress?: (fraction: number) => Promise<void>;
  /** Iterations between `progress` calls: 4096 by default; views use their chunk size, so a cancel lands soon. */
  progressEvery?: number;
  /** Stop after this many iterations (views). */
  maxIterations?: number;
}

export interface SimResult {
  policy: Policy;
  requests: number;
  finished: number;
  rejected: number;
  makespanS: number;
  iterations: number;
  prefillIterations: number;
  generatedTokens: number;
  promptTokens: number;
  meanLatencyS: number;
  /** Mean over requests of end-to-end latency / output length (§6.1's normalized latency), s/token. */
  meanNormLatencyS: number;
  meanTtftS: number;
  /** Time-averaged number of requests in the running batch while any runs (Fig. 13). */
  meanBatchedRequests: number;
  preemptions: number;
  swapOutBlocks: number;
  swapInBlocks: number;
  recomputedTokens: number;
  swapTimeS: number;
  cowCopies: number;
  gpuBlocks: number;
  kvSlots: number;
  /** Time-averaged shares of the GPU KV cache (sum to 1 with `free`), Fig. 2. */
  memory: MemorySample;
  /** 1 − physical blocks / logical blocks, time-averaged over iterations (Fig. 15). */
  sharingSaving: number;
  /**
   * Scheduling steps that left the head of the waiting queue waiting, by what held it back: KV memory (free
   * blocks above the watermark, or a free buddy chunk for Orca), the max_num_seqs cap, or the per-step
   * prompt-token budget (max_num_batched_tokens). What limits the batch.
   */
  admissionStops: { memory: number; maxNumSeqs: number; maxBatchedTokens: number };
}

/** A deterministic token id for position `pos` of conversation `conv` (sample `sample`), for prefix hashing. */
function tokenAt(conv: number, pos: number, sample: number): number {
  let h =
    Math.imul(conv ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(pos + 1, 0xc2b2ae35) ^ Math.imul(sample, 0x27d4eb2f);
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  h ^= h >>> 12;
  return (h >>> 0) % 32000;
}

/** vLLM V1 sees each sample as its own request sharing the prompt (prefix caching shares its blocks). */
const syntheticTokens: V1TokenSource = {
  prompt(g) {
    const r = g.req;
    const prompt = new Array<number>(r.inputLen);
    for (let p = 0; p < r.inputLen; p++) {
      const pos = r.contextStart + p;
      prompt[p] = p < r.prefixLen ? tokenAt(-1 - r.prefixId, pos, 0) : tokenAt(r.convId, pos, 0);
    }
    return prompt;
  },
  next(g, seq) {
    const pos = g.req.contextStart + g.req.inputLen + g.generated - 1;
    return tokenAt(g.req.convId, pos, seq);
  },
};

function samplingWidth(s: Sampling): number {
  return s.kind === 'single' ? 1 : s.kind === 'parallel' ? s.n : s.k;
}

/** The memory policy `o.policy` names, sized from the options (or the cost model's pool). */
function memoryPolicy(o: SimOptions): MemoryPolicy {
  const bs = o.blockSize;
  const maxLen = MAX_MODEL_LEN;
  const nGpu = o.gpuBlocks ?? gpuBlocks(o.setup, bs);
  const watermarkBlocks = Math.floor((o.watermark ?? VLLM_WATERMARK) * nGpu);
  const beam = o.sampling.kind === 'beam';
  if (beam && o.policy === 'vllm-v1')
    throw new Error('vllm-v1 has no beam search (vLLM V1 dropped it from the engine)');
  if (beam && !o.rng) throw new Error('beam search needs an rng for candidate scores');
  if (o.policy === 'vllm') {
    return new PagedPolicy({
      blockSize: bs,
      gpuBlocks: nGpu,
      cpuBlocks: o.cpuBlocks ?? cpuBlocks(o.setup, bs),
      maxLen: maxLen + bs,
      watermarkBlocks,
      beam: beam ? { width: samplingWidth(o.sampling), rng: o.rng! } : null,
    });
  }
  if (o.policy === 'vllm-v1') {
    return new V1Policy({
      config: {
        blockSize: bs,
        numGpuBlocks: nGpu,
        maxModelLen: maxLen + bs,
        enableCaching: true,
        numPreallocateTokens: 0,
      },
      watermarkBlocks,
      tokens: syntheticTokens,
    });
  }
  const slots = o.gpuBlocks !== undefined ? nGpu * bs : kvSlots(o.setup);
  const reservation = o.policy === 'orca-max' ? 'max' : o.policy === 'orca-pow2' ? 'pow2' : 'oracle';
  return new OrcaPolicy(reservation, slots, bs, maxLen);
}

/** Run one policy over a request list to completion. */
export async function simulate(requests: readonly Request[], o: SimOptions): Promise<SimResult> {
  const policy = memoryPolicy(o);
  const cost = costModel(o.setup, o.blockSize, o.pagedOverhead);
  const config: SchedulerConfig = {
    maxNumSeqs: o.maxNumSeqs ?? VLLM_MAX_NUM_SEQS,
    maxBatchedTokens: Math.max(o.maxBatchedTokens ?? 2560, MAX_MODEL_LEN),
    // DEVIATION: vllm-v1 keeps vLLM 0.1's scheduler limits (prompt-token budget, running list by arrival).
    tokenBudget: 'prompt-tokens',
    runningOrder: 'arrival',
    preemption: o.preemption,
    iterationS: (work) => cost.iterationS(work),
    swapS: (blocks) => cost.swapS(blocks),
    onIteration: o.onIteration,
    maxIterations: o.maxIterations,
  };
  const groups = newGroups(requests, samplingWidth(o.sampling), o.sampling.kind === 'beam');
  const sched = new ServingScheduler(groups, policy, config);
  const total = requests.length;
  const progress = o.progress;
  await sched.run(
    progress ? (s) => progress(s.finished / Math.max(1, total)) : undefined,
    o.progressEvery ?? 4096,
  );
  return simResult(o.policy, sched, o.gpuBlocks ?? gpuBlocks(o.setup, o.blockSize));
}

function simResult(policy: Policy, s: ServingScheduler, nGpu: number): SimResult {
  const cap = s.policy.capacitySlots;
  const sums = s.sums;
  const avg = (x: number) => (sums.memoryS > 0 ? x / sums.memoryS / cap : 0);
  const totals = s.policy.totals();
  const finished = s.finished;
  return {
    policy,
    requests: s.groups.length,
    finished,
    rejected: s.rejected,
    makespanS: s.now,
    iterations: s.iterations,
    prefillIterations: s.prefillIterations,
    generatedTokens: s.generatedTokens,
    promptTokens: totals.promptTokens,
    meanLatencyS: finished ? sums.latencyS / finished : 0,
    meanNormLatencyS: finished ? sums.normLatencyS / finished : 0,
    meanTtftS: finished ? sums.ttftS / finished : 0,
    meanBatchedRequests: sums.runS > 0 ? sums.batchS / sums.runS : 0,
    preemptions: s.preemptions,
    swapOutBlocks: totals.swapOutBlocks,
    swapInBlocks: totals.swapInBlocks,
    recomputedTokens: s.recomputedTokens,
    swapTimeS: s.swapTimeS,
    cowCopies: totals.cowCopies,
    gpuBlocks: nGpu,
    kvSlots: cap,
    memory: {
      tokens: avg(sums.memory.tokens),
      reserved: avg(sums.memory.reserved),
      internal: avg(sums.memory.internal),
      external: avg(sums.memory.external),
      free: avg(sums.memory.free),
    },
    sharingSaving: totals.sharingSaving,
    admissionStops: s.stops,
  };
}
