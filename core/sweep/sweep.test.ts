import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { getExperiment } from '../labs';
import { mergeShards, parseGrid, planRuns, planSweep, serializeSweep, shardRange, sweepDoc } from './sweep';
import type { SweepRun } from './sweep';

const probability = getExperiment('train-recovery-probability');

/** A finished sweep of `n` fake runs cut into `count` shards, as each shard would write it. */
function shardsOf(n: number, count: number) {
  const plan = planSweep(
    probability,
    [`failures=${Array.from({ length: n }, (_, i) => i).join(',')}`],
    1,
    {},
  );
  const runs: SweepRun[] = plan.runs.map((r, i) => ({
    params: { failures: i },
    seed: r.seed,
    metrics: { x: i },
    resultSha256: String(i),
  }));
  const whole = sweepDoc(plan, runs, { x: { value: 1, source: 's' } });
  const shards = Array.from({ length: count }, (_, index) => {
    const [from, to] = shardRange(n, index, count);
    return sweepDoc(
      plan,
      runs.slice(from, to),
      { x: { value: 1, source: 's' } },
      { index, count, firstRun: from },
    );
  });
  return { whole, shards };
}

describe('sweep planning', () => {
  it('crosses the grid in order (first axis outermost, seeds innermost)', () => {
    const grid = parseGrid(probability, ['failures=1,2', 'replicas=2,4']);
    const runs = planRuns(grid, 2, { trials: '10' });
    expect(runs.map((r) => `${r.params.failures}/${r.params.replicas}/${r.seed}`)).toEqual([
      '1/2/1',
      '1/2/2',
      '1/4/1',
      '1/4/2',
      '2/2/1',
      '2/2/2',
      '2/4/1',
      '2/4/2',
    ]);
    expect(runs.every((r) => r.params.trials === '10')).toBe(true);
  });

  it('reads each value as its parameter does, so equal values written two ways are one', () => {
    const avail = getExperiment('tpu-availability');
    expect(parseGrid(avail, ['hostAvailability=0.990,0.9950'])[0]!.values).toEqual(['0.99', '0.995']);
    expect(() => parseGrid(avail, ['hostAvailability=0.99,0.990'])).toThrow(/listed twice/);
    expect(() => parseGrid(avail, ['hostAvailability=2'])).toThrow(/hostAvailability=2: /);
  });

  it('splits list-valued parameters on ";" and refuses unknown, doubled or empty axes', () => {
    const kv = getExperiment('kv-block-size');
    const listParam = Object.entries(kv.params).find(([, s]) => s.kind === 'int-list')![0];
    expect(parseGrid(kv, [`${listParam}=8,16;32`])[0]!.values).toEqual(['8,16', '32']);
    expect(() => parseGrid(probability, ['nope=1'])).toThrow(/no such parameter/);
    expect(() => parseGrid(probability, ['failures=1', 'failures=2'])).toThrow(/twice/);
    expect(() => parseGrid(probability, ['failures='])).toThrow(/no values/);
    expect(() => planSweep(probability, ['failures=1'], 1, { failures: '2' })).toThrow(
      /both --set and --grid/,
    );
  });

  it('shards cover every run exactly once, in order, for any count', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 500 }), fc.integer({ min: 1, max: 64 }), (n, count) => {
        const seen: number[] = [];
        for (let i = 0; i < count; i++) {
          const [from, to] = shardRange(n, i, count);
          for (let r = from; r < to; r++) seen.push(r);
        }
        expect(seen).toEqual(Array.from({ length: n }, (_, r) => r));
      }),
    );
  });
});

describe('sweep merge', () => {
  it('gives the one-process sweep.json byte for byte, for any shard count and order', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 12 }),
        fc.boolean(),
        (n, count, reverse) => {
          const { whole, shards } = shardsOf(n, count);
          const given = reverse ? [...shards].reverse() : shards;
          expect(serializeSweep(mergeShards(given))).toBe(serializeSweep(whole));
        },
      ),
      { numRuns: 60 },
    );
  });

  it('refuses a missing, doubled, unfinished or foreign shard with one line', () => {
    const { shards } = shardsOf(10, 3);
    expect(() => mergeShards(shards.slice(0, 2))).toThrow(/shards 2\/3 are missing/);
    expect(() => mergeShards([...shards, shards[1]!])).toThrow(/1\/3 is given twice/);
    expect(() =>
      mergeShards([shards[0]!, { ...shards[1]!, runs: shards[1]!.runs.slice(1) }, shards[2]!]),
    ).toThrow(/has 2 runs, expected 3/);
    const other = shardsOf(11, 3).shards;
    expect(() => mergeShards([shards[0]!, other[1]!, shards[2]!])).toThrow(/belongs to another sweep/);
  });
});
