// The pod simulator's invariants under random job mixes and failure traces, for both designs.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Rng } from '../kernel/rng';
import { PodSim } from './pod';
import type { Design, PodLogEvent } from './pod';
import { testPodConfig } from './testConfig';
import { PUBLISHED_DAILY_RATES, sampleFailures, sampleJobs } from './failures';
import type { FailureEvent, JobMix } from './failures';
import { cableMachines } from './subcube';

const MIX: JobMix = {
  sizes: [64, 128, 256, 512, 1024],
  weights: [40, 20, 20, 10, 10],
  meanHours: 4,
  highPriorityFraction: 0.3,
  load: 0.9,
};

/** The same with sub-cube slices (half the jobs), which share cubes machine by machine. */
const MIX_SUB: JobMix = {
  ...MIX,
  sizes: [4, 8, 16, 32, ...MIX.sizes],
  weights: [25, 25, 25, 25, ...MIX.weights],
};

const config = (design: Design, horizonH: number) => testPodConfig(design, horizonH);

/** Failure rates scaled up 50x so a short run sees many failures. */
const HEAVY = {
  machinePerDay: PUBLISHED_DAILY_RATES.machine * 50,
  cablePerDay: PUBLISHED_DAILY_RATES.cable * 50,
  ocsPerDay: PUBLISHED_DAILY_RATES.ocs * 50,
  machineRepairHours: 12,
  cableRepairHours: 12,
  ocsRepairHours: 4,
};

/** One 256-chip job (4x8x8) of 10 hours' work, arriving at once: the failure-flow tests' job. */
const job = { id: 0, arrivalH: 0, chips: 256, shape: [4, 8, 8] as const, workH: 10, priority: 0 as const };

describe('pod simulator', () => {
  it('never gives a cube or machine to two jobs, starts jobs only on free known-healthy hardware, keeps port maps valid', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1e6 }),
        fc.constantFrom<Design>('static', 'ocs'),
        fc.constantFrom(MIX, MIX_SUB),
        (seed, design, mix) => {
          const rng = new Rng(seed);
          const horizonH = 48;
          const jobs = sampleJobs(rng.fork('jobs'), mix, horizonH);
          const failures = sampleFailures(rng.fork('failures'), HEAVY, horizonH);
          let sim: PodSim | null = null;
          const log = (e: PodLogEvent) => {
            if (e.kind === 'start' || e.kind === 'rewire') {
              const cubes = e.kind === 'start' ? e.cubes : e.to;
              for (const c of cubes) expect(sim!.cubeBad[c]).toBe(0);
            }
            if (e.kind === 'start' && e.machines) {
              const inside = new Set(e.machines);
              for (const m of e.machines) expect(sim!.machineBad[m]).toBe(0);
              const ends = cableMachines();
              for (let c = 0; c < sim!.cableBad.length; c++)
                if (sim!.cableBad[c] && inside.has(ends[2 * c]!) && inside.has(ends[2 * c + 1]!))
                  throw new Error(`sub-cube slice started across failed cable ${c}`);
            }
          };
          sim = new PodSim(config(design, horizonH), jobs, failures, log);
          let steps = 0;
          while (sim.stepOne() && steps++ < 5000) sim.checkInvariants();
        },
      ),
      { numRuns: 16 },
    );
  });

  it('a detected machine failure evicts the job and the OCS pod re-wires it onto a spare cube', async () => {
    const fail: FailureEvent = { timeH: 2.5, kind: 'machine', target: 0, repairH: 24 };
    const events: PodLogEvent[] = [];
    const sim = new PodSim(config('ocs', 48), [job], [fail], (e) => events.push(e));
    const stats = await sim.run();
    const kinds = events.map((e) => e.kind);
    expect(kinds).toEqual(['start', 'fail', 'detect', 'evict', 'rewire', 'finish', 'repair']);
    const rewire = events.find((e) => e.kind === 'rewire')!;
    if (rewire.kind !== 'rewire') throw new Error('unreachable');
    expect(rewire.from).toContain(0);
    expect(rewire.to).not.toContain(0);
    // Only the hops touching the replaced cube change: 6 hops (3 out, 3 in) x 16 links at most.
    expect(rewire.xconnects).toBeGreaterThan(0);
    expect(rewire.xconnects).toBeLessThanOrEqual(6 * 16);
    expect(stats.jobsInterrupted).toBe(1);
    // Checkpoint every hour: 2 h kept, 0.5 h + detection lost; restart costs 10 min.
    expect(stats.usefulChipHours).toBeCloseTo(10 * 256, 6);
    expect(stats.recoverHoursSum).toBeCloseTo(5 / 60 + 10 / 60, 9);
  });

  it('a static pod must move the whole slice to a new contiguous block', async () => {
    const fail: FailureEvent = { timeH: 1.5, kind: 'machine', target: 0, repairH: 24 };
    const events: PodLogEvent[] = [];
    await new PodSim(config('static', 24), [job], [fail], (e) => events.push(e)).run();
    const starts = events.filter((e) => e.kind === 'start');
    expect(starts).toHaveLength(2);
    const second = starts[1]!;
    if (second.kind !== 'start') throw new Error('unreachable');
    expect(second.cubes).not.toContain(0);
    expect(events.some((e) => e.kind === 'rewire')).toBe(false);
  });

  it('with fault-tolerant routing an OCS failure slows jobs instead of evicting them', async () => {
    const job = { id: 0, arrivalH: 0, chips: 64, shape: [4, 4, 4] as const, workH: 10, priority: 0 as const };
    const fail: FailureEvent = { timeH: 1, kind: 'ocs', target: 3, repairH: 2 };
    const sim = new PodSim(config('ocs', 24), [job], [fail]);
    const stats = await sim.run();
    expect(stats.jobsInterrupted).toBe(0);
    expect(stats.jobsFinished).toBe(1);
    // 2 h at 1/1.05 speed: the job takes 2 * 0.05 / 1.05 h longer than its work.
    expect(stats.allocatedChipHours / 64).toBeCloseTo(10 + (2 * 0.05) / 1.05, 6);
  });

  it('re-wiring around a failed OCS evicts every running job until the switch is back', async () => {
    const job = { id: 0, arrivalH: 0, chips: 64, shape: [4, 4, 4] as const, workH: 10, priority: 0 as const };
    const fail: FailureEvent = { timeH: 1, kind: 'ocs', target: 3, repairH: 2 };
    const cfg = { ...config('ocs', 24), ocsHandling: 'rewire' as const };
    const stats = await new PodSim(cfg, [job], [fail]).run();
    expect(stats.jobsInterrupted).toBe(1);
    expect(stats.recoverHoursSum).toBeCloseTo(5 / 60 + 2 + 10 / 60, 6);
  });

  it('runs the same inputs to the same statistics', async () => {
    const rng = new Rng(9);
    const jobs = sampleJobs(rng.fork('jobs'), MIX, 72);
    const failures = sampleFailures(rng.fork('failures'), HEAVY, 72);
    const a = await new PodSim(config('ocs', 72), jobs, failures).run();
    const b = await new PodSim(config('ocs', 72), jobs, failures).run();
    expect(a).toEqual(b);
  });
});
