// The static and reconfigurable availability rules: Monte Carlo, exact values and the machine-level check.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Rng } from '../kernel/rng';
import { MACHINES, cubeOfMachine } from './topology';
import { SHAPE_BY_SIZE, SLICE_SIZES } from './slices';
import {
  estimateAvailability,
  hostAvailabilityNeeded,
  ocsAvailabilityExact,
  sampleUnhealthyMachines,
  staticAvailabilityExact,
  staticAvailableByMachines,
  staticPlacements,
} from './availability';

const shapes = SLICE_SIZES.map((s) => SHAPE_BY_SIZE[s]!);

describe('slice availability', () => {
  it('counts static placements at cube-aligned offsets without wrap-around', () => {
    expect(shapes.map((s) => staticPlacements(s).length)).toEqual([64, 36, 27, 9, 3, 2, 1]);
  });

  it('the cube-mask static check agrees with machine-level prefix sums on random pods', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1e6 }),
        fc.double({ min: 0.9, max: 0.999, noNaN: true }),
        (seed, p) => {
          const rng = new Rng(seed);
          const bad = new Int32Array(MACHINES);
          const n = sampleUnhealthyMachines(rng, 1 - p, bad);
          const unhealthy = new Uint8Array(MACHINES);
          const badCubes = new Set<number>();
          for (let i = 0; i < n; i++) {
            unhealthy[bad[i]!] = 1;
            badCubes.add(cubeOfMachine(bad[i]!));
          }
          for (const s of shapes) {
            const byMask = staticPlacements(s).some((pm) => {
              for (let c = 0; c < 64; c++) {
                const inMask = c < 32 ? (pm.lo >>> c) & 1 : (pm.hi >>> (c - 32)) & 1;
                if (inMask && badCubes.has(c)) return false;
              }
              return true;
            });
            expect(byMask).toBe(staticAvailableByMachines(unhealthy, s));
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('geometric skipping draws each machine unhealthy with probability q', () => {
    const rng = new Rng(5);
    const out = new Int32Array(MACHINES);
    let total = 0;
    const trials = 2000;
    for (let t = 0; t < trials; t++) {
      const n = sampleUnhealthyMachines(rng, 0.02, out);
      for (let i = 1; i < n; i++) expect(out[i]!).toBeGreaterThan(out[i - 1]!);
      total += n;
    }
    const mean = total / trials;
    expect(Math.abs(mean - 1024 * 0.02)).toBeLessThan(4 * Math.sqrt((1024 * 0.02 * 0.98) / trials));
  });

  it('Monte Carlo agrees with the exact values within 4 standard errors', async () => {
    const p = 0.99;
    const trials = 20000;
    const est = await estimateAvailability(new Rng(11), p, shapes, trials);
    shapes.forEach((s, i) => {
      const k = (s[0] * s[1] * s[2]) / 64;
      const exact = ocsAvailabilityExact(p, k);
      const se = Math.sqrt(Math.max(exact * (1 - exact), 1e-4) / trials);
      expect(Math.abs(est.ocsAvail[i]! - exact)).toBeLessThan(4 * se + 1e-9);
      const st = staticAvailabilityExact(p, s);
      if (st !== null) {
        const se2 = Math.sqrt(Math.max(st * (1 - st), 1e-4) / trials);
        expect(Math.abs(est.staticAvail[i]! - st)).toBeLessThan(4 * se2 + 1e-9);
      }
    });
  });

  it('reconfigurable availability is never below static and falls with slice size', async () => {
    const est = await estimateAvailability(new Rng(3), 0.995, shapes, 5000);
    est.ocsAvail.forEach((a, i) => {
      expect(a).toBeGreaterThanOrEqual(est.staticAvail[i]!);
      if (i > 0) expect(a).toBeLessThanOrEqual(est.ocsAvail[i - 1]!);
    });
  });

  it('exact values hit their limits: a perfect pod is always available, the whole pod needs p^1024', () => {
    expect(ocsAvailabilityExact(1, 64)).toBe(1);
    expect(staticAvailabilityExact(0.999, [16, 16, 16])).toBeCloseTo(Math.pow(0.999, 1024), 12);
    expect(ocsAvailabilityExact(0.999, 64)).toBeCloseTo(Math.pow(0.999, 1024), 12);
    expect(staticAvailabilityExact(0.99, [4, 8, 8])).toBeNull();
  });

  it('hostAvailabilityNeeded finds the bisection point of a monotone curve', () => {
    const p = hostAvailabilityNeeded((x) => ocsAvailabilityExact(x, 48), 0.9);
    expect(ocsAvailabilityExact(p, 48)).toBeGreaterThanOrEqual(0.9);
    expect(ocsAvailabilityExact(p - 1e-6, 48)).toBeLessThan(0.9);
  });
});
