// Tests for the distributions: sample moments against theory, alias-table frequencies, argument checks.
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { Rng } from './rng';
import {
  EmpiricalDiscrete,
  exponential,
  lognormal,
  lognormalFromMean,
  normal,
  poissonArrivals,
  zipfWeights,
} from './distributions';

function sampleMoments(n: number, draw: () => number): { mean: number; variance: number } {
  let sum = 0;
  let sumSq = 0;
  for (let i = 0; i < n; i++) {
    const x = draw();
    sum += x;
    sumSq += x * x;
  }
  const mean = sum / n;
  return { mean, variance: sumSq / n - mean * mean };
}

describe('exponential', () => {
  it('has sample mean near 1/rate and variance near 1/rate²', () => {
    const rng = new Rng(11);
    for (const rate of [0.5, 4, 250]) {
      const { mean, variance } = sampleMoments(100_000, () => exponential(rng, rate));
      expect(mean * rate).toBeCloseTo(1, 1);
      expect(Math.abs(mean * rate - 1)).toBeLessThan(0.02);
      expect(Math.abs(variance * rate * rate - 1)).toBeLessThan(0.05);
    }
  });

  it('is never negative or infinite', () => {
    fc.assert(
      fc.property(fc.integer(), fc.double({ min: 1e-6, max: 1e6, noNaN: true }), (s, rate) => {
        const rng = new Rng(s);
        for (let i = 0; i < 20; i++) {
          const x = exponential(rng, rate);
          expect(x).toBeGreaterThanOrEqual(0);
          expect(Number.isFinite(x)).toBe(true);
        }
      }),
    );
  });

  it('rejects a rate that is not a positive finite number', () => {
    const rng = new Rng(1);
    expect(() => exponential(rng, 0)).toThrow(/ratePerUnit/);
    expect(() => exponential(rng, -1)).toThrow(/ratePerUnit/);
    expect(() => exponential(rng, NaN)).toThrow(/ratePerUnit/);
  });
});

describe('poissonArrivals', () => {
  it('gives sorted times in [0, duration)', () => {
    fc.assert(
      fc.property(
        fc.integer(),
        fc.double({ min: 0, max: 50, noNaN: true }),
        fc.double({ min: 0, max: 20, noNaN: true }),
        (s, rate, duration) => {
          const times = poissonArrivals(new Rng(s), rate, duration);
          for (let i = 0; i < times.length; i++) {
            expect(times[i]).toBeGreaterThanOrEqual(0);
            expect(times[i]).toBeLessThan(duration);
            if (i > 0) expect(times[i]).toBeGreaterThanOrEqual(times[i - 1]!);
          }
        },
      ),
    );
  });

  it('has a mean count near rate * duration and a variance equal to it (Poisson)', () => {
    const rng = new Rng(5);
    const rate = 3;
    const duration = 4; // expected count 12
    const { mean, variance } = sampleMoments(20_000, () => poissonArrivals(rng, rate, duration).length);
    expect(Math.abs(mean - 12)).toBeLessThan(0.15);
    expect(Math.abs(variance / 12 - 1)).toBeLessThan(0.05);
  });

  it('gives no arrivals at rate 0 or over an empty window, and rejects negative arguments', () => {
    const rng = new Rng(1);
    expect(poissonArrivals(rng, 0, 100)).toEqual([]);
    expect(poissonArrivals(rng, 100, 0)).toEqual([]);
    expect(() => poissonArrivals(rng, -1, 1)).toThrow(/ratePerS/);
    expect(() => poissonArrivals(rng, 1, -1)).toThrow(/durationS/);
  });
});

describe('normal and lognormal', () => {
  it('normal(mean, sd) has sample mean and standard deviation near its parameters', () => {
    const rng = new Rng(3);
    const { mean, variance } = sampleMoments(100_000, () => normal(rng, 10, 2));
    expect(Math.abs(mean - 10)).toBeLessThan(0.03);
    expect(Math.abs(Math.sqrt(variance) - 2)).toBeLessThan(0.03);
  });

  it('normal() puts 68.3% of draws within one sd of the mean', () => {
    const rng = new Rng(4);
    let inside = 0;
    const n = 50_000;
    for (let i = 0; i < n; i++) if (Math.abs(normal(rng, 0, 1)) < 1) inside++;
    expect(Math.abs(inside / n - 0.6827)).toBeLessThan(0.01);
  });

  it('normal() is stateless: each call consumes exactly two floats', () => {
    fc.assert(
      fc.property(fc.integer(), (s) => {
        const a = new Rng(s);
        const b = new Rng(s);
        normal(a, 0, 1);
        b.float();
        b.float();
        expect(a.float()).toBe(b.float());
      }),
    );
  });

  it('lognormal(mu, sigma) has mean exp(mu + sigma²/2)', () => {
    const rng = new Rng(8);
    const { mean } = sampleMoments(200_000, () => lognormal(rng, 1, 0.5));
    expect(Math.abs(mean / Math.exp(1 + 0.125) - 1)).toBeLessThan(0.01);
  });

  it('lognormalFromMean(mean, sigma) has the requested mean', () => {
    const rng = new Rng(9);
    const { mean } = sampleMoments(200_000, () => lognormalFromMean(rng, 40, 0.8));
    expect(Math.abs(mean / 40 - 1)).toBeLessThan(0.015);
  });

  it('rejects a negative sd or sigma and a non-positive mean for lognormalFromMean', () => {
    const rng = new Rng(1);
    expect(() => normal(rng, 0, -1)).toThrow(/sd/);
    expect(() => normal(rng, NaN, 1)).toThrow(/mean/);
    expect(() => lognormal(rng, 0, -0.1)).toThrow(/sigma/);
    expect(() => lognormalFromMean(rng, 0, 1)).toThrow(/mean/);
  });
});

describe('zipfWeights', () => {
  it('gives 1/k^s for ranks k = 1..n', () => {
    expect(zipfWeights(4, 1)).toEqual([1, 1 / 2, 1 / 3, 1 / 4]);
    expect(zipfWeights(3, 2)).toEqual([1, 1 / 4, 1 / 9]);
    expect(zipfWeights(3, 0)).toEqual([1, 1, 1]);
  });

  it('rejects n that is not a positive integer and a negative exponent', () => {
    expect(() => zipfWeights(0, 1)).toThrow(/n must/);
    expect(() => zipfWeights(2.5, 1)).toThrow(/n must/);
    expect(() => zipfWeights(3, -1)).toThrow(/s must/);
  });
});

describe('EmpiricalDiscrete', () => {
  it('alias sampling frequencies converge to the weights', () => {
    fc.assert(
      fc.property(
        fc.integer(),
        fc.array(fc.oneof(fc.constant(0), fc.double({ min: 0.01, max: 100, noNaN: true })), {
          minLength: 1,
          maxLength: 12,
        }),
        (s, weights) => {
          fc.pre(weights.some((w) => w > 0));
          const values = weights.map((_, i) => i);
          const dist = new EmpiricalDiscrete(values, weights);
          const rng = new Rng(s);
          const n = 40_000;
          const counts = new Array<number>(weights.length).fill(0);
          for (let i = 0; i < n; i++) counts[dist.sample(rng)]!++;
          const total = weights.reduce((a, b) => a + b, 0);
          weights.forEach((w, i) => {
            const p = w / total;
            if (p === 0) expect(counts[i]).toBe(0);
            // 6 standard errors, plus slack for tiny p.
            else expect(Math.abs(counts[i]! / n - p)).toBeLessThan(6 * Math.sqrt((p * (1 - p)) / n) + 1e-3);
          });
        },
      ),
      { numRuns: 40 },
    );
  });

  it('sample frequencies pass a chi-square test for a skewed Zipf table', () => {
    const weights = zipfWeights(20, 1.1);
    const dist = new EmpiricalDiscrete(
      weights.map((_, i) => i),
      weights,
    );
    const rng = new Rng(123);
    const n = 200_000;
    const counts = new Array<number>(20).fill(0);
    for (let i = 0; i < n; i++) counts[dist.sampleIndex(rng)]!++;
    const chi2 = dist.probabilities.reduce((acc, p, i) => acc + (counts[i]! - n * p) ** 2 / (n * p), 0);
    expect(chi2).toBeLessThan(43.8); // 0.999 quantile, 19 degrees of freedom
  });

  it('returns the values, not the indices, and reports the weighted mean', () => {
    const dist = new EmpiricalDiscrete([10, 20, 30], [1, 0, 3]);
    expect(dist.mean).toBeCloseTo(25, 12); // 0.25 * 10 + 0.75 * 30
    expect(dist.probabilities).toEqual([0.25, 0, 0.75]);
    const rng = new Rng(2);
    const seen = new Set<number>();
    for (let i = 0; i < 1000; i++) seen.add(dist.sample(rng));
    expect([...seen].sort()).toEqual([10, 30]);
  });

  it('a single value is always sampled', () => {
    const dist = new EmpiricalDiscrete([7], [0.3]);
    const rng = new Rng(1);
    for (let i = 0; i < 50; i++) expect(dist.sample(rng)).toBe(7);
  });

  it('rejects mismatched lengths, empty input, negative weights and a zero sum, naming the argument', () => {
    expect(() => new EmpiricalDiscrete([1, 2], [1])).toThrow(/weights must have the same length/);
    expect(() => new EmpiricalDiscrete([], [])).toThrow(/values must not be empty/);
    expect(() => new EmpiricalDiscrete([1, 2], [1, -1])).toThrow(/weights\[1\]/);
    expect(() => new EmpiricalDiscrete([1, 2], [0, 0])).toThrow(/positive sum/);
    expect(() => new EmpiricalDiscrete([1, NaN], [1, 1])).toThrow(/values\[1\]/);
  });
});
