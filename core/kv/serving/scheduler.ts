// The serving scheduler (§4.2, §4.5, §6): iteration-level scheduling of sequence groups over one KV memory
// policy, shaped like vLLM's `Scheduler.schedule()` — running groups first (preempting from the back when
// memory runs out), then swapped groups, then waiting ones — and accounting time, tokens and memory per
// iteration. The memory policy (core/kv/memory) decides what fits; this file decides who runs.
import type { IterationWork } from '../cost';
import type { PagedBlockManager } from '../memory/pagedBlockManager';
import { PagedPolicy } from '../memory/pagedPolicy';
import { SWAP_DROP, SWAP_WAIT } from '../memory/policy';
import type { MemoryPolicy, MemorySample } from '../memory/policy';
import { GroupQueue, insertById, promptLen } from './groups';
import type { Group } from './groups';

export type PreemptionMode = 'swap' | 'recompute';

/**
 * What max_num_batched_tokens counts. 'prompt-tokens': vLLM 0.1 — the prompts admitted in one step (decodes
 * are free). 'all-tokens': vLLM V1's token_budget — one token per running sequence, then the uncached prompt
 * tokens of each admission, from the same budget.
 */
export type TokenBudget = 'prompt-tokens' | 'all-tokens';

/** Where an admitted group joins the running list: by arrival (request id), or at the back (vLLM V1). */
export type RunningOrder = 'arrival' | 'admission';

export interface SchedulerConfig {
  /** vLLM's scheduler limits (vLLM 0.1 defaults: max_num_seqs 256, max_num_batched_tokens 2560). */
  maxNumSeqs: number;
  maxBatchedTokens: number;
  tokenBudget: TokenBudget;
  runningOrder: RunningOrder;
  /** §4.5: how a group is preempted. Groups of several sequences can only be swapped (as in vLLM). */
  preemption: PreemptionMode;
  /** Seconds one iteration of this work takes, and a swap of this many blocks. */
  iterationS: (work: IterationWork) => number;
  swapS: (blocks: number) => number;
  /** Called after every iteration (views record frames). */
  onIteration?: (s: SimState) => void;
  /** Stop after this many iterations (views). */
  maxIterations?: number;
  /**
   * When an iteration leaves nothing running or waiting, the next arrival starts the next iteration at its own
   * arrival time, even before that idle iteration's end (an event loop that wakes the engine on arrival).
   * Default: the clock stays at the iteration's end.
   */
  wakeOnArrival?: boolean;
}

export interface SimState {
  readonly timeS: number;
  readonly iteration: number;
  readonly kind: 'prefill' | 'decode';
  readonly groups: readonly Group[];
  readonly running: readonly Group[];
  readonly waiting: { readonly length: number };
  readonly swapped: readonly Group[];
  readonly paged: PagedBlockManager | null;
  readonly memory: MemorySample;
  /** Swaps and CoW copies of this iteration. */
  readonly swappedOutBlocks: number;
  readonly swappedInBlocks: number;
  readonly cowCopies: number;
}

/** Scheduling steps that left the head of the waiting queue waiting, by what held it back. */
export interface AdmissionStops {
  memory: number;
  maxNumSeqs: number;
  maxBatchedTokens: number;
}

/** Time-weighted sums over the run (divided into means by the caller). */
export interface RunSums {
  /** Memory sample × seconds, and the seconds sampled. */
  memory: MemorySample;
  memoryS: number;
  /** Running requests × seconds, and seconds with an iteration running. */
  batchS: number;
  runS: number;
  latencyS: number;
  normLatencyS: number;
  ttftS: number;
}

/** One run of the scheduler over `groups` (in arrival order) and one memory policy. */
export class ServingScheduler {
  readonly waiting = new GroupQueue();
  readonly running: Group[] = [];
  readonly swapped: Group[] = [];
  readonly stops: AdmissionStops = { memory: 0, maxNumSeqs: 0, maxBatchedTokens: 0 };
  readonly sums: RunSums = {
    memory: { tokens: 0, reserved: 0, internal: 0, external: 0, free: 0 },
    memoryS: 0,
    batchS: 0,
    runS: 0,
    latencyS: 0,
    normLatencyS: 0,
    ttftS: 0,
  };
  /** This iteration's memory picture. */
  readonly mem: MemorySample = { tokens: 0, reserved: 0, internal: 0, external: 0, free: 0 };
  now = 0;
  iterations = 0;
  prefillIterations = 0;
  finished = 0;
  rejected = 0;
  generatedTokens = 0;
  recomputedTokens = 0;
  preemptions = 0;
  swapTimeS = 0;

  /** Groups admitted in this iteration. */
  private readonly prefills: Group[] = [];
  private readonly work: IterationWork = {
    batchTokens: 0,
    kvTokensRead: 0,
    attentionPairs: 0,
    blocksRead: 0,
  };
  private readonly paged: PagedBlockManager | null;
  private nextArrival = 0;
  /** Sequences of running groups (max_num_seqs counts sequences). */
  private runningSeqs = 0;
  // This iteration.
  private kind: 'prefill' | 'decode' = 'decode';
  private iterationStartS = 0;
  private preemptedNow = false;
  private budgetLeft = 0;
  private unscheduled = 0;
  private swapOutNow = 0;
  private swapInNow = 0;
  private cowNow = 0;
  private pendingSwapS = 0;

  constructor(
    readonly groups: readonly Group[],
    readonly policy: MemoryPolicy,
    private readonly config: SchedulerConfig,
  ) {
    this.paged = policy instanceof PagedPolicy ? policy.blocks : null;
  }

  /** Runs every group to completion (or `maxIterations`); `progress` is awaited every `every` iterations. */
  async run(progress?: (s: ServingScheduler) => Promise<void>, every = 4096): Promise<void> {
    const maxIterations = this.config.maxIterations ?? Infinity;
    while (this.iterations < maxIterations && this.advanceClock()) {
      this.step();
      this.iterations++;
      this.config.onIteration?.(this.state());
      if (progress && this.iterations % every === 0) await progress(this);
    }
  }

  /** Arrivals up to now join the waiting queue; an idle scheduler jumps to the next arrival. False when done. */
  private advanceClock(): boolean {
    const groups = this.groups;
    if (this.config.wakeOnArrival && !this.busy() && this.nextArrival < groups.length)
      this.now = this.iterationStartS;
    for (;;) {
      while (this.nextArrival < groups.length && groups[this.nextArrival]!.req.arrivalS <= this.now)
        this.waiting.push(groups[this.nextArrival++]!);
      if (this.busy()) return true;
      if (this.nextArrival >= groups.length) return false;
      this.now = groups[this.nextArrival]!.req.arrivalS;
    }
  }

  private busy(): boolean {
    return this.running.length > 0 || this.waiting.length > 0 || this.swapped.length > 0;
  }

  /** One iteration: vLLM 0.1 `_schedule` (waiting first, prefill-only iterations) or V1 `schedule` (mixed). */
  private step(): void {
    this.startIteration();
    if (!this.policy.mixedBatches) {
      // 1. Admit waiting groups FCFS while nothing is swapped out (vLLM 0.1 `_schedule`).
      if (this.swapped.length === 0) this.admitWaiting(this.config.maxBatchedTokens);
      if (this.prefills.length > 0) return this.runPrefill();
    }
    // 2. Running groups: room for one more token per sequence; preempt from the back.
    this.scheduleRunning();
    // A preemption, or a spent token budget, ends the scheduling of this iteration.
    const room = !this.preemptedNow && this.budgetLeft > 0;
    // 3. Swap groups back in FCFS when no one was preempted this iteration.
    if (room) this.scheduleSwapped();
    // 4. vLLM V1: admissions share the iteration (prefill and decode mixed).
    if (this.policy.mixedBatches && room && this.swapped.length === 0) {
      this.admitWaiting(this.budgetLeft);
      for (const g of this.prefills) this.joinRunning(g);
    }
    this.runDecode();
  }

  private startIteration(): void {
    this.iterationStartS = this.now;
    const w = this.work;
    w.batchTokens = 0;
    w.kvTokensRead = 0;
    w.attentionPairs = 0;
    w.blocksRead = 0;
    this.swapInNow = 0;
    this.swapOutNow = 0;
    this.cowNow = 0;
    this.pendingSwapS = 0;
    this.preemptedNow = false;
    this.prefills.length = 0;
    this.kind = 'decode';
    this.policy.startIteration();
  }

  private joinRunning(g: Group): void {
    if (this.config.runningOrder === 'arrival') insertById(this.running, g);
    else this.running.push(g);
  }

  /** Admit waiting groups FCFS while the token budget, the sequence limit and memory allow. */
  private admitWaiting(budget: number): void {
    const allTokens = this.config.tokenBudget === 'all-tokens';
    let used = 0;
    while (this.waiting.length > 0) {
      const g = this.waiting.peek()!;
      const len = promptLen(g);
      if (this.runningSeqs + g.width > this.config.maxNumSeqs) {
        this.stops.maxNumSeqs++;
        break;
      }
      if (used + (allTokens ? this.policy.plannedPrefillTokens(g) : len) > budget) {
        this.stops.maxBatchedTokens++;
        break;
      }
      if (this.neverFits(g)) {
        this.reject(g);
        continue;
      }
      const computed = this.policy.admit(g, this.work);
      if (computed < 0) {
        // A group that cannot fit even in an empty pool would wait forever: reject it.
        if (this.running.length === 0 && this.prefills.length === 0 && this.swapped.length === 0) {
          this.reject(g);
          continue;
        }
        this.stops.memory++;
        break;
      }
      this.waiting.shift();
      g.state = 'running';
      this.runningSeqs += g.seqs.length;
      used += allTokens ? computed : len;
      this.prefills.push(g);
    }
  }

  /**
   * vLLM's admission check ("exceeds the KV cache"): a group whose sequences, at full length, need more
   * blocks than the whole GPU pool even with the prompt's full blocks shared can never finish, so it is
   * rejected now instead of being preempted and retried forever. Beams may share more than the prompt, so
   * a beam group is held to one full-length sequence; `reserveDecode` catches one that still cannot fit.
   * Orca reserves its slots at admission and refuses such a group there; vLLM V1 (mixed batches) rejects
   * a request that cannot fit an empty pool at admission itself.
   */
  private neverFits(g: Group): boolean {
    const p = this.policy;
    if (!p.pagedKernel || p.mixedBatches) return false;
    const bs = p.blockSize;
    const poolBlocks = Math.floor(p.capacitySlots / bs);
    const prompt = g.req.inputLen;
    const full = Math.ceil((prompt + g.req.outputLen - 1) / bs);
    const shared = Math.floor(prompt / bs);
    const seqs = g.scores ? 1 : g.width;
    return shared + seqs * (full - shared) > poolBlocks;
  }

  /** A running group that cannot grow even with the whole pool to itself (vLLM 0.1): it can never finish. */
  private rejectRunning(g: Group): void {
    g.state = 'rejected';
    this.rejected++;
    this.runningSeqs -= g.seqs.length;
    this.policy.release(g);
    g.seqs = [];
  }

  private reject(g: Group): void {
    this.waiting.shift();
    g.state = 'rejected';
    this.rejected++;
    this.policy.reject(g);
  }

  /** Prefill iteration: the prompts run, each group samples its first token (and forks its samples/beams). */
  private runPrefill(): void {
    this.kind = 'prefill';
    this.prefillIterations++;
    const dt = this.config.iterationS(this.work);
    const end = this.now + dt;
    for (const g of this.prefills) {
      this.joinRunning(g);
      this.runningSeqs += this.policy.forkSamples(g);
      this.generate(g, end);
      if (g.generated >= g.req.outputLen) {
        this.running.splice(this.running.indexOf(g), 1);
        this.finish(g, end);
      } else this.policy.appendToken(g);
    }
    this.account(dt);
    this.now = end;
  }

  /**
   * Every running group needs room for one more token per sequence; when memory runs out the last running
   * group (the lowest priority) is preempted (§4.5). With an all-tokens budget, groups past it wait.
   */
  private scheduleRunning(): void {
    const running = this.running;
    const allTokens = this.config.tokenBudget === 'all-tokens';
    let budget = allTokens ? this.config.maxBatchedTokens : Infinity;
    let i = 0;
    for (; i < running.length && budget > 0; i++) {
      const g = running[i]!;
      if (!this.reserveDecode(g)) break;
      budget -= g.seqs.length;
    }
    this.unscheduled = running.length - i;
    // What admissions may use: the rest of the budget, or all of it when decodes are not counted.
    this.budgetLeft = allTokens ? budget : this.config.maxBatchedTokens;
  }

  /** Room for `g`'s next tokens, preempting from the back until there is; false when `g` itself went. */
  private reserveDecode(g: Group): boolean {
    let done = 0;
    for (;;) {
      done = this.policy.reserveDecode(g, done, this.work);
      if (done === g.seqs.length) return true;
      const victim = this.running.pop()!;
      // DEVIATION: vLLM preempts such a group and retries it forever; alone in the pool, it can never fit.
      if (victim === g && this.running.length === 0 && !this.policy.mixedBatches) {
        this.rejectRunning(g);
        return false;
      }
      this.preempt(victim);
      if (victim === g) return false;
    }
  }

  /** §4.5 all-or-nothing preemption of a running group: swap it out, else drop it for recomputation. */
  private preempt(g: Group): void {
    this.preemptions++;
    g.preemptions++;
    this.preemptedNow = true;
    const n = g.seqs.length;
    if (this.config.preemption === 'swap' || n > 1) {
      const moved = this.policy.swapOut(g);
      if (moved >= 0) {
        this.swapOutNow += moved;
        this.addSwapTime(moved);
        g.state = 'swapped';
        insertById(this.swapped, g);
        this.runningSeqs -= n;
        return;
      }
    }
    const restart = this.policy.dropForRecompute(g);
    this.runningSeqs -= n;
    g.seqs = [];
    if (restart) g.generated = 0;
    else this.recomputedTokens += promptLen(g);
    g.state = 'waiting';
    this.waiting.unshift(g);
  }

  private addSwapTime(blocks: number): void {
    const t = this.config.swapS(blocks);
    this.swapTimeS += t;
    this.pendingSwapS += t;
  }

  /** Swap groups back in FCFS while the sequence limit and memory allow (§4.5). */
  private scheduleSwapped(): void {
    const swapped = this.swapped;
    while (swapped.length > 0) {
      const g = swapped[0]!;
      if (this.runningSeqs + g.seqs.length > this.config.maxNumSeqs) break;
      const moved = this.policy.swapIn(g, this.running.length === 0);
      if (moved === SWAP_WAIT) break;
      swapped.shift();
      if (moved === SWAP_DROP) {
        this.policy.release(g);
        g.seqs = [];
        g.state = 'rejected';
        this.rejected++;
        continue;
      }
      this.swapInNow += moved;
      this.addSwapTime(moved);
      g.state = 'running';
      this.runningSeqs += g.seqs.length;
      this.joinRunning(g);
    }
  }

  /** The decode step of the scheduled running groups; finished groups leave after the iteration. */
  private runDecode(): void {
    const running = this.running;
    const scheduled = running.length - this.unscheduled;
    for (let i = 0; i < scheduled; i++) this.cowNow += this.policy.decode(running[i]!, this.work);
    const dt = this.config.iterationS(this.work) + this.pendingSwapS;
    const end = this.now + dt;
    for (let i = 0; i < scheduled; i++) this.generate(running[i]!, end);
    this.account(dt);
    let w = 0;
    for (let i = 0; i < running.length; i++) {
      const g = running[i]!;
      if (g.generated >= g.req.outputLen) this.finish(g, end);
      else {
        if (i < scheduled) this.policy.appendToken(g);
        running[w++] = g;
      }
    }
    running.length = w;
    this.now = end;
  }

  /** Every sequence of `g` emits a token at `end`. */
  private generate(g: Group, end: number): void {
    g.generated++;
    this.generatedTokens += g.seqs.length;
    if (g.firstTokenS < 0) {
      g.firstTokenS = end;
      this.sums.ttftS += end - g.req.arrivalS;
    }
  }

  private finish(g: Group, endS: number): void {
    g.state = 'done';
    g.finishS = endS;
    this.finished++;
    const lat = endS - g.req.arrivalS;
    this.sums.latencyS += lat;
    this.sums.normLatencyS += lat / g.req.outputLen;
    this.policy.release(g);
    this.runningSeqs -= g.seqs.length;
    g.seqs = [];
  }

  /** Time-weighted sums for an iteration of `dt` seconds. */
  private account(dt: number): void {
    const mem = this.mem;
    const acc = this.sums.memory;
    this.policy.sampleMemory(mem, this.running, this.waiting.peek(), dt);
    acc.tokens += mem.tokens * dt;
    acc.reserved += mem.reserved * dt;
    acc.internal += mem.internal * dt;
    acc.external += mem.external * dt;
    acc.free += mem.free * dt;
    this.sums.memoryS += dt;
    this.sums.batchS += this.running.length * dt;
    this.sums.runS += dt;
  }

  private state(): SimState {
    return {
      timeS: this.now,
      iteration: this.iterations,
      kind: this.kind,
      groups: this.groups,
      running: this.running,
      waiting: this.waiting,
      swapped: this.swapped,
      paged: this.paged,
      memory: this.mem,
      swappedOutBlocks: this.swapOutNow,
      swappedInBlocks: this.swapInNow,
      cowCopies: this.cowNow,
    };
  }
}
