// The live view's scenario: deterministic, the experiments' job mix (sub-cube slices sharing cubes machine by
// machine), a forced failure moves the hit job to spare cubes, and the replay never double-books a machine.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildLabView } from '../labs';
import type { TpuViewEvent, TpuViewModel } from './view';
import { WARMUP_H } from './view';
import { machinesOfEvent, nextEventAfter, occupancy, stateAt } from './viewState';
import type { PodState } from './viewState';
import { cubeOfMachine, machinesOfCube } from './topology';
import { subCubeBlocks } from './subcube';

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
    // The largest running job is a cube-granular one: it holds the failed machine's whole cube.
    expect(stateAt(v, fail.t).machineJob[fail.target]).toBe(evict.job);
    expect(v.jobs.find((j) => j.id === evict.job)!.chips).toBeGreaterThanOrEqual(64);
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
    // Sub-cube jobs may use the cube's healthy machines, never the failed one.
    expect(starts.every((e) => !e.machines.includes(fail.target))).toBe(true);
    // A static pod has no OCS to fail: asking for one is a one-line parameter error.
    await expect(build({ design: 'static', forceKind: 'ocs' })).rejects.toThrow(
      /^forceKind: a static pod has no OCS/,
    );
  });

  it('replaying the timeline shows the forced OCS failure as down and sub-cube jobs running through it', async () => {
    const v = await build({ hours: 6, forceKind: 'ocs', forceTarget: 5, forceAtHour: 1 });
    const s = stateAt(v, 1.5);
    expect(s.ocsDown[5]).toBe(1);
    expect(s.conflicts).toBe(0);
    expect(s.cubeJob.some((j) => j >= 0)).toBe(true);
    expect(occupancy(s).subCube).toBeGreaterThan(0);
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

  it("runs the experiments' mix: sub-cube jobs share cubes machine by machine on the default scenario", async () => {
    const v = await build({});
    const sub = v.jobs.filter((j) => j.chips < 64);
    expect(sub.length).toBeGreaterThan(0);
    expect(v.jobs.length - sub.length).toBeGreaterThan(0);
    const start = v.events.find((e) => e.kind === 'start' && e.machines.length > 0)!;
    expect(start.cubes).toEqual([]);
    expect(start.text).toMatch(/starts on machines? [\d,]+ of cube \d+ \(sub-cube slice, no OCS links\)/);
    const s = stateAt(v, 0);
    const occ = occupancy(s);
    expect(occ.subCube).toBeGreaterThan(0);
    expect(occ.sharedCubes.length).toBeGreaterThan(0);
    expect(occ.jobs).toBe(s.held.size);
    // With no sub-cube jobs the mix is cube-granular again and no cube is shared.
    const cubeOnly = await build({ subCubePct: 0 });
    expect(cubeOnly.jobs.every((j) => j.chips >= 64)).toBe(true);
    for (const t of [0, 6, 12, 24]) expect(occupancy(stateAt(cubeOnly, t)).sharedCubes).toEqual([]);
  });

  it('replaying any scenario never gives a machine to two jobs; a sub-cube job holds one aligned block of one cube', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 1e6 }),
        fc.constantFrom('ocs', 'static'),
        fc.constantFrom(1, 30),
        fc.constantFrom(25, 50, 100),
        fc.array(fc.double({ min: -WARMUP_H, max: 24, noNaN: true }), { minLength: 8, maxLength: 24 }),
        async (seed, design, rateScale, subCubePct, times) => {
          const v = await build({ design, hours: 24, rateScale, subCubePct }, seed);
          // Random instants, and the moments of the evictions and re-placements (warm-up included).
          const at = [...times, ...v.events.filter((e) => e.kind === 'evict').map((e) => e.t)];
          for (const t of at) expect(violation(v, stateAt(v, t)), `seed ${seed} ${design} t=${t}`).toBeNull();
        },
      ),
      { numRuns: 10 },
    );
  });

  it('with only sub-cube jobs a forced failure hits the largest one, which moves to another block at once', async () => {
    for (const forceKind of ['machine', 'cable'] as const) {
      const v = await build({ hours: 6, subCubePct: 100, forceKind, forceTarget: -1, forceAtHour: 2 });
      const fail = v.events.find((e) => e.kind === 'fail' && e.forced)!;
      const evict = v.events.find((e) => e.kind === 'evict' && e.t > fail.t)!;
      const before = stateAt(v, fail.t);
      const largest = Math.max(
        ...[...before.held.keys()].map((id) => v.jobs.find((j) => j.id === id)!.chips),
      );
      expect(v.jobs.find((j) => j.id === evict.job)!.chips).toBe(largest);
      expect(evict.cubes).toEqual([]);
      expect(before.held.get(evict.job)!.machines).toEqual(evict.machines);
      if (forceKind === 'machine') expect(evict.machines).toContain(fail.target);
      expect(evict.text).toMatch(/evicted from machines? [\d,]+ of cube \d+/);
      const restart = v.events.find((e) => e.job === evict.job && e.t === evict.t && e.kind !== 'evict')!;
      expect(restart.kind).toBe('start');
      expect(restart.machines.length).toBe(evict.machines.length);
      expect(restart.machines).not.toEqual(evict.machines);
    }
  });

  it('the replay counts a machine given to a second job (the check above can fail)', () => {
    const model = handModel([
      ev({ t: 0, kind: 'start', job: 1, machines: [0] }),
      ev({ t: 1, kind: 'start', job: 2, cubes: [0] }),
    ]);
    expect(stateAt(model, 0.5).conflicts).toBe(0);
    expect(stateAt(model, 1).conflicts).toBe(1);
  });

  it('occupancy counts sub-cube jobs and the cubes that hold several jobs', () => {
    const [a, b] = machinesOfCube(5);
    const model = handModel([
      ev({ t: 0, kind: 'start', job: 1, cubes: [0, 1] }),
      ev({ t: 0, kind: 'start', job: 2, machines: [a!] }),
      ev({ t: 0, kind: 'start', job: 3, machines: [b!] }),
      ev({ t: 1, kind: 'evict', job: 3, machines: [b!] }),
    ]);
    const s = stateAt(model, 0);
    expect(occupancy(s)).toEqual({ jobs: 3, subCube: 2, sharedCubes: [5] });
    expect(s.cubeJob[0]).toBe(1);
    expect(s.cubeJob[5]).toBe(-1);
    expect(s.machineJob[a!]).toBe(2);
    expect(machinesOfEvent(model.events[0]!)).toEqual([...machinesOfCube(0), ...machinesOfCube(1)]);
    expect(machinesOfCube(1).every((m) => s.machineJob[m] === 1)).toBe(true);
    expect(occupancy(stateAt(model, 1))).toEqual({ jobs: 2, subCube: 1, sharedCubes: [] });
    expect(stateAt(model, 1).machineJob[b!]).toBe(-1);
  });
});

/** The replay's invariants at one instant (see stateAt): the first one broken, or null. */
function violation(v: TpuViewModel, s: PodState): string | null {
  if (s.conflicts !== 0) return `${s.conflicts} machine(s) given to a second job`;
  const chipsOf = new Map(v.jobs.map((j) => [j.id, j.chips]));
  let held = 0;
  for (const [job, h] of s.held) {
    const chips = chipsOf.get(job)!;
    if (h.machines.some((m) => s.machineJob[m] !== job)) return `job ${job}: a machine shows another job`;
    held += h.machines.length;
    if (chips >= 64) {
      // A cube-granular job holds all 16 machines of each of its cubes.
      if (h.cubes.length * 64 !== chips) return `job ${job}: ${h.cubes.length} cubes for ${chips} chips`;
      const want = h.cubes.flatMap((c) => machinesOfCube(c));
      if (want.some((m) => s.machineJob[m] !== job) || h.machines.length !== want.length)
        return `job ${job}: does not hold all machines of its cubes`;
      if (h.cubes.some((c) => s.cubeJob[c] !== job)) return `job ${job}: cubeJob disagrees`;
    } else {
      // A sub-cube job: one aligned block in one cube, which no cube-granular job holds.
      if (h.cubes.length !== 0) return `sub-cube job ${job} holds cubes`;
      const cube = cubeOfMachine(h.machines[0]!);
      if (h.machines.some((m) => cubeOfMachine(m) !== cube)) return `sub-cube job ${job} spans cubes`;
      const key = [...h.machines].sort((x, y) => x - y).join(',');
      const aligned = subCubeBlocks(chips).some(
        (b) => b.cube === cube && [...b.machines].sort((x, y) => x - y).join(',') === key,
      );
      if (!aligned) return `sub-cube job ${job}: machines ${key} are not an aligned ${chips}-chip block`;
      if (s.cubeJob[cube] !== -1) return `cube ${cube} holds job ${s.cubeJob[cube]} and sub-cube job ${job}`;
    }
  }
  // No machine is marked busy that no running job holds.
  const busy = s.machineJob.reduce((n, j) => n + (j >= 0 ? 1 : 0), 0);
  return busy === held ? null : `${busy} busy machines, ${held} held`;
}

function ev(e: Partial<TpuViewEvent> & Pick<TpuViewEvent, 't' | 'kind' | 'job'>): TpuViewEvent {
  return {
    cubes: [],
    machines: [],
    from: [],
    component: '',
    target: -1,
    cube: -1,
    xconnects: 0,
    forced: false,
    text: '',
    ...e,
  };
}

function handModel(events: TpuViewEvent[]): TpuViewModel {
  return {
    design: 'ocs',
    hours: 2,
    jobs: [],
    events,
    forced: null,
    cableLinks: new Int32Array(0),
    summary: { failures: 0, rewires: 0, xconnects: 0, evictions: 0, requeues: 0 },
  };
}
