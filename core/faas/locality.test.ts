// Worker pools: the warm-set model against its closed form, locality groups' balance, and memory caps.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { assignGroups, poolState } from './locality';
import type { WorkerSpec } from './locality';
import type { FaasFunction } from './workload';

const fn = (codeMb: number, cpuS = 1): FaasFunction => ({
  share: 1,
  trigger: 'queue',
  quota: 'reserved',
  criticality: 0,
  deadlineS: 60,
  cpuS,
  memMb: 100,
  codeMb,
  cls: 0,
});
const W: WorkerSpec = {
  workers: 100,
  cores: 64,
  memoryGb: 1e6,
  baseGb: 4,
  keepAliveS: 600,
  coldStartCpuS: 1,
};

describe('poolState', () => {
  it('matches the closed form without memory pressure: cold = exp(−λτ/W), memory = base + code·(1 − exp(−λτ/W))', () => {
    const rate = Float64Array.from([0.5]);
    const s = poolState([fn(1024)], rate, null, 1, W, 0);
    const x = (0.5 * 600) / 100;
    expect(s.coldFraction).toBeCloseTo(Math.exp(-x), 12);
    expect(s.memoryGb).toBeCloseTo(4 + 1 - Math.exp(-x), 12);
    expect(s.coldPerS).toBeCloseTo(0.5 * Math.exp(-x), 12);
    expect(s.keepAliveS).toBe(600);
  });

  it('with two equal groups a worker holds half the functions, each on half the workers', () => {
    const fs = [fn(1024), fn(1024)];
    const rate = Float64Array.from([0.2, 0.2]);
    const none = poolState(fs, rate, null, 1, W, 0);
    const grouped = poolState(fs, rate, Int32Array.from([0, 1]), 2, W, 0);
    const x = (0.2 * 600) / 100;
    expect(none.memoryGb).toBeCloseTo(4 + 2 * (1 - Math.exp(-x)), 12);
    expect(grouped.memoryGb).toBeCloseTo(4 + (1 - Math.exp(-2 * x)), 12);
    expect(grouped.coldFraction).toBeCloseTo(Math.exp(-2 * x), 12);
    expect(grouped.coldFraction).toBeLessThan(none.coldFraction);
  });

  it('keeps loaded memory within the worker when the warm set would overflow it, at the cost of cold starts', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0.001, max: 50, noNaN: true }), { minLength: 1, maxLength: 40 }),
        fc.double({ min: 5, max: 40, noNaN: true }),
        (rates, memoryGb) => {
          const fs = rates.map(() => fn(2048));
          const rate = Float64Array.from(rates);
          const free = poolState(fs, rate, null, 1, W, 0);
          const tight = poolState(fs, rate, null, 1, { ...W, memoryGb }, 0);
          expect(tight.memoryGb).toBeLessThanOrEqual(Math.max(memoryGb, W.baseGb) + 1e-6);
          expect(tight.coldFraction).toBeGreaterThanOrEqual(free.coldFraction - 1e-12);
        },
      ),
    );
  });
});

describe('assignGroups', () => {
  it('puts every function in a group and keeps group loads within the largest function of each other', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 100, noNaN: true }), { minLength: 1, maxLength: 200 }),
        fc.integer({ min: 1, max: 16 }),
        (load, groups) => {
          const g = assignGroups(load, groups);
          const sums = new Array<number>(groups).fill(0);
          load.forEach((l, i) => {
            expect(g[i]).toBeGreaterThanOrEqual(0);
            expect(g[i]).toBeLessThan(groups);
            sums[g[i]!]! += l;
          });
          expect(Math.max(...sums) - Math.min(...sums)).toBeLessThanOrEqual(Math.max(...load) + 1e-9);
        },
      ),
    );
  });
});
