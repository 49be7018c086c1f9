// Tests for the Orca baselines' buddy allocator (§6.1): chunks are the next power of two, aligned to their size,
// never overlap; slots are conserved; only buddies merge, so freeing everything restores the roots.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BuddyAllocator } from './buddyAllocator';

describe('BuddyAllocator', () => {
  it('rounds a request up to the next power of two (internal fragmentation)', () => {
    expect([1, 2, 3, 5, 499, 512, 513, 2048].map((n) => BuddyAllocator.chunkSize(n))).toEqual([
      1, 2, 4, 8, 512, 512, 1024, 2048,
    ]);
    const a = new BuddyAllocator(1024);
    expect(a.alloc(161 + 338)).toBe(0); // a mean ShareGPT request (prompt + output) takes 512 slots
    expect(a.freeSlots).toBe(512);
    expect(a.alloc(300)).toBe(512);
    expect(a.alloc(1)).toBe(-1);
  });

  it('does not merge free neighbours that are not buddies (external fragmentation)', () => {
    const a = new BuddyAllocator(8);
    const starts = [a.alloc(2), a.alloc(2), a.alloc(2), a.alloc(2)];
    expect(starts).toEqual([0, 2, 4, 6]);
    a.free(2, 2);
    a.free(4, 2);
    // Slots 2..5 are free and adjacent, but [2,4) and [4,6) belong to different 4-slot parents.
    expect(a.freeSlots).toBe(4);
    expect(a.alloc(4)).toBe(-1);
    expect(a.slotsInExtentsSmallerThan(4)).toBe(4);
    a.free(0, 2);
    expect(a.alloc(4)).toBe(0); // 0 and 2 were buddies: they merged into [0, 4)
  });

  it('cuts a capacity that is not a power of two into aligned roots that never merge', () => {
    const a = new BuddyAllocator(12);
    expect(a.extents()).toEqual([
      [0, 8],
      [8, 4],
    ]);
    expect(a.alloc(6)).toBe(0);
    expect(a.alloc(4)).toBe(8);
    expect(a.alloc(1)).toBe(-1);
    a.free(0, 6);
    a.free(8, 4);
    expect(a.alloc(12)).toBe(-1); // 12 slots are free, but no 16-slot chunk exists
  });

  it('refuses to free what is not an allocated chunk', () => {
    const a = new BuddyAllocator(16);
    const s = a.alloc(4);
    expect(() => a.free(s + 1, 4)).toThrow(/not a chunk/);
    a.free(s, 4);
    expect(() => a.free(s, 4)).toThrow(/overlaps a free chunk/);
  });

  it('keeps chunks aligned and disjoint, conserves slots and restores its roots when all is freed', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 300 }),
        fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 1, max: 64 }), fc.nat()), { maxLength: 150 }),
        (cap, ops) => {
          const a = new BuddyAllocator(cap);
          const roots = a.extents();
          const live: [number, number][] = [];
          for (const [isAlloc, size, pick] of ops) {
            if (isAlloc || live.length === 0) {
              const chunk = BuddyAllocator.chunkSize(size);
              const fits = a.extents().some(([, len]) => len >= chunk);
              const s = a.alloc(size);
              if (fits !== s >= 0) return false;
              if (s >= 0) {
                if (s % chunk !== 0 || s + chunk > cap) return false;
                live.push([s, size]);
              }
            } else {
              const [s, n] = live.splice(pick % live.length, 1)[0]!;
              a.free(s, n);
            }
            const used = live.reduce((acc, [, n]) => acc + BuddyAllocator.chunkSize(n), 0);
            if (used + a.freeSlots !== cap) return false;
            const spans = [
              ...live.map(([s, n]) => [s, BuddyAllocator.chunkSize(n)] as [number, number]),
              ...a.extents(),
            ].sort((p, q) => p[0] - q[0]);
            for (let i = 1; i < spans.length; i++)
              if (spans[i - 1]![0] + spans[i - 1]![1] > spans[i]![0]) return false;
          }
          for (const [s, n] of live) a.free(s, n);
          return JSON.stringify(a.extents()) === JSON.stringify(roots);
        },
      ),
      { numRuns: 300 },
    );
  });
});
