// Property tests for the Orca baselines' first-fit allocator: chunks never overlap, slots are conserved,
// free extents stay coalesced, and placement is first-fit (lowest address that fits).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FirstFitAllocator } from './contiguous';

describe('FirstFitAllocator', () => {
  it('places a chunk at the lowest address that fits, leaving holes (external fragmentation)', () => {
    const a = new FirstFitAllocator(100);
    const x = a.alloc(30);
    const y = a.alloc(30);
    a.alloc(30);
    a.free(x, 30);
    expect(a.alloc(40)).toBe(-1); // 40 free slots exist (30 + 10) but no 40-slot hole
    expect(a.slotsInExtentsSmallerThan(40)).toBe(40);
    expect(a.alloc(20)).toBe(0);
    a.free(y, 30);
    expect(a.extents()).toEqual([
      [20, 40],
      [90, 10],
    ]);
  });

  it('never overlaps chunks, conserves slots and keeps extents coalesced', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 1, max: 40 }), fc.nat()), { maxLength: 150 }),
        (ops) => {
          const cap = 200;
          const a = new FirstFitAllocator(cap);
          const live: [number, number][] = [];
          for (const [isAlloc, size, pick] of ops) {
            if (isAlloc || live.length === 0) {
              const expected = a.extents().find(([, len]) => len >= size)?.[0] ?? -1;
              const s = a.alloc(size);
              if (s !== expected) return false;
              if (s >= 0) live.push([s, size]);
            } else {
              const [s, n] = live.splice(pick % live.length, 1)[0]!;
              a.free(s, n);
            }
            const used = live.reduce((acc, [, n]) => acc + n, 0);
            if (used + a.freeSlots !== cap) return false;
            const sorted = [...live].sort((p, q) => p[0] - q[0]);
            for (let i = 1; i < sorted.length; i++)
              if (sorted[i - 1]![0] + sorted[i - 1]![1] > sorted[i]![0]) return false;
            const ext = a.extents();
            for (let i = 1; i < ext.length; i++)
              if (ext[i - 1]![0] + ext[i - 1]![1] >= ext[i]![0]) return false;
            for (const [s, n] of live)
              for (const [es, en] of ext) if (s < es + en && es < s + n) return false;
          }
          return true;
        },
      ),
      { numRuns: 300 },
    );
  });
});
