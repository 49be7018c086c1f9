// The pod simulator: Borg-style queue + Pod Manager for a static or a reconfigurable (OCS) TPU v4 pod,
// with the paper's flows (Resiliency at Scale §4–5): job start (pick cubes → program OCS → run), failure
// (detect → evict → reschedule on spare cubes → re-wire), defragmentation (static pods), repair.
// Slices of a cube or more hold whole cubes wired through the OCS; sub-cube slices (fewer than 64 chips)
// hold an aligned block of machines inside one cube and no optical link (core/tpu/subcube.ts).
import { EventQueue } from '../kernel/queue';
import {
  CHIPS,
  CHIPS_PER_CUBE,
  CUBES,
  LINKS_PER_FACE,
  MACHINES,
  OCS_COUNT,
  PortMaps,
  cubeOfMachine,
  iciCables,
  iciLinks,
} from './topology';
import { cubeExtent, sliceHops, staticBlocks, twistable, unwireCubes, wireHops } from './slices';
import type { CubeHop, Shape, StaticBlock, StaticOrientation } from './slices';
import { cableMachines, subCubeBlocks } from './subcube';
import type { SubBlock } from './subcube';
import type { ComponentKind, FailureEvent, SimJob } from './failures';
import { WaitQueue } from './waitQueue';

export type Design = 'static' | 'ocs';
/** What a reconfigurable pod does when an OCS fails (tpu-routing compares the two). */
export type OcsHandling = 'ft-routing' | 'rewire';

export interface PodConfig {
  design: Design;
  horizonH: number;
  /** healthd / libtpunet detection delay (same for every component). */
  detectH: number;
  /** Time to restore from checkpoint and re-initialise after a (re)start. */
  restartH: number;
  /** Checkpoint interval in hours of progress: an interruption loses the progress since the last one. */
  checkpointH: number;
  ocsHandling: OcsHandling;
  /** Step-time slowdown while running with fault-tolerant routing around a failed OCS (0.05 = 5%). */
  ftSlowdown: number;
  /** Static pods only: repack running jobs when the head of the queue fits nowhere but enough cubes are free. */
  defrag: boolean;
  /**
   * Starvation guard: once the head of the queue has waited this long, no job behind it is backfilled
   * until it starts (the pod drains for it). ASSUMPTION: Borg's exact policy is not published here.
   */
  drainAfterH: number;
  /** Static pods: the orientation rule (slices.ts); 'any' unless given. */
  staticOrientation?: StaticOrientation;
}

/**
 * What the simulator reports as it goes (the view's timeline is built from these). A sub-cube slice's
 * start and evict carry its machines and no cubes (it shares its cube with other sub-cube slices).
 */
export type PodLogEvent =
  | { t: number; kind: 'start'; job: number; cubes: number[]; xconnects: number; machines?: number[] }
  | { t: number; kind: 'finish'; job: number }
  | { t: number; kind: 'fail'; component: ComponentKind; target: number; cube: number; forced: boolean }
  | { t: number; kind: 'detect'; component: ComponentKind; target: number; jobs: number[] }
  | { t: number; kind: 'evict'; job: number; cubes: number[]; machines?: number[] }
  | { t: number; kind: 'rewire'; job: number; from: number[]; to: number[]; xconnects: number }
  | { t: number; kind: 'requeue'; job: number }
  | { t: number; kind: 'migrate'; job: number; from: number[]; to: number[] }
  | { t: number; kind: 'slowdown'; jobs: number[]; factor: number }
  | { t: number; kind: 'repair'; component: ComponentKind; target: number };

/** Per slice size (chips): jobs started, and of those, interrupted at least once / slowed at least once. */
export interface SizeStats {
  started: number;
  interrupted: number;
  slowed: number;
}

/** Jobs started and jobs interrupted at least once, over the slice sizes (chips) that `keep` selects. */
export function interruptedAmong(
  s: PodStats,
  keep: (chips: number) => boolean,
): { started: number; interrupted: number } {
  let started = 0;
  let interrupted = 0;
  for (const [chips, b] of s.bySize)
    if (keep(chips)) {
      started += b.started;
      interrupted += b.interrupted;
    }
  return { started, interrupted };
}

export interface PodStats {
  jobsArrived: number;
  jobsStarted: number;
  jobsFinished: number;
  /** Jobs evicted at least once by a hardware failure (they restart from their last checkpoint). */
  jobsInterrupted: number;
  interruptions: number;
  /** Jobs that ran at least a while slowed by fault-tolerant routing around a failed OCS (not evicted for it). */
  jobsSlowed: number;
  bySize: Map<number, SizeStats>;
  usefulChipHours: number;
  allocatedChipHours: number;
  /** Allocated chip-hours lost to hardware: broken time before eviction, lost progress, restart, slowdown. */
  hardwareLostChipHours: number;
  capacityChipHours: number;
  xconnects: number;
  migrations: number;
  recoveries: number;
  recoverHoursSum: number;
  /** Interruptions not recovered by the horizon. */
  unrecovered: number;
}

interface RunState {
  job: SimJob;
  /** A sub-cube slice (fewer than 64 chips): holds `machines` in one cube, no cubes, no OCS links. */
  sub: boolean;
  cubes: number[];
  machines: number[];
  hops: CubeHop[];
  running: boolean;
  /** Useful work still to do (hours at full speed). */
  remainingH: number;
  runStartH: number;
  segStartH: number;
  /** Work units done in this run before segStartH (overhead included). */
  bankedH: number;
  overheadH: number;
  rate: number;
  epoch: number;
  interrupted: boolean;
  /** Failure time of an interruption awaiting restart (for time-to-recover). */
  pendingFailH: number | null;
  /** The orientation the slice was laid in (static pods may rotate it). */
  placedShape: Shape;
  /** Set while a planned migration moves the job (static defragmentation). */
  migrated: boolean;
  /** When the job last entered the queue. */
  queuedAtH: number;
  /** Counted in jobsSlowed already. */
  slowed: boolean;
}

type Ev =
  | { kind: 'arrive'; job: SimJob }
  | { kind: 'finish'; job: number; epoch: number }
  | { kind: 'fail'; f: FailureEvent }
  | { kind: 'detect'; f: FailureEvent; failH: number }
  | { kind: 'repair'; f: FailureEvent };

/**
 * Order of events at the same time (EventQueue: the lower number goes first). Hardware first: a failure or
 * its detection at t takes effect before anything else at t, so no job finishes or starts on a component
 * already known broken; then a job finishing or a component repaired frees capacity; arrivals come last, so
 * the scheduler sees the pod as it stands after every other event at t.
 */
const PRIORITY = { fail: 0, detect: 0, finish: 1, repair: 1, arrive: 2 } as const satisfies Record<
  Ev['kind'],
  number
>;

/** The scheduler looks this far down the queue for a job to backfill (Borg-like greedy backfill). */
const BACKFILL_WINDOW = 64;

/** The cube an ICI cable or machine lives in. */
function cubeOfComponent(kind: ComponentKind, target: number, cables: Int32Array): number {
  if (kind === 'machine') return cubeOfMachine(target);
  if (kind === 'cable') return iciLinks().cube[cables[target]!]!;
  return -1;
}

const hopKey = (h: CubeHop) => h.dim * 10000 + h.from * 100 + h.to;

/**
 * Discrete-event simulation of one pod design over [0, horizonH]. Invariants (property-tested): a cube
 * belongs to at most one job, and a cube with sub-cube slices in it to none; a machine belongs to at most
 * one sub-cube slice; a job starts only on cubes (machines and inner cables, for a sub-cube slice) that are
 * free and known-healthy; in the OCS design the port maps stay permutations with exactly 48 xconnects per
 * cube in use.
 */
export class PodSim {
  readonly cfg: PodConfig;
  readonly maps = new PortMaps();
  readonly cubeOwner = new Int32Array(CUBES).fill(-1);
  /** Known-bad components per cube (after detection, until repair). */
  readonly cubeBad = new Int32Array(CUBES);
  /** Sub-cube slices: the job holding each machine (-1: none) and machines held per cube. */
  readonly machineOwner = new Int32Array(MACHINES).fill(-1);
  readonly cubeSubUsed = new Int32Array(CUBES);
  /** Known-bad machines and ICI cables (indexed like iciCables()). */
  readonly machineBad = new Uint8Array(MACHINES);
  readonly cableBad: Uint8Array;
  private readonly cableEnds = cableMachines();
  private readonly down = new Set<string>();
  private ocsKnownDown = 0;
  private readonly runs = new Map<number, RunState>();
  private readonly queue = new WaitQueue<RunState>();
  private readonly q = new EventQueue<Ev>(0, (ev) => PRIORITY[ev.kind]);
  private readonly cables = iciCables();
  readonly stats: PodStats;
  private readonly log: ((e: PodLogEvent) => void) | undefined;
  private readonly placementsByShape = new Map<string, StaticBlock[]>();

  constructor(
    cfg: PodConfig,
    jobs: readonly SimJob[],
    failures: readonly FailureEvent[],
    log?: (e: PodLogEvent) => void,
  ) {
    this.cfg = cfg;
    this.log = log;
    this.cableBad = new Uint8Array(this.cables.length);
    this.stats = {
      jobsArrived: 0,
      jobsStarted: 0,
      jobsFinished: 0,
      jobsInterrupted: 0,
      interruptions: 0,
      jobsSlowed: 0,
      bySize: new Map(),
      usefulChipHours: 0,
      allocatedChipHours: 0,
      hardwareLostChipHours: 0,
      capacityChipHours: CHIPS * cfg.horizonH,
      xconnects: 0,
      migrations: 0,
      recoveries: 0,
      recoverHoursSum: 0,
      unrecovered: 0,
    };
    for (const job of jobs)
      if (job.arrivalH < cfg.horizonH) this.q.schedule(job.arrivalH, { kind: 'arrive', job });
    for (const f of failures) if (f.timeH < cfg.horizonH) this.q.schedule(f.timeH, { kind: 'fail', f });
  }

  /** Jobs running now (id → cubes), for tests and the view. */
  running(): Map<number, number[]> {
    const out = new Map<number, number[]>();
    for (const [id, r] of this.runs) if (r.running) out.set(id, r.cubes.slice());
    return out;
  }

  queued(): number[] {
    return this.queue.toArray().map((r) => r.job.id);
  }

  /** Run to the horizon, calling `onStep` every `every` events (progress/yield point). */
  async run(onStep: (fraction: number) => Promise<void> = async () => {}, every = 5000): Promise<PodStats> {
    let n = 0;
    for (;;) {
      const next = this.q.peek();
      if (!next || next.time > this.cfg.horizonH) break;
      this.q.step();
      this.handle(next.event, next.time);
      if (++n % every === 0) await onStep(next.time / this.cfg.horizonH);
    }
    this.close(this.cfg.horizonH);
    return this.stats;
  }

  private emit(e: PodLogEvent): void {
    this.log?.(e);
  }

  private handle(ev: Ev, t: number): void {
    switch (ev.kind) {
      case 'arrive': {
        this.stats.jobsArrived++;
        this.enqueue(this.newRun(ev.job));
        this.schedule(t);
        break;
      }
      case 'finish': {
        const r = this.runs.get(ev.job);
        if (!r || !r.running || r.epoch !== ev.epoch) return;
        this.stats.usefulChipHours += r.remainingH * r.job.chips;
        this.stats.allocatedChipHours += (t - r.runStartH) * r.job.chips;
        this.stats.hardwareLostChipHours += this.slowdownLoss(r, t) * r.job.chips;
        this.release(r);
        this.runs.delete(r.job.id);
        this.stats.jobsFinished++;
        this.emit({ t, kind: 'finish', job: r.job.id });
        this.schedule(t);
        break;
      }
      case 'fail':
        this.onFail(ev.f, t);
        break;
      case 'detect':
        this.onDetect(ev.f, ev.failH, t);
        break;
      case 'repair':
        this.onRepair(ev.f, t);
        break;
    }
  }

  private newRun(job: SimJob): RunState {
    return {
      job,
      sub: job.chips < CHIPS_PER_CUBE,
      cubes: [],
      machines: [],
      hops: [],
      running: false,
      remainingH: job.workH,
      runStartH: 0,
      segStartH: 0,
      bankedH: 0,
      overheadH: 0,
      rate: 1,
      epoch: 0,
      interrupted: false,
      pendingFailH: null,
      placedShape: job.shape,
      migrated: false,
      queuedAtH: job.arrivalH,
      slowed: false,
    };
  }

  private sizeStats(chips: number): SizeStats {
    let s = this.stats.bySize.get(chips);
    if (!s) {
      s = { started: 0, interrupted: 0, slowed: 0 };
      this.stats.bySize.set(chips, s);
    }
    return s;
  }

  /** Slices wired through the OCS (every cube-granular one; docs/reference.md: wrap-around links go through it). */
  private usesOcs(r: RunState): boolean {
    return !r.sub;
  }

  private enqueue(r: RunState): void {
    // Borg-like order: priority, then arrival (an evicted job keeps its original place).
    this.queue.insert(r);
  }

  private key(kind: ComponentKind, target: number): string {
    return `${kind}:${target}`;
  }

  private onFail(f: FailureEvent, t: number): void {
    const k = this.key(f.kind, f.target);
    if (this.down.has(k)) return; // already down: this hit changes nothing
    if (f.kind === 'ocs' && this.cfg.design === 'static') return; // a static pod has no OCS
    this.down.add(k);
    this.emit({
      t,
      kind: 'fail',
      component: f.kind,
      target: f.target,
      cube: cubeOfComponent(f.kind, f.target, this.cables),
      forced: f.forced ?? false,
    });
    this.q.schedule(t + this.cfg.detectH, { kind: 'detect', f, failH: t });
  }

  /** healthd / libtpunet report the failure: mark it, evict the jobs it broke, reschedule (§5). */
  private onDetect(f: FailureEvent, failH: number, t: number): void {
    const hit: RunState[] = [];
    if (f.kind === 'ocs') {
      this.ocsKnownDown++;
      // Only slices with optical links are touched: a sub-cube slice has none.
      const runningJobs = [...this.runs.values()].filter((r) => r.running && this.usesOcs(r));
      if (this.cfg.ocsHandling === 'ft-routing') {
        // Keep running: libtpunet routes around the dark links at a step-time cost (docs/reference.md 0.5–8.6%).
        for (const r of runningJobs) this.setRate(r, t, 1 / (1 + this.cfg.ftSlowdown));
        this.emit({
          t,
          kind: 'slowdown',
          jobs: runningJobs.map((r) => r.job.id),
          factor: 1 + this.cfg.ftSlowdown,
        });
      } else {
        // DEVIATION: every cube has one link per face on each OCS, so no choice of spare cubes avoids the
        // failed switch: evicted jobs wait until it is repaired, then restart from their checkpoints.
        hit.push(...runningJobs);
      }
    } else {
      const cube = cubeOfComponent(f.kind, f.target, this.cables);
      this.cubeBad[cube]!++;
      if (f.kind === 'machine') this.machineBad[f.target] = 1;
      else this.cableBad[f.target] = 1;
      // A cube-granular slice loses the whole cube; a sub-cube slice only the machine it holds, or a cable
      // with both ends in it (a cable that leaves a sub-cube slice is not one of its links).
      let owner = this.cubeOwner[cube]!;
      if (owner < 0) {
        const a = f.kind === 'machine' ? f.target : this.cableEnds[2 * f.target]!;
        const b = f.kind === 'machine' ? f.target : this.cableEnds[2 * f.target + 1]!;
        owner = this.machineOwner[a] === this.machineOwner[b] ? this.machineOwner[a]! : -1;
      }
      if (owner >= 0) {
        const r = this.runs.get(owner)!;
        if (r.running) hit.push(r);
      }
    }
    this.emit({ t, kind: 'detect', component: f.kind, target: f.target, jobs: hit.map((r) => r.job.id) });
    for (const r of hit) this.interrupt(r, failH, t);
    this.q.schedule(t + f.repairH, { kind: 'repair', f });
    if (hit.length > 0) this.schedule(t);
  }

  private onRepair(f: FailureEvent, t: number): void {
    this.down.delete(this.key(f.kind, f.target));
    if (f.kind === 'ocs') {
      this.ocsKnownDown--;
      if (this.ocsKnownDown === 0 && this.cfg.ocsHandling === 'ft-routing') {
        const jobs = [...this.runs.values()].filter((r) => r.running && this.usesOcs(r));
        for (const r of jobs) this.setRate(r, t, 1);
        this.emit({ t, kind: 'slowdown', jobs: jobs.map((r) => r.job.id), factor: 1 });
      }
    } else {
      this.cubeBad[cubeOfComponent(f.kind, f.target, this.cables)]!--;
      if (f.kind === 'machine') this.machineBad[f.target] = 0;
      else this.cableBad[f.target] = 0;
    }
    this.emit({ t, kind: 'repair', component: f.kind, target: f.target });
    this.schedule(t);
  }

  /** Work units done in the current run by time t. */
  private units(r: RunState, t: number): number {
    return r.bankedH + Math.max(0, t - r.segStartH) * r.rate;
  }

  /** Chip-hours-per-chip lost to running slowed (wall time minus work done at full speed) so far. */
  private slowdownLoss(r: RunState, t: number): number {
    return Math.max(0, t - r.runStartH - this.units(r, t));
  }

  private setRate(r: RunState, t: number, rate: number): void {
    if (r.rate === rate) return;
    if (rate < 1) this.markSlowed(r);
    r.bankedH = this.units(r, t);
    r.segStartH = t;
    r.rate = rate;
    r.epoch++;
    const left = r.overheadH + r.remainingH - r.bankedH;
    this.q.schedule(t + Math.max(0, left) / rate, { kind: 'finish', job: r.job.id, epoch: r.epoch });
  }

  /** The job broke at failH (detected at t): keep its checkpointed progress, evict it. */
  private interrupt(r: RunState, failH: number, t: number): void {
    const chips = r.job.chips;
    const progressAtFail = Math.max(
      0,
      Math.min(this.units(r, Math.max(failH, r.runStartH)), this.units(r, t)) - r.overheadH,
    );
    const kept = Math.min(
      r.remainingH,
      Math.floor(progressAtFail / this.cfg.checkpointH) * this.cfg.checkpointH,
    );
    const wall = t - r.runStartH;
    this.stats.allocatedChipHours += wall * chips;
    this.stats.usefulChipHours += kept * chips;
    this.stats.hardwareLostChipHours += Math.max(0, wall - kept) * chips;
    r.remainingH -= kept;
    r.running = false;
    r.epoch++;
    if (!r.interrupted) {
      this.stats.jobsInterrupted++;
      this.sizeStats(r.job.chips).interrupted++;
    }
    r.interrupted = true;
    this.stats.interruptions++;
    r.pendingFailH = failH;
    if (r.sub) {
      // Any healthy free block will do, in either design (no OCS involved): move there now if there is one.
      this.emit({ t, kind: 'evict', job: r.job.id, cubes: [], machines: r.machines.slice() });
      this.release(r);
      if (this.place(r, t)) return;
    } else {
      this.emit({ t, kind: 'evict', job: r.job.id, cubes: r.cubes.slice() });
      if (this.cfg.design === 'ocs' && this.ocsKnownDown === 0 && this.tryReplace(r, t)) return;
    }
    this.release(r);
    r.queuedAtH = t;
    this.enqueue(r);
    this.emit({ t, kind: 'requeue', job: r.job.id });
  }

  /** Free and healthy as a whole cube, as far as the Pod Manager knows. */
  private usable(c: number): boolean {
    return this.cubeOwner[c] === -1 && this.cubeBad[c] === 0 && this.cubeSubUsed[c] === 0;
  }

  /** A sub-cube block that is free and known-healthy (its machines and the cables inside it). */
  private blockUsable(b: SubBlock): boolean {
    for (const m of b.machines) if (this.machineOwner[m] !== -1 || this.machineBad[m]) return false;
    for (const c of b.cables) if (this.cableBad[c]) return false;
    return true;
  }

  /**
   * Where a sub-cube slice goes: a free, known-healthy aligned block in a cube no cube-granular slice holds,
   * preferring cubes a cube-granular slice cannot use anyway (already split, or with a known-bad component,
   * whose healthy machines would otherwise idle), then the fullest, then the lowest index. ASSUMPTION: a
   * best-fit rule of ours; the paper does not describe how Borg packs sub-cube slices.
   */
  private findBlock(chips: number): SubBlock | null {
    const blocks = subCubeBlocks(chips);
    const perCube = blocks.length / CUBES;
    let best: SubBlock | null = null;
    let bestKey = -1;
    for (let c = 0; c < CUBES; c++) {
      if (this.cubeOwner[c] !== -1) continue;
      const split = this.cubeSubUsed[c]! > 0 || this.cubeBad[c]! > 0 ? 1 : 0;
      const key = split * 1000 + this.cubeSubUsed[c]!;
      if (key <= bestKey) continue;
      for (let i = 0; i < perCube; i++) {
        const b = blocks[c * perCube + i]!;
        if (this.blockUsable(b)) {
          best = b;
          bestKey = key;
          break;
        }
      }
    }
    return best;
  }

  /**
   * Reconfigurable pod: keep the job's healthy cubes, swap each known-bad one for a spare healthy free cube
   * and re-program only the xconnects that change (§5, "rescheduled on spare cubes → routes reconfigured").
   */
  private tryReplace(r: RunState, t: number): boolean {
    const bad = r.cubes.filter((c) => this.cubeBad[c]! > 0);
    const spares: number[] = [];
    for (let c = 0; c < CUBES && spares.length < bad.length; c++) if (this.usable(c)) spares.push(c);
    if (spares.length < bad.length) return false;
    const from = r.cubes.slice();
    const to = r.cubes.map((c) => (this.cubeBad[c]! > 0 ? spares.shift()! : c));
    for (const c of from) this.cubeOwner[c] = -1;
    const old = new Set(r.hops.map(hopKey));
    unwireCubes(this.maps, from);
    this.assign(r, to);
    // Each new cube-to-cube hop is one face's worth of optical links, one xconnect per link.
    const changed = r.hops.filter((h) => !old.has(hopKey(h))).length * LINKS_PER_FACE;
    this.stats.xconnects += changed;
    this.emit({ t, kind: 'rewire', job: r.job.id, from, to, xconnects: changed });
    this.startRun(r, t, true);
    return true;
  }

  /** Give cubes to a job and (OCS design) program its torus; returns xconnects programmed. */
  private assign(r: RunState, cubes: number[]): number {
    r.cubes = cubes;
    for (const c of cubes) this.cubeOwner[c] = r.job.id;
    if (this.cfg.design !== 'ocs') return 0;
    r.hops = sliceHops(cubeExtent(r.placedShape), cubes, twistable(r.job.shape));
    return wireHops(this.maps, r.hops);
  }

  private release(r: RunState): void {
    for (const m of r.machines) {
      if (this.machineOwner[m] !== r.job.id) continue;
      this.machineOwner[m] = -1;
      this.cubeSubUsed[cubeOfMachine(m)]!--;
    }
    r.machines = [];
    for (const c of r.cubes) if (this.cubeOwner[c] === r.job.id) this.cubeOwner[c] = -1;
    if (this.cfg.design === 'ocs') unwireCubes(this.maps, r.cubes);
    r.cubes = [];
    r.hops = [];
  }

  private markSlowed(r: RunState): void {
    if (r.slowed) return;
    r.slowed = true;
    this.stats.jobsSlowed++;
    this.sizeStats(r.job.chips).slowed++;
  }

  private startRun(r: RunState, t: number, restart: boolean): void {
    r.running = true;
    r.runStartH = t;
    r.segStartH = t;
    r.bankedH = 0;
    r.overheadH = restart ? this.cfg.restartH : 0;
    r.rate =
      this.cfg.design === 'ocs' &&
      this.ocsKnownDown > 0 &&
      this.cfg.ocsHandling === 'ft-routing' &&
      this.usesOcs(r)
        ? 1 / (1 + this.cfg.ftSlowdown)
        : 1;
    if (r.rate < 1) this.markSlowed(r);
    r.epoch++;
    this.runs.set(r.job.id, r);
    if (r.pendingFailH !== null) {
      this.stats.recoveries++;
      this.stats.recoverHoursSum += t + r.overheadH / r.rate - r.pendingFailH;
      r.pendingFailH = null;
    }
    this.q.schedule(t + (r.overheadH + r.remainingH) / r.rate, {
      kind: 'finish',
      job: r.job.id,
      epoch: r.epoch,
    });
  }

  /** Static pod: a free, known-healthy, cube-aligned block in an orientation the rule allows (first fit). */
  private staticFit(shape: Shape, usable: (c: number) => boolean): { cubes: number[]; shape: Shape } | null {
    for (const b of this.placements(shape))
      if (b.cubes.every(usable)) return { cubes: b.cubes, shape: b.shape };
    return null;
  }

  /** Every static placement of a shape under the configured rule (slices.ts staticBlocks), cached. */
  private placements(shape: Shape): StaticBlock[] {
    const k = shape.join('x');
    let list = this.placementsByShape.get(k);
    if (!list) {
      list = staticBlocks(shape, this.cfg.staticOrientation ?? 'any');
      this.placementsByShape.set(k, list);
    }
    return list;
  }

  /** Start what fits, in queue order (greedy backfill over the first 64 queued jobs, unless draining). */
  private schedule(t: number): void {
    // Re-wiring around a failed OCS: no slice with optical links starts until it is repaired.
    const opticalBlocked =
      this.cfg.design === 'ocs' && this.ocsKnownDown > 0 && this.cfg.ocsHandling === 'rewire';
    // Within one pass free space only shrinks (until a defragmentation), so a size that did not fit still
    // does not: remember it instead of searching again (a sub-cube block of n machines holds blocks of n/2;
    // an OCS slice needs only a count of cubes; a static slice, its shape).
    let subMiss = Infinity;
    let cubeMiss = Infinity;
    let shapeMiss = new Set<string>();
    const known = (r: RunState): boolean =>
      r.sub
        ? r.job.chips >= subMiss
        : this.cfg.design === 'ocs'
          ? r.job.chips >= cubeMiss
          : shapeMiss.has(r.job.shape.join('x'));
    let scanned = 0;
    for (let i = 0; i < this.queue.length && scanned < BACKFILL_WINDOW; scanned++) {
      const r = this.queue.at(i);
      if (opticalBlocked && this.usesOcs(r)) {
        i++;
        continue;
      }
      if (!known(r)) {
        if (this.place(r, t)) {
          this.queue.removeAt(i);
          continue;
        }
        if (r.sub) subMiss = Math.min(subMiss, r.job.chips);
        else if (this.cfg.design === 'ocs') cubeMiss = Math.min(cubeMiss, r.job.chips);
        else shapeMiss.add(r.job.shape.join('x'));
      }
      if (i === 0 && !r.sub && this.cfg.design === 'static' && this.cfg.defrag && this.defragFor(r, t)) {
        this.queue.removeAt(0);
        subMiss = Infinity;
        cubeMiss = Infinity;
        shapeMiss = new Set<string>();
        continue;
      }
      if (i === 0 && t - r.queuedAtH >= this.cfg.drainAfterH) return; // drain for the head job
      i++;
    }
  }

  private place(r: RunState, t: number): boolean {
    if (r.sub) return this.placeSub(r, t);
    const need = r.job.chips / CHIPS_PER_CUBE;
    let cubes: number[] | null = null;
    if (this.cfg.design === 'ocs') {
      const free: number[] = [];
      for (let c = 0; c < CUBES && free.length < need; c++) if (this.usable(c)) free.push(c);
      if (free.length === need) cubes = free;
      r.placedShape = r.job.shape;
    } else {
      const fit = this.staticFit(r.job.shape, (c) => this.usable(c));
      if (fit) {
        cubes = fit.cubes;
        r.placedShape = fit.shape;
      }
    }
    if (!cubes) return false;
    const x = this.assign(r, cubes);
    this.stats.xconnects += x;
    const restart = r.interrupted || r.migrated;
    if (!r.interrupted && !r.migrated) this.countStart(r);
    r.migrated = false;
    this.emit({ t, kind: 'start', job: r.job.id, cubes: cubes.slice(), xconnects: x });
    this.startRun(r, t, restart);
    return true;
  }

  private countStart(r: RunState): void {
    this.stats.jobsStarted++;
    this.sizeStats(r.job.chips).started++;
  }

  /** A sub-cube slice: same in both designs (no OCS); holds its block's machines, programs no xconnect. */
  private placeSub(r: RunState, t: number): boolean {
    const b = this.findBlock(r.job.chips);
    if (!b) return false;
    r.machines = b.machines.slice();
    for (const m of b.machines) this.machineOwner[m] = r.job.id;
    this.cubeSubUsed[b.cube]! += b.machines.length;
    if (!r.interrupted) this.countStart(r);
    this.emit({ t, kind: 'start', job: r.job.id, cubes: [], xconnects: 0, machines: r.machines.slice() });
    this.startRun(r, t, r.interrupted);
    return true;
  }

  /**
   * Static-pod defragmentation (§5 migration): when the head job fits nowhere but enough healthy cubes are
   * free, repack the running jobs and the head job largest-first; if all fit, the moved jobs checkpoint and
   * restart in their new blocks (they lose only the restart time) and the head job starts.
   */
  private defragFor(head: RunState, t: number): boolean {
    let freeHealthy = 0;
    for (let c = 0; c < CUBES; c++) if (this.usable(c)) freeHealthy++;
    if (freeHealthy < head.job.chips / CHIPS_PER_CUBE) return false;
    // Sub-cube slices stay where they are; their cubes are not free for the repack.
    const running = [...this.runs.values()].filter((r) => r.running && !r.sub);
    const order = [head, ...running].sort((a, b) => b.job.chips - a.job.chips || a.job.id - b.job.id);
    const taken = new Int32Array(CUBES).fill(-1);
    const plan = new Map<number, { cubes: number[]; shape: Shape }>();
    for (const r of order) {
      const fit = this.staticFit(
        r.job.shape,
        (c) => taken[c] === -1 && this.cubeBad[c] === 0 && this.cubeSubUsed[c] === 0,
      );
      if (!fit) return false;
      for (const c of fit.cubes) taken[c] = r.job.id;
      plan.set(r.job.id, fit);
    }
    for (const r of running) {
      const p = plan.get(r.job.id)!;
      if (p.cubes.join() === r.cubes.join()) continue;
      // Planned migration: checkpoint now (no progress lost), restart elsewhere.
      const done = Math.max(0, this.units(r, t) - r.overheadH);
      this.stats.allocatedChipHours += (t - r.runStartH) * r.job.chips;
      this.stats.usefulChipHours += Math.min(done, r.remainingH) * r.job.chips;
      r.remainingH = Math.max(0, r.remainingH - done);
      const from = r.cubes.slice();
      this.release(r);
      r.running = false;
      r.epoch++;
      r.migrated = true;
      r.placedShape = p.shape;
      this.stats.migrations++;
      r.cubes = [];
      this.emit({ t, kind: 'migrate', job: r.job.id, from, to: p.cubes.slice() });
      this.pendingMoves.push([r, p.cubes]);
    }
    for (const [r, cubes] of this.pendingMoves) {
      this.assign(r, cubes);
      this.emit({ t, kind: 'start', job: r.job.id, cubes: cubes.slice(), xconnects: 0 });
      r.migrated = false;
      this.startRun(r, t, true);
    }
    this.pendingMoves.length = 0;
    const hp = plan.get(head.job.id)!;
    head.placedShape = hp.shape;
    this.assign(head, hp.cubes);
    if (!head.interrupted) this.countStart(head);
    this.emit({ t, kind: 'start', job: head.job.id, cubes: hp.cubes.slice(), xconnects: 0 });
    this.startRun(head, t, head.interrupted);
    return true;
  }

  private readonly pendingMoves: [RunState, number[]][] = [];

  /** Horizon reached: count the progress of running jobs and the allocation so far. */
  private close(t: number): void {
    for (const r of this.runs.values()) {
      if (!r.running) continue;
      const done = Math.min(r.remainingH, Math.max(0, this.units(r, t) - r.overheadH));
      this.stats.usefulChipHours += done * r.job.chips;
      this.stats.allocatedChipHours += (t - r.runStartH) * r.job.chips;
      this.stats.hardwareLostChipHours += this.slowdownLoss(r, t) * r.job.chips;
    }
    for (const r of [...this.runs.values(), ...this.queue.toArray()])
      if (r.pendingFailH !== null) this.stats.unrecovered++;
  }

  /** Check the invariants now; throws when one is broken (tests call this between events). */
  checkInvariants(): void {
    const seen = new Int32Array(CUBES).fill(-1);
    const seenMachine = new Int32Array(MACHINES).fill(-1);
    const subUsed = new Int32Array(CUBES);
    for (const [id, r] of this.runs) {
      if (!r.running) continue;
      for (const c of r.cubes) {
        if (seen[c] !== -1) throw new Error(`cube ${c} is in jobs ${seen[c]} and ${id}`);
        seen[c] = id;
        if (this.cubeOwner[c] !== id) throw new Error(`cube ${c} owner mismatch`);
      }
      for (const m of r.machines) {
        if (seenMachine[m] !== -1) throw new Error(`machine ${m} is in jobs ${seenMachine[m]} and ${id}`);
        seenMachine[m] = id;
        if (this.machineOwner[m] !== id) throw new Error(`machine ${m} owner mismatch`);
        subUsed[cubeOfMachine(m)]!++;
      }
    }
    for (let c = 0; c < CUBES; c++) {
      if (subUsed[c] !== this.cubeSubUsed[c]) throw new Error(`cube ${c}: sub-cube machine count mismatch`);
      if (subUsed[c]! > 0 && seen[c] !== -1)
        throw new Error(`cube ${c} holds job ${seen[c]} and sub-cube slices`);
    }
    if (this.cfg.design === 'ocs') {
      this.maps.check();
      let inUse = 0;
      for (const c of seen) if (c !== -1) inUse++;
      // A cube in use has each of its 96 face links cross-connected, two links per xconnect: one per OCS.
      if (this.maps.connections() !== inUse * OCS_COUNT) {
        throw new Error(
          `${this.maps.connections()} xconnects for ${inUse} cubes in use (want ${inUse * OCS_COUNT})`,
        );
      }
    }
  }

  /** Step one event (tests): returns false when the horizon is reached. */
  stepOne(): boolean {
    const next = this.q.peek();
    if (!next || next.time > this.cfg.horizonH) return false;
    this.q.step();
    this.handle(next.event, next.time);
    return true;
  }
}
