// Sub-cube slices: their blocks inside a cube, what they depend on, and how the pod simulator places them
// and what a machine, cable or OCS failure does to them.
import { describe, expect, it } from 'vitest';
import {
  CUBES,
  MACHINES_PER_CUBE,
  chipCoord,
  chipsOfMachine,
  cubeOfMachine,
  iciLinks,
  machineOfChip,
} from './topology';
import { SUB_CUBE_SHAPES, SUB_CUBE_SIZES, cableMachines, sliceExposure, subCubeBlocks } from './subcube';
import { canonical } from './slices';
import { PodSim } from './pod';
import type { Design, PodConfig, PodLogEvent } from './pod';
import { testPodConfig } from './testConfig';
import type { FailureEvent, SimJob } from './failures';
import { shapeForChips } from './failures';

const config = testPodConfig;

function job(id: number, chips: number, workH: number, arrivalH = 0): SimJob {
  return { id, arrivalH, chips, shape: shapeForChips(chips)!, workH, priority: 0 };
}

describe('sub-cube blocks', () => {
  it('split every cube into disjoint aligned boxes of the sub-cube slice shapes', () => {
    for (const chips of SUB_CUBE_SIZES) {
      const blocks = subCubeBlocks(chips);
      expect(blocks).toHaveLength((CUBES * MACHINES_PER_CUBE * 4) / chips);
      const seen = new Set<number>();
      for (const b of blocks) {
        for (const m of b.machines) {
          expect(cubeOfMachine(m)).toBe(b.cube);
          expect(seen.has(m)).toBe(false);
          seen.add(m);
        }
        // The block's chips fill a box of the slice's shape exactly.
        const coords = b.machines.flatMap((m) => chipsOfMachine(m).map(chipCoord));
        const side = [0, 1, 2].map(
          (d) => Math.max(...coords.map((c) => c[d]!)) - Math.min(...coords.map((c) => c[d]!)) + 1,
        );
        expect(side[0]! * side[1]! * side[2]!).toBe(chips);
        expect(canonical([side[0]!, side[1]!, side[2]!])).toEqual(canonical(SUB_CUBE_SHAPES[chips]!));
      }
      expect(seen.size).toBe(CUBES * MACHINES_PER_CUBE);
    }
  });

  it('depend on their own machines and on exactly the ICI cables between them', () => {
    expect([4, 8, 16, 32, 64, 128].map((c) => sliceExposure(c))).toEqual([
      { machines: 1, cables: 0 },
      { machines: 2, cables: 4 },
      { machines: 4, cables: 12 },
      { machines: 8, cables: 32 },
      { machines: 16, cables: 80 },
      { machines: 32, cables: 160 },
    ]);
    // Independently: ICI links of the cube whose two chips are in the block and in different machines.
    const links = iciLinks();
    const ends = cableMachines();
    for (const chips of SUB_CUBE_SIZES) {
      const b = subCubeBlocks(chips)[5]!;
      const inside = new Set(b.machines);
      let n = 0;
      for (let i = 0; i < links.count; i++) {
        const ma = machineOfChip(links.a[i]!);
        const mb = machineOfChip(links.b[i]!);
        if (ma !== mb && inside.has(ma) && inside.has(mb)) n++;
      }
      expect(b.cables).toHaveLength(n);
      for (const c of b.cables) expect(inside.has(ends[2 * c]!) && inside.has(ends[2 * c + 1]!)).toBe(true);
    }
  });
});

describe('pod simulator with sub-cube slices', () => {
  /** Two 8-chip slices (blocks 0 and 1 of cube 0) and one 64-chip slice, all running from t = 0. */
  async function scenario(design: Design, failures: FailureEvent[], over: Partial<PodConfig> = {}) {
    const events: PodLogEvent[] = [];
    const jobs = [job(0, 8, 10), job(1, 8, 10), job(2, 64, 10)];
    const sim = new PodSim(config(design, 48, over), jobs, failures, (e) => events.push(e));
    const stats = await sim.run();
    return { events, stats };
  }
  const blocks8 = subCubeBlocks(8);

  it.each<Design>(['ocs', 'static'])(
    'packs sub-cube slices into one cube and gives the cube slice another (%s pod)',
    async (design) => {
      const { events } = await scenario(design, []);
      const starts = events.filter((e) => e.kind === 'start');
      expect(starts.map((e) => (e.kind === 'start' ? (e.machines ?? []) : []))).toEqual([
        blocks8[0]!.machines,
        blocks8[1]!.machines,
        [],
      ]);
      const cubeStart = starts[2]!;
      if (cubeStart.kind !== 'start') throw new Error('unreachable');
      expect(cubeStart.cubes).not.toContain(0);
      expect(cubeStart.xconnects).toBe(design === 'ocs' ? 48 : 0);
    },
  );

  it.each<Design>(['ocs', 'static'])(
    'a machine failure evicts only the sub-cube slice holding it, which moves to a healthy block (%s pod)',
    async (design) => {
      const failed = blocks8[0]!.machines[1]!;
      const { events, stats } = await scenario(design, [
        { timeH: 2.5, kind: 'machine', target: failed, repairH: 24 },
      ]);
      const evicts = events.filter((e) => e.kind === 'evict');
      expect(evicts.map((e) => e.kind === 'evict' && e.job)).toEqual([0]);
      const again = events.filter((e) => e.kind === 'start' && e.job === 0)[1]!;
      if (again.kind !== 'start') throw new Error('unreachable');
      expect(again.machines).not.toContain(failed);
      // It stays in the cube with the failed machine: a cube-granular slice cannot use that cube anyway.
      expect(cubeOfMachine(again.machines![0]!)).toBe(0);
      expect(stats.jobsInterrupted).toBe(1);
      expect(stats.bySize.get(8)).toEqual({ started: 2, interrupted: 1, slowed: 0 });
      expect(stats.bySize.get(64)).toEqual({ started: 1, interrupted: 0, slowed: 0 });
      expect(stats.jobsFinished).toBe(3);
    },
  );

  it('a cable failure interrupts a sub-cube slice only when both its ends are in that slice', async () => {
    const ends = cableMachines();
    const in0 = new Set(blocks8[0]!.machines);
    const in1 = new Set(blocks8[1]!.machines);
    let between = -1;
    for (let c = 0; c < ends.length / 2 && between < 0; c++)
      if (in0.has(ends[2 * c]!) && in1.has(ends[2 * c + 1]!)) between = c;
    expect(between).toBeGreaterThanOrEqual(0);
    const across = await scenario('ocs', [{ timeH: 1.5, kind: 'cable', target: between, repairH: 24 }]);
    expect(across.stats.jobsInterrupted).toBe(0);
    const inside = await scenario('ocs', [
      { timeH: 1.5, kind: 'cable', target: blocks8[1]!.cables[0]!, repairH: 24 },
    ]);
    expect(inside.stats.jobsInterrupted).toBe(1);
    expect(inside.events.find((e) => e.kind === 'evict')).toMatchObject({ job: 1 });
  });

  it('an OCS failure slows only slices with optical links; re-wiring still starts sub-cube slices', async () => {
    const ocsFail: FailureEvent = { timeH: 1, kind: 'ocs', target: 7, repairH: 4 };
    const ft = await scenario('ocs', [ocsFail]);
    expect(ft.stats.jobsInterrupted).toBe(0);
    expect(ft.stats.jobsSlowed).toBe(1);
    expect(ft.stats.bySize.get(64)!.slowed).toBe(1);
    expect(ft.stats.bySize.get(8)!.slowed).toBe(0);
    // The sub-cube slices finish on time, the cube slice 4 h x 0.05/1.05 late.
    const finish = (id: number) => ft.events.find((e) => e.kind === 'finish' && e.job === id)!.t;
    expect(finish(0)).toBeCloseTo(10, 9);
    expect(finish(2)).toBeCloseTo(10 + (4 * 0.05) / 1.05, 9);

    const events: PodLogEvent[] = [];
    const jobs = [job(0, 8, 10), job(2, 64, 10), job(3, 16, 2, 2), job(4, 64, 2, 2)];
    const stats = await new PodSim(config('ocs', 48, { ocsHandling: 'rewire' }), jobs, [ocsFail], (e) =>
      events.push(e),
    ).run();
    expect(events.filter((e) => e.kind === 'evict').map((e) => e.kind === 'evict' && e.job)).toEqual([2]);
    const startOf = (id: number) => events.find((e) => e.kind === 'start' && e.job === id)!.t;
    expect(startOf(3)).toBe(2); // sub-cube: starts during the outage
    expect(startOf(4)).toBeCloseTo(1 + 5 / 60 + 4, 9); // optical: waits for the repair
    expect(stats.jobsInterrupted).toBe(1);
  });
});
