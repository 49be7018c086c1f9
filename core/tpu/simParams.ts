// Parameters shared by the pod-simulation experiments and the live view: failure rates (published),
// detection and repair times (assumptions, stated), checkpointing and the job mix, and their mapping to
// the simulator's config.
import type { ParamsOf } from '../experiments/types';
import { PUBLISHED_DAILY_RATES, checkJobMix } from './failures';
import type { FailureRates, JobMix } from './failures';

export const failureParams = {
  machineFailPctPerDay: {
    kind: 'number',
    label: 'Machine failures',
    help: 'Share of machines failing per day (published: 0.08%).',
    default: PUBLISHED_DAILY_RATES.machine * 100,
    min: 0,
    max: 10,
    unit: '%/day',
  },
  cableFailPctPerDay: {
    kind: 'number',
    label: 'ICI cable failures',
    help: 'Share of inter-machine ICI cables failing per day (published: 0.005%).',
    default: PUBLISHED_DAILY_RATES.cable * 100,
    min: 0,
    max: 10,
    unit: '%/day',
  },
  ocsFailPctPerDay: {
    kind: 'number',
    label: 'OCS failures',
    help: 'Share of the 48 optical circuit switches failing per day (published: 0.04%).',
    default: PUBLISHED_DAILY_RATES.ocs * 100,
    min: 0,
    max: 10,
    unit: '%/day',
  },
  detectMinutes: {
    advanced: true,
    kind: 'number',
    label: 'Detection delay',
    help: 'healthd/libtpunet to Pod Manager. ASSUMPTION: minutes; no figure in the paper summary we have.',
    default: 5,
    min: 0,
    max: 1440,
    unit: 'min',
  },
  machineRepairHours: {
    advanced: true,
    kind: 'number',
    label: 'Machine repair time (mean)',
    help: 'ASSUMPTION: two days for a hardware swap; exponential.',
    default: 48,
    min: 0.1,
    max: 2000,
    unit: 'h',
  },
  cableRepairHours: {
    advanced: true,
    kind: 'number',
    label: 'ICI cable repair time (mean)',
    help: 'ASSUMPTION: one day; exponential.',
    default: 24,
    min: 0.1,
    max: 2000,
    unit: 'h',
  },
  ocsRepairHours: {
    advanced: true,
    kind: 'number',
    label: 'OCS repair time (mean)',
    help: 'ASSUMPTION: one day to replace a switch module; exponential.',
    default: 24,
    min: 0.1,
    max: 2000,
    unit: 'h',
  },
  restartMinutes: {
    advanced: true,
    kind: 'number',
    label: 'Restart time',
    help: 'Restore from checkpoint and re-initialise after a (re)start. ASSUMPTION.',
    default: 10,
    min: 0,
    max: 1440,
    unit: 'min',
  },
  checkpointHours: {
    kind: 'number',
    label: 'Checkpoint interval',
    help: 'An interrupted job loses the progress made since its last checkpoint. ASSUMPTION.',
    default: 1,
    min: 0.01,
    max: 100,
    unit: 'h',
  },
} as const;

export const jobMixParams = {
  sliceChips: {
    kind: 'int-list',
    label: 'Job slice sizes',
    help: 'Cube-granular sizes: 64, 128, 256, 512, 1024, 2048, 3072, 4096.',
    default: [64, 128, 256, 512, 1024, 2048],
    min: 64,
    max: 4096,
    maxItems: 8,
    unit: 'chips',
  },
  sliceWeights: {
    advanced: true,
    kind: 'int-list',
    label: 'Job size weights',
    help: 'Relative frequency of each size in sliceChips (same order), among the jobs that are not sub-cube. ASSUMPTION: mostly small jobs.',
    default: [35, 25, 20, 10, 6, 4],
    min: 0,
    max: 1000,
    maxItems: 8,
  },
  meanJobHours: {
    kind: 'number',
    label: 'Mean job run time',
    help: 'Useful work per job at full speed; lognormal (σ = 1). ASSUMPTION.',
    default: 8,
    min: 0.1,
    max: 1000,
    unit: 'h',
  },
  highPriorityPct: {
    kind: 'number',
    label: 'High-priority jobs',
    help: 'They go ahead of low-priority jobs in the queue (no preemption).',
    default: 30,
    min: 0,
    max: 100,
    unit: '%',
  },
  drainAfterHours: {
    advanced: true,
    kind: 'number',
    label: 'Drain for a waiting head job after',
    help: 'Once the first job in the queue has waited this long, nothing behind it is backfilled until it starts. ASSUMPTION.',
    default: 6,
    min: 0,
    max: 10000,
    unit: 'h',
  },
  load: {
    kind: 'number',
    label: 'Offered load',
    help: 'Chip-hours of work arriving per pod chip-hour (Poisson arrivals).',
    default: 0.8,
    min: 0.01,
    max: 2,
  },
} as const;

/**
 * Sub-cube slices in the mix (kept apart from jobMixParams so that a caller that leaves them out, such as
 * the live view, gets the cube-granular mix).
 */
export const subCubeParams = {
  subCubePct: {
    kind: 'number',
    label: 'Sub-cube jobs',
    help:
      'Share of jobs that ask for fewer than 64 chips (an aligned block of machines inside one cube, no OCS links). ' +
      'ASSUMPTION: half; real pods run many small slices but our references publish no mix.',
    default: 50,
    min: 0,
    max: 100,
    unit: '%',
  },
  subCubeChips: {
    advanced: true,
    kind: 'int-list',
    label: 'Sub-cube slice sizes',
    help: 'Sizes of the sub-cube jobs, equally likely: 4 (2x2x1), 8 (2x2x2), 16 (2x2x4), 32 (2x4x4 chips).',
    default: [4, 8, 16, 32],
    min: 4,
    max: 32,
    maxItems: 4,
    unit: 'chips',
  },
} as const;

type FailureP = ParamsOf<typeof failureParams>;
type MixP = ParamsOf<typeof jobMixParams>;
type SubCubeP = ParamsOf<typeof subCubeParams>;

export function ratesOf(p: FailureP): FailureRates {
  return {
    machinePerDay: p.machineFailPctPerDay / 100,
    cablePerDay: p.cableFailPctPerDay / 100,
    ocsPerDay: p.ocsFailPctPerDay / 100,
    machineRepairHours: p.machineRepairHours,
    cableRepairHours: p.cableRepairHours,
    ocsRepairHours: p.ocsRepairHours,
  };
}

/**
 * The job mix of the parameters. With sub-cube jobs (subCubePct > 0), they take subCubePct% of the jobs,
 * split equally over subCubeChips, and the cube-granular sizes share the rest by sliceWeights; without
 * them (absent or 0) the mix is exactly sliceChips/sliceWeights.
 */
export function mixOf(p: MixP & Partial<SubCubeP>): JobMix {
  const base = { meanHours: p.meanJobHours, highPriorityFraction: p.highPriorityPct / 100, load: p.load };
  const subPct = p.subCubePct ?? 0;
  if (subPct <= 0) return { ...base, sizes: p.sliceChips, weights: p.sliceWeights };
  const subSizes = p.subCubeChips ?? subCubeParams.subCubeChips.default;
  const cubeTotal = p.sliceWeights.reduce((a, b) => a + b, 0);
  // The cube-granular part on its own first (its length and weight errors name the right fields);
  // checkJobMix then checks every size of the merged mix when the jobs are sampled.
  if (p.sliceChips.length !== p.sliceWeights.length || (cubeTotal <= 0 && subPct < 100))
    checkJobMix({ ...base, sizes: p.sliceChips, weights: p.sliceWeights });
  const subShare = subPct / 100;
  return {
    ...base,
    sizes: [...subSizes, ...p.sliceChips],
    weights: [
      ...subSizes.map(() => subShare / subSizes.length),
      ...p.sliceWeights.map((w) => (cubeTotal > 0 ? ((1 - subShare) * w) / cubeTotal : 0)),
    ],
  };
}
