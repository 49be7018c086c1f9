// Tests for the kv view model: frames are consistent with the block manager's rules (ref counts equal table
// references plus pinned prefixes, owners come from the tables), the arrays are compact, and builds repeat.
import { describe, expect, it } from 'vitest';
import { buildLabView } from '../experiments/registry';
import { maxRateUnder } from './throughputExperiment';
import { FLAG_COW, FLAG_PREFIX, OWNER_FREE } from './view';
import type { KvViewModel } from './view';

const small = { blocks: 256, cpuBlocks: 64, frames: 120, rate: 40 };

describe('kv view model', () => {
  it('every frame’s ref counts equal the references in that frame’s block tables (plus pinned prefixes)', async () => {
    for (const workload of ['sharegpt', 'shared-prefix']) {
      const v = (await buildLabView('kv', { ...small, workload }, 3)) as KvViewModel;
      expect(v.frames).toBe(120);
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
    const v = (await buildLabView('kv', { ...small, sampling: 'parallel', width: 3 }, 4)) as KvViewModel;
    let cow = 0;
    for (let i = 0; i < v.blockFlags.length; i++) if (v.blockFlags[i]! & FLAG_COW) cow++;
    expect(cow).toBeGreaterThan(0);
    expect(v.summary.cowCopies).toBeGreaterThan(0);
    expect(Math.max(...v.cpuUsed)).toBeGreaterThan(0);
  });

  it('the same params and seed give the same model', async () => {
    const a = await buildLabView('kv', { ...small, frames: 40 }, 9);
    const b = await buildLabView('kv', { ...small, frames: 40 }, 9);
    expect(a).toEqual(b);
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
