// The mesh map's geometry: a view that tears nothing, markers that do not overlap, and two colour channels
// that share no hue.
import { describe, expect, it } from 'vitest';
import { geoDistance, geoInterpolate } from 'd3-geo';
import { defaultWorld } from '../../../core/mesh/world';
import {
  RING_COLORS,
  UTIL_STOPS,
  chooseCentre,
  labelSize,
  mapProjection,
  markerOverlap,
  overlapArea,
  placeLabels,
  ringLabelAt,
  spreadMarkers,
  utilColor,
} from './geo';

const regions = defaultWorld().regions;

/** Hue (degrees) and saturation (0..1) of '#rrggbb' or 'rgb(r, g, b)'. */
function hueSat(color: string): { h: number; s: number } {
  const [r, g, b] = (
    color.startsWith('#')
      ? [1, 3, 5].map((i) => parseInt(color.slice(i, i + 2), 16))
      : color.match(/\d+/g)!.slice(0, 3).map(Number)
  ).map((x) => x / 255) as [number, number, number];
  const max = Math.max(r, g, b);
  const min = Math.min(r, g, b);
  const d = max - min;
  const l = (max + min) / 2;
  const s = d === 0 ? 0 : d / (1 - Math.abs(2 * l - 1));
  let h = 0;
  if (d > 0) h = max === r ? ((g - b) / d) % 6 : max === g ? (b - r) / d + 2 : (r - g) / d + 4;
  return { h: (h * 60 + 360) % 360, s };
}

describe('the mesh map geometry', () => {
  it('centres the built-in world so every great-circle arc between regions stays in view, never cut', () => {
    const c = chooseCentre(regions);
    expect(c.reachDeg).toBeLessThanOrEqual(85);
    const box = { x0: 0, y0: 0, x1: 800, y1: 360 };
    const p = mapProjection(c, regions, box);
    for (const a of regions)
      for (const b of regions) {
        const arc = geoInterpolate([a.lon, a.lat], [b.lon, b.lat]);
        let prev: [number, number] | null = null;
        for (let i = 0; i <= 32; i++) {
          const q = arc(i / 32);
          expect((geoDistance(q, [c.lon, c.lat]) * 180) / Math.PI).toBeLessThan(90);
          const xy = p(q)!;
          // No jump across the map between consecutive points (a tear).
          if (prev) expect(Math.hypot(xy[0] - prev[0], xy[1] - prev[1])).toBeLessThan(80);
          prev = xy;
        }
      }
  });

  it('spreads overlapping markers apart, inside the box', () => {
    const at = spreadMarkers(
      [
        [100, 100],
        [100, 100],
        [104, 101],
      ],
      [10, 10, 10],
      { x0: 0, y0: 0, x1: 300, y1: 300 },
      2,
    );
    for (let i = 0; i < 3; i++)
      for (let j = i + 1; j < 3; j++)
        expect(Math.hypot(at[i]![0] - at[j]![0], at[i]![1] - at[j]![1])).toBeGreaterThan(20);
  });

  it('fills utilisation with warm hues only, none near a ring colour', () => {
    const ringHues = RING_COLORS.map(hueSat)
      .filter((c) => c.s > 0.2)
      .map((c) => c.h);
    expect(ringHues).toHaveLength(3);
    for (let u = 0; u <= 2.5; u += 0.05) {
      const { h } = hueSat(utilColor(u, true));
      for (const rh of ringHues) {
        const d = Math.min(Math.abs(h - rh), 360 - Math.abs(h - rh));
        expect(d).toBeGreaterThan(60);
      }
    }
    expect(UTIL_STOPS[0]!.u).toBe(0);
  });

  it.each([
    [1164, 256],
    [722, 176],
  ])(
    'places every site label of the built-in world (%i×%i map) clear of other labels and markers, inside the map',
    (w, h) => {
      const box = { x0: 6, y0: 6, x1: w - 6, y1: h - 6 };
      const p = mapProjection(chooseCentre(regions), regions, { x0: 40, y0: 40, x1: w - 40, y1: h - 24 });
      const sites = regions.map((r) => p([r.lon, r.lat])!);
      // As MeshView: markers spread with 1 px more than the radius labels keep clear of.
      const radii = regions.map(() => 12);
      const at = spreadMarkers(
        sites,
        radii.map((r) => r + 1),
        box,
        2,
      );
      const key = { x0: w - 70, y0: 6, x1: w - 6, y1: 32 };
      const labels = placeLabels(
        at,
        radii,
        regions.map((r) => labelSize(`${r.id} 100%`)),
        box,
        [key],
      ).map((l) => l.rect);
      for (let i = 0; i < labels.length; i++) {
        const l = labels[i]!;
        expect(overlapArea(l, box)).toBeCloseTo((l.x1 - l.x0) * (l.y1 - l.y0), 6);
        expect(overlapArea(l, key)).toBe(0);
        for (let j = 0; j < labels.length; j++) if (j !== i) expect(overlapArea(l, labels[j]!)).toBe(0);
        // No label touches a marker circle, its own included.
        for (let j = 0; j < at.length; j++) expect(markerOverlap(l, at[j]!, radii[j]!)).toBe(0);
      }
    },
  );

  it('puts a label above its marker when nothing is there, and elsewhere when a neighbour is', () => {
    const box = { x0: 0, y0: 0, x1: 400, y1: 400 };
    const size = labelSize('abc 100%');
    const [alone] = placeLabels([[200, 200]], [10], [size], box);
    expect(alone!.side).toBe('above');
    // A second marker right above the first: the first's label moves off it.
    const two = placeLabels(
      [
        [200, 200],
        [200, 178],
      ],
      [10, 10],
      [size, size],
      box,
    );
    expect(two[0]!.side).not.toBe('above');
    expect(overlapArea(two[0]!.rect, two[1]!.rect)).toBe(0);
  });

  it('a ring label takes the first free point on its circle, or none', () => {
    const c = chooseCentre(regions);
    const p = mapProjection(c, regions, { x0: 40, y0: 40, x1: 1124, y1: 232 });
    const box = { x0: 6, y0: 6, x1: 1158, y1: 250 };
    const prn = regions.find((r) => r.id === 'prn')!;
    const south = ringLabelAt(p, prn, 10, box)!;
    expect(south).not.toBeNull();
    const other = ringLabelAt(p, prn, 10, box, (q) => Math.hypot(q[0] - south[0], q[1] - south[1]) > 5)!;
    expect(Math.hypot(other[0] - south[0], other[1] - south[1])).toBeGreaterThan(5);
    expect(ringLabelAt(p, prn, 10, box, () => false)).toBeNull();
  });
});
