// Inputs of a pod simulation drawn once and replayed for every design (common random numbers): the job mix
// (sizes, durations, priorities, Poisson arrivals) and failures of machines, ICI cables and OCS at the
// published daily rates (docs/reference.md; Resiliency at Scale §6), each with its repair time.
import { EmpiricalDiscrete, exponential, lognormalFromMean, poissonArrivals } from '../kernel/distributions';
import type { Rng } from '../kernel/rng';
import { ParamError } from '../experiments/errors';
import { MACHINES, OCS_COUNT, iciCables, CHIPS, CHIPS_PER_CUBE } from './topology';
import { SHAPE_BY_SIZE } from './slices';
import type { Shape } from './slices';
import { SUB_CUBE_SHAPES, sliceExposure } from './subcube';

/** Published daily failure rates (docs/reference.md, "Daily failure rates"): fractions failing per day. */
export const PUBLISHED_DAILY_RATES = { machine: 0.0008, cable: 0.00005, ocs: 0.0004 } as const;

/** Slice shape used for each cube-granular job size in chips (sub-cube sizes: SUB_CUBE_SHAPES). */
export const SHAPE_FOR_CHIPS: Readonly<Record<number, Shape>> = { ...SHAPE_BY_SIZE, 128: [4, 4, 8] };

/** The shape of a job of `chips` chips, cube-granular or sub-cube; undefined for a size we do not model. */
export function shapeForChips(chips: number): Shape | undefined {
  return SHAPE_FOR_CHIPS[chips] ?? SUB_CUBE_SHAPES[chips];
}

export interface JobMix {
  /** Slice sizes in chips (keys of SHAPE_FOR_CHIPS or SUB_CUBE_SHAPES) and their relative weights. */
  sizes: readonly number[];
  weights: readonly number[];
  /** Mean useful run time of a job (lognormal, σ = 1). */
  meanHours: number;
  /** Share of jobs with high priority (they go ahead of low-priority jobs in the queue). */
  highPriorityFraction: number;
  /** Offered chip-hours per pod chip-hour; sets the Poisson arrival rate. */
  load: number;
}

export interface FailureRates {
  machinePerDay: number;
  cablePerDay: number;
  ocsPerDay: number;
  /** Mean repair times (exponential). */
  machineRepairHours: number;
  cableRepairHours: number;
  ocsRepairHours: number;
}

export type ComponentKind = 'machine' | 'cable' | 'ocs';

export interface SimJob {
  id: number;
  arrivalH: number;
  chips: number;
  shape: Shape;
  /** Useful work in hours at full speed. */
  workH: number;
  /** 0 = high, 1 = low. */
  priority: 0 | 1;
}

export interface FailureEvent {
  timeH: number;
  kind: ComponentKind;
  /** Machine id, index into iciCables(), or OCS id. */
  target: number;
  repairH: number;
  forced?: boolean;
}

/** Validate a mix; throws one-line errors naming the field. */
export function checkJobMix(mix: JobMix): void {
  if (mix.sizes.length !== mix.weights.length) {
    throw new ParamError(
      'sliceWeights',
      `needs one weight per entry of sliceChips (${mix.weights.length} != ${mix.sizes.length})`,
    );
  }
  for (const s of mix.sizes) {
    if (shapeForChips(s)) continue;
    if (s < CHIPS_PER_CUBE) {
      throw new ParamError(
        'subCubeChips',
        `${s} is not a sub-cube slice size (one of ${Object.keys(SUB_CUBE_SHAPES).join(', ')})`,
      );
    }
    throw new ParamError(
      'sliceChips',
      `${s} is not a cube-granular slice size (one of ${Object.keys(SHAPE_FOR_CHIPS).join(', ')})`,
    );
  }
  if (!mix.weights.some((w) => w > 0))
    throw new ParamError('sliceWeights', 'needs at least one positive weight');
}

/** Poisson job arrivals over [0, horizonH) with the mix's sizes, durations and priorities. */
export function sampleJobs(rng: Rng, mix: JobMix, horizonH: number): SimJob[] {
  checkJobMix(mix);
  const size = new EmpiricalDiscrete(mix.sizes, mix.weights);
  const meanChipHours = size.mean * mix.meanHours;
  const ratePerH = (mix.load * CHIPS) / meanChipHours;
  const times = poissonArrivals(rng.fork('arrivals'), ratePerH, horizonH);
  const pick = rng.fork('sizes');
  const dur = rng.fork('durations');
  const pri = rng.fork('priorities');
  return times.map((arrivalH, id) => {
    const chips = size.sample(pick);
    return {
      id,
      arrivalH,
      chips,
      shape: shapeForChips(chips)!,
      workH: Math.max(1 / 60, lognormalFromMean(dur, mix.meanHours, 1)),
      priority: pri.float() < mix.highPriorityFraction ? 0 : 1,
    };
  });
}

/**
 * Failures over [0, horizonH): for each component class a Poisson process with rate count × daily rate,
 * each failure hitting a uniformly chosen component (a hit on a component already down is dropped by the
 * simulator). Repair times are exponential with the given means.
 */
export function sampleFailures(rng: Rng, rates: FailureRates, horizonH: number): FailureEvent[] {
  const classes: [ComponentKind, number, number, number][] = [
    ['machine', MACHINES, rates.machinePerDay, rates.machineRepairHours],
    ['cable', iciCables().length, rates.cablePerDay, rates.cableRepairHours],
    ['ocs', OCS_COUNT, rates.ocsPerDay, rates.ocsRepairHours],
  ];
  const out: FailureEvent[] = [];
  for (const [kind, count, perDay, repairMean] of classes) {
    const r = rng.fork(`failures-${kind}`);
    const times = perDay > 0 ? poissonArrivals(r, (count * perDay) / 24, horizonH) : [];
    for (const timeH of times) {
      out.push({ timeH, kind, target: r.int(0, count - 1), repairH: exponential(r, 1 / repairMean) });
    }
  }
  return out.sort((a, b) => a.timeH - b.timeH || a.kind.localeCompare(b.kind) || a.target - b.target);
}

/**
 * Failures per hour that interrupt a running slice of `chips` chips: every machine and every ICI cable it
 * depends on (sliceExposure) at its daily rate. A cube-granular slice depends on all 16 machines and 80
 * cables of each of its cubes (a failure anywhere takes the cube out for it, docs/reference.md); a sub-cube
 * slice only on its own machines and the cables between them. OCS failures are not in it: with
 * fault-tolerant routing they slow jobs down but interrupt none.
 */
export function interruptRatePerHour(chips: number, rates: FailureRates): number {
  const e = sliceExposure(chips);
  return (e.machines * rates.machinePerDay + e.cables * rates.cablePerDay) / 24;
}

/**
 * The share of jobs that a hardware failure interrupts at least once, worked out from the mix and the rates
 * alone: a job of size s and run time T (lognormal, σ = 1, the mix's mean) escapes with probability
 * exp(-λ_s · max(0, T - detectH)) (a failure in its last detectH hours is found only after it finished),
 * averaged over T by quadrature (z on [-8, 8] in 1,600 steps) and over sizes by the mix's weights.
 * What the simulator leaves out of this: jobs still running at the horizon (their exposure is cut short)
 * and the slowdown under fault-tolerant routing (a little more exposure).
 */
export function expectedInterruptedFraction(
  mix: JobMix,
  rates: FailureRates,
  detectH = 0,
): { overall: number; bySize: Map<number, number> } {
  checkJobMix(mix);
  const sigma = 1;
  const mu = Math.log(mix.meanHours) - (sigma * sigma) / 2;
  const steps = 1600;
  const bySize = new Map<number, number>();
  let total = 0;
  let weight = 0;
  mix.sizes.forEach((chips, i) => {
    const lambda = interruptRatePerHour(chips, rates);
    let p = 0;
    for (let k = 0; k <= steps; k++) {
      const z = -8 + (16 * k) / steps;
      const w = ((k === 0 || k === steps ? 0.5 : 1) * 16) / steps;
      const t = Math.max(0, Math.exp(mu + sigma * z) - detectH);
      p += (w * Math.exp((-z * z) / 2) * -Math.expm1(-lambda * t)) / Math.sqrt(2 * Math.PI);
    }
    bySize.set(chips, p);
    total += mix.weights[i]! * p;
    weight += mix.weights[i]!;
  });
  return { overall: total / weight, bySize };
}
