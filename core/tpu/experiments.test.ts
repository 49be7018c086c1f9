// The TPU lab's experiments keep their metric-name contract (issue 4) and their published comparisons.
import { describe, expect, it } from 'vitest';
import { getExperiment, runExperiment } from '../labs';

describe('tpu experiments', () => {
  it('tpu-availability: Monte Carlo within 4 standard errors of the exact values, OCS never below static', async () => {
    const trials = 4000;
    const r = await runExperiment('tpu-availability', { trials: String(trials), sweep: '9900' }, 3);
    const p = 0.99;
    for (const chips of [64, 256, 512, 1024, 2048, 3072, 4096]) {
      const st = r.metrics[`availability.static.${chips}`]!;
      const oc = r.metrics[`availability.ocs.${chips}`]!;
      expect(oc).toBeGreaterThanOrEqual(st);
      const ocExact = r.metrics[`availability.ocs-exact.${chips}`]!;
      const se = (x: number) => Math.sqrt((x * (1 - x)) / trials) + 1e-3;
      expect(Math.abs(oc - ocExact)).toBeLessThan(4 * se(ocExact));
      const stExact = r.metrics[`availability.static-exact.${chips}`];
      if (stExact !== undefined) expect(Math.abs(st - stExact)).toBeLessThan(4 * se(stExact));
      // Host availability needed is lower with OCS wherever both are known.
      const needStatic = r.metrics[`host-availability-needed.static.${chips}`];
      if (needStatic !== undefined)
        expect(r.metrics[`host-availability-needed.ocs.${chips}`]!).toBeLessThanOrEqual(needStatic);
    }
    // Analytic values: one cube is 1 − (1 − p^16)^64; the whole pod needs all 1024 machines in both designs.
    expect(r.metrics['availability.ocs-exact.64']).toBeCloseTo(1 - Math.pow(1 - Math.pow(p, 16), 64), 8);
    expect(r.metrics['availability.static-exact.4096']).toBeCloseTo(Math.pow(p, 1024), 8);
    expect(r.metrics['availability.ocs-exact.4096']).toBeCloseTo(Math.pow(p, 1024), 8);
    // Static collapses with size while OCS holds up to the spare-cube limit (issue 4, "Done means").
    expect(r.metrics['availability.static.2048']).toBeLessThan(0.1);
    expect(r.metrics['availability.ocs.2048']).toBeGreaterThan(0.99);
    // Like with like: each compared size appears for both designs.
    expect(r.comparisons.map((c) => c.metric)).toEqual([
      'host-availability-needed.static.2048',
      'host-availability-needed.ocs.2048',
      'host-availability-needed.static.3072',
      'host-availability-needed.ocs.3072',
    ]);
  });

  it('tpu-availability: the host availability needed rises with the target, for both designs', async () => {
    const r = await runExperiment('tpu-availability', { trials: '100', sweep: '9900' }, 1);
    const rows = r.tables.targets!.rows;
    expect(rows.map((row) => row[0])).toEqual([0.5, 0.5, 0.9, 0.9, 0.99, 0.99, 0.999, 0.999]);
    for (const chips of [2048, 3072]) {
      const mine = rows.filter((row) => row[1] === chips);
      for (let i = 1; i < mine.length; i++) {
        expect(Number(mine[i]![2])).toBeGreaterThan(Number(mine[i - 1]![2]));
        expect(Number(mine[i]![3])).toBeGreaterThan(Number(mine[i - 1]![3]));
      }
      for (const row of mine) expect(Number(row[3])).toBeLessThan(Number(row[2]));
    }
    // The default target's row is the metric the comparison table shows.
    expect(rows.find((row) => row[0] === 0.9 && row[1] === 3072)![2]).toBe(
      r.metrics['host-availability-needed.static.3072'],
    );
  });

  it('tpu-availability: any orientation places at least as often as fixed, on the same trials; OCS unchanged', async () => {
    const args = { trials: '3000', sweep: '9900', hostAvailability: '0.995' };
    const fixed = await runExperiment('tpu-availability', args, 5);
    const any = await runExperiment('tpu-availability', { ...args, staticOrientation: 'any' }, 5);
    for (const chips of [64, 256, 512, 1024, 2048, 3072, 4096]) {
      expect(any.metrics[`availability.static.${chips}`]!).toBeGreaterThanOrEqual(
        fixed.metrics[`availability.static.${chips}`]!,
      );
      expect(any.metrics[`availability.ocs.${chips}`]).toBe(fixed.metrics[`availability.ocs.${chips}`]);
    }
    // An 8x16x16 slice has 3 placements one way and 9 any way (3 orientations x 3 offsets).
    const placements = (res: typeof fixed) =>
      res.tables.availability!.rows.find((row) => row[0] === 2048)![3];
    expect([placements(fixed), placements(any)]).toEqual([3, 9]);
    expect(any.metrics['host-availability-needed.static.2048']!).toBeLessThan(
      fixed.metrics['host-availability-needed.static.2048']!,
    );
  });

  it('tpu-failures reports the contract metrics and compares with the paper', async () => {
    const r = await runExperiment('tpu-failures', { days: 3 }, 2);
    for (const m of [
      'jobs-interrupted-fraction',
      'jobs-interrupted-fraction.expected',
      'goodput.static',
      'goodput.ocs',
      'xconnects-per-job',
      'mean-time-to-recover-hours',
      'system-availability.ocs',
      'allocated-goodput.ocs',
    ]) {
      expect(Number.isFinite(r.metrics[m])).toBe(true);
    }
    expect(r.metrics['goodput.ocs']).toBeLessThanOrEqual(1);
    // Reconfiguration can only widen the choice of cubes: never less available than the static pod.
    expect(r.metrics['system-availability.ocs']).toBeGreaterThanOrEqual(
      r.metrics['system-availability.static']!,
    );
    // Only the interrupted-jobs figure is compared; the paper's 99.98% is not (hardware-only system
    // availability is an upper bound here), and the report says why.
    expect(r.comparisons.map((c) => [c.metric, c.published])).toEqual([['jobs-interrupted-fraction', 0.01]]);
    expect(r.comparisons[0]!.source).toMatch(
      /with no sub-cube jobs \(subCubePct 0\) the same rates give 2\.\d+%/,
    );
    expect(getExperiment('tpu-failures').comparisonNote).toMatch(/Not compared: the paper’s 99\.98%/);
    expect(r.tables.bySize!.rows.map((row) => row[0])).toEqual([4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048]);
  });

  it('tpu-failures without sub-cube jobs: every job wires 48 xconnects per cube, so at least 48 per job', async () => {
    const r = await runExperiment('tpu-failures', { days: 3, subCubePct: 0 }, 2);
    expect(r.metrics['xconnects-per-job']).toBeGreaterThanOrEqual(48);
    expect(r.metrics['jobs-interrupted-fraction.sub-cube-slices']).toBe(0);
    expect(r.tables.bySize!.rows.map((row) => row[0])).toEqual([64, 128, 256, 512, 1024, 2048]);
  });

  it('tpu-failures: the static pod with a fixed orientation is never more available than with any', async () => {
    const args = { days: 10, machineFailPctPerDay: 1, subCubePct: 0 };
    const any = await runExperiment('tpu-failures', args, 2);
    const fixed = await runExperiment('tpu-failures', { ...args, staticOrientation: 'fixed' }, 2);
    expect(fixed.metrics['system-availability.static']!).toBeLessThanOrEqual(
      any.metrics['system-availability.static']!,
    );
    // The OCS pod does not use the rule.
    expect(fixed.metrics['system-availability.ocs']).toBe(any.metrics['system-availability.ocs']);
    expect(fixed.metrics['goodput.ocs']).toBe(any.metrics['goodput.ocs']);
  });

  it('tpu-routing: with frequent OCS failures, fault-tolerant routing beats re-wiring, less so for recommendation models', async () => {
    const r = await runExperiment('tpu-routing', { days: 20, ocsFailPctPerDay: 1 }, 1);
    expect(r.metrics['goodput.ft-routing.dense']).toBeGreaterThan(r.metrics['goodput.rewire.dense']!);
    expect(r.metrics['expected-loss-chip-hours-per-ocs-failure.ft-routing.recsys']).toBeGreaterThan(
      r.metrics['expected-loss-chip-hours-per-ocs-failure.ft-routing.dense']!,
    );
  });
});

describe('tpu-failures with in-memory checkpoints (Gemini-style)', () => {
  it('replays the same failure trace and loses less per interruption than storage checkpoints', async () => {
    const args = { days: '10' };
    const storage = await runExperiment('tpu-failures', args, 1);
    const memory = await runExperiment('tpu-failures', { ...args, checkpoint: 'in-memory' }, 1);
    for (const k of ['failures.machine', 'failures.cable', 'failures.ocs'])
      expect(memory.metrics[k]).toBe(storage.metrics[k]);
    // Lost progress and restart time shrink, so hardware loses a smaller share of allocated chip-hours.
    expect(memory.metrics['allocated-goodput.ocs']!).toBeGreaterThan(
      storage.metrics['allocated-goodput.ocs']!,
    );
    expect(memory.metrics['allocated-goodput.static']!).toBeGreaterThan(
      storage.metrics['allocated-goodput.static']!,
    );
  });
});
