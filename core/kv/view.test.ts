// Tests for the kv view model: frames are consistent with the block manager's rules (ref counts equal table
// references plus pinned prefixes, owners come from the tables), the stream's chunks add up to the single-shot
// recording whatever the chunk size, the arrays are compact, and recordings repeat.
import { describe, expect, it } from 'vitest';
import { streamLabView } from '../labs';
import { resolveParams } from '../experiments/params';
import type { RunContext } from '../experiments/types';
import { Rng } from '../kernel/rng';
import { maxRateUnder } from './throughputExperiment';
import {
  FLAG_COW,
  FLAG_PREFIX,
  KV_CHUNK_FRAMES,
  KvRecording,
  OWNER_FREE,
  buildKvView,
  kvView,
  recordKvView,
} from './view';
import type { KvViewMessage, KvViewModel, KvViewParams } from './view';

const small = { blocks: 256, cpuBlocks: 64, frames: 120, burstRate: 40 };

type Numbers = ArrayLike<number> & ArrayBufferView;

/**
 * Field-by-field equality naming the first differing field and index (vitest's toEqual walks typed arrays
 * element by element through its generic matcher, seconds per model).
 */
function expectSameModel(actual: KvViewModel, expected: KvViewModel): void {
  expect(Object.keys(actual).sort()).toEqual(Object.keys(expected).sort());
  for (const key of Object.keys(expected) as (keyof KvViewModel)[]) {
    const a = actual[key];
    const e = expected[key];
    if (!ArrayBuffer.isView(e)) {
      expect(a, key).toEqual(e);
      continue;
    }
    const x = a as Numbers;
    const y = e as Numbers;
    expect(x.constructor, key).toBe(y.constructor);
    expect(x.length, key).toBe(y.length);
    let differs = -1;
    for (let i = 0; i < y.length && differs < 0; i++) if (!Object.is(x[i], y[i])) differs = i;
    expect(differs, `${key}: first differing index`).toBe(-1);
  }
}

/** A recording from its messages, checking the stream's shape: one header, chunks in order, one end. */
function collect(messages: KvViewMessage[]): KvViewModel {
  expect(messages[0]?.part).toBe('header');
  expect(messages.at(-1)?.part).toBe('end');
  const recording = new KvRecording(messages[0] as Extract<KvViewMessage, { part: 'header' }>);
  for (const m of messages.slice(1)) {
    expect(m.part).not.toBe('header');
    recording.add(m as Exclude<KvViewMessage, { part: 'header' }>);
  }
  return recording.model();
}

/** The app's path: the registry streams the view (default chunk size) into a recording. */
async function streamed(raw: Record<string, unknown>, seed: number): Promise<KvViewModel> {
  const messages: KvViewMessage[] = [];
  await streamLabView('kv', raw, seed, (m) => messages.push(m as KvViewMessage));
  return collect(messages);
}

function context(seed: number): RunContext {
  return { rng: new Rng(seed), progress: async () => {} };
}
const paramsOf = (raw: Record<string, unknown>) => resolveParams(kvView.params, raw) as KvViewParams;

async function chunked(raw: Record<string, unknown>, seed: number, chunkFrames: number) {
  const messages: KvViewMessage[] = [];
  await recordKvView(paramsOf(raw), context(seed), chunkFrames, (m) => messages.push(m));
  return messages;
}

describe('kv view model', () => {
  it('every frame’s ref counts equal the references in that frame’s block tables (plus pinned prefixes)', async () => {
    for (const workload of ['sharegpt', 'shared-prefix']) {
      const v = await streamed({ ...small, workload }, 3);
      expect(v.frames).toBe(120);
      expect(v.complete).toBe(true);
      let mismatches = 0;
      for (let f = 0; f < v.frames; f++) {
        const refs = new Int32Array(v.numBlocks);
        for (let i = v.seqStart[f]!; i < v.seqStart[f + 1]!; i++) {
          if (v.seqOnCpu[i]) continue;
          for (let j = v.tableStart[i]!; j < v.tableStart[i + 1]!; j++) refs[v.tableData[j]!]!++;
        }
        for (let b = 0; b < v.numBlocks; b++) {
          const pinned = v.blockFlags[f * v.numBlocks + b]! & FLAG_PREFIX ? 1 : 0;
          const i = f * v.numBlocks + b;
          const free = refs[b]! + pinned === 0;
          if (v.blockRef[i] !== refs[b]! + pinned) mismatches++;
          if ((v.blockOwner[i] === OWNER_FREE) !== free || v.freeRank[i]! >= 0 !== free) mismatches++;
        }
      }
      expect(mismatches).toBe(0);
      if (workload === 'shared-prefix') expect(v.prefixes.length).toBeGreaterThan(0);
    }
  });

  it('records copy-on-write copies and swaps of a loaded parallel-sampling run', async () => {
    const v = await streamed({ ...small, sampling: 'parallel', width: 3 }, 4);
    let cow = 0;
    for (let i = 0; i < v.blockFlags.length; i++) if (v.blockFlags[i]! & FLAG_COW) cow++;
    expect(cow).toBeGreaterThan(0);
    expect(v.summary!.cowCopies).toBeGreaterThan(0);
    expect(Math.max(...v.cpuUsed)).toBeGreaterThan(0);
  });

  it('the same params and seed give the same model', async () => {
    const a = await streamed({ ...small, frames: 40 }, 9);
    const b = await streamed({ ...small, frames: 40 }, 9);
    expectSameModel(a, b);
  });
});

describe('the streamed kv view', () => {
  it('streams a header, chunks of KV_CHUNK_FRAMES iterations in order (the last one shorter) and an end', async () => {
    const messages: KvViewMessage[] = [];
    await streamLabView('kv', small, 3, (m) => messages.push(m as KvViewMessage));
    const sizes = messages.flatMap((m) => (m.part === 'frames' ? [[m.first, m.frames]] : []));
    const full = Math.floor(120 / KV_CHUNK_FRAMES);
    expect(sizes).toEqual([
      ...Array.from({ length: full }, (_, i) => [i * KV_CHUNK_FRAMES, KV_CHUNK_FRAMES]),
      [full * KV_CHUNK_FRAMES, 120 - full * KV_CHUNK_FRAMES],
    ]);
    expect(messages.map((m) => m.part)).toEqual(['header', ...sizes.map(() => 'frames'), 'end']);
  });

  it('the concatenated chunks equal the single-shot model for the same params and seed', async () => {
    const cases = [
      { raw: { ...small, workload: 'sharegpt', sampling: 'parallel', width: 3 }, seed: 4 },
      { raw: { ...small, workload: 'shared-prefix', sampling: 'beam' }, seed: 7 },
      { raw: { ...small, workload: 'chat', sampling: 'single', preemption: 'recompute' }, seed: 2 },
    ];
    for (const { raw, seed } of cases) {
      const whole = await buildKvView(paramsOf(raw), context(seed));
      expect(whole.frames).toBe(120);
      expectSameModel(await streamed(raw, seed), whole);
      for (const chunkFrames of [1, 7, 64]) {
        const messages = await chunked(raw, seed, chunkFrames);
        const chunks = messages.filter((m) => m.part === 'frames');
        expect(chunks.length).toBe(Math.ceil(120 / chunkFrames));
        expectSameModel(collect(messages), whole);
      }
    }
  });

  it('a run that runs out of requests ends early, and its chunks still add up to the single-shot model', async () => {
    const raw = {
      blocks: 64,
      cpuBlocks: 16,
      frames: 2000,
      burstRate: 0.2,
      workload: 'alpaca',
      sampling: 'single',
    };
    const whole = await buildKvView(paramsOf(raw), context(5));
    expect(whole.complete).toBe(true);
    expect(whole.frames).toBeLessThan(2000);
    expect(whole.frames).toBe(whole.summary!.iterations);
    expectSameModel(collect(await chunked(raw, 5, 25)), whole);
  });

  it('a recording refuses a chunk out of order and anything after its end', async () => {
    const messages = await chunked(small, 3, 25);
    const [header, c0, c1, c2] = messages as [KvViewMessage, ...Exclude<KvViewMessage, { part: 'header' }>[]];
    const recording = new KvRecording(header as Extract<KvViewMessage, { part: 'header' }>);
    recording.add(c0!);
    expect(() => recording.add(c2!)).toThrow(/does not follow frame 25/);
    expect(() => recording.add(c0!)).toThrow(/does not follow frame 25/);
    recording.add(c1!);
    expect(recording.model().frames).toBe(50);
    expect(recording.model().complete).toBe(false);
    expect(recording.model().summary).toBeNull();
    recording.add(messages.at(-1) as Exclude<KvViewMessage, { part: 'header' }>);
    expect(() => recording.add(c2!)).toThrow(/already ended/);
  });
});

describe('max-rate interpolation', () => {
  it('interpolates where the latency curve crosses the threshold', () => {
    expect(
      maxRateUnder(
        [
          [1, 0.05],
          [2, 0.08],
          [3, 0.2],
        ],
        0.1,
      ),
    ).toBeCloseTo(2 + 0.02 / 0.12, 9);
    expect(maxRateUnder([[1, 0.5]], 0.1)).toBe(0);
    expect(
      maxRateUnder(
        [
          [1, 0.01],
          [2, 0.02],
        ],
        0.1,
      ),
    ).toBe(2);
  });
});
