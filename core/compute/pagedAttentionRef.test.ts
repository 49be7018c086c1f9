// Properties of the CPU attention reference: online softmax = direct softmax, weights sum to 1, paged and
// contiguous layouts give the same output for the same KV, and outputs stay inside the values' range.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Rng } from '../kernel/rng';
import {
  contiguousAttentionRef,
  maxAbsDiff,
  pagedAttentionRef,
  pagedOffset,
  softmaxWeights,
} from './pagedAttentionRef';
import { blocksRead, buildProblem } from '../kv/attentionProblem';
import type { ProblemSpec } from '../kv/attentionProblem';

const specArb = fc.record({
  sequences: fc.integer({ min: 1, max: 6 }),
  heads: fc.integer({ min: 1, max: 3 }),
  headDim: fc.integer({ min: 1, max: 16 }),
  blockSize: fc.integer({ min: 1, max: 8 }),
  meanContext: fc.integer({ min: 1, max: 60 }),
  maxContext: fc.integer({ min: 2, max: 80 }),
  samples: fc.integer({ min: 1, max: 3 }),
  slack: fc.double({ min: 0, max: 1, noNaN: true }),
}) as fc.Arbitrary<ProblemSpec>;

describe('paged attention CPU reference', () => {
  it('gives the same output through the block table as over contiguous KV', () => {
    fc.assert(
      fc.property(specArb, fc.integer({ min: 0, max: 1000 }), (spec, seed) => {
        const p = buildProblem(spec, new Rng(seed));
        expect(maxAbsDiff(pagedAttentionRef(p), contiguousAttentionRef(p))).toBe(0);
      }),
      { numRuns: 60 },
    );
  });

  it('matches the two-pass softmax and its weights sum to 1', () => {
    fc.assert(
      fc.property(specArb, fc.integer({ min: 0, max: 1000 }), (spec, seed) => {
        const p = buildProblem(spec, new Rng(seed));
        const out = pagedAttentionRef(p);
        for (let s = 0; s < p.numSeqs; s++) {
          for (let h = 0; h < p.numHeads; h++) {
            const w = softmaxWeights(p, s, h);
            expect(Math.abs(w.reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-12);
            for (let i = 0; i < p.headDim; i++) {
              let direct = 0;
              w.forEach((wt, t) => (direct += wt * p.vPool[pagedOffset(p, s, h, t) + i]!));
              expect(Math.abs(out[(s * p.numHeads + h) * p.headDim + i]! - direct)).toBeLessThan(1e-6);
            }
          }
        }
      }),
      { numRuns: 40 },
    );
  });

  it('stays stable when scores are huge (no overflow in exp)', () => {
    const p = buildProblem(
      {
        sequences: 2,
        heads: 1,
        headDim: 4,
        blockSize: 4,
        meanContext: 20,
        maxContext: 40,
        samples: 1,
        slack: 0,
      },
      new Rng(3),
    );
    p.scale = 1e4; // scores in the thousands: a naive exp overflows to Infinity
    const out = pagedAttentionRef(p);
    expect(out.every((x) => Number.isFinite(x) && Math.abs(x) <= 1)).toBe(true);
  });

  it('builds valid block tables: in-range ids, shared prompt blocks only within a group', () => {
    fc.assert(
      fc.property(specArb, fc.integer({ min: 0, max: 1000 }), (spec, seed) => {
        const p = buildProblem(spec, new Rng(seed));
        const owner = new Map<number, number>();
        for (let s = 0; s < p.numSeqs; s++) {
          const blocks = blocksRead(p, s);
          expect(blocks.length).toBe(Math.ceil(p.contextLens[s]! / p.blockSize));
          expect(p.contextLens[s]!).toBeLessThanOrEqual(spec.maxContext);
          for (const b of blocks) {
            expect(b).toBeGreaterThanOrEqual(0);
            expect(b).toBeLessThan(p.numBlocks);
            const g = Math.floor(s / spec.samples);
            if (owner.has(b)) expect(owner.get(b)).toBe(g);
            owner.set(b, g);
          }
        }
      }),
      { numRuns: 60 },
    );
  });
});
