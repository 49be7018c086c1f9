// The static and reconfigurable availability rules: Monte Carlo, exact values and the machine-level check.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Rng } from '../kernel/rng';
import { MACHINES, cubeOfMachine } from './topology';
import { SHAPE_BY_SIZE, SLICE_SIZES } from './slices';
import {
  addAvailabilityCounts,
  gapLength,
  gapThresholds,
  trialCubeMask,
} from '../compute/availabilityCounts';
import { cpuBackend } from '../compute/cpuBackend';
import { runExperiment } from '../labs';
import {
  availabilityProblem,
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

  it('reconfigurable places a slice in every trial where static does (Philox trials, any seed and p)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1e6 }),
        fc.double({ min: 0.9, max: 0.9999, noNaN: true }),
        fc.integer({ min: 0, max: 1e6 }),
        (seed, p, t) => {
          const problem = availabilityProblem(new Rng(seed), p, shapes, 1);
          const one = { ...problem, firstTrial: t, trials: 1 };
          const st = new Uint32Array(shapes.length);
          const oc = new Uint32Array(shapes.length);
          addAvailabilityCounts(one, st, oc);
          shapes.forEach((_, s) => expect(oc[s]!).toBeGreaterThanOrEqual(st[s]!));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('a trial depends only on its counter: chunked counting equals one pass', () => {
    const problem = availabilityProblem(new Rng(21), 0.99, shapes, 3000);
    const whole = [new Uint32Array(7), new Uint32Array(7)] as const;
    addAvailabilityCounts(problem, ...whole);
    const parts = [new Uint32Array(7), new Uint32Array(7)] as const;
    for (const [first, n] of [
      [2000, 1000],
      [0, 1234],
      [1234, 766],
    ] as const)
      addAvailabilityCounts({ ...problem, firstTrial: first, trials: n }, ...parts);
    expect(parts).toEqual(whole);
    expect(Array.from(whole[1])).not.toEqual(Array.from(whole[0])); // the rules do differ at p = 0.99
  });

  it('integer geometric skipping marks each machine unhealthy with probability q, uniformly over machines', () => {
    const q = 0.02;
    const problem = availabilityProblem(new Rng(5), 1 - q, shapes, 1);
    // Cube c's 16 machines all healthy with probability p^16: count it per cube over many trials.
    const trials = 4000;
    const healthyPerCube = new Float64Array(64);
    const mask = new Uint32Array(2);
    for (let t = 0; t < trials; t++) {
      trialCubeMask(problem, t, mask);
      for (let c = 0; c < 64; c++) {
        const bad = c < 32 ? (mask[0]! >>> c) & 1 : (mask[1]! >>> (c - 32)) & 1;
        if (!bad) healthyPerCube[c]!++;
      }
    }
    const pc = Math.pow(1 - q, 16);
    const se = Math.sqrt((pc * (1 - pc)) / trials);
    const mean = healthyPerCube.reduce((a, b) => a + b, 0) / 64 / trials;
    expect(Math.abs(mean - pc)).toBeLessThan((4 * se) / 8); // 64 cubes pooled: se / 8
    for (const h of healthyPerCube) expect(Math.abs(h / trials - pc)).toBeLessThan(5 * se);
  });

  it('gap thresholds are floor(p^g · 2^24), non-increasing, and gapLength counts those above u', () => {
    const t = gapThresholds(0.99, 1024);
    expect(t[0]).toBe(16777216);
    expect(t[1]).toBe(Math.floor(0.99 * 16777216));
    for (let g = 1; g <= 1024; g++) expect(t[g]!).toBeLessThanOrEqual(t[g - 1]!);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 16777215 }), (u) => {
        let n = 0;
        for (let g = 1; g <= 1024; g++) if (u < t[g]!) n++;
        expect(gapLength(t, u)).toBe(n);
      }),
    );
    expect(gapLength(gapThresholds(1, 1024), 16777215)).toBe(1024); // a perfect pod: no failure
  });

  it('the compute-backend path counts exactly what the core CPU path counts', async () => {
    const backend = cpuBackend(() => 0);
    const viaBackend = await estimateAvailability(new Rng(8), 0.99, shapes, 2500, undefined, backend);
    const viaCore = await estimateAvailability(new Rng(8), 0.99, shapes, 2500);
    expect(viaBackend.staticHits).toEqual(viaCore.staticHits);
    expect(viaBackend.ocsHits).toEqual(viaCore.ocsHits);
    expect(viaBackend.ms).toBe(0);
  });

  it('tpu-availability metrics are byte-identical with or without a compute backend; only environment differs', async () => {
    const params = { trials: 1000, sweep: [9900] };
    const plain = await runExperiment('tpu-availability', params, 4);
    const hosted = await runExperiment('tpu-availability', params, 4, { compute: cpuBackend(() => 0) });
    expect(JSON.stringify(hosted.metrics)).toBe(JSON.stringify(plain.metrics));
    expect(JSON.stringify(hosted.tables)).toBe(JSON.stringify(plain.tables));
    expect(plain.environment?.backend).toBe('cpu');
    expect(hosted.environment?.adapter).toBe('CPU (JavaScript reference)');
    expect(hosted.measurements?.['monte-carlo-ms']).toBe(0);
  });
});
