// The discrete-event queue and virtual clock every simulation runs on (SimPy-style; STYLE.md).
// Owns the order in which events happen: (time, priority, sequence), and the clock `now`.
import { Heap } from 'heap-js';

/** One event in the queue, with the keys that order it. */
export interface Scheduled<E> {
  /** Virtual time the event happens at, in the simulation's unit. */
  readonly time: number;
  /** Tie-break among events at the same time: the lower number happens first. */
  readonly priority: number;
  /** Insertion counter: among equal (time, priority), the event scheduled first happens first. */
  readonly seq: number;
  readonly event: E;
}

export interface RunOptions {
  /** Process only events with time <= until; the clock then stands at `until`. Default: no limit. */
  until?: number;
  /** Process at most this many events. Default: no limit. */
  maxEvents?: number;
}

export type EventHandler<E> = (ev: E, time: number, q: EventQueue<E>) => void;

function compareScheduled<E>(a: Scheduled<E>, b: Scheduled<E>): number {
  if (a.time !== b.time) return a.time < b.time ? -1 : 1;
  if (a.priority !== b.priority) return a.priority < b.priority ? -1 : 1;
  return a.seq - b.seq;
}

/**
 * A discrete-event queue with a virtual clock.
 *
 * Invariants:
 * - Events pop in (time, priority, seq) order; seq is a per-queue insertion counter, so events with
 *   equal time and priority pop first-in first-out, and the order never depends on the heap's layout.
 * - `now` never decreases; every queued event has `time >= now`. Scheduling before `now` (or at NaN)
 *   throws and leaves the queue unchanged.
 * - `step()` sets `now` to the time of the event it returns.
 * - `run({ until })` processes exactly the events with time <= until, including any its handlers
 *   schedule at or before `until`, then sets `now = until` (when finite and later than `now`).
 */
export class EventQueue<E> {
  private readonly heap = new Heap<Scheduled<E>>(compareScheduled);
  private clock: number;
  private nextSeq = 0;

  /**
   * `priorityOf` names each kind of event's tie-break once (a simulation's table of priorities), so
   * `schedule` needs no priority argument; without it every event has priority 0.
   */
  constructor(
    startTime = 0,
    private readonly priorityOf: (event: E) => number = () => 0,
  ) {
    if (!Number.isFinite(startTime)) throw new Error(`startTime must be a finite number (got ${startTime})`);
    this.clock = startTime;
  }

  /** The virtual clock: the time of the last event popped, or of the last `run({ until })`. */
  get now(): number {
    return this.clock;
  }

  /** Number of events waiting. */
  get size(): number {
    return this.heap.length;
  }

  /** Queue `event` at `time` (>= now); among events at the same time, lower `priority` goes first. */
  schedule(time: number, event: E, priority = this.priorityOf(event)): void {
    if (Number.isNaN(time) || time < this.clock) {
      throw new Error(`cannot schedule in the past: t=${time} < now=${this.clock}`);
    }
    if (!Number.isFinite(priority)) throw new Error(`priority must be a finite number (got ${priority})`);
    this.heap.push({ time, priority, seq: this.nextSeq++, event });
  }

  /** The next event to happen, without removing it or moving the clock. */
  peek(): Scheduled<E> | undefined {
    return this.heap.peek();
  }

  /** Remove the next event and advance the clock to its time; undefined (clock unchanged) when empty. */
  step(): Scheduled<E> | undefined {
    const next = this.heap.pop();
    if (next !== undefined) this.clock = next.time;
    return next;
  }

  /**
   * Pop and handle events in order until the queue is empty, the next event is after `until`, or
   * `maxEvents` have been handled. Handlers may schedule more events. Returns the number handled.
   * The clock moves to `until` only when every event up to `until` was handled (not when `maxEvents`
   * stopped the run early), so no queued event is ever left behind the clock.
   */
  run(handler: EventHandler<E>, opts: RunOptions = {}): number {
    const until = opts.until ?? Infinity;
    const maxEvents = opts.maxEvents ?? Infinity;
    if (Number.isNaN(until)) throw new Error('run: until must be a number (got NaN)');
    if (!(maxEvents >= 0) || (Number.isFinite(maxEvents) && !Number.isInteger(maxEvents))) {
      throw new Error(`run: maxEvents must be a non-negative integer (got ${maxEvents})`);
    }
    let handled = 0;
    while (handled < maxEvents) {
      const next = this.heap.peek();
      if (next === undefined || next.time > until) break;
      this.step();
      handler(next.event, next.time, this);
      handled++;
    }
    const next = this.heap.peek();
    const reachedUntil = next === undefined || next.time > until;
    if (reachedUntil && Number.isFinite(until) && until > this.clock) this.clock = until;
    return handled;
  }

  /** Drop every waiting event. The clock and the sequence counter keep their values. */
  clear(): void {
    this.heap.clear();
  }
}
