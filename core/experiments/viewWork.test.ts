// Every lab's live view declares its work like an experiment and is held to the same one limit before any
// work (issue: "a work budget for every experiment and view"); the default views sit well inside it.
import { describe, expect, it } from 'vitest';
import { UserError, printable } from './errors';
import { resolveParams } from './params';
import { WORK_LIMIT_US, streamView } from './run';
import { defineStreamingLabView } from './types';
import type { ParamSchema, ParamsOf } from './types';
import { LABS, buildLabView } from '../labs';

function seconds(view: (typeof LABS)[number]['view'], raw: Record<string, unknown>): number {
  const w = view.work!(resolveParams(view.params, raw) as ParamsOf<ParamSchema>);
  expect(Number.isFinite(w.units) && w.units >= 0).toBe(true);
  return (w.units * w.unitCostUs) / 1e6;
}

describe('view work budgets', () => {
  it('every lab view declares its work', () => {
    for (const lab of LABS) expect(typeof lab.view.work, lab.id).toBe('function');
  });

  it('the default views declare under 1/50 of the limit', () => {
    for (const lab of LABS) expect(seconds(lab.view, {}), lab.id).toBeLessThan(WORK_LIMIT_US / 1e6 / 50);
  });

  it('the kv and tpu views stay inside the limit at their largest parameters', () => {
    const kv = LABS.find((l) => l.id === 'kv')!.view;
    expect(seconds(kv, { frames: 2000, blocks: 8192, cpuBlocks: 8192 })).toBeLessThan(WORK_LIMIT_US / 1e6);
    const tpu = LABS.find((l) => l.id === 'tpu')!.view;
    expect(seconds(tpu, { hours: 720, rateScale: 1000, load: 1 })).toBeLessThan(WORK_LIMIT_US / 1e6);
  });

  it('a mesh view over a huge world is refused in one line before any work', async () => {
    const world = JSON.stringify({
      serverCapacityRps: 1e7,
      regions: [
        { id: 'a', name: 'A', lat: 0, lon: 0, continent: 'eu', servers: 10_000 },
        { id: 'b', name: 'B', lat: 10, lon: 10, continent: 'eu', servers: 10_000 },
      ],
    });
    let progressed = false;
    const run = buildLabView('mesh', { world, durationS: '600' }, 1, {
      onProgress: () => (progressed = true),
    });
    await expect(run).rejects.toThrow(/routing decisions exceeds the .* limit; lower durationS/);
    const err = await run.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as Error).message).toBe(printable((err as Error).message));
    expect(progressed).toBe(false);
  });

  it('a streamed view over the limit is refused before its first chunk', async () => {
    const view = defineStreamingLabView({
      title: 'toy',
      description: 'a toy streaming view',
      params: { n: { kind: 'int', label: 'n', default: 1, min: 1, max: 1e12 } },
      work: (p) => ({ units: p.n, what: 'steps', formula: `${p.n} steps`, unitCostUs: 1, lower: 'n' }),
      async stream(p, _ctx, emit: (chunk: number) => void) {
        emit(p.n);
      },
    });
    const chunks: number[] = [];
    await streamView(view, { n: '5' }, 1, (c) => chunks.push(c));
    expect(chunks).toEqual([5]);
    await expect(
      streamView(view, { n: String(WORK_LIMIT_US + 1) }, 1, (c) => chunks.push(c)),
    ).rejects.toThrow(/steps exceeds the 6e7 limit; lower n$/);
    expect(chunks).toEqual([5]);
  });
});
