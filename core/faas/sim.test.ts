// The XFaaS day's invariants (issue 15): calls are conserved, no call runs after its deadline when capacity
// allows, reserved quota is never starved by opportunistic; plus the traffic matrix and the diurnal curve.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Rng } from '../kernel/rng';
import { GLOBAL_MODES, simulateDay, trafficMatrix } from './sim';
import { DAY_PARAMS, daySpec, hourly, peakToTrough } from './scenario';
import type { DayParams } from './scenario';
import { DAY_S, diurnal } from './workload';

const DEFAULTS = Object.fromEntries(
  Object.entries(DAY_PARAMS).map(([k, s]) => [k, s.default]),
) as unknown as DayParams;

const arbDay = fc.record({
  functions: fc.integer({ min: 10, max: 400 }),
  meanLoad: fc.double({ min: 0.05, max: 1.2, noNaN: true }),
  peakToTrough: fc.double({ min: 1, max: 10, noNaN: true }),
  opportunisticShare: fc.double({ min: 0, max: 1, noNaN: true }),
  stepS: fc.constantFrom(60, 300, 900),
  warmupDays: fc.integer({ min: 0, max: 1 }),
  timeShift: fc.boolean(),
  global: fc.constantFrom(...GLOBAL_MODES),
  burstCalls: fc.constantFrom(0, 1e6, 5e7),
  shiftTarget: fc.constantFrom(0, 0.01, 0.3, 1),
  seed: fc.integer({ min: 0, max: 1000 }),
});

function run(a: {
  functions: number;
  meanLoad: number;
  peakToTrough: number;
  opportunisticShare: number;
  stepS: number;
  warmupDays: number;
  timeShift: boolean;
  global: (typeof GLOBAL_MODES)[number];
  burstCalls: number;
  shiftTarget: number;
  seed: number;
}) {
  const p: DayParams = { ...DEFAULTS, ...a };
  const rng = new Rng(a.seed);
  return simulateDay(daySpec(p, a, rng), rng.fork('sim'));
}

describe('the XFaaS day', () => {
  it('conserves calls: submitted = executed + throttled + pending + dropped, for any day', () => {
    fc.assert(
      fc.property(arbDay, (a) => {
        const t = run(a).totals;
        const rest = t.executed + t.throttled + t.pending + t.dropped;
        expect(Math.abs(t.submitted - rest)).toBeLessThanOrEqual(1e-9 * Math.max(1, t.submitted));
        expect(t.executed).toBeGreaterThanOrEqual(0);
        expect(t.byQuota.reserved.executed + t.byQuota.opportunistic.executed).toBeCloseTo(t.executed, -1);
      }),
      { numRuns: 25 },
    );
  });

  it('runs no call after its deadline when capacity allows (peak demand under capacity in every region)', () => {
    fc.assert(
      fc.property(
        arbDay,
        fc.double({ min: 0.02, max: 0.2, noNaN: true }),
        fc.double({ min: 1, max: 4.3, noNaN: true }),
        (a, meanLoad, peakToTrough) => {
          const res = run({ ...a, meanLoad, peakToTrough, burstCalls: 0, stepS: 60 });
          for (const q of ['reserved', 'opportunistic'] as const) {
            expect(res.totals.byQuota[q].late).toBe(0);
            expect(res.totals.byQuota[q].dropped).toBe(0);
          }
        },
      ),
      { numRuns: 20 },
    );
  });

  it('misses deadlines when capacity does not allow (the check above can fail)', () => {
    const res = run({
      functions: 200,
      opportunisticShare: 0.5,
      stepS: 60,
      warmupDays: 0,
      meanLoad: 1.2,
      peakToTrough: 8,
      timeShift: true,
      global: 'local-only',
      burstCalls: 0,
      shiftTarget: 0,
      seed: 1,
    });
    expect(res.totals.byQuota.reserved.late + res.totals.byQuota.opportunistic.late).toBeGreaterThan(0);
  });

  it('never starves reserved: a region runs opportunistic calls only once its reserved queue is empty', () => {
    fc.assert(
      fc.property(arbDay, (a) => {
        const s = run({ ...a, meanLoad: Math.max(0.6, a.meanLoad) }).series;
        let overlapping = 0;
        for (let i = 0; i < s.steps * s.R; i++)
          if (s.opportunisticCpu[i]! > 0 && s.pendingReserved[i]! > 1e-6) overlapping++;
        expect(overlapping).toBe(0);
      }),
      { numRuns: 15 },
    );
  });

  it('time-shifting flattens the executed curve of the default day (same arrivals, fewer peaks)', () => {
    const base = { ...DEFAULTS, warmupDays: 1 };
    const day = (timeShift: boolean) => {
      const rng = new Rng(3);
      return simulateDay(
        daySpec(base, { timeShift, global: 'traffic-matrix', burstCalls: 0 }, rng),
        rng.fork('sim'),
      );
    };
    const on = day(true).series;
    const off = day(false).series;
    expect(hourly(on, on.receivedCpu)).toEqual(hourly(off, off.receivedCpu));
    expect(peakToTrough(hourly(on, on.executedCpu))).toBeLessThan(
      0.6 * peakToTrough(hourly(off, off.executedCpu)),
    );
  });
});

describe('the recorded traffic matrix', () => {
  it('is what ran: per step its columns sum to the CPU each region executed, off-diagonal only where calls were pulled', () => {
    fc.assert(
      fc.property(arbDay, (a) => {
        const p: DayParams = { ...DEFAULTS, ...a };
        const rng = new Rng(a.seed);
        const s = simulateDay(daySpec(p, { ...a, recordMatrix: true }, rng), rng.fork('sim')).series;
        const R = s.R;
        for (let d = 0; d < s.steps; d += 7)
          for (let b = 0; b < R; b++) {
            let col = 0;
            let pulled = 0;
            for (let f = 0; f < R; f++) {
              col += s.matrix[(d * R + f) * R + b]!;
              if (f !== b) pulled += s.matrix[(d * R + f) * R + b]!;
            }
            expect(col).toBeCloseTo(s.executedCpu[d * R + b]!, 6);
            if (s.pulledCalls[d * R + b] === 0) expect(pulled).toBe(0);
          }
      }),
      { numRuns: 15 },
    );
  });
});

describe('trafficMatrix', () => {
  it('moves the excess of a region above the fleet-wide ratio to the regions below it', () => {
    const m = trafficMatrix([3, 1], [2, 2]);
    expect(Array.from(m)).toEqual([0, 1, 0, 0]);
  });

  it('leaves every region at the fleet-wide load/capacity ratio, for any loads and capacities', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.double({ min: 0, max: 100, noNaN: true }),
            fc.double({ min: 0.1, max: 100, noNaN: true }),
          ),
          {
            minLength: 1,
            maxLength: 8,
          },
        ),
        (rows) => {
          const load = rows.map((r) => r[0]);
          const cap = rows.map((r) => r[1]);
          const R = rows.length;
          const m = trafficMatrix(load, cap);
          const rho = load.reduce((a, b) => a + b, 0) / cap.reduce((a, b) => a + b, 0);
          for (let i = 0; i < R; i++) {
            let after = load[i]!;
            for (let j = 0; j < R; j++) after += m[j * R + i]! - m[i * R + j]!;
            expect(after).toBeCloseTo(rho * cap[i]!, 6);
            expect(m[i * R + i]).toBe(0);
          }
        },
      ),
    );
  });
});

describe('diurnal', () => {
  it('has mean 1 over a day and the given peak-to-trough ratio', () => {
    for (const p of [1, 1.4, 4.3, 10]) {
      let sum = 0;
      let max = 0;
      let min = Infinity;
      for (let t = 0; t < DAY_S; t += 60) {
        const v = diurnal(t, p);
        sum += v;
        max = Math.max(max, v);
        min = Math.min(min, v);
      }
      expect(sum / (DAY_S / 60)).toBeCloseTo(1, 9);
      expect(max / min).toBeCloseTo(p, 6);
    }
  });
});
