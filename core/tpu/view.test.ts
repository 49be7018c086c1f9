// The live view's scenario: deterministic, and a forced failure moves the hit job to spare cubes.
import { describe, expect, it } from 'vitest';
import { buildLabView } from '../experiments/registry';
import type { TpuViewModel } from './view';
import { nextEventAfter, stateAt } from './viewState';

async function build(params: Record<string, string | number>, seed = 1): Promise<TpuViewModel> {
  return (await buildLabView('tpu', params, seed)) as TpuViewModel;
}

describe('tpu live view', () => {
  it('a forced machine failure in the largest job is detected and the job is re-wired onto spare cubes', async () => {
    const v = await build({ hours: 6, forceKind: 'machine', forceTarget: -1, forceAtHour: 2 });
    expect(v.forced?.kind).toBe('machine');
    const fail = v.events.find((e) => e.kind === 'fail' && e.forced)!;
    expect(fail.t).toBeCloseTo(2, 9);
    const detect = v.events.find(
      (e) => e.kind === 'detect' && e.target === fail.target && e.component === 'machine',
    )!;
    expect(detect.t).toBeGreaterThan(fail.t);
    const evict = v.events.find((e) => e.kind === 'evict' && e.t === detect.t)!;
    expect(evict.cubes).toContain(fail.cube);
    const moved = v.events.find(
      (e) => (e.kind === 'rewire' || e.kind === 'start') && e.job === evict.job && e.t >= detect.t,
    )!;
    expect(moved.cubes).not.toContain(fail.cube);
    expect(v.events.some((e) => e.text.includes('INJECTED'))).toBe(true);
  });

  it('on a static pod the hit job is not re-wired: it waits for a contiguous healthy block', async () => {
    const v = await build({
      design: 'static',
      hours: 6,
      forceKind: 'machine',
      forceTarget: -1,
      forceAtHour: 2,
    });
    expect(v.design).toBe('static');
    const fail = v.events.find((e) => e.kind === 'fail' && e.forced)!;
    const evict = v.events.find((e) => e.kind === 'evict' && e.cubes.includes(fail.cube))!;
    expect(evict).toBeDefined();
    expect(v.events.some((e) => e.kind === 'rewire')).toBe(false);
    expect(v.summary.xconnects).toBe(0);
    const waits = v.events.find((e) => e.kind === 'requeue' && e.job === evict.job)!;
    expect(waits.text).toMatch(/waits in the queue for a contiguous healthy block/);
    expect(v.summary.requeues).toBeGreaterThan(0);
    // No job starts on the failed cube until it is repaired (the static scheduler needs healthy blocks).
    const repairT =
      v.events.find((e) => e.kind === 'repair' && e.cube === fail.cube && e.t > fail.t)?.t ?? Infinity;
    const starts = v.events.filter((e) => e.kind === 'start' && e.t > evict.t && e.t < repairT);
    expect(starts.every((e) => !e.cubes.includes(fail.cube))).toBe(true);
    // A static pod has no OCS to fail: asking for one is a one-line parameter error.
    await expect(build({ design: 'static', forceKind: 'ocs' })).rejects.toThrow(
      /^forceKind: a static pod has no OCS/,
    );
  });

  it('replaying the timeline never puts two jobs on a cube and shows the forced failure as down', async () => {
    const v = await build({ hours: 6, forceKind: 'ocs', forceTarget: 5, forceAtHour: 1 });
    const s = stateAt(v, 1.5);
    expect(s.ocsDown[5]).toBe(1);
    const owners = new Map<number, number>();
    for (let c = 0; c < 64; c++) if (s.cubeJob[c]! >= 0) owners.set(c, s.cubeJob[c]!);
    expect(owners.size).toBeGreaterThan(0);
    expect(nextEventAfter(v, 1.5)).toBe(s.lastEvent + 1);
  });

  it('is the same for the same seed and differs for another', async () => {
    const a = await build({ hours: 4 }, 3);
    const b = await build({ hours: 4 }, 3);
    const c = await build({ hours: 4 }, 4);
    expect(JSON.stringify(a.events)).toBe(JSON.stringify(b.events));
    expect(JSON.stringify(a.events)).not.toBe(JSON.stringify(c.events));
  });

  it('rejects a forced target out of range for its kind in one line', async () => {
    await expect(build({ forceKind: 'ocs', forceTarget: 48 })).rejects.toThrow(
      /forceTarget: ocs index must be in -1\.\.47/,
    );
  });
});
