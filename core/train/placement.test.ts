import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Rng } from '../kernel/rng';
import { placementsFor, recoveryProbabilities, recoveryProbabilityMc, replicaHolders } from './placement';
import type { Placement } from './placement';

/** Brute force: every k-subset of N machines, lost iff some shard has every holder failed. */
function enumerate(holders: number[][], k: number): number {
  const n = holders.length;
  let safe = 0;
  let total = 0;
  for (let mask = 0; mask < 1 << n; mask++) {
    if (popcount(mask) !== k) continue;
    total++;
    if (!holders.some((hs) => hs.every((h) => (mask >> h) & 1))) safe++;
  }
  return safe / total;
}

function popcount(x: number): number {
  let c = 0;
  for (; x; x &= x - 1) c++;
  return c;
}

const binom = (n: number, r: number): number => {
  let v = 1;
  for (let i = 1; i <= r; i++) v = (v * (n - r + i)) / i;
  return v;
};

const setup = fc
  .integer({ min: 1, max: 12 })
  .chain((n) => fc.tuple(fc.constant(n), fc.integer({ min: 1, max: n }), fc.integer({ min: 0, max: n })));

describe('checkpoint placement', () => {
  it('gives every shard m distinct holders, its own machine first, and every machine m shards', () => {
    fc.assert(
      fc.property(setup, ([n, m]) => {
        for (const p of placementsFor(n, m)) {
          const holders = replicaHolders(p, n, m);
          expect(holders).toHaveLength(n);
          holders.forEach((hs, i) => {
            expect(hs[0]).toBe(i);
            expect(new Set(hs).size).toBe(m);
          });
          const load = new Array<number>(n).fill(0);
          holders.flat().forEach((h) => load[h]!++);
          expect(load.every((l) => l === m)).toBe(true);
        }
      }),
    );
  });

  it('mixed is group when m divides N, and keeps one ring of m + N mod m machines otherwise', () => {
    const asSets = (hs: number[][]) => hs.map((h) => [h[0], ...h.slice(1).sort((a, b) => a - b)]);
    expect(asSets(replicaHolders('mixed', 12, 3))).toEqual(asSets(replicaHolders('group', 12, 3)));
    const mixed = replicaHolders('mixed', 7, 2); // groups {0,1} {2,3}, ring over 4, 5, 6
    expect(mixed.slice(4)).toEqual([
      [4, 5],
      [5, 6],
      [6, 4],
    ]);
  });

  it('exact probability equals enumeration of every k-subset for small N', () => {
    fc.assert(
      fc.property(setup, ([n, m, k]) => {
        for (const p of placementsFor(n, m)) {
          const [exact] = recoveryProbabilities(p, n, m, [k]);
          expect(exact).toBeCloseTo(enumerate(replicaHolders(p, n, m), k), 12);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('is certain below m failures, and group meets the paper’s lower bound 1 − N·C(N−m, k−m)/(m·C(N, k))', () => {
    const n = 16;
    const m = 2;
    const probs = recoveryProbabilities('group', n, m, [0, 1, 2, 3, 4]);
    expect(probs.slice(0, 2)).toEqual([1, 1]);
    for (let k = 2; k <= 4; k++) {
      const bound = 1 - (n * binom(n - m, k - m)) / (m * binom(n, k));
      expect(probs[k]!).toBeGreaterThanOrEqual(bound - 1e-12);
    }
    // Two failures of 16 with groups of 2: only the 8 whole groups of C(16,2) = 120 pairs lose a shard.
    expect(probs[2]).toBeCloseTo(1 - 8 / 120, 12);
    // A ring loses a shard for each of its 16 adjacent pairs.
    expect(recoveryProbabilities('ring', n, m, [2])[0]).toBeCloseTo(1 - 16 / 120, 12);
  });

  it('group recovers at least as often as ring whenever both apply', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 60 }), fc.integer({ min: 1, max: 6 }), (g, m) => {
        const n = g * m;
        const ks = Array.from({ length: n + 1 }, (_, k) => k);
        const group = recoveryProbabilities('group', n, m, ks);
        const ring = recoveryProbabilities('ring', n, m, ks);
        ks.forEach((k) => expect(group[k]!).toBeGreaterThanOrEqual(ring[k]! - 1e-12));
      }),
      { numRuns: 60 },
    );
  });

  it('stays exact at N = 1000 (probabilities in [0, 1], falling with k)', () => {
    const ks = Array.from({ length: 41 }, (_, k) => k);
    for (const p of ['group', 'ring', 'mixed'] as Placement[]) {
      const probs = recoveryProbabilities(p, 1000, 2, ks);
      probs.forEach((x, k) => {
        expect(x).toBeGreaterThanOrEqual(0);
        expect(x).toBeLessThanOrEqual(1);
        if (k > 0) expect(x).toBeLessThanOrEqual(probs[k - 1]!);
      });
    }
    // Two failures among 1000 with groups of 2: 500 of C(1000, 2) pairs are a whole group.
    expect(recoveryProbabilities('group', 1000, 2, [2])[0]).toBeCloseTo(1 - 500 / 499500, 14);
  });

  it('Monte Carlo falls within 4.5 standard errors of the exact value', () => {
    const trials = 20000;
    for (const [p, n, m, k] of [
      ['group', 16, 2, 3],
      ['ring', 16, 2, 3],
      ['mixed', 17, 3, 5],
      ['ring', 30, 3, 10],
    ] as [Placement, number, number, number][]) {
      const [exact] = recoveryProbabilities(p, n, m, [k]);
      const mc = recoveryProbabilityMc(replicaHolders(p, n, m), k, trials, new Rng(7).fork(p));
      const se = Math.sqrt((exact! * (1 - exact!)) / trials);
      expect(Math.abs(mc - exact!)).toBeLessThanOrEqual(4.5 * se + 1 / trials);
    }
  });
});
