// Sub-cube slices (fewer than 64 chips): aligned blocks of machines inside one cube. They use only the
// electrical ICI inside the cube and no optical link (docs/reference.md: wrap-around links go through the OCS;
// a slice smaller than a cube has none), so an OCS failure does not touch them, and a machine or cable
// failure touches only the block that holds it.
import {
  CUBES,
  MACHINES_PER_CUBE,
  MACHINE_GRID_X,
  MACHINE_GRID_Y,
  cubeCoord,
  iciCables,
  iciLinks,
  machineOfChip,
  CHIPS_PER_CUBE,
} from './topology';
import type { Shape } from './slices';

/**
 * Sub-cube slice shapes by size in chips: whole machines (2x2x1 chips) stacked first along z, then y.
 * ASSUMPTION: the Cloud TPU v4 topologies 2x2x1, 2x2x2, 2x2x4 and 2x4x4 (1, 2, 4 and 8 machines); they
 * obey docs/reference.md's rule (every side ≤ 4).
 */
export const SUB_CUBE_SHAPES: Readonly<Record<number, Shape>> = {
  4: [2, 2, 1],
  8: [2, 2, 2],
  16: [2, 2, 4],
  32: [2, 4, 4],
};
export const SUB_CUBE_SIZES = [4, 8, 16, 32] as const;

/** A place for a sub-cube slice: its cube, its machines and the ICI cables (iciCables() indices) inside it. */
export interface SubBlock {
  cube: number;
  machines: readonly number[];
  cables: readonly number[];
}

/**
 * The cube's machines in block order: local index l = z + 4·y + 8·x over the cube's 2x2x4 machine grid, so
 * that every aligned run of 1, 2, 4 or 8 indices is a 2x2x1, 2x2x2, 2x2x4 or 2x4x4-chip box (buddy blocks).
 */
export function machinesInBlockOrder(cube: number): number[] {
  const [cx, cy, cz] = cubeCoord(cube);
  const out: number[] = [];
  for (let lx = 0; lx < 2; lx++)
    for (let ly = 0; ly < 2; ly++)
      for (let lz = 0; lz < 4; lz++) {
        const mx = 2 * cx + lx;
        const my = 2 * cy + ly;
        const mz = 4 * cz + lz;
        out.push(mx + MACHINE_GRID_X * (my + MACHINE_GRID_Y * mz));
      }
  return out;
}

let cableEndsCache: Int32Array | null = null;

/** The two machines of each ICI cable: [2i] and [2i + 1] for cable i (indexed like iciCables()). */
export function cableMachines(): Int32Array {
  if (cableEndsCache) return cableEndsCache;
  const cables = iciCables();
  const links = iciLinks();
  const out = new Int32Array(2 * cables.length);
  for (let i = 0; i < cables.length; i++) {
    out[2 * i] = machineOfChip(links.a[cables[i]!]!);
    out[2 * i + 1] = machineOfChip(links.b[cables[i]!]!);
  }
  cableEndsCache = out;
  return out;
}

const blocksCache = new Map<number, SubBlock[]>();

/** Every place for a sub-cube slice of `chips` chips: cube by cube, aligned blocks in block order. */
export function subCubeBlocks(chips: number): SubBlock[] {
  const cached = blocksCache.get(chips);
  if (cached) return cached;
  if (!SUB_CUBE_SHAPES[chips]) throw new Error(`${chips} chips is not a sub-cube slice size`);
  const n = chips / 4;
  const ends = cableMachines();
  const cablesOfCube: number[][] = Array.from({ length: CUBES }, () => []);
  const links = iciLinks();
  const cables = iciCables();
  for (let i = 0; i < cables.length; i++) cablesOfCube[links.cube[cables[i]!]!]!.push(i);
  const out: SubBlock[] = [];
  for (let cube = 0; cube < CUBES; cube++) {
    const order = machinesInBlockOrder(cube);
    for (let b = 0; b < MACHINES_PER_CUBE / n; b++) {
      const machines = order.slice(b * n, (b + 1) * n);
      const inside = new Set(machines);
      const inner = cablesOfCube[cube]!.filter(
        (i) => inside.has(ends[2 * i]!) && inside.has(ends[2 * i + 1]!),
      );
      out.push({ cube, machines, cables: inner });
    }
  }
  blocksCache.set(chips, out);
  return out;
}

/** Machines and ICI cables a slice of `chips` chips depends on (what its failure rate is made of). */
export function sliceExposure(chips: number): { machines: number; cables: number } {
  if (chips < CHIPS_PER_CUBE) {
    const b = subCubeBlocks(chips)[0]!;
    return { machines: b.machines.length, cables: b.cables.length };
  }
  const cubes = chips / CHIPS_PER_CUBE;
  return { machines: cubes * MACHINES_PER_CUBE, cables: (cubes * iciCables().length) / CUBES };
}
