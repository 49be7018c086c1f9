// Envoy's priority arithmetic against the examples in Envoy's documentation
// (intro/arch_overview/upstream/load_balancing/priority: the two- and three-level tables).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { priorityHealth, priorityLoad, priorityShares } from './envoy';

const two = (p0: number, p1: number): number[] =>
  priorityShares([
    { healthy: p0, total: 100 },
    { healthy: p1, total: 100 },
  ]).map((x) => Math.round(x * 100));

describe("Envoy's priority levels", () => {
  it.each([
    [100, 100, 100, 0],
    [72, 100, 100, 0],
    [71, 100, 99, 1],
    [50, 100, 70, 30],
    [25, 100, 35, 65],
    [0, 100, 0, 100],
  ])('P0 %i%% healthy, P1 %i%% healthy → %i%% / %i%% (documented two-level table)', (h0, h1, l0, l1) => {
    expect(two(h0, h1)).toEqual([l0, l1]);
  });

  it('normalises when total health is under 100: 25% and 25% healthy split 50/50', () => {
    expect(two(25, 25)).toEqual([50, 50]);
  });

  it('health scores {20, 30} are normalised to loads {40, 60} (documented example)', () => {
    expect(priorityLoad([20, 30])).toEqual([40, 60]);
  });

  const three = (a: number, b: number, c: number): number[] =>
    priorityShares([a, b, c].map((h) => ({ healthy: h, total: 100 }))).map((x) => Math.round(x * 100));

  it.each([
    [100, 100, 100, 100, 0, 0],
    [72, 72, 100, 100, 0, 0],
    [71, 71, 100, 99, 1, 0],
    [50, 50, 100, 70, 30, 0],
    [25, 100, 100, 35, 65, 0],
    [25, 25, 100, 35, 35, 30],
  ])('three levels %i/%i/%i%% healthy → %i/%i/%i%% (documented three-level table)', (a, b, c, l0, l1, l2) => {
    expect(three(a, b, c)).toEqual([l0, l1, l2]);
  });

  it("25/25/20% healthy follows Envoy's code (floor, remainder to P0): 37/35/28, where the docs' table rounds to 36/36/28", () => {
    expect(three(25, 25, 20)).toEqual([37, 35, 28]);
  });

  it('health truncates like integer arithmetic: 71% × 1.4 = 99.4 → 99', () => {
    expect(priorityHealth(71, 100)).toBe(99);
    expect(priorityHealth(72, 100)).toBe(100);
    expect(priorityHealth(5, 10, 1)).toBe(50);
  });

  it('loads always sum to 100 and never exceed a level’s health (unless everything is down)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 100 }), { minLength: 1, maxLength: 5 }), (health) => {
        const load = priorityLoad(health);
        expect(load.reduce((a, b) => a + b, 0)).toBe(100);
        const sum = health.reduce((a, b) => a + b, 0);
        if (sum >= 100) load.forEach((l, i) => expect(l).toBeLessThanOrEqual(health[i]!));
      }),
    );
  });
});
