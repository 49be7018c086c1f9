// The Orca baselines' memory policy (§6.1): each sequence reserves contiguous token slots up front — the
// model's maximum length (orca-max), prompt + output rounded up to a power of two (orca-pow2), or exactly
// prompt + output (orca-oracle) — placed by a buddy allocator. A reservation covers every future token, so
// Orca never preempts.
import type { IterationWork } from '../cost';
import { promptLen } from '../serving/groups';
import type { Group } from '../serving/groups';
import { BuddyAllocator } from './buddyAllocator';
import { NO_ROOM, addPrefillWork, unsharedTotals } from './policy';
import type { MemoryPolicy, MemorySample, PolicyTotals } from './policy';

export type OrcaReservation = 'max' | 'pow2' | 'oracle';

function nextPow2(x: number): number {
  let p = 1;
  while (p < x) p *= 2;
  return p;
}

export class OrcaPolicy implements MemoryPolicy {
  readonly capacitySlots: number;
  readonly pagedKernel = false;
  readonly mixedBatches = false;
  private readonly alloc: BuddyAllocator;
  // Running sums (token slots): reserved chunks, min(reserved, final length), stored KV.
  private reservedSlots = 0;
  private finalCapSlots = 0;
  private storedSlots = 0;
  private promptTokens = 0;

  constructor(
    private readonly reservation: OrcaReservation,
    capacitySlots: number,
    readonly blockSize: number,
    private readonly maxLen: number,
  ) {
    this.capacitySlots = capacitySlots;
    this.alloc = new BuddyAllocator(capacitySlots);
  }

  /** Token slots one sequence of `g` reserves. */
  private reserve(g: Group): number {
    const r = g.req;
    if (this.reservation === 'max') return this.maxLen;
    if (this.reservation === 'pow2') return Math.min(this.maxLen, r.inputLen + nextPow2(r.outputLen));
    return r.inputLen + r.outputLen;
  }

  startIteration(): void {}

  plannedPrefillTokens(g: Group): number {
    return promptLen(g);
  }

  /**
   * §6.1: the reservation (max length, prompt + pow2(output), or prompt + output) is placed by the buddy
   * allocator, which hands out the next power of two: the rounding is internal fragmentation.
   */
  admit(g: Group, work: IterationWork): number {
    const a = this.alloc;
    const len = promptLen(g);
    const res = this.reserve(g);
    const n = g.width;
    const chunk = BuddyAllocator.chunkSize(res);
    if (a.freeSlots < n * chunk) return NO_ROOM;
    const starts: number[] = [];
    for (let i = 0; i < n; i++) {
      const s = a.alloc(res);
      if (s < 0) {
        for (const st of starts) a.free(st, res);
        return NO_ROOM;
      }
      starts.push(s);
    }
    g.seqs = starts;
    g.reserved = res;
    const final = g.req.inputLen + g.req.outputLen;
    this.reservedSlots += n * chunk;
    this.finalCapSlots += n * Math.min(res, final);
    this.storedSlots += n * len;
    addPrefillWork(work, len, 0);
    this.promptTokens += len;
    return len;
  }

  reject(): void {}

  forkSamples(): number {
    return 0;
  }

  reserveDecode(g: Group): number {
    return g.seqs.length;
  }

  /** Reservations already cover every future token: the step only reads the KV and stores one token each. */
  decode(g: Group, work: IterationWork): number {
    const ctx = promptLen(g);
    const n = g.seqs.length;
    work.kvTokensRead += n * ctx;
    work.attentionPairs += n * ctx;
    work.batchTokens += n;
    this.storedSlots += n;
    return 0;
  }

  appendToken(): void {}

  swapOut(): number {
    return -1;
  }

  swapIn(): number {
    throw new Error('Orca never swaps: its reservations are never preempted');
  }

  dropForRecompute(): boolean {
    throw new Error('Orca never preempts: its reservations cover every future token');
  }

  release(g: Group): void {
    const final = g.req.inputLen + g.req.outputLen;
    for (const start of g.seqs) {
      this.alloc.free(start, g.reserved);
      this.reservedSlots -= BuddyAllocator.chunkSize(g.reserved);
      this.finalCapSlots -= Math.min(g.reserved, final);
    }
    this.storedSlots -= g.seqs.length * (g.req.inputLen + g.generated - 1);
  }

  sampleMemory(mem: MemorySample, _running: readonly Group[], head: Group | undefined): void {
    mem.tokens = this.storedSlots;
    mem.reserved = this.finalCapSlots - this.storedSlots;
    mem.internal = this.reservedSlots - this.finalCapSlots;
    // External fragmentation: free slots in buddy chunks too small for the request at the head of the queue.
    mem.external = head ? this.alloc.slotsInExtentsSmallerThan(this.reserve(head)) : 0;
    mem.free = this.capacitySlots - this.reservedSlots - mem.external;
  }

  totals(): PolicyTotals {
    return unsharedTotals(this.promptTokens);
  }
}
