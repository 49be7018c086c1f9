// Tests for the statistics helpers: Welford against two-pass, numpy-style percentiles, time averages.
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import {
  RunningStats,
  TimeWeightedAverage,
  coefficientOfVariation,
  mean,
  percentile,
  quantiles,
} from './stats';

const finite = fc.double({ min: -1e6, max: 1e6, noNaN: true, noDefaultInfinity: true });
const anyFinite = fc.double({ noNaN: true, noDefaultInfinity: true });

function closeRel(actual: number, expected: number, rel: number, abs = 1e-9): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(rel * Math.abs(expected) + abs);
}

describe('RunningStats', () => {
  it('matches the two-pass mean and sample variance for arbitrary arrays', () => {
    fc.assert(
      fc.property(fc.array(finite, { minLength: 1, maxLength: 200 }), (xs) => {
        const rs = new RunningStats();
        xs.forEach((x) => rs.push(x));
        const m = xs.reduce((a, b) => a + b, 0) / xs.length;
        const ss = xs.reduce((a, x) => a + (x - m) * (x - m), 0);
        const v = xs.length < 2 ? 0 : ss / (xs.length - 1);
        expect(rs.count).toBe(xs.length);
        closeRel(rs.mean, m, 1e-9, 1e-9);
        closeRel(rs.variance, v, 1e-7, 1e-6);
        closeRel(rs.stddev, Math.sqrt(v), 1e-7, 1e-3);
        expect(rs.min).toBe(Math.min(...xs));
        expect(rs.max).toBe(Math.max(...xs));
      }),
    );
  });

  it('computes the textbook example exactly', () => {
    const rs = new RunningStats();
    [2, 4, 4, 4, 5, 5, 7, 9].forEach((x) => rs.push(x));
    expect(rs.mean).toBe(5);
    expect(rs.variance).toBeCloseTo(32 / 7, 12);
    expect(rs.cv).toBeCloseTo(Math.sqrt(32 / 7) / 5, 12);
  });

  it('stays accurate for values with a large common offset', () => {
    const rs = new RunningStats();
    [1e9 + 4, 1e9 + 7, 1e9 + 13, 1e9 + 16].forEach((x) => rs.push(x));
    expect(rs.variance).toBeCloseTo(30, 6); // naive sum-of-squares loses all digits here
  });

  it('reports variance 0 below two values and cv 0 when the mean is 0', () => {
    const rs = new RunningStats();
    expect(rs.count).toBe(0);
    expect(rs.variance).toBe(0);
    expect(rs.cv).toBe(0);
    rs.push(3);
    expect(rs.variance).toBe(0);
    expect(rs.stddev).toBe(0);
    const zeroMean = new RunningStats();
    [-1, 1].forEach((x) => zeroMean.push(x));
    expect(zeroMean.variance).toBe(2);
    expect(zeroMean.cv).toBe(0);
  });

  it('rejects non-finite values', () => {
    expect(() => new RunningStats().push(NaN)).toThrow(/finite/);
  });
});

describe('percentile', () => {
  it('is monotone in p and equals the min at 0 and the max at 100', () => {
    fc.assert(
      fc.property(
        fc.array(anyFinite, { minLength: 1, maxLength: 50 }),
        fc.double({ min: 0, max: 100, noNaN: true }),
        fc.double({ min: 0, max: 100, noNaN: true }),
        (xs, p1, p2) => {
          const [lo, hi] = p1 <= p2 ? [p1, p2] : [p2, p1];
          expect(percentile(xs, lo)).toBeLessThanOrEqual(percentile(xs, hi));
          expect(percentile(xs, 0)).toBe(Math.min(...xs));
          expect(percentile(xs, 100)).toBe(Math.max(...xs));
        },
      ),
    );
  });

  it('interpolates linearly between closest ranks, as numpy does', () => {
    expect(percentile([1, 2, 3, 4], 50)).toBe(2.5);
    expect(percentile([1, 2, 3, 4], 25)).toBe(1.75);
    expect(percentile([4, 1, 3, 2], 75)).toBe(3.25);
    expect(percentile([10, 20], 90)).toBeCloseTo(19, 12);
    expect(percentile([7], 33)).toBe(7);
  });

  it('does not modify its input', () => {
    const xs = [3, 1, 2];
    percentile(xs, 50);
    expect(xs).toEqual([3, 1, 2]);
  });

  it('throws on an empty array, a p outside [0, 100] and a non-finite value', () => {
    expect(() => percentile([], 50)).toThrow(/empty/);
    expect(() => percentile([1], -1)).toThrow(/\[0, 100\]/);
    expect(() => percentile([1], 101)).toThrow(/\[0, 100\]/);
    expect(() => percentile([1], NaN)).toThrow(/\[0, 100\]/);
    expect(() => percentile([1, NaN], 50)).toThrow(/values\[1\]/);
  });

  it('quantiles() equals percentile() at each p', () => {
    fc.assert(
      fc.property(
        fc.array(finite, { minLength: 1, maxLength: 50 }),
        fc.array(fc.double({ min: 0, max: 100, noNaN: true }), { maxLength: 6 }),
        (xs, ps) => {
          expect(quantiles(xs, ps)).toEqual(ps.map((p) => percentile(xs, p)));
        },
      ),
    );
  });
});

describe('mean and coefficientOfVariation', () => {
  it('mean() averages and throws on an empty array', () => {
    expect(mean([1, 2, 6])).toBe(3);
    expect(() => mean([])).toThrow(/empty/);
  });

  it('coefficientOfVariation() is population stddev over mean, 0 for mean 0', () => {
    expect(coefficientOfVariation([2, 4, 4, 4, 5, 5, 7, 9])).toBeCloseTo(0.4, 12);
    expect(coefficientOfVariation([5, 5, 5])).toBe(0);
    expect(coefficientOfVariation([-3, 3])).toBe(0);
    expect(() => coefficientOfVariation([])).toThrow(/empty/);
  });
});

describe('TimeWeightedAverage', () => {
  it('the average of a step function equals the hand computation', () => {
    // value 2 on [0, 3), 5 on [3, 4), 1 on [4, 10): (6 + 5 + 6) / 10
    const twa = new TimeWeightedAverage(0, 2);
    twa.update(3, 5);
    twa.update(4, 1);
    expect(twa.average(10)).toBeCloseTo(1.7, 12);
    expect(twa.max).toBe(5);
    expect(twa.value).toBe(1);
  });

  it('weights by time from a non-zero start, counting a value replaced at the same instant in max only', () => {
    const twa = new TimeWeightedAverage(10, 0);
    twa.update(12, 100);
    twa.update(12, 4); // 100 held for zero time
    twa.update(14, 2);
    // 0 on [10, 12), 4 on [12, 14), 2 on [14, 18): (0 + 8 + 8) / 8
    expect(twa.average(18)).toBe(2);
    expect(twa.max).toBe(100);
  });

  it('the average lies between the smallest and largest value held', () => {
    fc.assert(
      fc.property(
        finite,
        fc.array(fc.record({ dt: fc.double({ min: 0, max: 100, noNaN: true }), v: finite }), {
          maxLength: 30,
        }),
        fc.double({ min: 0.001, max: 100, noNaN: true }),
        (v0, steps, tail) => {
          const twa = new TimeWeightedAverage(0, v0);
          let t = 0;
          for (const { dt, v } of steps) twa.update((t += dt), v);
          const held = [v0, ...steps.map((s) => s.v)];
          const avg = twa.average(t + tail);
          const slack = 1e-9 * Math.max(...held.map(Math.abs)) + 1e-300; // products of subnormals underflow
          expect(avg).toBeGreaterThanOrEqual(Math.min(...held) - slack);
          expect(avg).toBeLessThanOrEqual(Math.max(...held) + slack);
        },
      ),
    );
  });

  it('returns the current value over an empty interval', () => {
    const twa = new TimeWeightedAverage(5, 3);
    expect(twa.average(5)).toBe(3);
  });

  it('throws when time goes backwards', () => {
    const twa = new TimeWeightedAverage(0, 1);
    twa.update(5, 2);
    expect(() => twa.update(4, 3)).toThrow(/backwards/);
    expect(() => twa.average(4)).toThrow(/before the last update/);
  });
});
