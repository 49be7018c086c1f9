// Replays a view model's timeline to the pod's state at one instant (which job holds each cube, which
// machines, cables and switches are down) and finds the job moves inside a time window, for animation.
import { CUBES, MACHINES, OCS_COUNT } from './topology';
import type { TpuViewEvent, TpuViewModel } from './view';

export interface PodState {
  t: number;
  /** Job id per cube, -1 when free. */
  cubeJob: Int32Array;
  machineDown: Uint8Array;
  /** Indexed like iciCables(). */
  cableDown: Uint8Array;
  ocsDown: Uint8Array;
  /** Index of the last event at or before t (-1 before the first). */
  lastEvent: number;
  /** Rewire / migrate events at or before t, oldest first. */
  moves: TpuViewEvent[];
}

/**
 * The state after every event with time ≤ t, in timeline order. Invariant: a cube never holds two jobs
 * (events come from the simulator, which enforces it; this replay only mirrors them).
 */
export function stateAt(model: TpuViewModel, t: number): PodState {
  const cubeJob = new Int32Array(CUBES).fill(-1);
  const machineDown = new Uint8Array(MACHINES);
  const cableDown = new Uint8Array(model.cableLinks.length);
  const ocsDown = new Uint8Array(OCS_COUNT);
  const moves: TpuViewEvent[] = [];
  let lastEvent = -1;
  const free = (job: number) => {
    for (let c = 0; c < CUBES; c++) if (cubeJob[c] === job) cubeJob[c] = -1;
  };
  for (let i = 0; i < model.events.length; i++) {
    const e = model.events[i]!;
    if (e.t > t) break;
    lastEvent = i;
    switch (e.kind) {
      case 'start':
        free(e.job);
        for (const c of e.cubes) cubeJob[c] = e.job;
        break;
      case 'rewire':
      case 'migrate':
        free(e.job);
        for (const c of e.cubes) cubeJob[c] = e.job;
        moves.push(e);
        break;
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
  return { t, cubeJob, machineDown, cableDown, ocsDown, lastEvent, moves };
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
