// The serving simulator (§4.2, §4.5, §6): iteration-level scheduling of sequence groups over one KV memory
// policy — the paper's paged manager (vllm), vLLM V1's allocator (vllm-v1), or Orca's contiguous reservations
// (orca-max / orca-pow2 / orca-oracle, placed by a buddy allocator as in §6.1) — timed by the roofline cost model.
// Memory is accounted per iteration.
import type { Rng } from '../../kernel/rng';
import { BlockManager } from '../memory/v1BlockManager';
import { costModel, cpuBlocks, gpuBlocks, kvSlots } from '../cost';
import type { CostModel, IterationWork, Setup } from '../cost';
import { MAX_MODEL_LEN } from '../workloads';
import type { Request } from '../workloads';
import { BuddyAllocator } from '../memory/buddyAllocator';
import { PagedBlockManager } from '../memory/pagedBlockManager';

export type Policy = 'vllm' | 'vllm-v1' | 'orca-max' | 'orca-pow2' | 'orca-oracle';
export const POLICIES: readonly Policy[] = ['vllm', 'vllm-v1', 'orca-max', 'orca-pow2', 'orca-oracle'];
export type PreemptionMode = 'swap' | 'recompute';
/** How many sequences a request decodes: one, n parallel samples, or a beam of width k (§4.4). */
export type Sampling = { kind: 'single' } | { kind: 'parallel'; n: number } | { kind: 'beam'; k: number };

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

export const WAITING = 0;
export const RUNNING = 1;
export const SWAPPED = 2;
export const DONE = 3;
export const REJECTED = 4;

export interface Group {
  id: number;
  req: Request;
  /** Sequences after the prompt: n samples or k beams. */
  width: number;
  state: number;
  /** Output tokens generated so far (the same for every sequence of the group). */
  generated: number;
  /** Block-manager slots (vllm) or chunk starts (orca) of the group's sequences. */
  seqs: number[];
  /** Orca: token slots reserved per sequence. */
  reserved: number;
  firstTokenS: number;
  finishS: number;
  preemptions: number;
  /** Beam scores (cumulative log-probabilities), one per beam. */
  scores: Float64Array | null;
}

/** The memory picture of one iteration, in token slots of the GPU KV cache. */
export interface MemorySample {
  tokens: number;
  reserved: number;
  internal: number;
  external: number;
  free: number;
}

export interface SimState {
  readonly timeS: number;
  readonly iteration: number;
  readonly kind: 'prefill' | 'decode';
  readonly groups: readonly Group[];
  readonly running: readonly Group[];
  readonly waiting: readonly Group[];
  readonly swapped: readonly Group[];
  readonly paged: PagedBlockManager | null;
  readonly memory: MemorySample;
  /** Swaps and CoW copies of this iteration. */
  readonly swappedOutBlocks: number;
  readonly swappedInBlocks: number;
  readonly cowCopies: number;
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

function nextPow2(x: number): number {
  let p = 1;
  while (p < x) p *= 2;
  return p;
}

function insertById(list: Group[], g: Group): void {
  let i = list.length;
  while (i > 0 && list[i - 1]!.id > g.id) i--;
  list.splice(i, 0, g);
}

/** Run one policy over a request list to completion. */
export async function simulate(requests: readonly Request[], o: SimOptions): Promise<SimResult> {
  const setup = o.setup;
  const bs = o.blockSize;
  const progressEvery = o.progressEvery ?? 4096;
  const maxLen = MAX_MODEL_LEN;
  const policy = o.policy;
  const paged = policy === 'vllm' || policy === 'vllm-v1';
  const cost: CostModel = costModel(setup, bs, o.pagedOverhead);
  const maxNumSeqs = o.maxNumSeqs ?? 256;
  const maxBatched = Math.max(o.maxBatchedTokens ?? 2560, maxLen);
  const nGpu = o.gpuBlocks ?? gpuBlocks(setup, bs);
  const capacitySlots = policy.startsWith('orca')
    ? o.gpuBlocks !== undefined
      ? nGpu * bs
      : kvSlots(setup)
    : nGpu * bs;
  const watermarkBlocks = Math.floor((o.watermark ?? 0.01) * nGpu);
  const width =
    o.sampling.kind === 'single' ? 1 : o.sampling.kind === 'parallel' ? o.sampling.n : o.sampling.k;
  const beam = o.sampling.kind === 'beam';
  if (beam && policy === 'vllm-v1')
    throw new Error('vllm-v1 has no beam search (vLLM V1 dropped it from the engine)');
  const rng = o.rng;
  if (beam && !rng) throw new Error('beam search needs an rng for candidate scores');

  const bm =
    policy === 'vllm'
      ? new PagedBlockManager({
          blockSize: bs,
          numGpuBlocks: nGpu,
          numCpuBlocks: o.cpuBlocks ?? cpuBlocks(setup, bs),
          maxLen: maxLen + bs,
        })
      : null;
  const v1 =
    policy === 'vllm-v1'
      ? new BlockManager({
          blockSize: bs,
          numGpuBlocks: nGpu,
          maxModelLen: maxLen + bs,
          enableCaching: true,
          numPreallocateTokens: 0,
        })
      : null;
  const alloc = policy.startsWith('orca') ? new BuddyAllocator(capacitySlots) : null;

  const groups: Group[] = requests.map((req, id) => ({
    id,
    req,
    width,
    state: WAITING,
    generated: 0,
    seqs: [],
    reserved: 0,
    firstTokenS: -1,
    finishS: -1,
    preemptions: 0,
    scores: beam ? new Float64Array(width) : null,
  }));

  const waiting: Group[] = [];
  const running: Group[] = [];
  const swapped: Group[] = [];
  let nextArrival = 0;
  let now = 0;
  let iterations = 0;
  let prefillIterations = 0;
  let finished = 0;
  let rejected = 0;
  let generatedTokens = 0;
  let promptTokens = 0;
  let recomputedTokens = 0;
  let preemptions = 0;
  let swapTimeS = 0;
  let runningSeqs = 0;
  // Orca running sums (token slots): reserved, min(reserved, final length), stored KV.
  let oRes = 0;
  let oFinalCap = 0;
  let oStored = 0;
  // Time-weighted accumulators.
  let tw = 0;
  const acc = { tokens: 0, reserved: 0, internal: 0, external: 0, free: 0 };
  let batchTime = 0;
  let runTime = 0;
  let logicalTime = 0;
  let physicalTime = 0;
  let latencySum = 0;
  let normSum = 0;
  let ttftSum = 0;
  const mem: MemorySample = { tokens: 0, reserved: 0, internal: 0, external: 0, free: 0 };
  const work: IterationWork = { batchTokens: 0, kvTokensRead: 0, attentionPairs: 0, blocksRead: 0 };
  const prefillList: Group[] = [];
  const v1Ids = (g: Group, i: number) => `${g.id}.${i}`;
  let itSwapOut = 0;
  let itSwapIn = 0;
  let itCow = 0;

  const promptLen = (g: Group) => g.req.inputLen + g.generated;

  const orcaReserve = (g: Group): number => {
    const r = g.req;
    if (policy === 'orca-max') return maxLen;
    if (policy === 'orca-pow2') return Math.min(maxLen, r.inputLen + nextPow2(r.outputLen));
    return r.inputLen + r.outputLen;
  };

  const finish = (g: Group, endS: number) => {
    g.state = DONE;
    g.finishS = endS;
    finished++;
    const lat = endS - g.req.arrivalS;
    latencySum += lat;
    normSum += lat / g.req.outputLen;
    releaseAll(g);
  };

  function releaseAll(g: Group): void {
    if (bm) {
      for (const s of g.seqs) bm.free(s);
    } else if (v1) {
      for (let i = 0; i < g.seqs.length; i++) v1.free(v1Ids(g, i), 'finish');
    } else if (alloc) {
      const final = g.req.inputLen + g.req.outputLen;
      for (const start of g.seqs) {
        alloc.free(start, g.reserved);
        oRes -= BuddyAllocator.chunkSize(g.reserved);
        oFinalCap -= Math.min(g.reserved, final);
      }
      oStored -= g.seqs.length * (g.req.inputLen + g.generated - 1);
    }
    runningSeqs -= g.seqs.length;
    g.seqs = [];
  }

  /** Try to place a waiting group's prompt; true when it now holds its memory. */
  function admit(g: Group): boolean {
    const len = promptLen(g);
    if (bm) {
      // Multi-sequence groups that were restarted run their prompt once and fork again (generated = 0).
      const need = bm.blocksForPrompt(len, g.req.prefixId, g.req.prefixLen);
      if (bm.nFreeGpu - need < watermarkBlocks) return false;
      g.seqs = [bm.allocatePrompt(g.id, len, g.req.prefixId, g.req.prefixLen)];
      if (g.generated > 0 && g.width > 1) throw new Error('multi-sequence groups restart from their prompt');
      return true;
    }
    if (v1) {
      const n = g.width;
      for (let i = 0; i < n; i++) {
        const id = v1Ids(g, i);
        const cached = v1.lookup(id);
        let hit = cached.length * bs;
        let blocks = cached;
        if (hit >= len) {
          blocks = cached.slice(0, -1);
          hit -= bs;
        }
        const needBlocks = Math.ceil(len / bs) - blocks.length;
        if (
          v1.numFreeBlocks - needBlocks < watermarkBlocks ||
          v1.allocate(id, hit, len - hit, blocks) === null
        ) {
          for (let j = 0; j < i; j++) v1.free(v1Ids(g, j), 'preempt');
          g.seqs = [];
          return false;
        }
        g.seqs.push(i);
        work.batchTokens += len - hit;
        work.kvTokensRead += len;
        work.attentionPairs += ((len - hit) * (len + hit + 1)) / 2;
        work.blocksRead += Math.ceil(len / bs);
        promptTokens += len - hit;
      }
      return true;
    }
    // §6.1: the reservation (max length, prompt + pow2(output), or prompt + output) is placed by the buddy
    // allocator, which hands out the next power of two: the rounding is internal fragmentation.
    const a = alloc!;
    const res = orcaReserve(g);
    const n = g.width;
    const chunk = BuddyAllocator.chunkSize(res);
    if (a.freeSlots < n * chunk) return false;
    const starts: number[] = [];
    for (let i = 0; i < n; i++) {
      const s = a.alloc(res);
      if (s < 0) {
        for (const st of starts) a.free(st, res);
        return false;
      }
      starts.push(s);
    }
    g.seqs = starts;
    g.reserved = res;
    const final = g.req.inputLen + g.req.outputLen;
    oRes += n * chunk;
    oFinalCap += n * Math.min(res, final);
    oStored += n * len;
    return true;
  }

  function registerV1(g: Group): void {
    // vLLM V1 sees each sample as its own request sharing the prompt (prefix caching shares its blocks).
    const r = g.req;
    const prompt = new Array<number>(r.inputLen);
    for (let p = 0; p < r.inputLen; p++) {
      const pos = r.contextStart + p;
      prompt[p] = p < r.prefixLen ? tokenAt(-1 - r.prefixId, pos, 0) : tokenAt(r.convId, pos, 0);
    }
    for (let i = 0; i < g.width; i++) v1!.addRequest(v1Ids(g, i), prompt);
  }

  /** §4.5 all-or-nothing preemption of a running group. */
  function preempt(g: Group): void {
    preemptions++;
    g.preemptions++;
    if (bm) {
      const multi = g.seqs.length > 1;
      if (o.preemption === 'swap' || multi) {
        const moved = bm.swapOut(g.seqs);
        if (moved >= 0) {
          itSwapOut += moved;
          const t = cost.swapS(moved);
          swapTimeS += t;
          pendingSwapS += t;
          g.state = SWAPPED;
          insertById(swapped, g);
          runningSeqs -= g.seqs.length;
          return;
        }
      }
      // Recompute (§4.5): drop the blocks; the prompt and generated tokens are recomputed on re-admission.
      // DEVIATION: a multi-sequence group that cannot be swapped (swap space full) restarts from its prompt.
      for (const s of g.seqs) bm.free(s);
      runningSeqs -= g.seqs.length;
      g.seqs = [];
      if (multi) g.generated = 0;
      else recomputedTokens += promptLen(g);
    } else if (v1) {
      for (let i = 0; i < g.seqs.length; i++) v1.free(v1Ids(g, i), 'preempt');
      runningSeqs -= g.seqs.length;
      g.seqs = [];
      recomputedTokens += promptLen(g);
    }
    g.state = WAITING;
    waiting.unshift(g);
  }

  let pendingSwapS = 0;
  const stops = { memory: 0, maxNumSeqs: 0, maxBatchedTokens: 0 };

  /** Admit waiting groups FCFS while the token budget, the sequence limit and memory allow. */
  function admitWaiting(): void {
    let batchTokens = 0;
    while (waiting.length > 0) {
      const g = waiting[0]!;
      const len = promptLen(g);
      if (runningSeqs + g.width > maxNumSeqs) {
        stops.maxNumSeqs++;
        break;
      }
      if (batchTokens + len > maxBatched) {
        stops.maxBatchedTokens++;
        break;
      }
      if (!admit(g)) {
        // A group that cannot fit even in an empty pool would wait forever: reject it.
        if (running.length === 0 && prefillList.length === 0 && swapped.length === 0) {
          waiting.shift();
          g.state = REJECTED;
          rejected++;
          if (v1) for (let i = 0; i < g.width; i++) v1.free(v1Ids(g, i), 'finish');
          continue;
        }
        stops.memory++;
        break;
      }
      waiting.shift();
      g.state = RUNNING;
      runningSeqs += g.seqs.length;
      batchTokens += len;
      prefillList.push(g);
      if (!v1) {
        work.batchTokens += len;
        work.kvTokensRead += len;
        work.attentionPairs += (len * (len + 1)) / 2;
        work.blocksRead += Math.ceil(len / bs);
        promptTokens += len;
      }
    }
  }

  /** Beam search step (§4.4, Fig. 9): every beam proposes `k` candidates; the best `k` of all k² survive. */
  const cands = Math.max(1, width * width);
  const candScore = new Float64Array(cands);
  const candParent = new Int32Array(cands);
  const order = new Int32Array(cands);
  const usedParent = new Uint8Array(width);
  const nextSeqs = new Int32Array(width);
  const newScores = new Float64Array(width);
  function beamStep(g: Group): void {
    const k = g.width;
    const scores = g.scores!;
    const r = rng!;
    let c = 0;
    for (let j = 0; j < k; j++) {
      // Log-probabilities of a beam's top-k next tokens: cumulative sums of exponential gaps (a sorted draw).
      let lp = 0;
      for (let i = 0; i < k; i++) {
        lp -= -Math.log(1 - r.float());
        candScore[c] = scores[j]! + lp;
        candParent[c] = j;
        c++;
      }
    }
    for (let i = 0; i < c; i++) order[i] = i;
    // Partial selection sort for the top k of the k² candidates.
    for (let i = 0; i < k; i++) {
      let best = i;
      for (let m = i + 1; m < c; m++) if (candScore[order[m]!]! > candScore[order[best]!]!) best = m;
      const t = order[i]!;
      order[i] = order[best]!;
      order[best] = t;
    }
    // Children of the same parent fork from it; beams with no child are freed (their blocks return, §4.4).
    const b = bm!;
    const old = g.seqs;
    for (let i = 0; i < k; i++) usedParent[i] = 0;
    for (let i = 0; i < k; i++) {
      const p = candParent[order[i]!]!;
      newScores[i] = candScore[order[i]!]!;
      if (!usedParent[p]) {
        usedParent[p] = 1;
        nextSeqs[i] = old[p]!;
      } else nextSeqs[i] = b.fork(old[p]!);
    }
    for (let j = 0; j < k; j++) if (!usedParent[j]) b.free(old[j]!);
    const top = newScores[0]!;
    for (let i = 0; i < k; i++) {
      old[i] = nextSeqs[i]!;
      scores[i] = newScores[i]! - top;
    }
  }

  function recordMemory(dt: number): void {
    if (bm) {
      const used = bm.usedGpuBlocks;
      mem.tokens = bm.gpuFilledTokens;
      mem.reserved = 0;
      mem.internal = used * bs - bm.gpuFilledTokens;
      mem.external = 0;
      mem.free = bm.nFreeGpu * bs;
      logicalTime += bm.logicalGpuBlocks * dt;
      physicalTime += used * dt;
    } else if (v1) {
      const used = nGpu - v1.numFreeBlocks;
      let stored = 0;
      for (const g of running) stored += g.seqs.length * (g.req.inputLen + g.generated);
      mem.tokens = Math.min(stored, used * bs);
      mem.reserved = 0;
      mem.internal = used * bs - mem.tokens;
      mem.external = 0;
      mem.free = v1.numFreeBlocks * bs;
    } else {
      const a = alloc!;
      mem.tokens = oStored;
      mem.reserved = oFinalCap - oStored;
      mem.internal = oRes - oFinalCap;
      // External fragmentation: free slots in buddy chunks too small for the request at the head of the queue.
      const head = waiting[0];
      mem.external = head ? a.slotsInExtentsSmallerThan(orcaReserve(head)) : 0;
      mem.free = capacitySlots - oRes - mem.external;
    }
    acc.tokens += mem.tokens * dt;
    acc.reserved += mem.reserved * dt;
    acc.internal += mem.internal * dt;
    acc.external += mem.external * dt;
    acc.free += mem.free * dt;
    tw += dt;
  }

  const total = requests.length;
  const maxIterations = o.maxIterations ?? Infinity;
  while (iterations < maxIterations) {
    // Arrivals up to now.
    while (nextArrival < total && groups[nextArrival]!.req.arrivalS <= now) {
      const g = groups[nextArrival++]!;
      if (v1) registerV1(g);
      waiting.push(g);
    }
    if (running.length === 0 && waiting.length === 0 && swapped.length === 0) {
      if (nextArrival >= total) break;
      now = groups[nextArrival]!.req.arrivalS;
      continue;
    }
    work.batchTokens = 0;
    work.kvTokensRead = 0;
    work.attentionPairs = 0;
    work.blocksRead = 0;
    itSwapIn = 0;
    itSwapOut = 0;
    itCow = 0;
    pendingSwapS = 0;
    prefillList.length = 0;
    let kind: 'prefill' | 'decode' = 'decode';

    // 1. Admit waiting groups FCFS while nothing is swapped out (vLLM 0.1 `_schedule`).
    if (!v1 && swapped.length === 0) admitWaiting();

    if (prefillList.length > 0 && !v1) {
      // Prefill iteration: the prompts run, each group samples its first token (and forks its samples/beams).
      kind = 'prefill';
      prefillIterations++;
      const dt = cost.iterationS(work, paged);
      const end = now + dt;
      for (const g of prefillList) {
        insertById(running, g);
        if (bm && g.width > 1 && g.seqs.length === 1) {
          for (let i = 1; i < g.width; i++) g.seqs.push(bm.fork(g.seqs[0]!));
          runningSeqs += g.width - 1;
        }
        g.generated++;
        generatedTokens += g.seqs.length;
        if (g.firstTokenS < 0) {
          g.firstTokenS = end;
          ttftSum += end - g.req.arrivalS;
        }
        if (g.generated >= g.req.outputLen) {
          running.splice(running.indexOf(g), 1);
          finish(g, end);
        }
      }
      recordMemory(dt);
      batchTime += running.length * dt;
      runTime += dt;
      now = end;
      iterations++;
      o.onIteration?.(state(kind));
      if (o.progress && iterations % progressEvery === 0) await o.progress(finished / Math.max(1, total));
      continue;
    }

    // 2. Decode: every running group needs room for one more token per sequence; preempt from the back.
    let preempted = false;
    if (bm) {
      // Blocks the groups already checked will take in this iteration's appends.
      let promised = 0;
      for (let i = 0; i < running.length; i++) {
        const g = running[i]!;
        for (;;) {
          let need = 0;
          if (beam) need = g.seqs.length;
          else for (const s of g.seqs) need += bm.appendNeeds(s);
          if (promised + need <= bm.nFreeGpu) {
            promised += need;
            break;
          }
          const victim = running.pop()!;
          preempt(victim);
          preempted = true;
          if (victim === g) break;
        }
      }
      // 3. Swap groups back in FCFS when no one was preempted this iteration.
      if (!preempted) {
        while (swapped.length > 0) {
          const g = swapped[0]!;
          if (runningSeqs + g.seqs.length > maxNumSeqs) break;
          const need = bm.distinctBlocks(g.seqs) + g.seqs.length;
          // With nothing running the watermark is waived; a group that cannot fit even then is dropped.
          const floor = running.length === 0 ? 0 : watermarkBlocks;
          if (bm.nFreeGpu - promised - need < floor) {
            if (running.length > 0) break;
            swapped.shift();
            for (const s of g.seqs) bm.free(s);
            g.seqs = [];
            g.state = REJECTED;
            rejected++;
            continue;
          }
          promised += g.seqs.length;
          const moved = bm.swapIn(g.seqs);
          itSwapIn += moved;
          const t = cost.swapS(moved);
          swapTimeS += t;
          pendingSwapS += t;
          swapped.shift();
          g.state = RUNNING;
          runningSeqs += g.seqs.length;
          insertById(running, g);
        }
      }
      // 4. The decode step: beams re-select, then every sequence writes its last token's KV (CoW if shared).
      for (const g of running) {
        if (beam) beamStep(g);
        for (const s of g.seqs) {
          const ctx = bm.seqTokens[s]!;
          itCow += bm.appendSlot(s);
          work.kvTokensRead += ctx + 1;
          work.attentionPairs += ctx + 1;
          work.blocksRead += bm.seqBlocks[s]!;
        }
        work.batchTokens += g.seqs.length;
      }
    } else if (v1) {
      // vLLM V1: running requests first (one slot each, recompute-preempt from the back), then admissions
      // share the iteration (prefill and decode mixed).
      for (let i = 0; i < running.length; i++) {
        const g = running[i]!;
        let ok = true;
        for (let j = 0; j < g.seqs.length; j++) {
          const len = promptLen(g);
          while (v1.append(v1Ids(g, j), len - 1, 1) === null) {
            const victim = running.pop()!;
            preempt(victim);
            preempted = true;
            if (victim === g) {
              ok = false;
              break;
            }
          }
          if (!ok) break;
          work.kvTokensRead += len;
          work.attentionPairs += len;
          work.blocksRead += Math.ceil(len / bs);
          work.batchTokens++;
        }
        if (!ok) break;
      }
      if (!preempted && swapped.length === 0) admitWaiting();
      for (const g of prefillList) insertById(running, g);
    } else {
      // Orca: reservations already cover every future token.
      for (const g of running) {
        const ctx = promptLen(g);
        const n = g.seqs.length;
        work.kvTokensRead += n * ctx;
        work.attentionPairs += n * ctx;
        work.batchTokens += n;
        oStored += n;
      }
    }

    const dt = cost.iterationS(work, paged) + pendingSwapS;
    const end = now + dt;
    for (let i = 0; i < running.length; i++) {
      const g = running[i]!;
      g.generated++;
      generatedTokens += g.seqs.length;
      if (v1) {
        const pos = g.req.contextStart + g.req.inputLen + g.generated - 1;
        for (let j = 0; j < g.seqs.length; j++) v1.appendToken(v1Ids(g, j), tokenAt(g.req.convId, pos, j));
      }
      if (g.firstTokenS < 0) {
        g.firstTokenS = end;
        ttftSum += end - g.req.arrivalS;
      }
    }
    recordMemory(dt);
    batchTime += running.length * dt;
    runTime += dt;
    // Finished groups leave after the iteration.
    let w = 0;
    for (let i = 0; i < running.length; i++) {
      const g = running[i]!;
      if (g.generated >= g.req.outputLen) finish(g, end);
      else running[w++] = g;
    }
    running.length = w;
    now = end;
    iterations++;
    if (o.onIteration) {
      const st = state(kind);
      o.onIteration(st);
    }
    if (o.progress && iterations % progressEvery === 0) await o.progress(finished / Math.max(1, total));
  }

  function state(kind: 'prefill' | 'decode'): SimState {
    return {
      timeS: now,
      iteration: iterations,
      kind,
      groups,
      running,
      waiting,
      swapped,
      paged: bm,
      memory: mem,
      swappedOutBlocks: itSwapOut,
      swappedInBlocks: itSwapIn,
      cowCopies: itCow,
    };
  }

  const cap = capacitySlots;
  const avg = (x: number) => (tw > 0 ? x / tw / cap : 0);
  return {
    policy,
    requests: total,
    finished,
    rejected,
    makespanS: now,
    iterations,
    prefillIterations,
    generatedTokens,
    promptTokens,
    meanLatencyS: finished ? latencySum / finished : 0,
    meanNormLatencyS: finished ? normSum / finished : 0,
    meanTtftS: finished ? ttftSum / finished : 0,
    meanBatchedRequests: runTime > 0 ? batchTime / runTime : 0,
    preemptions,
    swapOutBlocks: bm?.swappedOutBlocks ?? 0,
    swapInBlocks: bm?.swappedInBlocks ?? 0,
    recomputedTokens,
    swapTimeS,
    cowCopies: bm?.cowCopies ?? 0,
    gpuBlocks: nGpu,
    kvSlots: cap,
    memory: {
      tokens: avg(acc.tokens),
      reserved: avg(acc.reserved),
      internal: avg(acc.internal),
      external: avg(acc.external),
      free: avg(acc.free),
    },
    sharingSaving: logicalTime > 0 ? 1 - physicalTime / logicalTime : 0,
    admissionStops: stops,
  };
}
