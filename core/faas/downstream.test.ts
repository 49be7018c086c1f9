// Downstream protection: calls conserved, AIMD sends less than no back-pressure into an outage, and a
// healthy downstream sees exactly the offered load.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  BACKPRESSURE_POLICIES,
  DEFAULT_DOWNSTREAM,
  RECOVERY_HOLD_S,
  aimdSustainedRps,
  goodput,
  runDownstream,
} from './downstream';

const arbSpec = fc.record({
  durationS: fc.integer({ min: 120, max: 3_000 }),
  outageAtS: fc.integer({ min: 0, max: 60 }),
  outageS: fc.integer({ min: 1, max: 60 }),
  outageCapacity: fc.double({ min: 0, max: 0.9, noNaN: true }),
  offeredRps: fc.double({ min: 100, max: 9_000, noNaN: true }),
  maxAttempts: fc.integer({ min: 1, max: 6 }),
});

describe('the downstream outage', () => {
  it('conserves calls: offered = served + dropped + pending, for either policy', () => {
    fc.assert(
      fc.property(arbSpec, fc.constantFrom(...BACKPRESSURE_POLICIES), (a, policy) => {
        const r = runDownstream({ ...DEFAULT_DOWNSTREAM, ...a }, policy);
        expect(r.served + r.dropped + r.pending).toBeCloseTo(r.offered, 3);
        for (let t = 0; t < a.durationS; t++) expect(r.ok[t]!).toBeLessThanOrEqual(r.capacity[t]! + 1e-9);
      }),
    );
  });

  it('AIMD sends fewer calls beyond capacity into the outage than no back-pressure', () => {
    fc.assert(
      fc.property(arbSpec, (a) => {
        const spec = { ...DEFAULT_DOWNSTREAM, ...a, outageCapacity: Math.min(a.outageCapacity, 0.5) };
        expect(runDownstream(spec, 'aimd').excessCalls).toBeLessThanOrEqual(
          runDownstream(spec, 'none').excessCalls,
        );
      }),
    );
  });

  it('a healthy downstream under its capacity gets exactly the offered calls, without errors', () => {
    for (const policy of BACKPRESSURE_POLICIES) {
      const r = runDownstream({ ...DEFAULT_DOWNSTREAM, outageS: 0, outageAtS: 0 }, policy);
      expect(r.dropped).toBe(0);
      expect(r.excessCalls).toBe(0);
      for (let t = 0; t < 100; t++) expect(r.sent[t]).toBe(DEFAULT_DOWNSTREAM.offeredRps);
    }
  });

  it('AIMD sustains about (1 + decrease) / 2 of the healthy capacity (the TCP sawtooth average)', () => {
    for (const d of [0.5, 0.7, 0.9]) {
      const share = aimdSustainedRps({ ...DEFAULT_DOWNSTREAM, aimdDecrease: d, aimdIncreaseRps: 1 }) / 1e4;
      expect(share).toBeGreaterThan((1 + d) / 2 - 0.01);
      expect(share).toBeLessThan((1 + d) / 2 + 0.01);
    }
  });

  it('AIMD drains the backlog and recovers when the offered load is below what it sustains', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.1, max: 0.9, noNaN: true }),
        fc.double({ min: 0.3, max: 0.9, noNaN: true }),
        fc.integer({ min: 1, max: 300 }),
        fc.double({ min: 0, max: 0.9, noNaN: true }),
        (loadShare, decrease, outageS, outageCapacity) => {
          const base = { ...DEFAULT_DOWNSTREAM, aimdDecrease: decrease, outageS, outageCapacity };
          const sustained = aimdSustainedRps(base);
          const offeredRps = loadShare * sustained;
          // Backlog at most offered × outage; it drains at (sustained − offered) per second at least.
          const drainS = Math.ceil((offeredRps * outageS) / (sustained - offeredRps));
          const durationS = base.outageAtS + outageS + drainS + RECOVERY_HOLD_S + 600;
          const r = runDownstream({ ...base, offeredRps, durationS }, 'aimd');
          expect(r.recovered).toBe(true);
          expect(r.pending).toBeLessThanOrEqual(offeredRps);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('AIMD never recovers when the offered load is above what it sustains: the backlog only grows', () => {
    const r1 = runDownstream({ ...DEFAULT_DOWNSTREAM, durationS: 3_600 }, 'aimd');
    const r4 = runDownstream({ ...DEFAULT_DOWNSTREAM, durationS: 14_400 }, 'aimd');
    expect(DEFAULT_DOWNSTREAM.offeredRps).toBeGreaterThan(aimdSustainedRps(DEFAULT_DOWNSTREAM));
    expect(r1.recovered).toBe(false);
    expect(r4.recovered).toBe(false);
    expect(r4.pending).toBeGreaterThan(r1.pending);
    expect(r4.recoveryS).toBe(14_400 - 1_200);
  });

  it('recovery needs the backlog drained, not one healthy second', () => {
    const r = runDownstream({ ...DEFAULT_DOWNSTREAM, durationS: 14_400, offeredRps: 7_000 }, 'aimd');
    expect(r.recovered).toBe(true);
    const end = DEFAULT_DOWNSTREAM.outageAtS + DEFAULT_DOWNSTREAM.outageS;
    for (let t = end + r.recoveryS; t < end + r.recoveryS + RECOVERY_HOLD_S; t++)
      expect(r.backlog[t]!).toBeLessThanOrEqual(7_000);
    expect(r.backlog[end + r.recoveryS - 1]!).toBeGreaterThan(7_000);
  });

  it('goodput is the load up to capacity and capacity²/load beyond it', () => {
    expect(goodput(50, 100)).toBe(50);
    expect(goodput(200, 100)).toBe(50);
  });
});
