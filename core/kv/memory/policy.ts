// The contract between the serving scheduler (core/kv/serving/scheduler.ts) and a KV memory policy: the
// paper's paged block manager (pagedPolicy.ts), vLLM V1's prefix-caching allocator (v1Policy.ts) or Orca's
// contiguous reservations placed by a buddy allocator (orcaPolicy.ts). The scheduler owns the queues and
// the clock; a policy owns the memory and the prefill/decode work its layout implies.
import type { IterationWork } from '../cost';
import type { Group } from '../serving/groups';

/** The memory picture of one iteration, in token slots of the GPU KV cache. */
export interface MemorySample {
  tokens: number;
  reserved: number;
  internal: number;
  external: number;
  free: number;
}

/** What a policy adds to the run's result once it has ended. */
export interface PolicyTotals {
  /** Prompt tokens the prefills computed (prefix-cache hits excluded). */
  promptTokens: number;
  swapOutBlocks: number;
  swapInBlocks: number;
  cowCopies: number;
  /** 1 − physical blocks / logical blocks, time-averaged over iterations (Fig. 15); 0 without sharing. */
  sharingSaving: number;
}

/** Totals of a policy that neither swaps nor shares blocks between sequences. */
export function unsharedTotals(promptTokens: number): PolicyTotals {
  return { promptTokens, swapOutBlocks: 0, swapInBlocks: 0, cowCopies: 0, sharingSaving: 0 };
}

/** `admit`: memory does not allow the group now. */
export const NO_ROOM = -1;
/** `swapIn`: the group must stay swapped out for now. */
export const SWAP_WAIT = -1;
/** `swapIn`: the group cannot fit even with nothing running; the scheduler drops (rejects) it. */
export const SWAP_DROP = -2;

export interface MemoryPolicy {
  /** Tokens per KV block (prefill work counts blocks read, even for Orca's reservations). */
  readonly blockSize: number;
  /** GPU KV token slots the policy manages: the denominator of the time-averaged memory shares. */
  readonly capacitySlots: number;
  /** True when attention reads paged blocks, so the paged kernel's overhead applies (§5, Fig. 18a). */
  readonly pagedKernel: boolean;
  /**
   * vLLM V1 schedules prefills into the decode iteration (running first, then waiting); vLLM 0.1 (and Orca
   * here) admit waiting groups first and run a prefill-only iteration when any were admitted.
   */
  readonly mixedBatches: boolean;

  /** A new iteration begins (per-iteration bookkeeping such as blocks promised to appends resets). */
  startIteration(): void;
  /** Prefill tokens a waiting group would compute if admitted now (prefix-cache hits excluded): the token budget. */
  plannedPrefillTokens(g: Group): number;
  /**
   * Place a waiting group's prompt (filling `g.seqs`) and count its prefill in `work`. Returns the prompt
   * tokens the prefill computes, or NO_ROOM (nothing changes) when memory does not allow it now.
   */
  admit(g: Group, work: IterationWork): number;
  /** A waiting group that can never fit is dropped: forget what `admit` attempts registered. */
  reject(g: Group): void;
  /** After the prefill, a group of n samples / k beams forks them from its prompt (§4.4); returns sequences added. */
  forkSamples(g: Group): number;
  /**
   * Make room for one more token in each of `g`'s sequences from `fromSeq` on. Returns how many of its
   * sequences now have room: all of them (`g.seqs.length`) or fewer, when the scheduler must preempt and retry
   * from there.
   */
  reserveDecode(g: Group, fromSeq: number, work: IterationWork): number;
  /** The decode step writes each sequence's new token KV (counted in `work`); returns copy-on-write copies. */
  decode(g: Group, work: IterationWork): number;
  /** The sampled tokens join the group's token lists (vLLM V1 keys full blocks by their tokens). */
  appendToken(g: Group): void;
  /** §4.5 swapping: move the group's blocks to CPU memory; blocks moved, or −1 when the policy cannot. */
  swapOut(g: Group): number;
  /** §4.5: bring a swapped group back; blocks moved, SWAP_WAIT or SWAP_DROP. */
  swapIn(g: Group, nothingRunning: boolean): number;
  /** §4.5 recomputation: free the group's memory. True when it restarts from its prompt (generated = 0). */
  dropForRecompute(g: Group): boolean;
  /** Free every block or chunk the group holds (finished, or dropped while swapped). */
  release(g: Group): void;
  /** Fill `mem` with this iteration's memory picture; `dt` weights time-averaged policy statistics. */
  sampleMemory(mem: MemorySample, running: readonly Group[], head: Group | undefined, dt: number): void;
  totals(): PolicyTotals;
}

/**
 * Adds a prefill of `len` prompt tokens, `cached` of them already in the KV cache, to `work`: the new tokens
 * run through the model, attending to every earlier token of the prompt. ASSUMPTION: prefill attention is
 * contiguous (§4.3: the prompt phase uses conventional self-attention, Fig. 6 step 1), cached tokens included.
 */
export function addPrefillWork(work: IterationWork, len: number, cached: number): void {
  work.batchTokens += len - cached;
  work.kvTokensRead += len;
  work.attentionPairs += ((len - cached) * (len + cached + 1)) / 2;
}
