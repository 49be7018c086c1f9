// System availability over a failure trace: what a failed machine costs each design, by slice size.
import { describe, expect, it } from 'vitest';
import { Rng } from '../kernel/rng';
import { cubeIndex, machinesOfCube } from './topology';
import { PUBLISHED_DAILY_RATES, sampleFailures } from './failures';
import type { FailureEvent } from './failures';
import { systemAvailability } from './systemAvailability';
import { defaultRates } from './testConfig';
import type { Design } from './pod';

const fail = (timeH: number, target: number, repairH: number): FailureEvent => ({
  timeH,
  kind: 'machine',
  target,
  repairH,
});

function run(design: Design, failures: FailureEvent[], sizes: number[], horizonH = 100, detectH = 1) {
  return systemAvailability(failures, {
    design,
    horizonH,
    detectH,
    sizes,
    weights: sizes.map(() => 1),
  });
}

describe('system availability', () => {
  it('a machine is down from its failure until detection + repair; a second hit meanwhile changes nothing', () => {
    const m = machinesOfCube(5)[3]!;
    const a = run('ocs', [fail(10, m, 5), fail(12, m, 50)], [4096, 64, 4]);
    // Down over [10, 16): only the full-pod slice needs that cube.
    expect(a.bySize.get(4096)).toBeCloseTo(0.94, 12);
    expect(a.bySize.get(64)).toBe(1);
    expect(a.bySize.get(4)).toBe(1);
    expect(a.system).toBeCloseTo((0.94 + 1 + 1) / 3, 12);
    expect(a.cube).toBeCloseTo(1 - 6 / (64 * 100), 12);
    expect(a.host).toBeCloseTo(1 - 6 / (1024 * 100), 12);
  });

  it('two failed cubes can block every static 2048-chip block while the OCS pod forms one anyway', () => {
    // Every cube-aligned 2x4x4-cube block (any orientation) covers cube (1,1,1) or cube (2,2,2).
    const failures = [
      fail(20, machinesOfCube(cubeIndex(1, 1, 1))[0]!, 29),
      fail(30, machinesOfCube(cubeIndex(2, 2, 2))[0]!, 29),
    ];
    const st = run('static', failures, [2048, 512]);
    const oc = run('ocs', failures, [2048, 512]);
    // Both down over [30, 50).
    expect(st.bySize.get(2048)).toBeCloseTo(0.8, 12);
    expect(oc.bySize.get(2048)).toBe(1);
    expect(st.bySize.get(512)).toBe(1); // a 2x2x2-cube block still fits elsewhere
    expect(st.cube).toBe(oc.cube); // capacity is the same hardware: reconfiguration cannot change it
  });

  it('cube and host availability follow failure rate x (repair + detection) over a long trace', () => {
    const rates = defaultRates();
    expect(rates.machinePerDay).toBe(PUBLISHED_DAILY_RATES.machine);
    const horizonH = 20 * 365 * 24;
    const detectH = 5 / 60;
    const failures = sampleFailures(new Rng(3), rates, horizonH);
    const a = run('ocs', failures, [64, 2048, 4096], horizonH, detectH);
    const downPerCube =
      (16 * rates.machinePerDay * (rates.machineRepairHours + detectH) +
        80 * rates.cablePerDay * (rates.cableRepairHours + detectH)) /
      24;
    expect((1 - a.cube) / downPerCube).toBeGreaterThan(0.9);
    expect((1 - a.cube) / downPerCube).toBeLessThan(1.1);
    const downPerMachine = (rates.machinePerDay * (rates.machineRepairHours + detectH)) / 24;
    expect((1 - a.host) / downPerMachine).toBeGreaterThan(0.9);
    expect((1 - a.host) / downPerMachine).toBeLessThan(1.1);
    // Cube-granular slices up to half the pod never lack healthy cubes; the full pod needs all 64.
    expect(a.bySize.get(2048)).toBe(1);
    expect(a.bySize.get(4096)).toBeLessThan(0.3);
  });

  it('the static orientation rule: a fixed orientation is never more available than any orientation', () => {
    const failures = sampleFailures(new Rng(4), { ...defaultRates(), machinePerDay: 0.002 }, 24 * 30);
    const sizes = [1024, 2048, 3072];
    const opts = { design: 'static' as const, horizonH: 24 * 30, detectH: 0.1, sizes, weights: [1, 1, 1] };
    const fixed = systemAvailability(failures, { ...opts, staticOrientation: 'fixed' });
    const any = systemAvailability(failures, { ...opts, staticOrientation: 'any' });
    const dflt = systemAvailability(failures, opts);
    for (const s of sizes) expect(any.bySize.get(s)!).toBeGreaterThanOrEqual(fixed.bySize.get(s)!);
    expect(any.bySize.get(2048)!).toBeGreaterThan(fixed.bySize.get(2048)!);
    expect(dflt).toEqual(any);
  });
});
