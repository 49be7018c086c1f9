// Slice shape rules, twisted tori and the OCS wiring of a slice.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PortMaps } from './topology';
import {
  cubeExtent,
  orientations,
  parseShape,
  shapeProblem,
  sliceHops,
  staticBlocks,
  twistable,
  unwireCubes,
  wireHops,
} from './slices';
import type { Shape } from './slices';

describe('slice shapes', () => {
  it('accepts sides ≤ 4 or multiples of 4, and whole cubes above 64 chips', () => {
    expect(shapeProblem([2, 2, 1])).toBeNull();
    expect(shapeProblem([4, 4, 4])).toBeNull();
    expect(shapeProblem([12, 16, 16])).toBeNull();
    expect(shapeProblem([4, 6, 8])).toMatch(/multiple of 4/);
    expect(shapeProblem([2, 4, 16])).toMatch(/whole number of cubes/);
    expect(shapeProblem([4, 4, 20])).toMatch(/1\.\.16/);
    expect(() => parseShape('4by4')).toThrow(/AxBxC/);
    expect(parseShape('4x8x8')).toEqual([4, 8, 8]);
  });

  it('twisted tori exist exactly for k×k×2k and k×2k×2k', () => {
    expect(twistable([4, 4, 8])).toBe(true);
    expect(twistable([4, 8, 8])).toBe(true);
    expect(twistable([8, 8, 16])).toBe(true);
    expect(twistable([8, 16, 16])).toBe(true);
    expect(twistable([4, 4, 4])).toBe(false);
    expect(twistable([8, 8, 8])).toBe(false);
    expect(twistable([12, 16, 16])).toBe(false);
    expect(twistable([4, 4, 12])).toBe(false);
  });

  it('orientations are the distinct axis permutations', () => {
    expect(orientations([4, 4, 4])).toHaveLength(1);
    expect(orientations([4, 8, 8])).toHaveLength(3);
    expect(orientations([4, 8, 12])).toHaveLength(6);
  });

  const cubeShapes: Shape[] = [
    [4, 4, 4],
    [4, 4, 8],
    [4, 8, 8],
    [8, 8, 8],
    [8, 8, 16],
    [12, 16, 16],
  ];

  it('a slice torus gives every cube one successor and one predecessor per dimension (twisted or not)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...cubeShapes),
        fc.boolean(),
        fc.integer({ min: 0, max: 1000 }),
        (shape, twist, salt) => {
          const ext = cubeExtent(shape);
          const n = ext[0] * ext[1] * ext[2];
          const cubes = Array.from({ length: 64 }, (_, i) => (i * 37 + salt) % 64).slice(0, n);
          const hops = sliceHops(ext, cubes, twist && twistable(shape));
          for (let d = 0; d < 3; d++) {
            const hs = hops.filter((h) => h.dim === d);
            expect(new Set(hs.map((h) => h.from)).size).toBe(n);
            expect(new Set(hs.map((h) => h.to)).size).toBe(n);
          }
          const maps = new PortMaps();
          expect(wireHops(maps, hops)).toBe(48 * n);
          maps.check();
          expect(unwireCubes(maps, cubes)).toBe(48 * n);
          expect(maps.connections()).toBe(0);
        },
      ),
    );
  });

  it('the twist moves a short dimension’s wrap half-way round the long one', () => {
    const plain = sliceHops([1, 1, 2], [10, 20], false);
    const twisted = sliceHops([1, 1, 2], [10, 20], true);
    expect(plain.find((h) => h.dim === 0 && h.from === 10)!.to).toBe(10);
    expect(twisted.find((h) => h.dim === 0 && h.from === 10)!.to).toBe(20);
  });

  it('staticBlocks: fixed keeps the named axes; any is the union over orientations() of fixed, each block whole cubes', () => {
    for (const shape of [
      [8, 16, 16],
      [4, 8, 8],
      [12, 16, 16],
      [16, 16, 16],
    ] as const) {
      const fixed = staticBlocks(shape, 'fixed');
      expect(fixed.every((b) => b.shape.join('x') === shape.join('x'))).toBe(true);
      const any = staticBlocks(shape, 'any');
      const union = orientations(shape).flatMap((o) => staticBlocks(o, 'fixed'));
      expect(any).toEqual(union);
      const [ex, ey, ez] = cubeExtent(shape);
      for (const b of any) {
        expect(b.cubes).toHaveLength(ex * ey * ez);
        expect(new Set(b.cubes).size).toBe(b.cubes.length);
      }
    }
    // Offsets without wrap-around: (4 − extent + 1) per axis.
    expect(staticBlocks([8, 16, 16], 'fixed')).toHaveLength(3 * 1 * 1);
    expect(staticBlocks([8, 16, 16], 'any')).toHaveLength(9);
  });
});
