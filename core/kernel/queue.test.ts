// Tests for the event queue: ordering by (time, priority, sequence), the clock, run({ until, maxEvents }).
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { EventQueue } from './queue';
import type { Scheduled } from './queue';

/** An arbitrary schedule: small integer times and priorities so that ties are common. */
const schedule = fc.array(
  fc.record({ time: fc.integer({ min: 0, max: 20 }), priority: fc.integer({ min: -2, max: 2 }) }),
  { maxLength: 60 },
);

function drain<E>(q: EventQueue<E>): Scheduled<E>[] {
  const out: Scheduled<E>[] = [];
  for (let s = q.step(); s !== undefined; s = q.step()) out.push(s);
  return out;
}

describe('EventQueue', () => {
  it('step() pops events in (time, priority, sequence) order', () => {
    fc.assert(
      fc.property(schedule, (items) => {
        const q = new EventQueue<number>();
        items.forEach((it, i) => q.schedule(it.time, i, it.priority));
        const popped = drain(q).map((s) => s.event);
        // Array.prototype.sort is stable, so ties keep insertion order: the reference FIFO order.
        const expected = items
          .map((it, i) => ({ ...it, i }))
          .sort((a, b) => a.time - b.time || a.priority - b.priority)
          .map((x) => x.i);
        expect(popped).toEqual(expected);
      }),
    );
  });

  it('events with equal time and priority pop first-in first-out; lower priority pops first', () => {
    const q = new EventQueue<string>();
    q.schedule(5, 'a');
    q.schedule(5, 'b');
    q.schedule(5, 'urgent', -1);
    q.schedule(5, 'c');
    q.schedule(1, 'early', 9);
    expect(drain(q).map((s) => s.event)).toEqual(['early', 'urgent', 'a', 'b', 'c']);
  });

  it('time never goes backwards across step(), even when handlers schedule more events', () => {
    fc.assert(
      fc.property(schedule, fc.array(fc.nat({ max: 5 }), { maxLength: 60 }), (items, delays) => {
        const q = new EventQueue<number>();
        items.forEach((it, i) => q.schedule(it.time, i, it.priority));
        let last = q.now;
        let k = 0;
        for (let s = q.step(); s !== undefined; s = q.step()) {
          expect(s.time).toBeGreaterThanOrEqual(last);
          expect(q.now).toBe(s.time);
          last = s.time;
          const d = delays[k++];
          if (d !== undefined) q.schedule(q.now + d, -k);
        }
      }),
    );
  });

  it('scheduling in the past throws and leaves the queue unchanged', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1000 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (now, fraction) => {
          const q = new EventQueue<string>();
          q.schedule(now, 'tick');
          q.step();
          q.schedule(now + 1, 'later');
          const past = now * fraction;
          expect(() => q.schedule(past, 'bad')).toThrow(/cannot schedule in the past/);
          expect(q.size).toBe(1);
          expect(q.peek()?.event).toBe('later');
        },
      ),
    );
  });

  it('scheduling at NaN throws; scheduling at now is allowed', () => {
    const q = new EventQueue<string>(10);
    expect(q.now).toBe(10);
    expect(() => q.schedule(NaN, 'x')).toThrow('cannot schedule in the past: t=NaN < now=10');
    expect(() => q.schedule(9.999, 'x')).toThrow('cannot schedule in the past: t=9.999 < now=10');
    q.schedule(10, 'now');
    expect(q.size).toBe(1);
  });

  it('peek() shows the next event without popping it or moving the clock', () => {
    const q = new EventQueue<string>();
    expect(q.peek()).toBeUndefined();
    q.schedule(3, 'b');
    q.schedule(2, 'a', 1);
    expect(q.peek()).toEqual({ time: 2, priority: 1, seq: 1, event: 'a' });
    expect(q.size).toBe(2);
    expect(q.now).toBe(0);
  });

  it('step() on an empty queue returns undefined and keeps the clock', () => {
    const q = new EventQueue<string>(4);
    expect(q.step()).toBeUndefined();
    expect(q.now).toBe(4);
  });

  it('run({ until }) processes exactly the events at or before until, then sets now = until', () => {
    fc.assert(
      fc.property(schedule, fc.integer({ min: 0, max: 25 }), (items, until) => {
        const q = new EventQueue<number>();
        items.forEach((it, i) => q.schedule(it.time, i, it.priority));
        const seen: number[] = [];
        const count = q.run(
          (ev, time) => {
            expect(time).toBeLessThanOrEqual(until);
            seen.push(ev);
          },
          { until },
        );
        const expected = items.flatMap((it, i) => (it.time <= until ? [i] : []));
        expect(count).toBe(expected.length);
        expect([...seen].sort((a, b) => a - b)).toEqual(expected);
        expect(q.size).toBe(items.length - expected.length);
        expect(q.now).toBe(until);
        const next = q.peek();
        if (next !== undefined) expect(next.time).toBeGreaterThan(until);
      }),
    );
  });

  it('run() handles events that handlers schedule, including at the current time', () => {
    const q = new EventQueue<number>();
    q.schedule(0, 3);
    const times: number[] = [];
    // Each event n > 0 schedules n - 1 at the same time and n - 1 one unit later.
    const count = q.run((n, time, queue) => {
      times.push(time);
      if (n > 0) {
        queue.schedule(time, n - 1);
        queue.schedule(time + 1, n - 1);
      }
    });
    expect(count).toBe(15); // 2^(3+1) - 1 events in the binary tree
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(q.now).toBe(3);
    expect(q.size).toBe(0);
  });

  it('run() stops after maxEvents and does not move the clock past unprocessed events', () => {
    const q = new EventQueue<string>();
    for (const t of [1, 2, 3, 4]) q.schedule(t, `e${t}`);
    const seen: string[] = [];
    expect(q.run((ev) => seen.push(ev), { until: 10, maxEvents: 2 })).toBe(2);
    expect(seen).toEqual(['e1', 'e2']);
    expect(q.now).toBe(2);
    expect(q.run((ev) => seen.push(ev), { until: 10 })).toBe(2);
    expect(q.now).toBe(10);
  });

  it('run({ until }) before now processes nothing and leaves the clock alone', () => {
    const q = new EventQueue<string>(5);
    q.schedule(6, 'x');
    expect(q.run(() => undefined, { until: 3 })).toBe(0);
    expect(q.now).toBe(5);
    expect(q.size).toBe(1);
  });

  it('run() rejects a NaN until and a negative or fractional maxEvents', () => {
    const q = new EventQueue<string>();
    expect(() => q.run(() => undefined, { until: NaN })).toThrow(/until/);
    expect(() => q.run(() => undefined, { maxEvents: -1 })).toThrow(/maxEvents/);
    expect(() => q.run(() => undefined, { maxEvents: 1.5 })).toThrow(/maxEvents/);
  });

  it('clear() drops waiting events but keeps the clock and FIFO numbering', () => {
    const q = new EventQueue<string>();
    q.schedule(1, 'a');
    q.step();
    q.schedule(2, 'b');
    q.clear();
    expect(q.size).toBe(0);
    expect(q.peek()).toBeUndefined();
    expect(q.now).toBe(1);
    q.schedule(2, 'c');
    expect(q.peek()?.seq).toBe(2);
  });

  it('takes an event priority from priorityOf unless schedule names one', () => {
    const table: Record<string, number> = { fail: 0, finish: 1, arrive: 2 };
    const priorityOf = (e: string) => table[e] ?? 9;
    const q = new EventQueue<string>(0, priorityOf);
    for (const e of ['arrive', 'finish', 'fail', 'other']) q.schedule(5, e);
    q.schedule(5, 'forced', -1);
    const order: string[] = [];
    q.run((e) => void order.push(e));
    expect(order).toEqual(['forced', 'fail', 'finish', 'arrive', 'other']);
  });
});
