// The mesh map's geometry and colour codes, kept out of React: the projection (an azimuthal view centred on
// the regions, so no arc or ring is torn at an antimeridian), spreading of overlapping sites with leader
// lines, great-circle arcs between spread markers, and the two colour channels (rings vs utilisation).
import { geoAzimuthalEquidistant, geoDistance, geoInterpolate } from 'd3-geo';
import type { GeoProjection } from 'd3-geo';
import { interpolateRgb } from 'd3-interpolate';

/**
 * Ring membership: stroke colours (outlines, latency-bound circles, arcs) and dash patterns, cool hues only
 * so they share nothing with the warm utilisation ramp below.
 */
export const RING_COLORS = ['#2ec4b6', '#4d8dff', '#b07cff', '#c3c9d4'] as const;
export const RING_DASH = ['', '7 4', '2 3', '1 4'] as const;

/** Utilisation fill: a warm sequential ramp, dim at 0 and hottest above 100%. Stops are utilisation values. */
export const UTIL_STOPS: readonly { u: number; color: string }[] = [
  { u: 0, color: '#4a3d33' },
  { u: 0.5, color: '#a8743a' },
  { u: 0.75, color: '#e39a34' },
  { u: 1, color: '#f2552c' },
  { u: 2, color: '#ff1f5a' },
];
export const UTIL_MAX = UTIL_STOPS[UTIL_STOPS.length - 1]!.u;
export const DOWN_FILL = '#12161e';

export function utilColor(u: number, up: boolean): string {
  if (!up) return DOWN_FILL;
  const x = Math.max(0, Math.min(UTIL_MAX, u));
  for (let i = 1; i < UTIL_STOPS.length; i++) {
    const a = UTIL_STOPS[i - 1]!;
    const b = UTIL_STOPS[i]!;
    if (x <= b.u) return interpolateRgb(a.color, b.color)((x - a.u) / (b.u - a.u));
  }
  return UTIL_STOPS[UTIL_STOPS.length - 1]!.color;
}

interface LonLat {
  lon: number;
  lat: number;
}

export interface MapCentre {
  lon: number;
  lat: number;
  /** The farthest region's angular distance from the centre (degrees). */
  reachDeg: number;
}

const DEG = 180 / Math.PI;

/**
 * The centre of an azimuthal view of the regions. Every region lies within 85° of it, so the great-circle arc
 * between any two regions stays inside the view's cap (a cap under a hemisphere is convex) and nothing is cut
 * at an antimeridian; among such centres, the one whose picture best fills a landscape map (`aspect`),
 * north up. Deterministic: a 5° grid, ties to the first found.
 */
export function chooseCentre(regions: readonly LonLat[], aspect = 2.2): MapCentre {
  const pts = regions.map((r): [number, number] => [r.lon, r.lat]);
  const reach = (lon: number, lat: number): number =>
    Math.max(...pts.map((p) => geoDistance(p, [lon, lat]))) * DEG;
  let minimax = { lon: 0, lat: 0, reachDeg: Infinity };
  for (let lat = -85; lat <= 85; lat += 5)
    for (let lon = -180; lon < 180; lon += 5) {
      const m = reach(lon, lat);
      if (m < minimax.reachDeg) minimax = { lon, lat, reachDeg: m };
    }
  const limit = Math.max(minimax.reachDeg, Math.min(85, minimax.reachDeg + 15));
  let best = minimax;
  let bestFit = -Infinity;
  for (let lat = -85; lat <= 85; lat += 5)
    for (let lon = -180; lon < 180; lon += 5) {
      const m = reach(lon, lat);
      if (m > limit) continue;
      const p = geoAzimuthalEquidistant().rotate([-lon, -lat]).scale(1).translate([0, 0]);
      const xy = pts.map((q): [number, number] => p(q) ?? [0, 0]);
      const xs = xy.map((a) => a[0]);
      const ys = xy.map((a) => a[1]);
      const w = Math.max(1e-6, Math.max(...xs) - Math.min(...xs));
      const h = Math.max(1e-6, Math.max(...ys) - Math.min(...ys));
      const fit = Math.min(aspect / w, 1 / h);
      if (fit > bestFit * 1.0001) {
        bestFit = fit;
        best = { lon, lat, reachDeg: m };
      }
    }
  return best;
}

/** The projection for a centre, fitted so every region (with `pad` px around it) is inside the box. */
export function mapProjection(
  centre: MapCentre,
  regions: readonly LonLat[],
  box: { x0: number; y0: number; x1: number; y1: number },
): GeoProjection {
  return geoAzimuthalEquidistant()
    .rotate([-centre.lon, -centre.lat])
    .clipAngle(Math.min(170, centre.reachDeg + 30))
    .precision(0.3)
    .fitExtent(
      [
        [box.x0, box.y0],
        [box.x1, box.y1],
      ],
      { type: 'MultiPoint', coordinates: regions.map((r) => [r.lon, r.lat]) },
    );
}

/**
 * Spread markers that overlap: each starts at its site and is pushed apart from the others (radius + gap)
 * while a weak spring pulls it back, inside the box. Deterministic (fixed iteration count, index order).
 */
export function spreadMarkers(
  anchors: readonly [number, number][],
  radii: readonly number[],
  box: { x0: number; y0: number; x1: number; y1: number },
  gap = 3,
): [number, number][] {
  const pos = anchors.map(([x, y]): [number, number] => [x, y]);
  const n = pos.length;
  for (let it = 0; it < 240; it++) {
    for (let i = 0; i < n; i++)
      for (let j = i + 1; j < n; j++) {
        const a = pos[i]!;
        const b = pos[j]!;
        let dx = b[0] - a[0];
        let dy = b[1] - a[1];
        let d = Math.hypot(dx, dy);
        if (d < 1e-6) {
          const t = ((i * 7 + j * 13) % 16) * (Math.PI / 8);
          dx = Math.cos(t);
          dy = Math.sin(t);
          d = 1;
        }
        const need = radii[i]! + radii[j]! + gap;
        if (d >= need) continue;
        const push = (need - d) / 2;
        a[0] -= (dx / d) * push;
        a[1] -= (dy / d) * push;
        b[0] += (dx / d) * push;
        b[1] += (dy / d) * push;
      }
    for (let i = 0; i < n; i++) {
      const p = pos[i]!;
      const [ax, ay] = anchors[i]!;
      p[0] += (ax - p[0]) * 0.02;
      p[1] += (ay - p[1]) * 0.02;
      const r = radii[i]!;
      p[0] = Math.max(box.x0 + r, Math.min(box.x1 - r, p[0]));
      p[1] = Math.max(box.y0 + r, Math.min(box.y1 - r, p[1]));
    }
  }
  return pos;
}

/**
 * SVG path of the great-circle arc from region a to region b, bent so it leaves a's marker and ends at b's
 * marker edge (markers may sit off their sites); the short way, never cut (see chooseCentre).
 */
export function arcPath(
  projection: GeoProjection,
  a: LonLat,
  b: LonLat,
  from: { site: [number, number]; at: [number, number]; r: number },
  to: { site: [number, number]; at: [number, number]; r: number },
  steps = 24,
): string {
  const interp = geoInterpolate([a.lon, a.lat], [b.lon, b.lat]);
  const da = [from.at[0] - from.site[0], from.at[1] - from.site[1]];
  const db = [to.at[0] - to.site[0], to.at[1] - to.site[1]];
  const pts: [number, number][] = [];
  for (let i = 0; i <= steps; i++) {
    const t = i / steps;
    const p = projection(interp(t)) ?? [0, 0];
    pts.push([p[0] + (1 - t) * da[0]! + t * db[0]!, p[1] + (1 - t) * da[1]! + t * db[1]!]);
  }
  // Trim to the markers' edges so an arrowhead at the end is visible.
  const outside = (p: [number, number], c: [number, number], r: number) =>
    Math.hypot(p[0] - c[0], p[1] - c[1]) > r;
  const kept = pts.filter((p) => outside(p, from.at, from.r + 1) && outside(p, to.at, to.r + 4));
  const line = kept.length >= 2 ? kept : [from.at, to.at];
  return 'M' + line.map((p) => `${p[0].toFixed(1)},${p[1].toFixed(1)}`).join('L');
}

/** An axis-aligned rectangle in map pixels. */
export interface Rect {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** Pixels two rectangles share (0 when they only touch or are apart). */
export function overlapArea(a: Rect, b: Rect): number {
  const w = Math.min(a.x1, b.x1) - Math.max(a.x0, b.x0);
  const h = Math.min(a.y1, b.y1) - Math.max(a.y0, b.y0);
  return w > 0 && h > 0 ? w * h : 0;
}

/**
 * Size of a map label of `text` at `px` (the map's sans-serif labels): ASSUMPTION 0.62 em per character, the
 * average advance of digits and lower-case letters in common UI fonts, plus the 3 px outline on each side.
 */
export function labelSize(text: string, px = 10): { w: number; h: number } {
  return { w: text.length * 0.62 * px + 6, h: px + 4 };
}

export type LabelSide =
  'above' | 'below' | 'right' | 'left' | 'above-right' | 'above-left' | 'below-right' | 'below-left';
/** Where a label may go, in order of preference: above its marker first (the map's convention). */
export const LABEL_SIDES: readonly LabelSide[] = [
  'above',
  'below',
  'right',
  'left',
  'above-right',
  'above-left',
  'below-right',
  'below-left',
];

/** The rectangle of a w×h label on `side` of a marker of radius r at `at`, `gap` px off its edge. */
export function labelRect(
  at: readonly [number, number],
  r: number,
  size: { w: number; h: number },
  side: LabelSide,
  gap = 2,
): Rect {
  const [x, y] = at;
  const { w, h } = size;
  const d = r + gap;
  const up = side.startsWith('above') ? -1 : side.startsWith('below') ? 1 : 0;
  const across = side.endsWith('right') ? 1 : side.endsWith('left') ? -1 : 0;
  // Diagonals sit off the marker's corner (d / √2 along each axis); straight sides centre on the marker.
  const k = up !== 0 && across !== 0 ? Math.SQRT1_2 : 1;
  const cx = across === 0 ? x : x + across * (d * k + w / 2);
  const cy = up === 0 ? y : y + up * (d * k + h / 2);
  return { x0: cx - w / 2, y0: cy - h / 2, x1: cx + w / 2, y1: cy + h / 2 };
}

/** The square around a marker circle. */
export function markerRect(at: readonly [number, number], r: number): Rect {
  return { x0: at[0] - r, y0: at[1] - r, x1: at[0] + r, y1: at[1] + r };
}

/**
 * How much a label covers a marker circle: 0 when the rectangle misses the circle, else its overlap with
 * the circle's square (a cost that grows as the label moves onto the marker).
 */
export function markerOverlap(rect: Rect, at: readonly [number, number], r: number): number {
  const dx = Math.max(rect.x0 - at[0], 0, at[0] - rect.x1);
  const dy = Math.max(rect.y0 - at[1], 0, at[1] - rect.y1);
  return dx * dx + dy * dy < r * r ? overlapArea(rect, markerRect(at, r)) : 0;
}

/**
 * Place each marker's label beside it, greedily, the most crowded markers first: on the first side (LABEL_SIDES, right next to
 * the marker, then the same sides one and two label heights further out) where it overlaps no label placed before, no
 * other marker circle, no `avoid` rectangle and stays inside the box; where every place collides, on the one with the
 * least overlap (area outside the box counts as overlap). A label never covers its own marker (labelRect keeps
 * it off the circle). `far` marks a label set off its marker (the map joins the two with a line). Deterministic.
 */
export function placeLabels(
  at: readonly (readonly [number, number])[],
  radii: readonly number[],
  sizes: readonly { w: number; h: number }[],
  box: Rect,
  avoid: readonly Rect[] = [],
): { rect: Rect; side: LabelSide; far: boolean }[] {
  // The most crowded markers choose first (ties by index): they have the fewest free places.
  const crowd = at.map((p) => at.filter((q) => Math.hypot(q[0] - p[0], q[1] - p[1]) < 80).length);
  const order = at.map((_, i) => i).sort((a, b) => crowd[b]! - crowd[a]! || a - b);
  const placed: { rect: Rect; side: LabelSide; far: boolean }[] = new Array(at.length);
  const done: Rect[] = [];
  for (const i of order) {
    let best: { rect: Rect; side: LabelSide; cost: number; far: boolean } | null = null;
    for (const gap of [2, 2 + sizes[i]!.h, 2 + 2 * sizes[i]!.h]) {
      for (const side of LABEL_SIDES) {
        const rect = labelRect(at[i]!, radii[i]!, sizes[i]!, side, gap);
        const area = (rect.x1 - rect.x0) * (rect.y1 - rect.y0);
        let cost = area - overlapArea(rect, box);
        for (const o of done) cost += overlapArea(rect, o);
        for (let j = 0; j < at.length; j++) if (j !== i) cost += markerOverlap(rect, at[j]!, radii[j]!);
        for (const a of avoid) cost += overlapArea(rect, a);
        if (!best || cost < best.cost) best = { rect, side, cost, far: gap > 2 };
        if (cost === 0) break;
      }
      if (best!.cost === 0) break;
    }
    placed[i] = { rect: best!.rect, side: best!.side, far: best!.far };
    done.push(best!.rect);
  }
  return placed;
}

/**
 * A point on a ring's bound circle for its label: due south of the centre if in the box, else the point
 * nearest south that is, and where `free` holds (the label would cover no site or site label); null when no
 * point qualifies (the map key still names every ring's bound).
 */
export function ringLabelAt(
  projection: GeoProjection,
  centre: LonLat,
  radiusDeg: number,
  box: { x0: number; y0: number; x1: number; y1: number },
  free: (p: [number, number]) => boolean = () => true,
): [number, number] | null {
  const inBox = (p: [number, number] | null): p is [number, number] =>
    p !== null && p[0] > box.x0 + 64 && p[0] < box.x1 - 64 && p[1] > box.y0 + 12 && p[1] < box.y1 - 4;
  for (let k = 0; k < 36; k++) {
    const bearing = 180 + (k % 2 === 0 ? 1 : -1) * Math.ceil(k / 2) * 10;
    const p = destination(centre, radiusDeg, bearing);
    const xy = projection([p.lon, p.lat]);
    if (inBox(xy) && free(xy)) return xy;
  }
  return null;
}

/** The point `distDeg` along the great circle from `c` at `bearingDeg` (clockwise from north). */
function destination(c: LonLat, distDeg: number, bearingDeg: number): LonLat {
  const R = Math.PI / 180;
  const d = distDeg * R;
  const th = bearingDeg * R;
  const la1 = c.lat * R;
  const lo1 = c.lon * R;
  const la2 = Math.asin(Math.sin(la1) * Math.cos(d) + Math.cos(la1) * Math.sin(d) * Math.cos(th));
  const lo2 =
    lo1 + Math.atan2(Math.sin(th) * Math.sin(d) * Math.cos(la1), Math.cos(d) - Math.sin(la1) * Math.sin(la2));
  return { lat: la2 / R, lon: ((((lo2 / R + 540) % 360) + 360) % 360) - 180 };
}
