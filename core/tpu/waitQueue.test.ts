// The pod's wait queue against a plain sorted array: same order after any mix of inserts (arrivals out of
// order too: requeued jobs keep their old arrival time) and removals near the front, across compactions.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { WaitQueue } from './waitQueue';
import type { Queued } from './waitQueue';

const order = (a: Queued, b: Queued) =>
  a.job.priority - b.job.priority || a.job.arrivalH - b.job.arrivalH || a.job.id - b.job.id;

type Op = { kind: 'insert'; arrivalH: number; priority: 0 | 1 } | { kind: 'remove'; at: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    kind: fc.constant('insert' as const),
    arrivalH: fc.integer({ min: 0, max: 50 }),
    priority: fc.constantFrom(0 as const, 1 as const),
  }),
  fc.record({ kind: fc.constant('remove' as const), at: fc.integer({ min: 0, max: 6 }) }),
);

describe('WaitQueue', () => {
  it('keeps (priority, arrival, id) order under inserts and removals near the front', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 3000 }), (ops) => {
        const q = new WaitQueue<Queued>();
        const ref: Queued[] = [];
        let id = 0;
        for (const o of ops) {
          if (o.kind === 'insert') {
            const r = { job: { id: id++, arrivalH: o.arrivalH, priority: o.priority } };
            q.insert(r);
            ref.push(r);
            ref.sort(order);
          } else if (o.at < ref.length) {
            expect(q.at(o.at)).toBe(ref[o.at]);
            q.removeAt(o.at);
            ref.splice(o.at, 1);
          }
          expect(q.length).toBe(ref.length);
        }
        expect(q.toArray()).toEqual(ref);
      }),
      { numRuns: 60 },
    );
  });

  it('survives the compaction of a long-drained lane', () => {
    const q = new WaitQueue<Queued>();
    for (let i = 0; i < 5000; i++) q.insert({ job: { id: i, arrivalH: i, priority: 1 } });
    for (let i = 0; i < 4000; i++) q.removeAt(0);
    expect(q.length).toBe(1000);
    expect(q.at(0).job.id).toBe(4000);
    q.insert({ job: { id: 9999, arrivalH: 4500.5, priority: 1 } });
    expect(
      q
        .toArray()
        .map((r) => r.job.id)
        .slice(499, 503),
    ).toEqual([4499, 4500, 9999, 4501]);
  });
});
