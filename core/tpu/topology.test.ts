// Properties of the pod's physical topology: coordinates, machines, cubes, ICI links, OCS ports, port maps.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CHIPS,
  CUBES,
  MACHINES,
  OCS_COUNT,
  OCS_PORTS,
  OCS_PHYSICAL_PORTS,
  PortMaps,
  chipCoord,
  chipIndex,
  chipOfFaceLink,
  chipsOfCube,
  chipsOfMachine,
  cubeOfChip,
  cubeOfMachine,
  faceLinkOfPort,
  iciCables,
  iciLinks,
  machineOfChip,
  machinesOfCube,
  ocsPortOf,
  opticalLinkId,
  opticalLinkParts,
} from './topology';
import type { Dim, Side } from './topology';

describe('pod topology', () => {
  it('chipIndex and chipCoord are inverse over all 4096 chips', () => {
    for (let c = 0; c < CHIPS; c++) expect(chipIndex(...chipCoord(c))).toBe(c);
  });

  it('a machine is 2x2x1 chips and a cube holds 16 machines / 64 chips', () => {
    for (let m = 0; m < MACHINES; m++) {
      const chips = chipsOfMachine(m);
      expect(chips).toHaveLength(4);
      expect(new Set(chips.map(machineOfChip))).toEqual(new Set([m]));
      expect(new Set(chips.map((c) => chipCoord(c)[2])).size).toBe(1);
      expect(new Set(chips.map(cubeOfChip))).toEqual(new Set([cubeOfMachine(m)]));
    }
    for (let c = 0; c < CUBES; c++) {
      expect(machinesOfCube(c)).toHaveLength(16);
      expect(machinesOfCube(c).every((m) => cubeOfMachine(m) === c)).toBe(true);
      expect(new Set(chipsOfCube(c).map(cubeOfChip))).toEqual(new Set([c]));
    }
  });

  it('ICI links join neighbouring chips inside one cube only: 144 per cube', () => {
    const l = iciLinks();
    expect(l.count).toBe(144 * CUBES);
    for (let i = 0; i < l.count; i++) {
      const a = chipCoord(l.a[i]!);
      const b = chipCoord(l.b[i]!);
      const dist = Math.abs(a[0] - b[0]) + Math.abs(a[1] - b[1]) + Math.abs(a[2] - b[2]);
      expect(dist).toBe(1);
      expect(cubeOfChip(l.a[i]!)).toBe(cubeOfChip(l.b[i]!));
    }
    expect(iciCables().length).toBe(80 * CUBES); // inter-machine links: 16 in x, 16 in y, 48 in z per cube
  });

  it('every face link sits on exactly one OCS port and every OCS port holds exactly one face link', () => {
    expect(OCS_COUNT).toBe(48);
    expect(OCS_PORTS).toBeLessThanOrEqual(OCS_PHYSICAL_PORTS);
    const used = new Uint8Array(OCS_COUNT * OCS_PORTS);
    for (let cube = 0; cube < CUBES; cube++)
      for (let dim = 0; dim < 3; dim++)
        for (let side = 0; side < 2; side++)
          for (let j = 0; j < 16; j++) {
            const { ocs, port } = ocsPortOf(cube, dim as Dim, side as Side, j);
            expect(used[ocs * OCS_PORTS + port]).toBe(0);
            used[ocs * OCS_PORTS + port] = 1;
            expect(faceLinkOfPort(ocs, port)).toEqual({ cube, dim, side, j });
            const id = opticalLinkId(cube, dim as Dim, side as Side, j);
            expect(opticalLinkParts(id)).toEqual({ cube, dim, side, j });
          }
    expect(used.every((u) => u === 1)).toBe(true); // 64 cubes x 96 links = 48 x 128 ports
  });

  it('opposite faces of one dimension go to the same OCS, and a face link belongs to a chip on that face', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 63 }),
        fc.integer({ min: 0, max: 2 }),
        fc.integer({ min: 0, max: 15 }),
        (cube, dim, j) => {
          const minus = ocsPortOf(cube, dim as Dim, 0, j);
          const plus = ocsPortOf(cube, dim as Dim, 1, j);
          expect(minus.ocs).toBe(plus.ocs);
          const lo = chipCoord(chipOfFaceLink(cube, dim as Dim, 0, j));
          const hi = chipCoord(chipOfFaceLink(cube, dim as Dim, 1, j));
          expect(lo[dim]! % 4).toBe(0);
          expect(hi[dim]! % 4).toBe(3);
        },
      ),
    );
  });

  it('port maps stay permutations (involutions) under random connect/disconnect sequences', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.integer({ min: 0, max: 47 }),
            fc.integer({ min: 0, max: 63 }),
            fc.integer({ min: 0, max: 63 }),
            fc.boolean(),
          ),
          { maxLength: 200 },
        ),
        (ops) => {
          const maps = new PortMaps();
          for (const [ocs, a, b, connect] of ops) {
            const plus = a * 2 + 1;
            const minus = b * 2;
            if (connect) {
              const m = maps.maps[ocs]!;
              if (m[plus] === plus && m[minus] === minus) maps.connect(ocs, plus, minus);
            } else maps.disconnect(ocs, plus);
            maps.check();
          }
        },
      ),
    );
  });

  it('connect refuses a port that is already cross-connected and a +/+ pair', () => {
    const maps = new PortMaps();
    maps.connect(0, 1, 2);
    expect(() => maps.connect(0, 1, 4)).toThrow(/already/);
    expect(() => maps.connect(0, 3, 5)).toThrow(/\+ port to a - port/);
    maps.maps[1]![3] = 3;
    maps.maps[1]![5] = 3;
    expect(() => maps.check()).toThrow(/permutation/);
  });
});
