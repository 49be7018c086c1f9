// The training-recovery lab's experiments: their metric names, analytic values and one-line errors.
import { describe, expect, it } from 'vitest';
import { runExperiment } from '../labs';
import { lostSeconds, replayTrace, schedules } from './recovery';
import { storageSeconds } from './setup';
import { checkpointSendSeconds, schemeTimeline } from './timeline';
import type { TrainSetup } from './setup';

const SETUP: TrainSetup = {
  machines: 16,
  paramsB: 100,
  layers: 80,
  tokensPerIter: 1048576,
  mfu: 0.4,
  storageGBps: 2.5,
};
const TRAFFIC = { replicas: 2, chunkBytesPerGpu: 128e6, gpuSpareBytes: 2e9 };

describe('train-recovery-probability', () => {
  it('names a metric per placement that applies, and omits group when m does not divide N', async () => {
    const r = await runExperiment(
      'train-recovery-probability',
      { machines: '16', replicas: '3', failures: '3', trials: '2000' },
      1,
    );
    expect(Object.keys(r.metrics).sort()).toEqual([
      'p-recover-mc.mixed',
      'p-recover-mc.ring',
      'p-recover.mixed',
      'p-recover.ring',
    ]);
    // A ring of 16 with m = 3 loses a shard for each of its 16 runs of 3 consecutive machines.
    expect(r.metrics['p-recover.ring']).toBeCloseTo(1 - 16 / 560, 9);
  });

  it('refuses m > N, k > N and m < 1 with a line naming the field', async () => {
    await expect(
      runExperiment('train-recovery-probability', { machines: '4', replicas: '5' }, 1),
    ).rejects.toThrow(/replicas.*at most machines/);
    await expect(
      runExperiment('train-recovery-probability', { machines: '4', failures: '6' }, 1),
    ).rejects.toThrow(/failures.*at most machines/);
    await expect(runExperiment('train-recovery-probability', { replicas: '0' }, 1)).rejects.toThrow(
      /replicas/,
    );
  });
});

describe('train-interleaving', () => {
  it('blocking stalls by exactly the send time; interleaving hides it in the gaps; naive needs the whole shard', async () => {
    const r = await runExperiment('train-interleaving', {}, 1);
    const base = r.metrics['iteration-seconds.no-checkpoint']!;
    expect(r.metrics['iteration-slowdown.blocking']).toBeCloseTo(
      r.metrics['checkpoint-send-seconds']! / base,
      5,
    );
    expect(r.metrics['link-idle-seconds']!).toBeGreaterThan(r.metrics['checkpoint-send-seconds']!);
    expect(r.metrics['iteration-slowdown.interleaved']).toBe(0);
    // 1.2 TB of states over 16 machines is a 75 GB shard, 9.375 GB per receiving GPU: over 2 GB spare.
    expect(r.metrics['shard-gb']).toBe(75);
    expect(r.metrics['gpu-buffer-gb.naive']).toBe(9.375);
    expect(r.metrics['oom.naive']).toBe(1);
    expect(r.metrics['oom.interleaved']).toBe(0);
  });

  it('spreads a checkpoint over more iterations when the gaps are too short, and blocks when no chunk fits', () => {
    // Fewer tokens per iteration: less compute per layer, so shorter idle gaps on the link.
    const tight = { ...SETUP, tokensPerIter: 400_000 };
    const spread = schemeTimeline(tight, { ...TRAFFIC, replicas: 8 }, 'interleaved');
    expect(spread.iterationsPerCheckpoint).toBeGreaterThan(1);
    expect(spread.iterationS).toBeCloseTo(spread.baselineS, 9);
    const huge = schemeTimeline(SETUP, { ...TRAFFIC, chunkBytesPerGpu: 40e9 }, 'interleaved');
    expect(huge.iterationS - huge.baselineS).toBeCloseTo(checkpointSendSeconds(SETUP, 2), 9);
  });
});

describe('train-wasted-time', () => {
  it('loses the progress since the start of the last complete checkpoint', () => {
    const sched = { intervalS: 480, lagS: 480, stallS: 0 };
    expect(lostSeconds(100, sched)).toBe(100); // nothing complete yet but the resumed state
    expect(lostSeconds(1000, sched)).toBe(520); // checkpoint from 480 s completed at 960 s
    expect(lostSeconds(950, sched)).toBe(950); // …but not yet at 950 s
  });

  it('replays a failure: lost work plus detection, replacement, retrieval and restart', () => {
    const holders = Array.from({ length: 16 }, (_, i) => [i, i ^ 1]);
    const it40 = {
      ...schemeTimeline(SETUP, TRAFFIC, 'interleaved'),
      iterationS: 40,
      baselineS: 40,
      iterationsPerCheckpoint: 1,
    };
    const sched = schedules(SETUP, it40, 1e-4);
    const times = { detectS: 30, replaceS: 300, restartS: 120 };
    const hw = [{ atS: 1000, kind: 'hardware' as const, machines: [3] }];
    const high = replayTrace(SETUP, 'highfreq', hw, holders, sched.highfreq, times, 86400);
    expect(high.failures[0]).toMatchObject({
      source: 'storage',
      lostS: 520,
      downS: 30 + 300 + storageSeconds(SETUP) + 120,
    });
    const gem = replayTrace(SETUP, 'gemini', hw, holders, sched.gemini, times, 86400);
    expect(gem.failures[0]).toMatchObject({ source: 'peer', lostS: 40 }); // checkpoint of 920 s done at 960 s
    // Both replicas of shard 3 (machines 2 and 3) gone: back to storage.
    const both = replayTrace(
      SETUP,
      'gemini',
      [{ ...hw[0]!, machines: [2, 3] }],
      holders,
      sched.gemini,
      times,
      86400,
    );
    expect(both.failures[0]!.source).toBe('storage');
  });

  it('matches Gemini §2 on average: lost ≈ t_ckpt + 1/(2f) per failure over many failures', async () => {
    const r = await runExperiment(
      'train-wasted-time',
      {
        days: '3650',
        machines: '64',
        softwarePerMachineDay: '0',
        replaceS: '0',
        detectS: '0',
        restartS: '0',
      },
      1,
    );
    const n = r.metrics.failures!;
    expect(n).toBeGreaterThan(1500);
    const row = r.tables.policies!.rows.find((x) => x[0] === 'highfreq')!;
    const expected = storageSeconds({ ...SETUP, machines: 64 }) * 1.5; // lag 480 s + interval 480 s / 2
    expect(
      Math.abs(Number(row[r.tables.policies!.columns.indexOf('mean lost s')]) - expected) / expected,
    ).toBeLessThan(0.05);
    expect(r.metrics['wasted-hours.strawman']!).toBeGreaterThan(r.metrics['wasted-hours.highfreq']!);
    expect(r.metrics['wasted-hours.highfreq']!).toBeGreaterThan(r.metrics['wasted-hours.gemini']!);
  });

  it('counts Gemini’s stalls when interleaving cannot hide the traffic, at Young’s interval', async () => {
    // 64 machines, 8 replicas: the link has no idle gap that fits a chunk, so checkpoints block.
    const args = { machines: '64', replicas: '8' };
    const inter = await runExperiment('train-interleaving', args, 1);
    expect(inter.metrics['iteration-slowdown.interleaved']!).toBeGreaterThan(0);
    const r = await runExperiment('train-wasted-time', args, 1);
    const stallH = r.metrics['stall-hours.gemini']!;
    expect(stallH).toBeGreaterThan(0);
    expect(r.metrics['stall-hours.highfreq']).toBe(0);
    // Young: interval ≈ sqrt(2 · stall · MTBF); stall per checkpoint = slowdown × iteration.
    const t = inter.metrics['iteration-seconds.no-checkpoint']!;
    const stall = inter.metrics['iteration-slowdown.interleaved']! * t;
    const mtbf = 86400 / (64 * 2 * 0.0074);
    const interval = r.metrics['checkpoint-interval-s.gemini']!;
    expect(Math.abs(interval - stall - Math.sqrt(2 * stall * mtbf))).toBeLessThanOrEqual(t / 2 + 1e-6);
    // The stalls are in gemini's wasted hours: 30 days / interval checkpoints of `stall` seconds each.
    expect(stallH).toBeCloseTo((30 * 86400 * stall) / interval / 3600, 2);
  });

  it('refuses replicas whose shards do not fit a machine’s CPU memory', async () => {
    // 200B params × 12 B = 2.4 TB; 16 replicas of a 150 GB shard = 2.4 TB per machine > 1237 GB.
    await expect(runExperiment('train-interleaving', { paramsB: '200', replicas: '16' }, 1)).rejects.toThrow(
      /replicas.*exceeds its 1237 GB of CPU memory/,
    );
  });

  it('refuses group placement when replicas do not divide machines', async () => {
    await expect(
      runExperiment('train-wasted-time', { machines: '15', replicas: '2', placement: 'group' }, 1),
    ).rejects.toThrow(/placement.*ring or mixed/);
  });
});
