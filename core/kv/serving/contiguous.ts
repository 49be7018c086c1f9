// The Orca baselines' KV allocator (§6.1): one contiguous chunk of token slots per sequence, placed by
// first-fit over an address-ordered free-extent list with coalescing on free — so it fragments externally.

/**
 * Why first-fit: it is the textbook contiguous allocator (Knuth, TAOCP vol. 1 §2.5) and close to what a
 * framework caching allocator does for large tensors; like every contiguous placement it leaves holes between
 * live chunks (external fragmentation, §3 / Fig. 3). A chunk never moves (no compaction: the KV cache of a
 * running request is addressed in place).
 */
export class FirstFitAllocator {
  readonly capacity: number;
  /** Free extents sorted by start; starts[i] + lens[i] < starts[i + 1] (always coalesced). */
  private starts: Int32Array;
  private lens: Int32Array;
  private n = 0;
  freeSlots: number;

  constructor(capacity: number) {
    this.capacity = capacity;
    this.starts = new Int32Array(64);
    this.lens = new Int32Array(64);
    this.starts[0] = 0;
    this.lens[0] = capacity;
    this.n = capacity > 0 ? 1 : 0;
    this.freeSlots = capacity;
  }

  get extentCount(): number {
    return this.n;
  }

  /** Start of the lowest free extent that holds `size` slots, or −1. Nothing changes. */
  find(size: number): number {
    for (let i = 0; i < this.n; i++) if (this.lens[i]! >= size) return i;
    return -1;
  }

  /** Allocate `size` contiguous slots; returns the start address or −1 when no extent is large enough. */
  alloc(size: number): number {
    const i = this.find(size);
    if (i < 0) return -1;
    const start = this.starts[i]!;
    if (this.lens[i] === size) {
      this.starts.copyWithin(i, i + 1, this.n);
      this.lens.copyWithin(i, i + 1, this.n);
      this.n--;
    } else {
      this.starts[i] = start + size;
      this.lens[i] = this.lens[i]! - size;
    }
    this.freeSlots -= size;
    return start;
  }

  /** Return a chunk, merging it with adjacent free extents. */
  free(start: number, size: number): void {
    // First extent after the chunk.
    let i = 0;
    while (i < this.n && this.starts[i]! < start) i++;
    const prevEnd = i > 0 ? this.starts[i - 1]! + this.lens[i - 1]! : -1;
    if (prevEnd > start || (i < this.n && start + size > this.starts[i]!)) {
      throw new Error(`free(${start}, ${size}) overlaps a free extent`);
    }
    const joinPrev = i > 0 && prevEnd === start;
    const joinNext = i < this.n && start + size === this.starts[i];
    if (joinPrev && joinNext) {
      this.lens[i - 1] = this.lens[i - 1]! + size + this.lens[i]!;
      this.starts.copyWithin(i, i + 1, this.n);
      this.lens.copyWithin(i, i + 1, this.n);
      this.n--;
    } else if (joinPrev) {
      this.lens[i - 1] = this.lens[i - 1]! + size;
    } else if (joinNext) {
      this.starts[i] = start;
      this.lens[i] = this.lens[i]! + size;
    } else {
      if (this.n === this.starts.length) {
        const s = new Int32Array(this.n * 2);
        s.set(this.starts);
        const l = new Int32Array(this.n * 2);
        l.set(this.lens);
        this.starts = s;
        this.lens = l;
      }
      this.starts.copyWithin(i + 1, i, this.n);
      this.lens.copyWithin(i + 1, i, this.n);
      this.starts[i] = start;
      this.lens[i] = size;
      this.n++;
    }
    this.freeSlots += size;
  }

  /** Free slots in extents smaller than `size` (unusable for a chunk of that size: external fragmentation). */
  slotsInExtentsSmallerThan(size: number): number {
    let sum = 0;
    for (let i = 0; i < this.n; i++) if (this.lens[i]! < size) sum += this.lens[i]!;
    return sum;
  }

  largestExtent(): number {
    let m = 0;
    for (let i = 0; i < this.n; i++) if (this.lens[i]! > m) m = this.lens[i]!;
    return m;
  }

  /** [start, len] pairs of the free extents (views and tests). */
  extents(): [number, number][] {
    const out: [number, number][] = [];
    for (let i = 0; i < this.n; i++) out.push([this.starts[i]!, this.lens[i]!]);
    return out;
  }
}
