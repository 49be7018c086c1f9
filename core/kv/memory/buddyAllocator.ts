// The Orca baselines' KV allocator (§6.1: "We assume Orca uses the buddy allocation algorithm to determine the
// memory address to store KV cache"): power-of-two chunks of token slots, split and coalesced with their buddies.

/**
 * A binary buddy allocator over `capacity` token slots (Knowlton 1965; Knuth, TAOCP vol. 1 §2.5). A request of
 * `size` slots gets a chunk of `chunkSize(size)` = the next power of two: the rounding is internal fragmentation,
 * and free chunks that are not buddies of each other never merge (external fragmentation). The pool is cut into
 * naturally aligned power-of-two roots, largest first (a capacity that is not a power of two leaves a few smaller
 * roots at the end); a chunk coalesces with its buddy only inside its root. Allocation takes the lowest-addressed
 * free chunk of the smallest order that fits, splitting it down. A chunk never moves (no compaction).
 */
export class BuddyAllocator {
  readonly capacity: number;
  /** Free chunk starts per order (chunk = 2^order slots), each list sorted ascending. */
  private readonly lists: number[][];
  /** Roots as [start, order], ascending. */
  private readonly roots: [number, number][] = [];
  freeSlots: number;

  constructor(capacity: number) {
    if (!Number.isSafeInteger(capacity) || capacity < 0) throw new Error(`bad capacity ${capacity}`);
    this.capacity = capacity;
    const top = capacity > 0 ? Math.floor(Math.log2(capacity)) : 0;
    this.lists = Array.from({ length: top + 1 }, () => []);
    let at = 0;
    for (let k = top; k >= 0 && capacity > 0; k--) {
      if (capacity - at >= 2 ** k) {
        this.roots.push([at, k]);
        this.lists[k]!.push(at);
        at += 2 ** k;
      }
    }
    this.freeSlots = capacity;
  }

  /** Slots a request of `size` occupies: the next power of two (≥ 1). */
  static chunkSize(size: number): number {
    let p = 1;
    while (p < size) p *= 2;
    return p;
  }

  private static order(size: number): number {
    return Math.round(Math.log2(BuddyAllocator.chunkSize(size)));
  }

  /** Largest order a chunk at `start` may coalesce up to (its root's order). */
  private rootOrder(start: number): number {
    for (const [s, k] of this.roots) if (start >= s && start < s + 2 ** k) return k;
    throw new Error(`address ${start} outside the pool`);
  }

  private static insertSorted(list: number[], x: number): void {
    let i = list.length;
    while (i > 0 && list[i - 1]! > x) i--;
    list.splice(i, 0, x);
  }

  /** Allocate a chunk for `size` slots; returns its start, or −1 when no free chunk is large enough. */
  alloc(size: number): number {
    const want = BuddyAllocator.order(size);
    let k = want;
    while (k < this.lists.length && this.lists[k]!.length === 0) k++;
    if (k >= this.lists.length) return -1;
    const start = this.lists[k]!.shift()!;
    // Split down to the wanted order; the upper halves go back to the free lists.
    while (k > want) {
      k--;
      BuddyAllocator.insertSorted(this.lists[k]!, start + 2 ** k);
    }
    this.freeSlots -= 2 ** want;
    return start;
  }

  /** Return the chunk allocated for `size` slots at `start`, merging it with free buddies. */
  free(start: number, size: number): void {
    let k = BuddyAllocator.order(size);
    const limit = this.rootOrder(start);
    if (k > limit || start % 2 ** k !== 0) throw new Error(`free(${start}, ${size}) is not a chunk`);
    for (let j = 0; j < this.lists.length; j++)
      for (const f of this.lists[j]!)
        if (f < start + 2 ** k && start < f + 2 ** j)
          throw new Error(`free(${start}, ${size}) overlaps a free chunk`);
    this.freeSlots += 2 ** k;
    let s = start;
    while (k < limit) {
      const buddy = s ^ (2 ** k);
      const list = this.lists[k]!;
      const i = list.indexOf(buddy);
      if (i < 0) break;
      list.splice(i, 1);
      s = Math.min(s, buddy);
      k++;
    }
    BuddyAllocator.insertSorted(this.lists[k]!, s);
  }

  /** Free slots in chunks smaller than the chunk `size` needs (unusable for it: external fragmentation). */
  slotsInExtentsSmallerThan(size: number): number {
    const want = BuddyAllocator.order(size);
    let sum = 0;
    for (let k = 0; k < want && k < this.lists.length; k++) sum += this.lists[k]!.length * 2 ** k;
    return sum;
  }

  /** [start, len] pairs of the free chunks, ascending by start (views and tests). */
  extents(): [number, number][] {
    const out: [number, number][] = [];
    for (let k = 0; k < this.lists.length; k++) for (const s of this.lists[k]!) out.push([s, 2 ** k]);
    return out.sort((a, b) => a[0] - b[0]);
  }
}
