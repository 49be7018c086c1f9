// The TPU lab's live view model: a seeded scenario on a reconfigurable pod (the experiments' job mix, sub-cube
// slices included, placed; failures at the published rates plus one forced failure, evictions, spare-cube
// swaps and OCS re-wiring) as a timeline of plain event records that the renderer replays in 3D.
import { ParamError } from '../experiments/errors';
import { defineLabView } from '../experiments/types';
import type { ParamsOf, RunContext } from '../experiments/types';
import { podWork } from './failuresExperiment';
import { PodSim } from './pod';
import type { PodLogEvent } from './pod';
import { sampleFailures, sampleJobs } from './failures';
import type { ComponentKind, FailureEvent, SimJob } from './failures';
import { failureParams, jobMixParams, mixOf, ratesOf, subCubeParams } from './simParams';
import { MACHINES, OCS_COUNT, cubeOfMachine, iciCables, iciLinks, machinesOfCube } from './topology';
import { cableMachines } from './subcube';
import { shapeName } from './slices';

const FORCE_KINDS = ['none', 'machine', 'cable', 'ocs'] as const;

const params = {
  design: {
    kind: 'enum',
    label: 'Pod design',
    help:
      'ocs: any healthy free cubes, wired by the optical circuit switches (a hit job moves to spare cubes); ' +
      'static: a slice needs a physically contiguous healthy block (a hit job waits for one).',
    default: 'ocs',
    options: ['ocs', 'static'],
  },
  hours: { kind: 'number', label: 'Scenario length', default: 24, min: 1, max: 720, unit: 'h' },
  rateScale: {
    kind: 'number',
    label: 'Failure-rate multiplier',
    help: '1 = the published daily rates; larger to see more failures in a short scenario.',
    default: 1,
    min: 0,
    max: 1000,
    advanced: true,
  },
  forceKind: {
    kind: 'enum',
    label: 'Forced failure',
    help: 'A failure injected on top of the random ones.',
    default: 'machine',
    options: FORCE_KINDS,
  },
  forceTarget: {
    kind: 'int',
    label: 'Forced failure target',
    help: 'Machine 0..1023, ICI cable 0..5119 or OCS 0..47; -1 = a component of the largest running job.',
    default: -1,
    min: -1,
    max: 5119,
    advanced: true,
  },
  forceAtHour: { kind: 'number', label: 'Forced failure at', default: 2, min: 0, max: 720, unit: 'h' },
  // The experiments' names (load, sub-cube share and sizes; design and seed too), so the app's view follows
  // the experiment form on them; the defaults are the experiments' but for a busier load.
  load: { ...jobMixParams.load, default: 0.85, advanced: true },
  subCubePct: { ...subCubeParams.subCubePct, advanced: true },
  subCubeChips: { ...subCubeParams.subCubeChips, advanced: true },
} as const;

/** Hours simulated before the shown window, so the view opens on a busy pod. */
export const WARMUP_H = 12;

export interface TpuViewJob {
  id: number;
  chips: number;
  shape: string;
  priority: 0 | 1;
}

export interface TpuViewEvent {
  /** Hours since the start of the shown window (negative: warm-up). */
  t: number;
  kind: PodLogEvent['kind'];
  job: number;
  /**
   * Cubes a cube-granular job holds after the event (start, rewire, migrate), or held before (evict); empty
   * for a sub-cube job, which holds `machines` instead.
   */
  cubes: number[];
  /** Machines a sub-cube job holds after a start, or held before an evict (all in one cube); else empty. */
  machines: number[];
  /** Cubes before a rewire / migrate. */
  from: number[];
  component: ComponentKind | '';
  target: number;
  /** Cube of a failed machine or cable; -1 for an OCS or none. */
  cube: number;
  xconnects: number;
  forced: boolean;
  text: string;
}

export interface TpuViewModel {
  design: 'ocs' | 'static';
  hours: number;
  jobs: TpuViewJob[];
  events: TpuViewEvent[];
  forced: { kind: ComponentKind; target: number; atH: number } | null;
  /** ICI link index of each cable (index into iciLinks()). */
  cableLinks: Int32Array;
  summary: { failures: number; rewires: number; xconnects: number; evictions: number; requeues: number };
}

function fmt(h: number): string {
  const sign = h < 0 ? '-' : '';
  const m = Math.round(Math.abs(h) * 60);
  return `${sign}${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}`;
}

/** "machines 3,4 of cube 0": where a sub-cube slice sits. */
function machinesText(machines: readonly number[]): string {
  const cube = machines.length > 0 ? cubeOfMachine(machines[0]!) : -1;
  return `machine${machines.length === 1 ? '' : 's'} ${machines.join(',')} of cube ${cube}`;
}

function describe(e: PodLogEvent, jobs: Map<number, SimJob>, design: 'ocs' | 'static'): string {
  const j = (id: number) => `job ${id} (${jobs.get(id)?.chips ?? '?'} chips)`;
  switch (e.kind) {
    case 'start':
      if (e.machines && e.machines.length > 0)
        return `${j(e.job)} starts on ${machinesText(e.machines)} (sub-cube slice, no OCS links)`;
      return design === 'static'
        ? `${j(e.job)} starts on contiguous cubes ${e.cubes.join(',')} (fixed wiring)`
        : `${j(e.job)} starts on cubes ${e.cubes.join(',')}; ${e.xconnects} xconnects programmed`;
    case 'finish':
      return `${j(e.job)} finishes`;
    case 'fail':
      return `${e.forced ? 'INJECTED: ' : ''}${e.component} ${e.target} fails${e.cube >= 0 ? ` (cube ${e.cube})` : ''}`;
    case 'detect':
      return `${e.component} ${e.target} detected by healthd/libtpunet${e.jobs.length ? `; hits job ${e.jobs.join(', ')}` : ''}`;
    case 'evict':
      return e.machines && e.machines.length > 0
        ? `${j(e.job)} evicted from ${machinesText(e.machines)}`
        : `${j(e.job)} evicted from cubes ${e.cubes.join(',')}`;
    case 'rewire':
      return `${j(e.job)} moves to spare cube(s) ${e.to.filter((c) => !e.from.includes(c)).join(',')}; OCS re-wired (${e.xconnects} xconnects)`;
    case 'requeue':
      return design === 'static'
        ? `${j(e.job)} waits in the queue for a contiguous healthy block`
        : `${j(e.job)} waits in the queue`;
    case 'migrate':
      return `${j(e.job)} migrates (defragmentation)`;
    case 'slowdown':
      return e.factor > 1 ? `fault-tolerant routing: ${e.jobs.length} jobs slowed` : `full speed again`;
    case 'repair':
      return `${e.component} ${e.target} repaired`;
  }
}

function cubeOf(kind: ComponentKind, target: number): number {
  if (kind === 'machine') return cubeOfMachine(target);
  if (kind === 'cable') return iciLinks().cube[iciCables()[target]!]!;
  return -1;
}

/**
 * The forced failure's target: the given one, or a component of the largest job running at `atH`: the first
 * machine of its first cube (of its block, for a sub-cube job), or the first ICI cable with both ends there.
 * `running` maps running jobs to their cubes (empty for a sub-cube job), `subMachines` sub-cube jobs to the
 * machines of their latest start. A one-machine slice has no cable of its own: it gets a cable at its machine.
 */
function forcedTarget(
  kind: ComponentKind,
  given: number,
  running: Map<number, number[]>,
  subMachines: Map<number, number[]>,
  jobs: Map<number, SimJob>,
): number {
  const max = kind === 'machine' ? MACHINES - 1 : kind === 'cable' ? iciCables().length - 1 : OCS_COUNT - 1;
  if (given > max) throw new ParamError('forceTarget', `${kind} index must be in -1..${max} (got ${given})`);
  if (given >= 0) return given;
  if (kind === 'ocs') return 0;
  let best = -1;
  for (const [id] of running) if (best === -1 || jobs.get(id)!.chips > jobs.get(best)!.chips) best = id;
  const cubes = best === -1 ? [0] : running.get(best)!;
  const held = cubes.length > 0 ? machinesOfCube(cubes[0]!) : subMachines.get(best)!;
  if (kind === 'machine') return held[0]!;
  const ends = cableMachines();
  const inside = new Set(held);
  let touching = -1;
  for (let i = 0; 2 * i < ends.length; i++) {
    const a = inside.has(ends[2 * i]!);
    const b = inside.has(ends[2 * i + 1]!);
    if (a && b) return i;
    if ((a || b) && touching < 0) touching = i;
  }
  return Math.max(0, touching);
}

/** The experiments' failure and job-mix defaults, with the view's load, sub-cube share and rate multiplier. */
function scenarioOf(p: ParamsOf<typeof params>) {
  const defaults = Object.fromEntries(Object.entries(failureParams).map(([k, v]) => [k, v.default])) as {
    [K in keyof typeof failureParams]: number;
  };
  const mixDefaults = {
    sliceChips: jobMixParams.sliceChips.default,
    sliceWeights: jobMixParams.sliceWeights.default,
    meanJobHours: jobMixParams.meanJobHours.default,
    highPriorityPct: jobMixParams.highPriorityPct.default,
    drainAfterHours: jobMixParams.drainAfterHours.default,
    load: p.load,
    subCubePct: p.subCubePct,
    subCubeChips: p.subCubeChips,
  };
  const scaled = {
    machineFailPctPerDay: defaults.machineFailPctPerDay * p.rateScale,
    cableFailPctPerDay: defaults.cableFailPctPerDay * p.rateScale,
    ocsFailPctPerDay: defaults.ocsFailPctPerDay * p.rateScale,
  };
  return { defaults, mixDefaults, scaled };
}

export const tpuView = defineLabView({
  title: 'TPU v4 pod: 64 cubes, 48 OCS, failures and re-wiring',
  description:
    "A pod runs the experiments' job mix: cube-granular slices (64 chips or more, whole cubes joined through the OCS) and, for subCubePct of the jobs (ASSUMPTION: half, the experiments' default), sub-cube slices of 4-32 chips (an aligned block of 1, 2, 4 or 8 machines inside one cube, no optical link), so one cube can hold several small jobs; chips take the colour of the job holding their machine. " +
    'Its components fail at the published rates (times rateScale) plus one forced failure (by default a machine of the largest running job). ' +
    'design = ocs: machines, ICI cables and OCS fail; the Pod Manager evicts hit jobs, swaps in spare cubes and re-programs the OCS. ' +
    'design = static: there is no OCS (fixed wiring); a hit job waits for a contiguous healthy block. ' +
    'In both designs a hit sub-cube job moves at once to any free healthy block (no OCS involved) or waits for one, and an OCS failure does not slow it. The first 12 h are warm-up.',
  params,
  // The pod simulation over warm-up + hours, twice when a forced failure needs the first pass (up to it).
  work(p) {
    const { defaults, mixDefaults, scaled } = scenarioOf(p);
    const days = (WARMUP_H + p.hours) / 24;
    return {
      ...podWork({ ...defaults, ...scaled, ...mixDefaults, days }, p.forceKind === 'none' ? 1 : 2),
      lower: 'hours, rateScale or load',
    };
  },
  async build(p, ctx: RunContext): Promise<TpuViewModel> {
    const horizonH = WARMUP_H + p.hours;
    const { defaults, mixDefaults, scaled } = scenarioOf(p);
    const rates = ratesOf({ ...defaults, ...scaled });
    const jobs = sampleJobs(ctx.rng.fork('jobs'), mixOf(mixDefaults), horizonH);
    const failures: FailureEvent[] = sampleFailures(ctx.rng.fork('failures'), rates, horizonH);
    const jobById = new Map(jobs.map((j) => [j.id, j]));
    const cfg = {
      design: p.design === 'static' ? ('static' as const) : ('ocs' as const),
      horizonH,
      detectH: defaults.detectMinutes / 60,
      restartH: defaults.restartMinutes / 60,
      checkpointH: defaults.checkpointHours,
      ocsHandling: 'ft-routing' as const,
      ftSlowdown: 0.0455,
      defrag: false,
      drainAfterH: mixDefaults.drainAfterHours,
    };
    await ctx.progress(0.2, 'placing jobs');

    let forced: TpuViewModel['forced'] = null;
    if (p.forceKind === 'ocs' && cfg.design === 'static')
      throw new ParamError('forceKind', 'a static pod has no OCS to fail (pick machine or cable)');
    if (p.forceKind !== 'none') {
      const kind = p.forceKind as ComponentKind;
      const atH = Math.min(p.forceAtHour, p.hours);
      // A first pass up to the forced time finds what is running there (the same seed gives the same pod).
      const subMachines = new Map<number, number[]>();
      const pre = new PodSim({ ...cfg, horizonH: WARMUP_H + atH }, jobs, failures, (e) => {
        if (e.kind === 'start' && e.machines) subMachines.set(e.job, e.machines);
      });
      await pre.run();
      const target = forcedTarget(kind, p.forceTarget, pre.running(), subMachines, jobById);
      const repairH =
        kind === 'machine'
          ? rates.machineRepairHours
          : kind === 'cable'
            ? rates.cableRepairHours
            : rates.ocsRepairHours;
      failures.push({ timeH: WARMUP_H + atH, kind, target, repairH, forced: true });
      failures.sort((a, b) => a.timeH - b.timeH);
      forced = { kind, target, atH };
    }
    await ctx.progress(0.5, 'simulating');

    const log: PodLogEvent[] = [];
    const sim = new PodSim(cfg, jobs, failures, (e) => log.push(e));
    await sim.run();
    const used = new Set<number>();
    const events: TpuViewEvent[] = log.map((e) => {
      const job = 'job' in e ? e.job : -1;
      if (job >= 0) used.add(job);
      return {
        t: e.t - WARMUP_H,
        kind: e.kind,
        job,
        cubes:
          e.kind === 'start' || e.kind === 'evict'
            ? e.cubes
            : e.kind === 'rewire' || e.kind === 'migrate'
              ? e.to
              : [],
        machines: (e.kind === 'start' || e.kind === 'evict') && e.machines ? e.machines : [],
        from: e.kind === 'rewire' || e.kind === 'migrate' ? e.from : [],
        component: 'component' in e ? e.component : '',
        target: 'target' in e ? e.target : -1,
        cube: e.kind === 'fail' ? e.cube : e.kind === 'repair' ? cubeOf(e.component, e.target) : -1,
        xconnects: 'xconnects' in e ? e.xconnects : 0,
        forced: e.kind === 'fail' ? e.forced : false,
        text: `${fmt(e.t - WARMUP_H)}  ${describe(e, jobById, cfg.design)}`,
      };
    });
    return {
      design: cfg.design,
      hours: p.hours,
      jobs: [...used]
        .sort((a, b) => a - b)
        .map((id) => {
          const j = jobById.get(id)!;
          return { id, chips: j.chips, shape: shapeName(j.shape), priority: j.priority };
        }),
      events,
      forced,
      cableLinks: iciCables().slice(),
      summary: {
        failures: events.filter((e) => e.kind === 'fail' && e.t >= 0).length,
        rewires: events.filter((e) => e.kind === 'rewire' && e.t >= 0).length,
        xconnects: sim.stats.xconnects,
        evictions: events.filter((e) => e.kind === 'evict' && e.t >= 0).length,
        requeues: events.filter((e) => e.kind === 'requeue' && e.t >= 0).length,
      },
    };
  },
});
