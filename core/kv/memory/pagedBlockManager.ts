// The paper's KV block manager (§4.2–§4.5): block tables per sequence over GPU and CPU block pools with
// reference counts, fork, copy-on-write on append, pinned shared prefixes, and swap out/in of whole groups.
// Typed arrays throughout; nothing is allocated per token.

/** Optional observer of every KV write (tests use it to check CoW: a written block always has ref count 1). */
export type WriteObserver = (block: number, refCount: number) => void;

export interface PagedConfig {
  blockSize: number;
  numGpuBlocks: number;
  numCpuBlocks: number;
  /** Longest sequence in tokens: a block table holds ceil(maxLen / blockSize) entries. */
  maxLen: number;
}

/** A pinned shared prefix (§4.4): its full blocks, held by the manager with one extra reference each. */
interface Prefix {
  blocks: Int32Array;
}

export class PagedBlockManager {
  readonly blockSize: number;
  readonly numGpuBlocks: number;
  readonly numCpuBlocks: number;
  readonly maxBlocksPerSeq: number;

  readonly gpuRef: Int32Array;
  readonly gpuFill: Int32Array;
  readonly cpuRef: Int32Array;
  readonly cpuFill: Int32Array;
  /** Free GPU blocks as a stack: pop from the top (index nFreeGpu − 1). */
  readonly gpuFree: Int32Array;
  nFreeGpu: number;
  readonly cpuFree: Int32Array;
  nFreeCpu: number;

  // Per-sequence state, indexed by slot.
  tables: Int32Array[] = [];
  seqBlocks: Int32Array = new Int32Array(64);
  seqTokens: Int32Array = new Int32Array(64);
  /** 1 while the sequence's blocks live on the CPU (swapped out). */
  seqOnCpu: Uint8Array = new Uint8Array(64);
  seqAlive: Uint8Array = new Uint8Array(64);
  /** Owner tag (the group id), for views and leak checks. */
  seqOwner: Int32Array = new Int32Array(64);
  private readonly freeSlots: number[] = [];
  private nSlots = 0;

  private readonly prefixes = new Map<number, Prefix>();
  /** Scratch maps for swap (block → block, −1 = unmapped). */
  private readonly gpuToCpu: Int32Array;
  private readonly cpuToGpu: Int32Array;
  private readonly touched: Int32Array;

  /** Running totals kept incrementally (§6.2 memory accounting without scanning). */
  gpuFilledTokens = 0;
  /** Σ blocks in the tables of live GPU sequences (what the blocks would be without sharing). */
  logicalGpuBlocks = 0;
  cowCopies = 0;
  swappedOutBlocks = 0;
  swappedInBlocks = 0;
  onWrite: WriteObserver | null = null;
  /** Views: called with the new block of every copy-on-write and every block brought back by swap-in. */
  onCopy: ((block: number, kind: 'cow' | 'swap-in') => void) | null = null;

  constructor(c: PagedConfig) {
    if (!(Number.isInteger(c.blockSize) && c.blockSize >= 1))
      throw new Error(`blockSize must be >= 1 (got ${c.blockSize})`);
    if (!(c.numGpuBlocks >= 1)) throw new Error(`numGpuBlocks must be >= 1 (got ${c.numGpuBlocks})`);
    this.blockSize = c.blockSize;
    this.numGpuBlocks = c.numGpuBlocks;
    this.numCpuBlocks = Math.max(0, c.numCpuBlocks);
    this.maxBlocksPerSeq = Math.ceil(c.maxLen / c.blockSize) + 1;
    this.gpuRef = new Int32Array(this.numGpuBlocks);
    this.gpuFill = new Int32Array(this.numGpuBlocks);
    this.cpuRef = new Int32Array(this.numCpuBlocks);
    this.cpuFill = new Int32Array(this.numCpuBlocks);
    this.gpuFree = new Int32Array(this.numGpuBlocks);
    this.cpuFree = new Int32Array(this.numCpuBlocks);
    // Block 0 on top of the stack, so allocation order reads 0, 1, 2, … on an empty pool.
    for (let i = 0; i < this.numGpuBlocks; i++) this.gpuFree[i] = this.numGpuBlocks - 1 - i;
    for (let i = 0; i < this.numCpuBlocks; i++) this.cpuFree[i] = this.numCpuBlocks - 1 - i;
    this.nFreeGpu = this.numGpuBlocks;
    this.nFreeCpu = this.numCpuBlocks;
    this.gpuToCpu = new Int32Array(this.numGpuBlocks).fill(-1);
    this.cpuToGpu = new Int32Array(Math.max(1, this.numCpuBlocks)).fill(-1);
    this.touched = new Int32Array(Math.max(this.numGpuBlocks, this.numCpuBlocks, 1));
  }

  get usedGpuBlocks(): number {
    return this.numGpuBlocks - this.nFreeGpu;
  }

  // ---- sequences -------------------------------------------------------------------------------------------

  private newSlot(owner: number): number {
    let s = this.freeSlots.pop();
    if (s === undefined) {
      s = this.nSlots++;
      if (s >= this.seqBlocks.length) this.grow(s + 1);
      this.tables[s] = new Int32Array(this.maxBlocksPerSeq);
    }
    this.seqBlocks[s] = 0;
    this.seqTokens[s] = 0;
    this.seqOnCpu[s] = 0;
    this.seqAlive[s] = 1;
    this.seqOwner[s] = owner;
    return s;
  }

  private grow(min: number): void {
    const n = Math.max(min, this.seqBlocks.length * 2);
    const g32 = (a: Int32Array) => {
      const b = new Int32Array(n);
      b.set(a);
      return b;
    };
    const g8 = (a: Uint8Array) => {
      const b = new Uint8Array(n);
      b.set(a);
      return b;
    };
    this.seqBlocks = g32(this.seqBlocks);
    this.seqTokens = g32(this.seqTokens);
    this.seqOwner = g32(this.seqOwner);
    this.seqOnCpu = g8(this.seqOnCpu);
    this.seqAlive = g8(this.seqAlive);
  }

  /** Highest slot index ever used + 1 (views iterate 0..slotCount). */
  get slotCount(): number {
    return this.nSlots;
  }

  private takeGpu(): number {
    if (this.nFreeGpu === 0) throw new Error('out of GPU blocks (the scheduler must check first)');
    const b = this.gpuFree[--this.nFreeGpu]!;
    this.gpuRef[b] = 1;
    this.gpuFill[b] = 0;
    return b;
  }

  private releaseGpu(b: number): void {
    const r = --this.gpuRef[b]!;
    if (r === 0) {
      this.gpuFilledTokens -= this.gpuFill[b]!;
      this.gpuFill[b] = 0;
      this.gpuFree[this.nFreeGpu++] = b;
    } else if (r < 0) throw new Error(`GPU block ${b} released below zero`);
  }

  private releaseCpu(b: number): void {
    const r = --this.cpuRef[b]!;
    if (r === 0) {
      this.cpuFill[b] = 0;
      this.cpuFree[this.nFreeCpu++] = b;
    } else if (r < 0) throw new Error(`CPU block ${b} released below zero`);
  }

  /** Full blocks of a prefix that are already resident (0 when it has never been loaded). */
  residentPrefixBlocks(prefixId: number): number {
    return this.prefixes.get(prefixId)?.blocks.length ?? 0;
  }

  /** Blocks a prompt of `tokens` needs now, given the pinned prefix blocks it can share (§4.4). */
  blocksForPrompt(tokens: number, prefixId: number, prefixLen: number): number {
    const total = Math.ceil(tokens / this.blockSize);
    if (prefixId < 0) return total;
    const shareable = Math.min(Math.floor(prefixLen / this.blockSize), Math.floor(tokens / this.blockSize));
    // A prefix seen for the first time is loaded (pinned) now; its blocks count once either way. A pinned
    // prefix holds only the blocks its first prompt covered, so a longer prompt shares no more than those
    // (as allocatePrompt maps them).
    const pinned = this.prefixes.get(prefixId)?.blocks.length ?? 0;
    return total - Math.min(shareable, pinned);
  }

  /**
   * A new sequence holding a `tokens`-long prompt (§4.3 prefill): the full blocks of a shared prefix map to the
   * pinned physical blocks (ref count + 1); the rest are fresh blocks written by the prefill.
   */
  allocatePrompt(owner: number, tokens: number, prefixId = -1, prefixLen = 0): number {
    const s = this.newSlot(owner);
    const t = this.tables[s]!;
    const bs = this.blockSize;
    let n = 0;
    let written = 0;
    if (prefixId >= 0) {
      const shareable = Math.min(Math.floor(prefixLen / bs), Math.floor(tokens / bs));
      let p = this.prefixes.get(prefixId);
      if (!p && shareable > 0) {
        // §4.4: the prefix's blocks are computed once and pinned by the manager (its own reference).
        const blocks = new Int32Array(shareable);
        for (let i = 0; i < shareable; i++) {
          const b = this.takeGpu();
          this.gpuFill[b] = bs;
          this.gpuFilledTokens += bs;
          blocks[i] = b;
        }
        p = { blocks };
        this.prefixes.set(prefixId, p);
      }
      if (p) {
        const k = Math.min(shareable, p.blocks.length);
        for (let i = 0; i < k; i++) {
          const b = p.blocks[i]!;
          this.gpuRef[b]!++;
          t[n++] = b;
        }
        written = k * bs;
      }
    }
    while (written < tokens) {
      const b = this.takeGpu();
      const w = Math.min(bs, tokens - written);
      this.onWrite?.(b, this.gpuRef[b]!);
      this.gpuFill[b] = w;
      this.gpuFilledTokens += w;
      written += w;
      t[n++] = b;
    }
    this.seqBlocks[s] = n;
    this.seqTokens[s] = tokens;
    this.logicalGpuBlocks += n;
    return s;
  }

  /** §4.4 fork: a child sharing every block of `parent` (ref counts + 1); no block is copied. */
  fork(parent: number, owner = this.seqOwner[parent]!): number {
    if (this.seqOnCpu[parent]) throw new Error('cannot fork a swapped-out sequence');
    const c = this.newSlot(owner);
    const n = this.seqBlocks[parent]!;
    const pt = this.tables[parent]!;
    const ct = this.tables[c]!;
    for (let i = 0; i < n; i++) {
      const b = pt[i]!;
      ct[i] = b;
      this.gpuRef[b]!++;
    }
    this.seqBlocks[c] = n;
    this.seqTokens[c] = this.seqTokens[parent]!;
    this.logicalGpuBlocks += n;
    return c;
  }

  /** Free blocks `appendSlot(s)` will take: 1 for a new block or a copy-on-write, else 0. */
  appendNeeds(s: number): number {
    const tok = this.seqTokens[s]!;
    if (tok % this.blockSize === 0) return 1;
    const last = this.tables[s]![this.seqBlocks[s]! - 1]!;
    return this.gpuRef[last]! > 1 ? 1 : 0;
  }

  /**
   * Append one token's KV (§4.3 decode). A full last block gets a new block; a last block shared with others
   * (ref count > 1) is first copied — copy-on-write (§4.4, Fig. 8). Returns 1 when a block was copied.
   */
  appendSlot(s: number): number {
    const t = this.tables[s]!;
    const tok = this.seqTokens[s]!;
    let copied = 0;
    let b: number;
    if (tok % this.blockSize === 0) {
      b = this.takeGpu();
      t[this.seqBlocks[s]!++] = b;
      this.logicalGpuBlocks++;
    } else {
      const i = this.seqBlocks[s]! - 1;
      b = t[i]!;
      if (this.gpuRef[b]! > 1) {
        const nb = this.takeGpu();
        const fill = this.gpuFill[b]!;
        this.gpuFill[nb] = fill;
        this.gpuFilledTokens += fill;
        this.gpuRef[b]!--;
        t[i] = nb;
        b = nb;
        this.cowCopies++;
        copied = 1;
        this.onCopy?.(nb, 'cow');
      }
    }
    this.onWrite?.(b, this.gpuRef[b]!);
    this.gpuFill[b]!++;
    this.gpuFilledTokens++;
    this.seqTokens[s] = tok + 1;
    return copied;
  }

  /** Release a sequence's blocks (GPU or CPU) and its slot. */
  free(s: number): void {
    if (!this.seqAlive[s]) throw new Error(`sequence slot ${s} is not alive`);
    const n = this.seqBlocks[s]!;
    const t = this.tables[s]!;
    if (this.seqOnCpu[s]) {
      for (let i = n - 1; i >= 0; i--) this.releaseCpu(t[i]!);
    } else {
      for (let i = n - 1; i >= 0; i--) this.releaseGpu(t[i]!);
      this.logicalGpuBlocks -= n;
    }
    this.seqAlive[s] = 0;
    this.seqBlocks[s] = 0;
    this.seqTokens[s] = 0;
    this.freeSlots.push(s);
  }

  /** Distinct blocks referenced by these sequences (on whichever device they live). */
  distinctBlocks(seqs: readonly number[]): number {
    let count = 0;
    let nt = 0;
    for (const s of seqs) {
      const map = this.seqOnCpu[s] ? this.cpuToGpu : this.gpuToCpu;
      const t = this.tables[s]!;
      for (let i = 0; i < this.seqBlocks[s]!; i++) {
        const b = t[i]!;
        if (map[b] === -1) {
          map[b] = 0;
          this.touched[nt++] = b;
          count++;
        }
      }
    }
    const anyCpu = seqs.length > 0 && this.seqOnCpu[seqs[0]!];
    const map = anyCpu ? this.cpuToGpu : this.gpuToCpu;
    for (let i = 0; i < nt; i++) map[this.touched[i]!] = -1;
    return count;
  }

  /**
   * §4.5 swapping: copy the group's distinct GPU blocks to CPU blocks (sharing preserved), release the GPU ones.
   * Returns the blocks moved, or −1 (nothing changes) when the CPU swap space cannot hold them.
   */
  swapOut(seqs: readonly number[]): number {
    const need = this.distinctBlocks(seqs);
    if (need > this.nFreeCpu) return -1;
    let nt = 0;
    for (const s of seqs) {
      const t = this.tables[s]!;
      const n = this.seqBlocks[s]!;
      for (let i = 0; i < n; i++) {
        const g = t[i]!;
        let c = this.gpuToCpu[g]!;
        if (c === -1) {
          c = this.cpuFree[--this.nFreeCpu]!;
          this.cpuRef[c] = 0;
          this.cpuFill[c] = this.gpuFill[g]!;
          this.gpuToCpu[g] = c;
          this.touched[nt++] = g;
        }
        this.cpuRef[c]!++;
        t[i] = c;
        this.releaseGpu(g);
      }
      this.logicalGpuBlocks -= n;
      this.seqOnCpu[s] = 1;
    }
    for (let i = 0; i < nt; i++) this.gpuToCpu[this.touched[i]!] = -1;
    this.swappedOutBlocks += need;
    return need;
  }

  /** §4.5: bring a swapped group back; returns the blocks moved, or −1 when the GPU lacks free blocks. */
  swapIn(seqs: readonly number[]): number {
    const need = this.distinctBlocks(seqs);
    if (need > this.nFreeGpu) return -1;
    let nt = 0;
    for (const s of seqs) {
      const t = this.tables[s]!;
      const n = this.seqBlocks[s]!;
      for (let i = 0; i < n; i++) {
        const c = t[i]!;
        let g = this.cpuToGpu[c]!;
        if (g === -1) {
          g = this.takeGpu();
          this.gpuRef[g] = 0;
          const fill = this.cpuFill[c]!;
          this.gpuFill[g] = fill;
          this.gpuFilledTokens += fill;
          this.cpuToGpu[c] = g;
          this.touched[nt++] = c;
          this.onCopy?.(g, 'swap-in');
        }
        this.gpuRef[g]!++;
        t[i] = g;
        this.releaseCpu(c);
      }
      this.logicalGpuBlocks += n;
      this.seqOnCpu[s] = 0;
    }
    for (let i = 0; i < nt; i++) this.cpuToGpu[this.touched[i]!] = -1;
    this.swappedInBlocks += need;
    return need;
  }

  /** Pinned prefix blocks (id → physical blocks), for views. */
  prefixBlockIds(): Map<number, Int32Array> {
    const m = new Map<number, Int32Array>();
    for (const [id, p] of this.prefixes) m.set(id, p.blocks);
    return m;
  }

  /**
   * Recount every reference from the tables and pinned prefixes and compare with the ref counts, the free
   * stacks and the running totals. Returns null when consistent, else the first problem (tests, never hot paths).
   */
  check(): string | null {
    const gRef = new Int32Array(this.numGpuBlocks);
    const cRef = new Int32Array(this.numCpuBlocks);
    let logical = 0;
    for (let s = 0; s < this.nSlots; s++) {
      if (!this.seqAlive[s]) continue;
      const t = this.tables[s]!;
      const n = this.seqBlocks[s]!;
      if (n !== Math.ceil(this.seqTokens[s]! / this.blockSize))
        return `slot ${s}: ${n} blocks for ${this.seqTokens[s]} tokens`;
      for (let i = 0; i < n; i++) (this.seqOnCpu[s] ? cRef : gRef)[t[i]!]!++;
      if (!this.seqOnCpu[s]) logical += n;
    }
    for (const p of this.prefixes.values()) for (const b of p.blocks) gRef[b]!++;
    let filled = 0;
    for (let b = 0; b < this.numGpuBlocks; b++) {
      if (gRef[b] !== this.gpuRef[b])
        return `GPU block ${b}: ref ${this.gpuRef[b]} but ${gRef[b]} references`;
      if (gRef[b]! > 0) filled += this.gpuFill[b]!;
    }
    for (let b = 0; b < this.numCpuBlocks; b++) {
      if (cRef[b] !== this.cpuRef[b])
        return `CPU block ${b}: ref ${this.cpuRef[b]} but ${cRef[b]} references`;
    }
    const seen = new Uint8Array(this.numGpuBlocks);
    for (let i = 0; i < this.nFreeGpu; i++) {
      const b = this.gpuFree[i]!;
      if (seen[b] || this.gpuRef[b] !== 0) return `GPU free list holds block ${b} twice or in use`;
      seen[b] = 1;
    }
    let used = 0;
    for (let b = 0; b < this.numGpuBlocks; b++) if (this.gpuRef[b]! > 0) used++;
    if (used + this.nFreeGpu !== this.numGpuBlocks)
      return `GPU: ${used} used + ${this.nFreeGpu} free != ${this.numGpuBlocks}`;
    let cUsed = 0;
    for (let b = 0; b < this.numCpuBlocks; b++) if (this.cpuRef[b]! > 0) cUsed++;
    if (cUsed + this.nFreeCpu !== this.numCpuBlocks)
      return `CPU: ${cUsed} used + ${this.nFreeCpu} free != ${this.numCpuBlocks}`;
    if (filled !== this.gpuFilledTokens)
      return `filled tokens ${this.gpuFilledTokens} but blocks hold ${filled}`;
    if (logical !== this.logicalGpuBlocks)
      return `logical blocks ${this.logicalGpuBlocks} but tables hold ${logical}`;
    return null;
  }
}
