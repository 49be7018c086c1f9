// The share of jobs that hardware failures interrupt: worked out from the mix and the rates, and what the
// pod simulator measures on the same mix (the mechanism: a failure interrupts only the slice that
// depends on the failed machine or cable; an OCS failure, routed around, interrupts none).
import { describe, expect, it } from 'vitest';
import { Rng } from '../kernel/rng';
import { ParamError } from '../experiments/errors';
import { runExperiment } from '../labs';
import { PodSim, interruptedAmong } from './pod';
import type { PodStats } from './pod';
import { testPodConfig } from './testConfig';
import {
  PUBLISHED_DAILY_RATES,
  expectedInterruptedFraction,
  interruptRatePerHour,
  sampleFailures,
  sampleJobs,
} from './failures';
import type { FailureRates, JobMix } from './failures';
import { jobMixParams, mixOf, subCubeParams } from './simParams';

const CONFIG = testPodConfig('ocs', 2000, { defrag: false });

/** The published machine and cable rates times 20 (short repairs), so 2000 h see hundreds of interruptions. */
const RATES: FailureRates = {
  machinePerDay: PUBLISHED_DAILY_RATES.machine * 20,
  cablePerDay: PUBLISHED_DAILY_RATES.cable * 20,
  ocsPerDay: 0,
  machineRepairHours: 2,
  cableRepairHours: 2,
  ocsRepairHours: 2,
};

const MIXED: JobMix = {
  sizes: [4, 8, 16, 32, 64, 256],
  weights: [1, 1, 1, 1, 2, 2],
  meanHours: 4,
  highPriorityFraction: 0.3,
  load: 0.5,
};

const interrupted = interruptedAmong;

async function simulate(mix: JobMix, rates: FailureRates, seed: number): Promise<PodStats> {
  const rng = new Rng(seed);
  const jobs = sampleJobs(rng.fork('jobs'), mix, CONFIG.horizonH);
  const failures = sampleFailures(rng.fork('failures'), rates, CONFIG.horizonH);
  return new PodSim(CONFIG, jobs, failures).run();
}

describe('jobs interrupted by hardware', () => {
  it('a slice fails at its machines x machine rate + its cables x cable rate', () => {
    const perDay = (chips: number) => interruptRatePerHour(chips, RATES) * 24;
    const { machinePerDay: m, cablePerDay: c } = RATES;
    expect(perDay(64)).toBeCloseTo(16 * m + 80 * c, 12);
    expect(perDay(1024)).toBeCloseTo(16 * (16 * m + 80 * c), 12);
    expect(perDay(4)).toBeCloseTo(m, 12);
    expect(perDay(32)).toBeCloseTo(8 * m + 32 * c, 12);
  });

  it('the expected share is λ·E[T] per size while small, and mix-weighted', () => {
    const tiny = { ...RATES, machinePerDay: 1e-7, cablePerDay: 1e-8 };
    const e = expectedInterruptedFraction(MIXED, tiny);
    for (const chips of MIXED.sizes)
      expect(e.bySize.get(chips)! / (interruptRatePerHour(chips, tiny) * MIXED.meanHours)).toBeCloseTo(1, 4);
    const w = MIXED.weights.reduce((a, b) => a + b, 0);
    const mean = MIXED.sizes.reduce((a, chips, i) => a + (MIXED.weights[i]! * e.bySize.get(chips)!) / w, 0);
    expect(e.overall).toBeCloseTo(mean, 12);
    // A failure near the end of a job is detected too late to interrupt it: a detection delay lowers it.
    expect(expectedInterruptedFraction(MIXED, RATES, 1).overall).toBeLessThan(
      expectedInterruptedFraction(MIXED, RATES).overall,
    );
  });

  it('the simulator interrupts as many jobs as the rates and the mix predict, per kind of slice', async () => {
    const s = await simulate(MIXED, RATES, 1);
    const e = expectedInterruptedFraction(MIXED, RATES, CONFIG.detectH);
    const expectedOf = (keep: (c: number) => boolean) => {
      let w = 0;
      let p = 0;
      MIXED.sizes.forEach((chips, i) => {
        if (!keep(chips)) return;
        w += MIXED.weights[i]!;
        p += MIXED.weights[i]! * e.bySize.get(chips)!;
      });
      return p / w;
    };
    const cube = interrupted(s, (c) => c >= 64);
    const sub = interrupted(s, (c) => c < 64);
    // Measured / expected: cube slices see ~600 interruptions here (±4% noise), sub-cube slices ~60 (±13%).
    const within = (ratio: number, tol: number) => expect(Math.abs(ratio - 1)).toBeLessThan(tol);
    expect(cube.interrupted).toBeGreaterThan(300);
    within(cube.interrupted / cube.started / expectedOf((c) => c >= 64), 0.1);
    within(sub.interrupted / sub.started / expectedOf((c) => c < 64), 0.35);
    within(s.jobsInterrupted / s.jobsStarted / e.overall, 0.1);
    // A sub-cube slice is hit by its own machines only, not by every failure in its cube.
    expect(sub.interrupted / sub.started).toBeLessThan(cube.interrupted / cube.started / 4);
  });

  it('an OCS failure routed around slows the optical slices and interrupts none', async () => {
    const ocsOnly = { ...RATES, machinePerDay: 0, cablePerDay: 0, ocsPerDay: 0.5 };
    const s = await simulate(MIXED, ocsOnly, 2);
    expect(s.jobsInterrupted).toBe(0);
    expect(interrupted(s, () => true).interrupted).toBe(0);
    let slowedCube = 0;
    for (const [chips, b] of s.bySize) {
      if (chips < 64) expect(b.slowed).toBe(0);
      else slowedCube += b.slowed;
    }
    expect(slowedCube).toBeGreaterThan(0);
    expect(s.jobsSlowed).toBe(slowedCube);
  });
});

describe('job mix parameters', () => {
  const base = {
    sliceChips: jobMixParams.sliceChips.default,
    sliceWeights: jobMixParams.sliceWeights.default,
    meanJobHours: 8,
    highPriorityPct: 30,
    drainAfterHours: 6,
    load: 0.8,
  };

  it('without sub-cube jobs the mix is exactly the cube-granular one', () => {
    expect(mixOf(base).sizes).toEqual(base.sliceChips);
    expect(mixOf({ ...base, subCubePct: 0, subCubeChips: [4] }).weights).toEqual(base.sliceWeights);
  });

  it('sub-cube jobs take their share, split equally over their sizes', () => {
    const mix = mixOf({ ...base, subCubePct: 50, subCubeChips: subCubeParams.subCubeChips.default });
    expect(mix.sizes).toEqual([4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048]);
    expect(mix.weights.slice(0, 4)).toEqual([0.125, 0.125, 0.125, 0.125]);
    expect(mix.weights.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(mix.weights[4]! / mix.weights[5]!).toBeCloseTo(35 / 25, 12);
  });

  it('names the field of a size it does not model', async () => {
    await expect(runExperiment('tpu-failures', { days: 1, subCubeChips: '12' }, 1)).rejects.toThrow(
      ParamError,
    );
    await expect(runExperiment('tpu-failures', { days: 1, subCubeChips: '12' }, 1)).rejects.toThrow(
      /subCubeChips/,
    );
    await expect(runExperiment('tpu-failures', { days: 1, sliceWeights: '1,2' }, 1)).rejects.toThrow(
      /sliceWeights/,
    );
  });
});
