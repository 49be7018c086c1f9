// tpu-routing: what a reconfigurable pod should do when an OCS fails: evict and re-wire (re-schedule) the
// jobs, or keep them running with fault-tolerant routing at the published 0.5–8.6% step-time slowdown.
import { defineExperiment } from '../experiments/types';
import type { ChartSpec, Result, RunContext } from '../experiments/types';
import { podWork } from './failuresExperiment';
import { PodSim } from './pod';
import type { OcsHandling, PodStats } from './pod';
import { sampleFailures, sampleJobs } from './failures';
import { failureParams, jobMixParams, mixOf, ratesOf, subCubeParams } from './simParams';
import { CHIPS, CHIPS_PER_CUBE } from './topology';
import { round } from '../kernel/numbers';

const params = {
  days: { kind: 'number', label: 'Simulated time', default: 365, min: 0.1, max: 3650, unit: 'days' },
  slowdownDensePct: {
    kind: 'number',
    label: 'Slowdown, dense models',
    help: 'Step-time slowdown with fault-tolerant routing; published low end 0.5% (Resiliency at Scale; docs/reference.md).',
    default: 0.5,
    min: 0,
    max: 100,
    unit: '%',
  },
  slowdownRecsysPct: {
    kind: 'number',
    label: 'Slowdown, recommendation models',
    help: 'All-to-all-heavy embedding models; published high end 8.6% (Resiliency at Scale; docs/reference.md).',
    default: 8.6,
    min: 0,
    max: 100,
    unit: '%',
  },
  ...failureParams,
  ...jobMixParams,
  ...subCubeParams,
  load: {
    ...jobMixParams.load,
    default: 1.5,
    help: 'Chip-hours of work arriving per pod chip-hour. Above 1 the queue never empties, so time the pod loses is never made up later and goodput shows it.',
  },
} as const;

const FAMILIES = ['dense', 'recsys'] as const;
const HANDLINGS: readonly OcsHandling[] = ['rewire', 'ft-routing'];

export const tpuRouting = defineExperiment({
  id: 'tpu-routing',
  title: 'After an OCS failure: re-wire (re-schedule) vs fault-tolerant routing',
  paper:
    'Zu et al., "Resiliency at Scale: Managing Google\'s TPUv4 Machine Learning Supercomputer", NSDI 2024',
  figure: '§5–6 (fault-tolerant routing: 0.5–8.6% step-time cost; reconfiguration vs routing)',
  description:
    'A reconfigurable pod runs the job mix over `days` with failures at the given rates. When an OCS failure is detected, either ' +
    '(re-wire) every running job is evicted, keeps its last checkpoint and is re-scheduled and re-wired once the switch is back, or ' +
    "(fault-tolerant routing) every job keeps running with libtpunet routing around the dark links, each step slower by the family's slowdown until the repair. " +
    'Only slices of a cube or more are touched: they are wired through the OCS (wrap-around links included); sub-cube slices (subCubePct of the jobs) use no optical link, keep running at full speed and, while the re-wire strategy waits for a switch, still start. ' +
    'Two model families take the ends of the published range: dense models (0.5%) and all-to-all-heavy recommendation models (8.6%); every job of a run belongs to the family. ' +
    'Machine and ICI cable failures are handled the same way in all runs (spare-cube swap + re-wire). Goodput = useful chip-hours / pod chip-hours. ' +
    'DEVIATION: every cube has one link per face on each of the 48 OCS, so re-wiring cannot avoid a failed switch: the re-wire strategy waits for its repair (ocsRepairHours, an assumption). ' +
    "At the published OCS rate (0.04%/day of 48 switches, about one failure per 52 days) the difference is small, which matches the paper's point that being able to reconfigure at all matters far more than fault-tolerant routing.",
  comparisonNote:
    'the paper publishes the slowdown range (an input here) and a qualitative ranking, not a goodput figure for either strategy.',
  params,
  work(p) {
    return podWork(
      { ...p, ftSlowdownPct: 0, defrag: true, staticOrientation: 'any' },
      FAMILIES.length * HANDLINGS.length,
    );
  },
  async run(p, ctx: RunContext) {
    const horizonH = p.days * 24;
    const mix = mixOf(p);
    const jobs = sampleJobs(ctx.rng.fork('jobs'), mix, horizonH);
    // Share of the offered chip-hours in sub-cube slices (no optical links: an OCS failure leaves them be).
    let subWork = 0;
    let allWork = 0;
    mix.sizes.forEach((chips, i) => {
      allWork += mix.weights[i]! * chips;
      if (chips < CHIPS_PER_CUBE) subWork += mix.weights[i]! * chips;
    });
    const f = allWork > 0 ? subWork / allWork : 0;
    const failures = sampleFailures(ctx.rng.fork('failures'), ratesOf(p), horizonH);
    const metrics: Record<string, number> = {};
    const rows: (string | number)[][] = [];
    const utilization = new Map<string, number>();
    const runs = FAMILIES.flatMap((fam) => HANDLINGS.map((h) => [fam, h] as const));
    for (let i = 0; i < runs.length; i++) {
      const [fam, handling] = runs[i]!;
      const slowdown = (fam === 'dense' ? p.slowdownDensePct : p.slowdownRecsysPct) / 100;
      const sim = new PodSim(
        {
          design: 'ocs',
          horizonH,
          detectH: p.detectMinutes / 60,
          restartH: p.restartMinutes / 60,
          checkpointH: p.checkpointHours,
          ocsHandling: handling,
          ftSlowdown: slowdown,
          defrag: false,
          drainAfterH: p.drainAfterHours,
        },
        jobs,
        failures,
      );
      const s: PodStats = await sim.run((f) => ctx.progress((i + f) / runs.length, `${fam}, ${handling}`));
      await ctx.progress((i + 1) / runs.length);
      const goodput = s.usefulChipHours / s.capacityChipHours;
      if (handling === 'ft-routing') utilization.set(fam, s.allocatedChipHours / s.capacityChipHours);
      metrics[`goodput.${handling}.${fam}`] = round(goodput);
      metrics[`jobs-interrupted-fraction.${handling}.${fam}`] = round(
        s.jobsStarted === 0 ? 0 : s.jobsInterrupted / s.jobsStarted,
      );
      rows.push([
        fam,
        handling,
        round(slowdown, 6),
        round(goodput),
        round(s.usefulChipHours, 3),
        round(s.hardwareLostChipHours, 3),
        s.jobsInterrupted,
        s.interruptions,
      ]);
    }
    for (const fam of FAMILIES) {
      metrics[`goodput-gain.ft-routing.${fam}`] = round(
        metrics[`goodput.ft-routing.${fam}`]! - metrics[`goodput.rewire.${fam}`]!,
      );
      // The same trade-off per OCS failure in expectation, free of scheduling noise (U = busy share of the pod,
      // f = sub-cube share of the offered chip-hours; ASSUMPTION: the busy chips split the same way): routing
      // loses U·(1-f)·4096·repair·s/(1+s); re-wiring idles all but the sub-cube slices for the repair and
      // loses every running optical slice's un-checkpointed half interval, detection and restart.
      const s = (fam === 'dense' ? p.slowdownDensePct : p.slowdownRecsysPct) / 100;
      const u = utilization.get(fam)!;
      metrics[`expected-loss-chip-hours-per-ocs-failure.ft-routing.${fam}`] = round(
        u * (1 - f) * CHIPS * p.ocsRepairHours * (s / (1 + s)),
        3,
      );
      metrics[`expected-loss-chip-hours-per-ocs-failure.rewire.${fam}`] = round(
        CHIPS * p.ocsRepairHours * (1 - u * f) +
          u * (1 - f) * CHIPS * (p.checkpointHours / 2 + p.detectMinutes / 60 + p.restartMinutes / 60),
        3,
      );
    }
    metrics['failures.ocs'] = failures.filter((f) => f.kind === 'ocs').length;
    return {
      metrics,
      tables: {
        strategies: {
          columns: [
            'family',
            'onOcsFailure',
            'slowdown',
            'goodput',
            'usefulChipHours',
            'hardwareLostChipHours',
            'jobsInterrupted',
            'interruptions',
          ],
          rows,
        },
      },
      comparisons: [],
    };
  },
  charts(result: Result): ChartSpec[] {
    const m = result.metrics;
    return [
      {
        kind: 'bar',
        title: 'Goodput after OCS failures: re-wire vs fault-tolerant routing',
        y: { label: 'useful share of pod chip-hours', format: 'percent' },
        stacked: false,
        categories: ['dense (0.5%)', 'recommendation (8.6%)'],
        segments: HANDLINGS.map((h) => ({
          name: h,
          values: FAMILIES.map((f) => m[`goodput.${h}.${f}`] ?? 0),
        })),
      },
    ];
  },
});
