import { describe, expect, it } from 'vitest';
import { LAB_VERSION } from './version';
import { CancelledError } from './experiments/types';
import { checkSeed } from './experiments/run';
import { LABS, getExperiment, getLab, labOf, listExperiments, runExperiment } from './labs';
import { parseResultFile, reproducible, serializeResult, tableToCsv } from './experiments/result';

const SMALL = { blocks: '32,128', duration: '10' };

describe('labs', () => {
  it('each lab has a unique id, a paper, experiments and a live view, and owns its experiments', () => {
    expect(new Set(LABS.map((l) => l.id)).size).toBe(LABS.length);
    for (const lab of LABS) {
      expect(lab.title && lab.paper && lab.picture && lab.activity).toBeTruthy();
      expect(lab.experiments.length).toBeGreaterThan(0);
      expect(Boolean(lab.view.build) !== Boolean(lab.view.stream)).toBe(true);
      for (const e of lab.experiments) expect(labOf(e)).toBe(lab.id);
      expect(getLab(lab.id)).toBe(lab);
    }
    expect(labOf(getExperiment('gpu-paged-attention'))).toBe('kv');
  });
});

describe('registry', () => {
  it('lists kv-prefix-cache with a complete declaration', () => {
    const ids = listExperiments().map((e) => e.id);
    expect(ids).toContain('kv-prefix-cache');
    expect(new Set(ids).size).toBe(ids.length);
    for (const e of listExperiments()) {
      expect(e.title && e.paper && e.figure && e.description).toBeTruthy();
      for (const spec of Object.values(e.params)) expect(spec.label).toBeTruthy();
    }
  });

  it('names the unknown experiment and the known ones', () => {
    expect(() => getExperiment('nope')).toThrow(/unknown experiment "nope" \(known: .*kv-prefix-cache/);
  });

  it('rejects seeds that are not non-negative 31-bit integers', () => {
    expect(checkSeed('42')).toBe(42);
    expect(() => checkSeed(-1)).toThrow(/seed: must be an integer in 0\.\.2147483647/);
    expect(() => checkSeed('1.5')).toThrow(/seed/);
  });
});

describe('runExperiment', () => {
  it('gives byte-identical result.json for the same experiment, params and seed', async () => {
    const a = serializeResult(await runExperiment('kv-prefix-cache', SMALL, 3));
    const b = serializeResult(await runExperiment('kv-prefix-cache', SMALL, 3));
    expect(a).toBe(b);
    const c = serializeResult(await runExperiment('kv-prefix-cache', SMALL, 4));
    expect(c).not.toBe(a);
  });

  it('writes the DESIGN.md result contract with resolved params and no wall-clock fields', async () => {
    const r = await runExperiment('kv-prefix-cache', SMALL, 3);
    expect(Object.keys(r)).toEqual([
      'schema',
      'experiment',
      'title',
      'paper',
      'labVersion',
      'seed',
      'params',
      'metrics',
      'tables',
      'comparisons',
    ]);
    expect(r.schema).toBe('hyperscale-lab/result@1');
    expect(r.labVersion).toBe(LAB_VERSION);
    expect(r.params.blocks).toEqual([32, 128]);
    expect(r.params.blockSize).toBe(16);
    for (const v of Object.values(r.metrics)) expect(Number.isFinite(v)).toBe(true);
    expect(serializeResult(r)).not.toMatch(/time(stamp)?"|date"|wall/i);
  });

  it('reports progress monotonically up to 1 and stops with CancelledError when cancelled', async () => {
    const seen: number[] = [];
    await runExperiment('kv-prefix-cache', SMALL, 1, { onProgress: (f) => seen.push(f) });
    expect(seen.at(-1)).toBe(1);
    expect(seen.every((f, i) => i === 0 || f >= seen[i - 1]!)).toBe(true);
    let calls = 0;
    const run = runExperiment('kv-prefix-cache', SMALL, 1, { isCancelled: () => ++calls > 1 });
    await expect(run).rejects.toBeInstanceOf(CancelledError);
  });
});

describe('result files', () => {
  it('parses its own serialization back and rejects other files in one line', async () => {
    const r = await runExperiment('kv-prefix-cache', SMALL, 2);
    expect(serializeResult(reproducible(parseResultFile(serializeResult(r))))).toBe(serializeResult(r));
    expect(() => parseResultFile('{"schema":"other"}', 'x.json')).toThrow(
      /^x\.json: not a Hyperscale Lab result \(schema:/,
    );
    expect(() => parseResultFile('{oops', 'x.json')).toThrow(/^x\.json: not valid JSON/);
    expect(() => parseResultFile('<html></html>', 'r.html')).toThrow(/r\.html: no embedded result found/);
  });

  it('quotes CSV cells that need it', () => {
    expect(
      tableToCsv({
        columns: ['a', 'b'],
        rows: [
          ['x,y', 1],
          ['say "hi"', 2.5],
        ],
      }),
    ).toBe('a,b\n"x,y",1\n"say ""hi""",2.5\n');
  });
});
