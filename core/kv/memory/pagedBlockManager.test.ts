// Property tests for the paper's block manager: no leaks, ref counts match the tables, a block with ref count
// > 1 is never written (copy-on-write), and swapping a group out and back conserves its blocks and tokens.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PagedBlockManager } from './pagedBlockManager';

const mk = (gpu = 32, cpu = 32, bs = 4) =>
  new PagedBlockManager({ blockSize: bs, numGpuBlocks: gpu, numCpuBlocks: cpu, maxLen: 64 });

describe('PagedBlockManager: focused rules', () => {
  it('a prompt takes ceil(tokens / blockSize) blocks, the last one partly filled', () => {
    const bm = mk();
    const s = bm.allocatePrompt(0, 10);
    expect(bm.seqBlocks[s]).toBe(3);
    expect(bm.usedGpuBlocks).toBe(3);
    expect(bm.gpuFilledTokens).toBe(10);
    expect(bm.check()).toBeNull();
  });

  it('fork shares every block; the first append to the shared partial block copies it (CoW, Fig. 8)', () => {
    const bm = mk();
    const a = bm.allocatePrompt(0, 6);
    const b = bm.fork(a);
    const last = bm.tables[a]![1]!;
    expect(bm.gpuRef[last]).toBe(2);
    expect(bm.usedGpuBlocks).toBe(2);
    expect(bm.appendSlot(b)).toBe(1);
    expect(bm.tables[b]![1]).not.toBe(last);
    expect(bm.gpuRef[last]).toBe(1);
    expect(bm.appendSlot(a)).toBe(0); // a is now the only owner: written in place
    expect(bm.tables[a]![1]).toBe(last);
    expect(bm.cowCopies).toBe(1);
    expect(bm.check()).toBeNull();
  });

  it('shared-prefix requests map their full prefix blocks to one pinned copy (§4.4)', () => {
    const bm = mk();
    const a = bm.allocatePrompt(0, 14, 7, 9); // 2 full prefix blocks
    const before = bm.usedGpuBlocks;
    expect(bm.blocksForPrompt(14, 7, 9)).toBe(2);
    const b = bm.allocatePrompt(1, 14, 7, 9);
    expect(bm.usedGpuBlocks - before).toBe(2);
    expect(bm.tables[a]![0]).toBe(bm.tables[b]![0]);
    bm.free(a);
    bm.free(b);
    expect(bm.usedGpuBlocks).toBe(2); // still pinned
    expect(bm.check()).toBeNull();
  });

  it('swap-out fails without changing anything when the CPU space is too small', () => {
    const bm = mk(32, 1);
    const s = bm.allocatePrompt(0, 10);
    expect(bm.swapOut([s])).toBe(-1);
    expect(bm.usedGpuBlocks).toBe(3);
    expect(bm.check()).toBeNull();
  });
});

type Op =
  | { k: 'new'; tokens: number; prefix: number }
  | { k: 'fork'; i: number }
  | { k: 'append'; i: number }
  | { k: 'free'; i: number }
  | { k: 'swap'; i: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    k: fc.constant('new' as const),
    tokens: fc.integer({ min: 1, max: 20 }),
    prefix: fc.integer({ min: -1, max: 2 }),
  }),
  fc.record({ k: fc.constant('fork' as const), i: fc.nat() }),
  fc.record({ k: fc.constant('append' as const), i: fc.nat() }),
  fc.record({ k: fc.constant('append' as const), i: fc.nat() }),
  fc.record({ k: fc.constant('free' as const), i: fc.nat() }),
  fc.record({ k: fc.constant('swap' as const), i: fc.nat() }),
);

describe('PagedBlockManager: invariants under random op sequences', () => {
  it('counts the blocks allocatePrompt takes when a shorter prompt pinned the prefix', () => {
    // fast-check's counterexample: prefix 0 pinned by a 1-token prompt holds one block; an 18-token prompt with
    // the same prefix shares that one block only, so it needs 17 fresh blocks, not 10.
    const bm = new PagedBlockManager({ blockSize: 1, numGpuBlocks: 40, numCpuBlocks: 24, maxLen: 64 });
    bm.allocatePrompt(0, 1, 0, 8);
    const free = bm.nFreeGpu;
    expect(bm.blocksForPrompt(18, 0, 8)).toBe(17);
    bm.allocatePrompt(1, 18, 0, 8);
    expect(free - bm.nFreeGpu).toBe(17);
  });

  it('never leaks, never writes a shared block, and swap conserves blocks and tokens', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 120 }), fc.integer({ min: 1, max: 5 }), (ops, bs) => {
        const bm = new PagedBlockManager({ blockSize: bs, numGpuBlocks: 40, numCpuBlocks: 24, maxLen: 64 });
        let badWrites = 0;
        bm.onWrite = (_b, ref) => {
          if (ref !== 1) badWrites++;
        };
        // Groups of sequences (a fork joins its parent's group), as the scheduler keeps them.
        const groups: number[][] = [];
        const onCpu: boolean[] = [];
        for (const o of ops) {
          if (o.k === 'new') {
            if (bm.blocksForPrompt(o.tokens, o.prefix, 8) + 1 > bm.nFreeGpu) continue;
            groups.push([bm.allocatePrompt(groups.length, o.tokens, o.prefix, 8)]);
            onCpu.push(false);
            continue;
          }
          if (groups.length === 0) continue;
          const g = o.i % groups.length;
          const seqs = groups[g]!;
          if (o.k === 'fork' && !onCpu[g] && seqs.length < 4) seqs.push(bm.fork(seqs[0]!));
          if (o.k === 'append' && !onCpu[g]) {
            let need = 0;
            for (const s of seqs) need += bm.appendNeeds(s);
            if (need > bm.nFreeGpu) continue;
            for (const s of seqs) if (bm.seqTokens[s]! < 60) bm.appendSlot(s);
          }
          if (o.k === 'free') {
            for (const s of seqs) bm.free(s);
            groups.splice(g, 1);
            onCpu.splice(g, 1);
          }
          if (o.k === 'swap') {
            const tokens = seqs.map((s) => bm.seqTokens[s]);
            const distinct = bm.distinctBlocks(seqs);
            const cpuFree = bm.nFreeCpu;
            const gpuFree = bm.nFreeGpu;
            if (!onCpu[g]) {
              const moved = bm.swapOut(seqs);
              if (moved >= 0) {
                if (moved !== distinct || bm.nFreeCpu !== cpuFree - distinct) return false;
                onCpu[g] = true;
              } else if (bm.nFreeCpu !== cpuFree || bm.nFreeGpu !== gpuFree) return false;
            } else {
              const moved = bm.swapIn(seqs);
              if (moved >= 0) {
                if (
                  moved !== distinct ||
                  bm.nFreeGpu !== gpuFree - distinct ||
                  bm.nFreeCpu !== cpuFree + distinct
                )
                  return false;
                onCpu[g] = false;
              }
            }
            if (seqs.some((s, i) => bm.seqTokens[s] !== tokens[i])) return false;
            if (bm.distinctBlocks(seqs) !== distinct) return false;
          }
          const problem = bm.check();
          if (problem !== null) throw new Error(problem);
        }
        if (badWrites > 0) return false;
        // Freeing everything returns every block but the pinned prefix blocks.
        for (const seqs of groups) for (const s of seqs) bm.free(s);
        let pinned = 0;
        for (const b of bm.prefixBlockIds().values()) pinned += b.length;
        return bm.check() === null && bm.usedGpuBlocks === pinned && bm.nFreeCpu === bm.numCpuBlocks;
      }),
      { numRuns: 300 },
    );
  });
});
