// tpu-failures: a pod run over `days` with a job mix and failures at the published daily rates, once as a
// static pod and once as a reconfigurable (OCS) pod on the same arrivals and failures; goodput, interrupted
// jobs (measured and worked out from the mix), system availability, xconnects per job and time to recover.
import { defineExperiment } from '../experiments/types';
import type { ChartSpec, ParamsOf, Result, RunContext, WorkEstimate } from '../experiments/types';
import { PodSim, interruptedAmong } from './pod';
import type { Design, PodStats } from './pod';
import type { FailureEvent } from './failures';
import {
  expectedInterruptedFraction,
  interruptRatePerHour,
  sampleFailures,
  sampleJobs,
  shapeForChips,
} from './failures';
import { failureParams, jobMixParams, mixOf, ratesOf, subCubeParams } from './simParams';
import { STATIC_ORIENTATIONS, shapeName } from './slices';
import type { StaticOrientation } from './slices';
import { systemAvailability } from './systemAvailability';
import { CHIPS, CHIPS_PER_CUBE, MACHINES, OCS_COUNT, iciCables } from './topology';
import { round } from '../kernel/numbers';

const params = {
  days: { kind: 'number', label: 'Simulated time', default: 30, min: 0.1, max: 3650, unit: 'days' },
  ...failureParams,
  ftSlowdownPct: {
    advanced: true,
    kind: 'number',
    label: 'Slowdown with fault-tolerant routing',
    help: 'While an OCS is down, OCS-pod slices with optical links (a cube or more) keep running this much slower (published range 0.5–8.6%; midpoint by default).',
    default: 4.55,
    min: 0,
    max: 100,
    unit: '%',
  },
  defrag: {
    kind: 'boolean',
    label: 'Defragment the static pod',
    help: 'Repack running jobs (planned migration) when the head job fits nowhere but enough cubes are free.',
    default: true,
  },
  staticOrientation: {
    kind: 'enum',
    label: 'Static slice orientation',
    help: "How the static pod may lay a slice: 'any' axis order (default here) or 'fixed' as named (tpu-availability's default). Neither reference says which.",
    default: 'any',
    options: STATIC_ORIENTATIONS,
  },
  checkpoint: {
    kind: 'enum',
    label: 'Checkpoints',
    help: "'storage': remote storage every checkpointHours, restored in restartMinutes (the default). 'in-memory': Gemini-style (SOSP'23) checkpoints in other hosts' CPU memory every inMemoryCheckpointMinutes, restored in inMemoryRestartMinutes. Same failure trace either way.",
    default: 'storage',
    options: ['storage', 'in-memory'],
  },
  inMemoryCheckpointMinutes: {
    advanced: true,
    kind: 'number',
    label: 'In-memory checkpoint interval',
    help: 'Gemini checkpoints every iteration; ASSUMPTION: one minute covers a TPU job’s many-second steps plus the traffic to peers.',
    default: 1,
    min: 0.01,
    max: 6000,
    unit: 'min',
  },
  inMemoryRestartMinutes: {
    advanced: true,
    kind: 'number',
    label: 'In-memory restore and restart',
    help: 'Re-initialise and load from a surviving host replica instead of storage. ASSUMPTION: 2 min.',
    default: 2,
    min: 0,
    max: 1440,
    unit: 'min',
  },
  ...jobMixParams,
  ...subCubeParams,
} as const;

/**
 * What a restart costs and how much progress an interruption keeps under each checkpoint mode. In memory,
 * a restart restores from another host's CPU memory (Gemini §3.2). DEVIATION: a replica always survives,
 * since every failure event here takes down one component; two hosts of one replica group failing
 * together would fall back to storage.
 */
function checkpointing(p: Params): { restartH: number; checkpointH: number } {
  return p.checkpoint === 'in-memory'
    ? { restartH: p.inMemoryRestartMinutes / 60, checkpointH: p.inMemoryCheckpointMinutes / 60 }
    : { restartH: p.restartMinutes / 60, checkpointH: p.checkpointHours };
}

function summary(s: PodStats) {
  return {
    goodput: s.usefulChipHours / s.capacityChipHours,
    utilization: s.allocatedChipHours / s.capacityChipHours,
    interruptedFraction: s.jobsStarted === 0 ? 0 : s.jobsInterrupted / s.jobsStarted,
    slowedFraction: s.jobsStarted === 0 ? 0 : s.jobsSlowed / s.jobsStarted,
    // A goodput figure, not an availability: the share of allocated chip-hours not lost to hardware.
    allocatedGoodput: s.allocatedChipHours === 0 ? 1 : 1 - s.hardwareLostChipHours / s.allocatedChipHours,
    mttrH: s.recoveries === 0 ? 0 : s.recoverHoursSum / s.recoveries,
    xconnectsPerJob: s.jobsStarted === 0 ? 0 : s.xconnects / s.jobsStarted,
  };
}

/** Interrupted / started among the sizes `keep` selects (0 when none started). */
function fractionOf(s: PodStats, keep: (chips: number) => boolean): number {
  const n = interruptedAmong(s, keep);
  return n.started === 0 ? 0 : n.interrupted / n.started;
}

type Params = ParamsOf<typeof params>;

/** One run's inputs and outcomes: both pods on the same jobs and failures, and what the mix predicts. */
interface PodRuns {
  mix: ReturnType<typeof mixOf>;
  rates: ReturnType<typeof ratesOf>;
  failures: FailureEvent[];
  stats: Record<Design, PodStats>;
  expected: ReturnType<typeof expectedInterruptedFraction>;
  expectedCubeOnly: ReturnType<typeof expectedInterruptedFraction>;
  avail: Record<Design, ReturnType<typeof systemAvailability>>;
}

/** The static and the OCS pod on one job mix and one failure trace, and the figures worked out from the mix. */
async function simulatePods(p: Params, ctx: RunContext): Promise<PodRuns> {
  const horizonH = p.days * 24;
  const mix = mixOf(p);
  const rates = ratesOf(p);
  const detectH = p.detectMinutes / 60;
  const jobs = sampleJobs(ctx.rng.fork('jobs'), mix, horizonH);
  const failures = sampleFailures(ctx.rng.fork('failures'), rates, horizonH);
  const staticOrientation = p.staticOrientation as StaticOrientation;
  const designs: Design[] = ['static', 'ocs'];
  const stats: Record<Design, PodStats> = {} as Record<Design, PodStats>;
  for (let i = 0; i < designs.length; i++) {
    const design = designs[i]!;
    const sim = new PodSim(
      {
        design,
        horizonH,
        detectH,
        ...checkpointing(p),
        ocsHandling: 'ft-routing',
        ftSlowdown: p.ftSlowdownPct / 100,
        defrag: p.defrag,
        drainAfterH: p.drainAfterHours,
        staticOrientation,
      },
      jobs,
      failures,
    );
    stats[design] = await sim.run((f) => ctx.progress((i + f) / designs.length, `${design} pod`));
    await ctx.progress((i + 1) / designs.length);
  }
  return {
    mix,
    rates,
    failures,
    stats,
    expected: expectedInterruptedFraction(mix, rates, detectH),
    // The same with no sub-cube jobs: how much of the comparison rests on the assumed sub-cube share.
    expectedCubeOnly: expectedInterruptedFraction(mixOf({ ...p, subCubePct: 0 }), rates, detectH),
    avail: {
      static: systemAvailability(failures, {
        design: 'static',
        horizonH,
        detectH,
        ...mix,
        staticOrientation,
      }),
      ocs: systemAvailability(failures, { design: 'ocs', horizonH, detectH, ...mix }),
    },
  };
}

function failureMetrics({ stats, expected, avail, failures }: PodRuns): Record<string, number> {
  const st = summary(stats.static);
  const oc = summary(stats.ocs);
  return {
    'jobs-interrupted-fraction': round(oc.interruptedFraction),
    'jobs-interrupted-fraction.expected': round(expected.overall),
    'jobs-interrupted-fraction.static': round(st.interruptedFraction),
    'jobs-interrupted-fraction.cube-slices': round(fractionOf(stats.ocs, (c) => c >= CHIPS_PER_CUBE)),
    'jobs-interrupted-fraction.sub-cube-slices': round(fractionOf(stats.ocs, (c) => c < CHIPS_PER_CUBE)),
    'jobs-slowed-fraction': round(oc.slowedFraction),
    'system-availability.ocs': round(avail.ocs.system, 8),
    'system-availability.static': round(avail.static.system, 8),
    'cube-availability': round(avail.ocs.cube, 8),
    'host-availability': round(avail.ocs.host, 8),
    'goodput.static': round(st.goodput),
    'goodput.ocs': round(oc.goodput),
    'allocated-goodput.ocs': round(oc.allocatedGoodput, 8),
    'allocated-goodput.static': round(st.allocatedGoodput, 8),
    'xconnects-per-job': round(oc.xconnectsPerJob),
    'mean-time-to-recover-hours': round(oc.mttrH),
    'mean-time-to-recover-hours.static': round(st.mttrH),
    'utilization.static': round(st.utilization),
    'utilization.ocs': round(oc.utilization),
    'jobs.arrived': stats.ocs.jobsArrived,
    'failures.machine': failures.filter((f) => f.kind === 'machine').length,
    'failures.cable': failures.filter((f) => f.kind === 'cable').length,
    'failures.ocs': failures.filter((f) => f.kind === 'ocs').length,
    'migrations.static': stats.static.migrations,
  };
}

const DESIGN_COLUMNS = [
  'design',
  'jobsArrived',
  'jobsStarted',
  'jobsFinished',
  'jobsInterrupted',
  'interruptions',
  'interruptedFraction',
  'jobsSlowed',
  'usefulChipHours',
  'allocatedChipHours',
  'hardwareLostChipHours',
  'goodput',
  'allocatedGoodput',
  'systemAvailability',
  'recoveries',
  'unrecovered',
  'meanTimeToRecoverH',
  'xconnects',
  'migrations',
];

function designRow({ stats, avail }: PodRuns, d: Design): (string | number)[] {
  const s = stats[d];
  const m = summary(s);
  return [
    d,
    s.jobsArrived,
    s.jobsStarted,
    s.jobsFinished,
    s.jobsInterrupted,
    s.interruptions,
    round(m.interruptedFraction),
    s.jobsSlowed,
    round(s.usefulChipHours, 3),
    round(s.allocatedChipHours, 3),
    round(s.hardwareLostChipHours, 3),
    round(m.goodput),
    round(m.allocatedGoodput, 8),
    round(avail[d].system, 8),
    s.recoveries,
    s.unrecovered,
    round(m.mttrH),
    s.xconnects,
    s.migrations,
  ];
}

const SIZE_COLUMNS = [
  'chips',
  'shape',
  'shareOfJobs',
  'interruptsPerDay',
  'started',
  'interrupted',
  'interruptedFraction',
  'expectedFraction',
  'shareOfExpectedInterruptions',
  'slowed',
  'availabilityStatic',
  'availabilityOcs',
];

/** Per slice size: its share of the mix, its interrupt rate, the measured and the expected fraction. */
function sizeRows({ mix, rates, stats, expected, avail }: PodRuns): (string | number)[][] {
  const weightTotal = mix.weights.reduce((a, b) => a + b, 0);
  const expectedHits = mix.sizes.map((c, i) => mix.weights[i]! * expected.bySize.get(c)!);
  const expectedHitsTotal = expectedHits.reduce((a, b) => a + b, 0);
  return mix.sizes.map((chips, i) => {
    const b = stats.ocs.bySize.get(chips) ?? { started: 0, interrupted: 0, slowed: 0 };
    return [
      chips,
      shapeName(shapeForChips(chips)!),
      round(mix.weights[i]! / weightTotal),
      round(interruptRatePerHour(chips, rates) * 24, 8),
      b.started,
      b.interrupted,
      round(b.started === 0 ? 0 : b.interrupted / b.started),
      round(expected.bySize.get(chips)!),
      round(expectedHitsTotal === 0 ? 0 : expectedHits[i]! / expectedHitsTotal),
      b.slowed,
      round(avail.static.bySize.get(chips)!, 8),
      round(avail.ocs.bySize.get(chips)!, 8),
    ];
  });
}

/** Microseconds per pod event (a job arriving or ending, a failure or repair) of PodSim (bench/work.bench.ts). */
const POD_EVENT_US = 5;
const ICI_CABLES = iciCables().length;

/**
 * The work of `runs` pod simulations over the same jobs and failures: every job arrives and ends, every
 * component failure is detected and repaired (expected counts from the mix and the daily rates).
 */
export function podWork<
  P extends ParamsOf<typeof failureParams> &
    ParamsOf<typeof jobMixParams> &
    Partial<ParamsOf<typeof subCubeParams>> & { days: number },
>(p: P, runs: number): WorkEstimate {
  const mix = mixOf(p);
  let weight = 0;
  let chips = 0;
  mix.sizes.forEach((s, i) => {
    weight += mix.weights[i]!;
    chips += s * mix.weights[i]!;
  });
  const jobsPerH = weight > 0 && chips > 0 ? (p.load * CHIPS * weight) / (chips * p.meanJobHours) : 0;
  const rates = ratesOf(p);
  const failuresPerDay =
    MACHINES * rates.machinePerDay + ICI_CABLES * rates.cablePerDay + OCS_COUNT * rates.ocsPerDay;
  const events = p.days * (24 * jobsPerH * 2 + failuresPerDay * 2);
  return {
    // The fixed part (pod set-up, the analytic availability) costs about 40,000 events.
    units: events * runs + 40_000,
    what: 'pod events',
    formula: `${p.days} days × ${Math.round(events / p.days).toLocaleString('en-US')} events/day × ${runs} pods`,
    unitCostUs: POD_EVENT_US,
    lower: 'days, load, or the failure rates',
  };
}

export const tpuFailures = defineExperiment({
  id: 'tpu-failures',
  title: 'Failures over time: goodput of a static vs a reconfigurable TPU v4 pod',
  paper:
    'Zu et al., "Resiliency at Scale: Managing Google\'s TPUv4 Machine Learning Supercomputer", NSDI 2024',
  figure: '§5–6 (failure handling flows; daily failure rates; share of jobs hit by outages; availability)',
  description:
    'One job mix (Poisson arrivals at the offered load, slice sizes by weight, lognormal run times, two priorities) and one failure trace ' +
    '(machines, inter-machine ICI cables and OCS failing at the given daily rates, exponential repairs) drive two pods. ' +
    'Slices of 64 chips or more hold whole cubes joined through the OCS; sub-cube slices (subCubePct of the jobs: 4, 8, 16 or 32 chips) hold an aligned block of 1, 2, 4 or 8 machines inside one cube, use no optical link and are placed the same way in both pods. ' +
    'Failure flow: a component fails → after the detection delay the Pod Manager marks it → the job using it is evicted, keeping the progress of its last checkpoint → ' +
    'OCS pod: its bad cube is swapped for a spare healthy free cube and only the changed xconnects are re-programmed; static pod: it needs a new contiguous block (queued until one is free); a sub-cube slice moves to any healthy free block. ' +
    'A machine or cable failure makes its whole cube unusable for cube-granular slices until repair; for sub-cube slices only its own machine (or the two machines of the cable). ' +
    'OCS failures: a static pod has none; OCS-pod slices with optical links keep running with fault-tolerant routing, slowed by ftSlowdownPct; sub-cube slices are not touched. ' +
    'The static pod lays a slice in the orientations staticOrientation allows (any axis order by default; the rule is the one tpu-availability uses, core/tpu/slices.ts staticBlocks). DEVIATION: neither reference says which orientations a static pod allows. ' +
    'Static-pod defragmentation repacks running cube-granular jobs when the queue head fits nowhere (planned migration: restart time only). ' +
    "What each figure is. jobs-interrupted-fraction (compared with the paper's ~1%) = jobs evicted at least once by a hardware failure / jobs started, OCS pod; " +
    'jobs-interrupted-fraction.expected is the same worked out from the mix and the rates alone (a job of s chips running T hours escapes with probability exp(-λ_s·T), λ_s = its machines × machine rate + its cables × cable rate; ' +
    'a cube costs 16 machines and 80 cables, 0.0168 failures/day at the published rates), so the figure is set by the mix: about λ_cube × the mean cube-hours per job, which the table bySize splits by slice size. ' +
    'jobs-slowed-fraction = jobs that ran under fault-tolerant routing for a failed OCS (not evicted, so not in the interrupted count). ' +
    "system-availability (the paper's 99.98% system availability, credited to dynamic reconfiguration, is NOT compared with it: see the comparison note) = share of time in which the healthy hardware could form each requested slice size on an otherwise empty pod, averaged over the mix's sizes by job weight: " +
    'OCS pod: k healthy cubes for a k-cube slice; static pod: a contiguous healthy block; sub-cube: a healthy machine block; a component is down from its failure until detection + repair; jobs and queueing play no part. ' +
    'cube-availability and host-availability = share of cube-hours (no failed machine or cable in the cube) and machine-hours up; they are set by failure rate × repair time (our assumption), and reconfiguration cannot change them. ' +
    'Checkpoints: `storage` (default) keeps the progress of the last checkpoint every checkpointHours and restarts in restartMinutes; `in-memory` (Gemini, SOSP’23 §3) keeps it every inMemoryCheckpointMinutes and restarts from a surviving host replica in inMemoryRestartMinutes, on the same failure trace (run both with one seed to compare goodput). DEVIATION: in memory a replica always survives, as each failure here takes down one component. ' +
    'goodput = useful chip-hours / pod chip-hours (idle chips count as lost); allocated-goodput = 1 - hardware-lost / allocated chip-hours, where hardware-lost counts the broken time before eviction, the progress since the last checkpoint, the restart and the slowdown: a job-side goodput figure, not an availability. ' +
    'mean-time-to-recover = failure to useful progress again. ' +
    "DEVIATION: no preemption between priorities; a static pod's fixed inter-cube links get no failure rate of their own; the reconfigurable pod needs no defragmentation (any free cubes will do); sub-cube slices are packed best-fit into cubes already split or holding a failed component, and static-pod defragmentation leaves them where they are; the detection delay, repair times and the job mix (sizes, weights, run times, the sub-cube share) are assumptions (no published figures in our references).",
  comparisonNote:
    'Not compared: the paper’s 99.98% system availability (abstract). Our nearest quantity, system-availability.ocs ' +
    '(the share of time the healthy hardware can form each requested slice), counts hardware only and is 1 whenever ' +
    'the spare cubes cover the largest slice in the mix, so it cannot fall below 99.98%; the paper’s figure also ' +
    'reflects software, control-plane and maintenance outages that we do not model, and gives no formula in our ' +
    'references. system-availability.static (a contiguous healthy block) is in the metrics for the contrast.',
  params,
  work(p) {
    return podWork(p, 2);
  },
  async run(p, ctx: RunContext) {
    const run = await simulatePods(p, ctx);
    const metrics = failureMetrics(run);
    return {
      metrics,
      tables: {
        designs: { columns: DESIGN_COLUMNS, rows: [designRow(run, 'static'), designRow(run, 'ocs')] },
        bySize: { columns: SIZE_COLUMNS, rows: sizeRows(run) },
        failures: {
          columns: ['timeH', 'component', 'target', 'repairH'],
          rows: run.failures.map((f) => [round(f.timeH, 4), f.kind, f.target, round(f.repairH, 4)]),
        },
      },
      comparisons: [
        {
          metric: 'jobs-interrupted-fraction',
          published: 0.01,
          measured: metrics['jobs-interrupted-fraction']!,
          source:
            `Resiliency at Scale, availability claims (docs/reference.md): hardware outages hit about 1% of training jobs. Ours: jobs evicted at least once by a machine or ICI cable failure / jobs started (OCS pod); ` +
            `${round(run.expected.overall * 100, 2)}% expected from the published rates and the assumed mix (table bySize). ` +
            `The figure is set by the mix's cube-hours per job, an assumption, not by the failure handling: with no sub-cube jobs (subCubePct 0) ` +
            `the same rates give ${round(run.expectedCubeOnly.overall * 100, 2)}%, and the sub-cube share (${p.subCubePct}%) is a guess, not a published mix`,
        },
      ],
    };
  },
  charts(result: Result): ChartSpec[] {
    const m = result.metrics;
    const charts: ChartSpec[] = [
      {
        kind: 'bar',
        title: 'Goodput and utilization: static vs reconfigurable pod',
        y: { label: 'share of pod chip-hours', format: 'percent' },
        stacked: false,
        categories: ['static', 'OCS'],
        segments: [
          { name: 'goodput (useful)', values: [m['goodput.static'] ?? 0, m['goodput.ocs'] ?? 0] },
          { name: 'allocated', values: [m['utilization.static'] ?? 0, m['utilization.ocs'] ?? 0] },
        ],
      },
      {
        kind: 'bar',
        title: 'Mean time to recover after a hardware interruption',
        y: { label: 'hours', format: 'number' },
        stacked: false,
        categories: ['static', 'OCS'],
        segments: [
          {
            name: 'failure → useful progress again',
            values: [m['mean-time-to-recover-hours.static'] ?? 0, m['mean-time-to-recover-hours'] ?? 0],
          },
        ],
      },
    ];
    const t = result.tables.bySize;
    if (t && t.rows.length > 0) {
      const col = (n: string) => t.columns.indexOf(n);
      charts.push({
        kind: 'bar',
        title: 'Jobs interrupted by hardware, by slice size (OCS pod)',
        y: { label: 'share of jobs started', format: 'percent' },
        stacked: false,
        categories: t.rows.map((r) => `${String(r[col('chips')])} chips`),
        segments: [
          { name: 'simulated', values: t.rows.map((r) => Number(r[col('interruptedFraction')])) },
          { name: 'expected from rates', values: t.rows.map((r) => Number(r[col('expectedFraction')])) },
        ],
      });
    }
    return charts;
  },
});
