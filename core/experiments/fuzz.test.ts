// Property-based fuzzing of every parser (params, traces, world files, kv-replay traces) and of each
// experiment's parameter space: whatever comes in, the answer is a value or a one-line, printable UserError;
// random valid parameters are either refused up front or declare finite work within the limit.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { UserError, printable } from './errors';
import { checkParam } from './params';
import { WORK_LIMIT_US, checkSeed, resolveExperimentParams } from './run';
import type { ParamSpec, ParamsOf, ParamSchema } from './types';
import { listExperiments, runExperiment } from '../labs';
import { parseTraceFile } from '../kv/workloads';
import { replayTrace } from '../kv/trace';
import { parseWorld, parseWorldText } from '../mesh/world';

/** A user error is one printable line: no control character, no line break. */
function expectOneLine(e: unknown): void {
  expect(e).toBeInstanceOf(UserError);
  const m = (e as Error).message;
  expect(m).toBe(printable(m));
}

function outcome(f: () => unknown): void {
  try {
    f();
  } catch (e) {
    expectOneLine(e);
  }
}

const RUNS = { numRuns: 60, seed: 7 };
const junk = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary' }),
  fc.constantFrom('0x10', '0b10', '0o4', '', ' ', '1e3', '-0', 'Infinity', 'NaN', '1,1', '\u001b[2J0'),
);

describe('parsers under fuzz', () => {
  it('printable() leaves one line without control characters', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        // eslint-disable-next-line no-control-regex
        expect(printable(s)).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/);
      }),
      RUNS,
    );
  });

  it('a parameter is a value in its range or a one-line error; only decimal text converts', () => {
    const specs: ParamSpec[] = [
      { kind: 'int', label: 'n', default: 1, min: 0, max: 100 },
      { kind: 'number', label: 'x', default: 1, min: -5, max: 5 },
      { kind: 'int-list', label: 'l', default: [1], min: 1, max: 64, maxItems: 4 },
      { kind: 'enum-list', label: 'e', default: ['a'], options: ['a', 'b'] },
    ];
    fc.assert(
      fc.property(fc.constantFrom(...specs), junk, (spec, raw) => {
        const r = checkParam('p', spec, raw);
        if (!r.ok) expect(r.error).toBe(printable(r.error));
        else if (typeof r.value === 'number') {
          expect(raw.trim()).toMatch(/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/);
        } else if (Array.isArray(r.value)) expect(new Set(r.value).size).toBe(r.value.length);
      }),
      RUNS,
    );
    for (const raw of ['0x10', '0b10', '0o4', '', '2,2'])
      expect(checkParam('p', specs[0]!, raw).ok).toBe(false);
    expect(checkParam('p', specs[3]!, 'a,a').ok).toBe(false);
    for (const seed of ['0x10', '1e3', '', ' 7x']) expect(() => checkSeed(seed)).toThrow(UserError);
  });

  it('a trace parses into requests in range, or fails with one line', () => {
    const line = fc.record({
      arrival: fc.oneof(fc.double(), fc.constant(1e300), fc.nat(100)),
      input: fc.integer({ min: -2, max: 3000 }),
      output: fc.integer({ min: -2, max: 3000 }),
    });
    const text = fc.oneof(
      fc.array(line, { maxLength: 5 }).map((ls) => ls.map((l) => JSON.stringify(l)).join('\n')),
      fc.string({ unit: 'binary' }),
    );
    fc.assert(
      fc.property(text, (t) =>
        outcome(() => {
          for (const r of parseTraceFile(t)) {
            expect(Number.isFinite(r.arrivalS) && r.arrivalS <= 86_400).toBe(true);
            expect(r.inputLen + r.outputLen).toBeLessThanOrEqual(2048);
          }
        }),
      ),
      RUNS,
    );
    expect(() => parseTraceFile('{"arrival":1e300,"input":1,"output":1}')).toThrow(UserError);
  });

  it('a world file is a valid world or a one-line error', () => {
    const region = fc.record({
      id: fc.constantFrom('a', 'b', 'c', 'A', ''),
      name: fc.constant('n'),
      lat: fc.double({ min: -100, max: 100 }),
      lon: fc.double({ min: -200, max: 200 }),
      continent: fc.constant('x'),
      servers: fc.integer({ min: 0, max: 20_000 }),
    });
    const world = fc.record({
      regions: fc.array(region, { maxLength: 4 }),
      rttModel: fc.option(
        fc.record({
          fiberSpeedKmPerMs: fc.constantFrom(1e-300, 200, 500),
          routeInflation: fc.constant(1.5),
          intraRegionMs: fc.constant(0.5),
        }),
        { nil: undefined },
      ),
      measuredPairs: fc.option(
        fc.array(fc.record({ a: fc.constantFrom('a', 'b'), b: fc.constantFrom('a', 'b'), ms: fc.nat(3000) })),
        { nil: undefined },
      ),
    });
    fc.assert(
      fc.property(world, (w) => outcome(() => parseWorld(w))),
      RUNS,
    );
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (t) => outcome(() => parseWorldText(t))),
      RUNS,
    );
    const two = [
      { id: 'a', name: 'a', lat: 0, lon: 0, continent: 'x', servers: 1 },
      { id: 'b', name: 'b', lat: 0, lon: 1, continent: 'x', servers: 1 },
    ];
    const bad = [
      {
        regions: two,
        rtt: {
          kind: 'measured',
          ids: ['a', 'b'],
          ms: [
            [0, 5],
            [6, 0],
          ],
        },
      },
      {
        regions: two,
        rtt: {
          kind: 'measured',
          ids: ['a', 'a'],
          ms: [
            [0, 5],
            [5, 0],
          ],
        },
      },
      { regions: two, measuredPairs: [{ a: 'a', b: 'a', ms: 3 }] },
      { regions: two, rttModel: { fiberSpeedKmPerMs: 1e-300, routeInflation: 1, intraRegionMs: 0 } },
      { regions: Array.from({ length: 64 }, (_, i) => ({ ...two[0]!, id: `r${i}`, servers: 10_000 })) },
    ];
    for (const w of bad) expect(() => parseWorld(w)).toThrow(UserError);
  });

  it('a kv-replay trace replays or fails with one line; a huge pool is refused, not allocated', () => {
    const config = fc.record({
      blockSize: fc.oneof(fc.integer({ min: -1, max: 2000 }), fc.constant(1.5)),
      numGpuBlocks: fc.oneof(fc.integer({ min: 0, max: 4096 }), fc.constant(2 ** 30)),
      maxModelLen: fc.integer({ min: 0, max: 5000 }),
      enableCaching: fc.boolean(),
      numPreallocateTokens: fc.integer({ min: 0, max: 64 }),
    });
    const text = fc.oneof(
      config.map((c) => JSON.stringify({ config: c })),
      fc.string({ unit: 'binary' }),
    );
    fc.assert(
      fc.property(text, (t) => outcome(() => replayTrace(t))),
      RUNS,
    );
    const huge = JSON.stringify({
      config: {
        blockSize: 16,
        numGpuBlocks: 2 ** 30,
        maxModelLen: 2048,
        enableCaching: true,
        numPreallocateTokens: 0,
      },
    });
    expect(() => replayTrace(huge)).toThrow(/numGpuBlocks must be an integer in 0\.\.1,048,576/);
  });
});

/** A random value of one spec, inside its declared range. */
function valueOf(spec: ParamSpec): fc.Arbitrary<unknown> {
  switch (spec.kind) {
    case 'int':
      return fc.integer({ min: spec.min, max: spec.max });
    case 'number':
      return fc.double({ min: spec.min, max: spec.max, noNaN: true });
    case 'boolean':
      return fc.boolean();
    case 'enum':
      return fc.constantFrom(...spec.options);
    case 'enum-list':
      return fc.uniqueArray(fc.constantFrom(...spec.options), { minLength: 1 });
    case 'int-list':
      return fc.uniqueArray(fc.integer({ min: spec.min, max: spec.max }), {
        minLength: 1,
        maxLength: spec.maxItems,
      });
    case 'text':
      return fc.constant(spec.default);
  }
}

describe('experiment parameter spaces', () => {
  it('every experiment declares its work', () => {
    for (const e of listExperiments()) expect(typeof e.work, e.id).toBe('function');
  });

  it('random valid parameters are refused in one line or declare finite work within the limit', () => {
    for (const e of listExperiments()) {
      const arb = fc.record(Object.fromEntries(Object.entries(e.params).map(([k, s]) => [k, valueOf(s)])));
      fc.assert(
        fc.property(arb, (raw) => {
          try {
            const params = resolveExperimentParams(e, raw);
            const w = e.work!(params as ParamsOf<ParamSchema>);
            expect(Number.isFinite(w.units) && w.units >= 0).toBe(true);
            expect(w.units * w.unitCostUs).toBeLessThanOrEqual(WORK_LIMIT_US);
          } catch (err) {
            expectOneLine(err);
          }
        }),
        { numRuns: 25, seed: 11 },
      );
    }
  });

  it('the issue cases end at once: refused in one line, or run to the end', async () => {
    await expect(
      runExperiment('mesh-balance', { servers: '2000', durationS: '3600', serverCapacityRps: '100000' }, 1),
    ).rejects.toThrow(/routing decisions exceeds the .* limit; lower durationS/);
    await expect(runExperiment('mesh-spike', { spikeAtS: '3000', durationS: '10' }, 1)).rejects.toThrow(
      /^spikeAtS: must be at most durationS − 2/,
    );
    await expect(runExperiment('mesh-outage', { failAtS: '3000', durationS: '10' }, 1)).rejects.toThrow(
      /^failAtS/,
    );
    // A 16-wide group needs more blocks than the pool: rejected at admission, never retried forever.
    const r = await runExperiment('kv-sharing', { workload: 'sharegpt', widths: '16', duration: '2' }, 1);
    expect(r.tables.savings!.rows.length).toBe(2);
    const one = await runExperiment(
      'kv-sharing',
      { workload: 'trace', trace: '{"arrival":0,"input":1024,"output":1024}', widths: '16' },
      1,
    );
    // 16 parallel samples of 2,047 tokens never fit (rejected); 16 beams share their ancestry and finish.
    expect(one.tables.savings!.rows.map((row) => row[6])).toEqual([0, 1]);
  });
});
