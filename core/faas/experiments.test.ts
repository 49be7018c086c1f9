// The serverless experiments through the registry: the issue's metric names, the mechanisms' directions,
// one-line errors for bad or too-large parameters, and the view model's shape.
import { describe, expect, it } from 'vitest';
import { buildLabView, runExperiment } from '../labs';
import { CancelledError } from '../experiments/types';
import { clockText, describeSample, durationText } from './view';
import type { FaasViewModel } from './view';
import { LOCALITY_PARAMS, localityDay } from './localityExperiment';
import { LOCALITY_MODES } from './locality';
import { DAY_PARAMS } from './scenario';
import { Rng } from '../kernel/rng';

const SMALL = { functions: '300', warmupDays: '0', stepS: '300' };

describe('faas experiments', () => {
  it('faas-time-shift: time-shifting flattens executed load against the received curve; names as in the issue', async () => {
    const r = await runExperiment('faas-time-shift', { ...SMALL, warmupDays: '1' }, 2);
    const m = r.metrics;
    for (const k of [
      'peak-to-trough.received',
      'peak-to-trough.executed',
      'peak-to-trough.executed.no-shift',
      'utilization.mean',
      'deadline-miss-fraction.reserved',
      'deadline-miss-fraction.opportunistic',
    ])
      expect(m[k]).toBeTypeOf('number');
    expect(m['peak-to-trough.executed']!).toBeLessThan(m['peak-to-trough.executed.no-shift']!);
    expect(m['peak-to-trough.executed.no-shift']!).toBeLessThanOrEqual(m['peak-to-trough.received']! + 1e-9);
    expect(r.comparisons.map((c) => [c.metric, c.published])).toEqual([['peak-to-trough.executed', 1.4]]);
  });

  it('faas-global: the traffic matrix narrows the regions’ utilisation spread by running calls cross-region', async () => {
    const m = (await runExperiment('faas-global', SMALL, 1)).metrics;
    expect(m['cross-region-fraction.local-only']).toBe(0);
    expect(m['cross-region-fraction.traffic-matrix']!).toBeGreaterThan(0);
    expect(m['utilization-spread.traffic-matrix']!).toBeLessThan(m['utilization-spread.local-only']!);
  });

  it('faas-locality: locality groups cut memory per worker and cold starts', async () => {
    const m = (await runExperiment('faas-locality', { ...SMALL, functions: '2000' }, 1)).metrics;
    for (const mode of ['none', 'locality-groups'])
      for (const k of ['worker-memory-gb', 'cold-start-fraction', 'utilization.mean'])
        expect(m[`${k}.${mode}`]).toBeTypeOf('number');
    expect(m['worker-memory-gb.locality-groups']!).toBeLessThan(m['worker-memory-gb.none']!);
    expect(m['cold-start-fraction.locality-groups']!).toBeLessThan(m['cold-start-fraction.none']!);
  });

  it('faas-locality: busy cores include cold starts, so more cold starts mean more busy cores', async () => {
    const m = (await runExperiment('faas-locality', { warmupDays: '1', stepS: '300' }, 1)).metrics;
    expect(m['utilization.mean.none']!).toBeGreaterThan(m['utilization.mean.locality-groups']!);
    const calls = (mode: string) => m[`utilization.mean.${mode}`]! - m[`cold-start-cpu-fraction.${mode}`]!;
    expect(Math.abs(calls('none') - calls('locality-groups'))).toBeLessThan(0.005);
  });

  it('faas-locality: the measured day is in steady state — executed CPU within 1% of received in either mode', async () => {
    const p = Object.fromEntries(
      Object.entries({ ...DAY_PARAMS, ...LOCALITY_PARAMS }).map(([k, s]) => [k, s.default]),
    ) as unknown as Parameters<typeof localityDay>[0];
    for (const mode of LOCALITY_MODES) {
      const s = (await localityDay(p, mode, new Rng(1).fork('day'))).res.series;
      const sum = (a: Float64Array) => a.reduce((x, y) => x + y, 0);
      expect(Math.abs(sum(s.executedCpu) / sum(s.receivedCpu) - 1)).toBeLessThan(0.01);
    }
  });

  it('faas-backpressure: AIMD sends far fewer calls into the outage than no back-pressure', async () => {
    const m = (await runExperiment('faas-backpressure', {}, 1)).metrics;
    expect(m['downstream-excess-calls.aimd']!).toBeLessThan(0.01 * m['downstream-excess-calls.none']!);
    expect(m['recovery-seconds.none']).toBeTypeOf('number');
    expect(m['recovery-seconds.aimd']).toBeTypeOf('number');
    // Offered 0.8 of capacity is above what AIMD sustains (≈ 0.76): its backlog never drains.
    expect(m['aimd-sustained-load']!).toBeLessThan(0.8);
    expect(m['recovered.aimd']).toBe(0);
    expect(m['recovered.none']).toBe(1);
  });

  it('reports progress every simulated hour, monotonically, and stops inside a day when cancelled', async () => {
    const seen: number[] = [];
    await runExperiment('faas-locality', SMALL, 1, { onProgress: (f) => seen.push(f) });
    expect(seen.length).toBeGreaterThanOrEqual(48);
    expect(seen.every((f, i) => i === 0 || f >= seen[i - 1]!)).toBe(true);
    let calls = 0;
    const cancelled = runExperiment('faas-locality', SMALL, 1, { isCancelled: () => ++calls > 5 });
    await expect(cancelled).rejects.toBeInstanceOf(CancelledError);
    expect(calls).toBe(6);
  });

  it('refuses bad combinations and too much work in one line, naming what to change', async () => {
    await expect(runExperiment('faas-time-shift', { stepS: '700' }, 1)).rejects.toThrow(/stepS.*divide 3600/);
    await expect(
      runExperiment('faas-backpressure', { durationS: '600', outageAtS: '500', outageS: '200' }, 1),
    ).rejects.toThrow(/outageS.*within durationS/);
    await expect(
      runExperiment('faas-locality', { functions: '200000', warmupDays: '6', stepS: '10' }, 1),
    ).rejects.toThrow(/exceeds the .* limit; lower/);
    await expect(
      runExperiment('faas-locality', { ...SMALL, functions: '100', groups: '200' }, 1),
    ).rejects.toThrow(/^groups: must be at most functions \(100\)/);
  });

  it('the view refuses the same combinations as the experiments, in one line', async () => {
    await expect(buildLabView('faas', { ...SMALL, outageAtS: '3500' }, 1)).rejects.toThrow(
      /^outageS: .*must end within durationS \(3600 s\)$/,
    );
    await expect(buildLabView('faas', { ...SMALL, stepS: '11' }, 1)).rejects.toThrow(
      /^stepS: must divide 3600/,
    );
    await expect(buildLabView('faas', { ...SMALL, functions: '100', groups: '200' }, 1)).rejects.toThrow(
      /^groups: must be at most functions/,
    );
  });
});

describe('the faas view model', () => {
  it('gives 5-minute frames per region, a traffic matrix whose rows are shares, and the pools per hour', async () => {
    const m = (await buildLabView('faas', SMALL, 1)) as FaasViewModel;
    const R = m.regions.length;
    expect(m.frames).toBe(288);
    expect(m.received.length).toBe(m.frames * R);
    for (let f = 0; f < m.frames; f += 17)
      for (let a = 0; a < R; a++) {
        let row = 0;
        for (let b = 0; b < R; b++) row += m.matrix[(f * R + a) * R + b]!;
        expect(row === 0 || Math.abs(row - 1) < 1e-4).toBe(true);
      }
    expect(m.memoryGb.length).toBe(R * 24);
    expect(m.groupWorkers.length).toBe(R * m.groups);
    expect(m.downstream.sent.length).toBe(m.downstream.durationS);
  });
});

describe('sampled calls', () => {
  it('say where a call was received and ran and how long it waited, in words', () => {
    expect(durationText(45)).toBe('45 s');
    expect(durationText(720)).toBe('12 min');
    expect(durationText(13 * 3_600 + 20 * 60)).toBe('13 h 20 min');
    expect(clockText(6 * 3_600 + 45 * 60)).toBe('06:45');
    expect(clockText(-3_600)).toBe('23:00 yesterday');
    expect(clockText(86_400)).toBe('24:00');
    const regions = [{ id: 'prn' }, { id: 'odn' }] as FaasViewModel['regions'];
    const c = {
      ranS: 3_600,
      receivedS: -7_200,
      from: 0,
      to: 1,
      quota: 'opportunistic',
      trigger: 'queue',
      deadlineS: 43_200,
      critical: false,
      calls: 5,
    };
    expect(describeSample({ regions }, c)).toBe(
      'queue-triggered opportunistic function (deadline 12 h): received in prn, pulled by odn from its DurableQ; received 22:00 yesterday, ran 01:00 (waited 3 h)',
    );
    expect(describeSample({ regions }, { ...c, deadlineS: 60 })).toMatch(/after its deadline\)$/);
  });

  it('the view samples each region once per 15 minutes at a drawn step, each run no earlier than received', async () => {
    const small = { ...SMALL, stepS: '60' };
    const m = (await buildLabView('faas', small, 1)) as FaasViewModel;
    expect(m.samples.length).toBeGreaterThan(5 * 80);
    const windows = new Set<string>();
    for (const c of m.samples) {
      expect(c.ranS).toBeGreaterThanOrEqual(c.receivedS);
      const key = `${c.to}:${Math.floor(c.ranS / 900)}`;
      expect(windows.has(key)).toBe(false);
      windows.add(key);
    }
    // Drawn within the window, not pinned to its start (where the 5-minute timer spikes land).
    const offsets = new Set(m.samples.map((c) => c.ranS % 900));
    expect(offsets.size).toBeGreaterThan(5);
    expect(m.samples.filter((c) => c.ranS % 300 === 0).length).toBeLessThan(0.5 * m.samples.length);
    // Deterministic: the same seed draws the same calls.
    expect(((await buildLabView('faas', small, 1)) as FaasViewModel).samples).toEqual(m.samples);
  });
});
