// Parameters shared by the pod-simulation experiments and the live view: failure rates (published),
// detection and repair times (assumptions, stated), checkpointing and the job mix, and their mapping to
// the simulator's config.
import type { ParamsOf } from '../experiments/types';
import { PUBLISHED_DAILY_RATES } from './failures';
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
    kind: 'number',
    label: 'Detection delay',
    help: 'healthd/libtpunet to Pod Manager. ASSUMPTION: minutes; no figure in the paper summary we have.',
    default: 5,
    min: 0,
    max: 1440,
    unit: 'min',
  },
  machineRepairHours: {
    kind: 'number',
    label: 'Machine repair time (mean)',
    help: 'ASSUMPTION: two days for a hardware swap; exponential.',
    default: 48,
    min: 0.1,
    max: 2000,
    unit: 'h',
  },
  cableRepairHours: {
    kind: 'number',
    label: 'ICI cable repair time (mean)',
    help: 'ASSUMPTION: one day; exponential.',
    default: 24,
    min: 0.1,
    max: 2000,
    unit: 'h',
  },
  ocsRepairHours: {
    kind: 'number',
    label: 'OCS repair time (mean)',
    help: 'ASSUMPTION: one day to replace a switch module; exponential.',
    default: 24,
    min: 0.1,
    max: 2000,
    unit: 'h',
  },
  restartMinutes: {
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
    kind: 'int-list',
    label: 'Job size weights',
    help: 'Relative frequency of each slice size (same order). ASSUMPTION: mostly small jobs.',
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

type FailureP = ParamsOf<typeof failureParams>;
type MixP = ParamsOf<typeof jobMixParams>;

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

export function mixOf(p: MixP): JobMix {
  return {
    sizes: p.sliceChips,
    weights: p.sliceWeights,
    meanHours: p.meanJobHours,
    highPriorityFraction: p.highPriorityPct / 100,
    load: p.load,
  };
}
