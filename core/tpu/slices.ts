// Slice shapes (AxBxC chips), their validity and twisted-torus rules (docs/reference.md; TPU v4 ISCA'23 §3),
// and the OCS wiring of a slice placed on a set of cubes: which cube's '+' face meets which '-' face.
import {
  CUBE_DIM,
  CUBE_GRID,
  LINKS_PER_FACE,
  OCS_COUNT,
  ocsPortOf,
  CHIPS_PER_CUBE,
  POD_DIM,
  cubeIndex,
} from './topology';
import type { Dim, PortMaps } from './topology';

export type Shape = readonly [number, number, number];

/** The shapes of the availability experiment (issue 4): slice size in chips → shape, A along x. */
export const SHAPE_BY_SIZE: Readonly<Record<number, Shape>> = {
  64: [4, 4, 4],
  256: [4, 8, 8],
  512: [8, 8, 8],
  1024: [8, 8, 16],
  2048: [8, 16, 16],
  3072: [12, 16, 16],
  4096: [16, 16, 16],
};
export const SLICE_SIZES = [64, 256, 512, 1024, 2048, 3072, 4096] as const;

export function chipsOf(shape: Shape): number {
  return shape[0] * shape[1] * shape[2];
}

export function shapeName(shape: Shape): string {
  return shape.join('x');
}

/** Parse "AxBxC"; throws a one-line error. */
export function parseShape(text: string): Shape {
  const m = /^(\d+)x(\d+)x(\d+)$/.exec(text.trim());
  if (!m) throw new Error(`slice shape must look like AxBxC (got "${text}")`);
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}

/**
 * Why a shape is not a valid TPU v4 slice, or null when it is. Rules (docs/reference.md): sorted A ≤ B ≤ C,
 * each ≤ 4 or a multiple of 4, at most 16; a slice larger than a cube is a whole number of cubes.
 */
export function shapeProblem(shape: Shape): string | null {
  for (const s of shape) {
    if (!Number.isInteger(s) || s < 1 || s > POD_DIM) return `each side must be an integer in 1..${POD_DIM}`;
    if (s > 4 && s % CUBE_DIM !== 0) return `a side above 4 must be a multiple of 4 (got ${s})`;
  }
  if (chipsOf(shape) > CHIPS_PER_CUBE && shape.some((s) => s % CUBE_DIM !== 0)) {
    return `a slice larger than a cube must be a whole number of cubes`;
  }
  return null;
}

/** The shape sorted ascending (A ≤ B ≤ C), the form docs/reference.md names slices in. */
export function canonical(shape: Shape): Shape {
  const s = [...shape].sort((a, b) => a - b);
  return [s[0]!, s[1]!, s[2]!];
}

/** Twisted tori exist for k×k×2k and k×2k×2k (e.g. 4x4x8, 4x8x8, 8x8x16), k a multiple of 4 here. */
export function twistable(shape: Shape): boolean {
  const [a, b, c] = canonical(shape);
  if (shapeProblem(shape) !== null || a % CUBE_DIM !== 0) return false;
  return (a === b && c === 2 * a) || (b === c && b === 2 * a);
}

/** Cubes along each axis of a cube-granular shape. */
export function cubeExtent(shape: Shape): [number, number, number] {
  if (shape.some((s) => s % CUBE_DIM !== 0))
    throw new Error(`${shapeName(shape)} is not a whole number of cubes`);
  return [shape[0] / CUBE_DIM, shape[1] / CUBE_DIM, shape[2] / CUBE_DIM];
}

/** The distinct axis orders of a shape (a static pod may lay a slice along any axes). */
export function orientations(shape: Shape): Shape[] {
  const perms: Shape[] = [
    [shape[0], shape[1], shape[2]],
    [shape[0], shape[2], shape[1]],
    [shape[1], shape[0], shape[2]],
    [shape[1], shape[2], shape[0]],
    [shape[2], shape[0], shape[1]],
    [shape[2], shape[1], shape[0]],
  ];
  const seen = new Set<string>();
  return perms.filter((p) => {
    const k = p.join('x');
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/**
 * The static pod's orientation rule, one for every caller (tpu-availability, the pod simulator, system
 * availability): 'fixed' lays AxBxC as named (A along x, B along y, C along z); 'any' may lay it along any
 * axes. DEVIATION: neither reference says which a static pod allows; 'any' is the more generous to the
 * static design (more placements), 'fixed' the rule tpu-availability has always used.
 */
export type StaticOrientation = 'fixed' | 'any';
export const STATIC_ORIENTATIONS: readonly StaticOrientation[] = ['fixed', 'any'];

/** The axis orders the rule allows for `shape`. */
export function staticOrientations(shape: Shape, rule: StaticOrientation): Shape[] {
  return rule === 'any' ? orientations(shape) : [[shape[0], shape[1], shape[2]]];
}

/** One placement of a static slice: the oriented shape and its cubes in logical order (x fastest). */
export interface StaticBlock {
  shape: Shape;
  cubes: number[];
}

/**
 * Every placement of a cube-granular `shape` on a static pod under `rule`: each allowed orientation, at
 * every cube offset (multiples of 4 chips), without wrap-around; orientations in orientations() order,
 * offsets x fastest. A placement covers whole cubes, so it is usable iff all of its cubes are.
 */
export function staticBlocks(shape: Shape, rule: StaticOrientation): StaticBlock[] {
  const out: StaticBlock[] = [];
  for (const o of staticOrientations(shape, rule)) {
    const [ex, ey, ez] = cubeExtent(o);
    for (let oz = 0; oz + ez <= CUBE_GRID; oz++)
      for (let oy = 0; oy + ey <= CUBE_GRID; oy++)
        for (let ox = 0; ox + ex <= CUBE_GRID; ox++) {
          const cubes: number[] = [];
          for (let z = 0; z < ez; z++)
            for (let y = 0; y < ey; y++)
              for (let x = 0; x < ex; x++) cubes.push(cubeIndex(ox + x, oy + y, oz + z));
          out.push({ shape: o, cubes });
        }
  }
  return out;
}

/** One torus hop between cubes: `from`'s '+' face of `dim` meets `to`'s '-' face (through 16 OCS). */
export interface CubeHop {
  dim: Dim;
  from: number;
  to: number;
}

/**
 * The torus of a slice laid on `cubes` (logical position x + ex*(y + ey*z) → physical cube): every cube's
 * '+' face of each dimension meets the '-' face of its successor, wrap-around included (docs/reference.md:
 * wrap-around links go through the OCS, so even a one-cube slice is wired). In a twisted torus the wrap
 * of a short dimension also shifts by half the long dimension(s) (ISCA'23 §3: k×k×2k, k×2k×2k).
 * Invariant: for each dimension, `from` and `to` each run over all cubes exactly once.
 */
export function sliceHops(
  extent: readonly [number, number, number],
  cubes: readonly number[],
  twisted = false,
): CubeHop[] {
  const [ex, ey, ez] = extent;
  if (cubes.length !== ex * ey * ez)
    throw new Error(`slice needs ${ex * ey * ez} cubes, got ${cubes.length}`);
  const longest = Math.max(ex, ey, ez);
  const hops: CubeHop[] = [];
  for (let z = 0; z < ez; z++)
    for (let y = 0; y < ey; y++)
      for (let x = 0; x < ex; x++) {
        const p = [x, y, z];
        for (let d = 0; d < 3; d++) {
          const q = [x, y, z];
          q[d] = q[d]! + 1;
          if (q[d]! === extent[d]) {
            q[d] = 0;
            if (twisted && extent[d]! * 2 === longest) {
              // The twist: a short dimension's wrap lands half-way round each long dimension.
              for (let o = 0; o < 3; o++) if (extent[o] === longest) q[o] = (q[o]! + longest / 2) % longest;
            }
          }
          const from = cubes[p[0]! + ex * (p[1]! + ey * p[2]!)]!;
          const to = cubes[q[0]! + ex * (q[1]! + ey * q[2]!)]!;
          hops.push({ dim: d as Dim, from, to });
        }
      }
  return hops;
}

/** Program the xconnects of `hops` (16 per hop, one on each OCS of the dimension); returns how many changed. */
export function wireHops(maps: PortMaps, hops: readonly CubeHop[]): number {
  let changed = 0;
  for (const h of hops)
    for (let j = 0; j < LINKS_PER_FACE; j++) {
      const plus = ocsPortOf(h.from, h.dim, 1, j);
      const minus = ocsPortOf(h.to, h.dim, 0, j);
      changed += maps.connect(plus.ocs, plus.port, minus.port);
    }
  return changed;
}

/** Remove every xconnect touching `cubes` (a slice ending or being moved); returns how many were removed. */
export function unwireCubes(maps: PortMaps, cubes: readonly number[]): number {
  let removed = 0;
  for (let ocs = 0; ocs < OCS_COUNT; ocs++)
    for (const c of cubes) {
      removed += maps.disconnect(ocs, c * 2 + 1);
      removed += maps.disconnect(ocs, c * 2);
    }
  return removed;
}
