// Replays a view model's timeline to the pod's state at one instant (which job holds each machine and each
// whole cube, which machines, cables and switches are down) and finds the job moves inside a time window,
// for animation.
import { CUBES, MACHINES, OCS_COUNT, cubeOfMachine, machinesOfCube } from './topology';
import type { TpuViewEvent, TpuViewModel } from './view';

export interface Holding {
  cubes: readonly number[];
  machines: readonly number[];
}

export interface PodState {
  t: number;
  /**
   * Job id per machine, -1 when free: a cube-granular job holds all 16 machines of each of its cubes, a
   * sub-cube job the machines of its block (so one cube can hold several sub-cube jobs).
   */
  machineJob: Int32Array;
  /** The cube-granular job holding each whole cube (its optical links are that job's), -1 when none. */
  cubeJob: Int32Array;
  /** What each running job holds, by job id: its cubes (empty for a sub-cube job) and its machines. */
  held: ReadonlyMap<number, Holding>;
  machineDown: Uint8Array;
  /** Indexed like iciCables(). */
  cableDown: Uint8Array;
  ocsDown: Uint8Array;
  /** Index of the last event at or before t (-1 before the first). */
  lastEvent: number;
  /** Rewire / migrate events at or before t, oldest first. */
  moves: TpuViewEvent[];
  /**
   * Times an event gave a job a machine that another job still held. Always 0 for a model built from the
   * simulator (it never double-books a machine); the replay counts instead of trusting it.
   */
  conflicts: number;
}

/** Machines of a start / rewire / migrate / evict event: its cubes' 16 machines each, or its block's. */
export function machinesOfEvent(e: TpuViewEvent): number[] {
  if (e.machines.length > 0) return e.machines;
  const out: number[] = [];
  for (const c of e.cubes) out.push(...machinesOfCube(c));
  return out;
}

/**
 * The state after every event with time ≤ t, in timeline order. Invariant: a machine never holds two jobs
 * (events come from the simulator, which enforces it; this replay mirrors them and counts any breach in
 * `conflicts`).
 */
export function stateAt(model: TpuViewModel, t: number): PodState {
  const machineJob = new Int32Array(MACHINES).fill(-1);
  const cubeJob = new Int32Array(CUBES).fill(-1);
  const held = new Map<number, Holding>();
  const machineDown = new Uint8Array(MACHINES);
  const cableDown = new Uint8Array(model.cableLinks.length);
  const ocsDown = new Uint8Array(OCS_COUNT);
  const moves: TpuViewEvent[] = [];
  let lastEvent = -1;
  let conflicts = 0;
  const free = (job: number) => {
    const h = held.get(job);
    if (!h) return;
    for (const m of h.machines) if (machineJob[m] === job) machineJob[m] = -1;
    for (const c of h.cubes) if (cubeJob[c] === job) cubeJob[c] = -1;
    held.delete(job);
  };
  const take = (e: TpuViewEvent) => {
    free(e.job);
    const machines = machinesOfEvent(e);
    for (const m of machines) {
      if (machineJob[m] !== -1) conflicts++;
      machineJob[m] = e.job;
    }
    for (const c of e.cubes) cubeJob[c] = e.job;
    held.set(e.job, { cubes: e.cubes, machines });
  };
  for (let i = 0; i < model.events.length; i++) {
    const e = model.events[i]!;
    if (e.t > t) break;
    lastEvent = i;
    switch (e.kind) {
      case 'start':
        take(e);
        break;
      case 'rewire':
      case 'migrate':
        take(e);
        moves.push(e);
        break;
      case 'evict':
      case 'finish':
      case 'requeue':
        free(e.job);
        break;
      case 'fail':
      case 'repair': {
        const v = e.kind === 'fail' ? 1 : 0;
        if (e.component === 'machine') machineDown[e.target] = v;
        else if (e.component === 'cable') cableDown[e.target] = v;
        else if (e.component === 'ocs') ocsDown[e.target] = v;
        break;
      }
      default:
        break;
    }
  }
  return { t, machineJob, cubeJob, held, machineDown, cableDown, ocsDown, lastEvent, moves, conflicts };
}

/** Jobs running, of them sub-cube, and the cubes whose machines hold more than one job (ascending). */
export function occupancy(state: PodState): { jobs: number; subCube: number; sharedCubes: number[] } {
  let subCube = 0;
  for (const h of state.held.values()) if (h.cubes.length === 0) subCube++;
  const first = new Int32Array(CUBES).fill(-1);
  const shared = new Uint8Array(CUBES);
  for (let m = 0; m < MACHINES; m++) {
    const job = state.machineJob[m]!;
    if (job < 0) continue;
    const c = cubeOfMachine(m);
    if (first[c] === -1) first[c] = job;
    else if (first[c] !== job) shared[c] = 1;
  }
  const sharedCubes: number[] = [];
  for (let c = 0; c < CUBES; c++) if (shared[c]) sharedCubes.push(c);
  return { jobs: state.held.size, subCube, sharedCubes };
}

/** Index of the first event strictly after t (events.length when none). */
export function nextEventAfter(model: TpuViewModel, t: number): number {
  let lo = 0;
  let hi = model.events.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (model.events[mid]!.t <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
