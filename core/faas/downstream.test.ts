// Downstream protection: calls conserved, AIMD sends less than no back-pressure into an outage, and a
// healthy downstream sees exactly the offered load.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { BACKPRESSURE_POLICIES, DEFAULT_DOWNSTREAM, goodput, runDownstream } from './downstream';

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

  it('goodput is the load up to capacity and capacity²/load beyond it', () => {
    expect(goodput(50, 100)).toBe(50);
    expect(goodput(200, 100)).toBe(50);
  });
});
