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

/** A point on a ring's bound circle for its label: due south of the centre if in the box, else the lowest in it. */
export function ringLabelAt(
  projection: GeoProjection,
  centre: LonLat,
  radiusDeg: number,
  box: { x0: number; y0: number; x1: number; y1: number },
): [number, number] | null {
  const inBox = (p: [number, number] | null): p is [number, number] =>
    p !== null && p[0] > box.x0 + 64 && p[0] < box.x1 - 64 && p[1] > box.y0 + 12 && p[1] < box.y1 - 4;
  let best: [number, number] | null = null;
  for (let k = 0; k < 36; k++) {
    const bearing = 180 + (k % 2 === 0 ? 1 : -1) * Math.ceil(k / 2) * 10;
    const p = destination(centre, radiusDeg, bearing);
    const xy = projection([p.lon, p.lat]);
    if (inBox(xy)) {
      best = xy;
      break;
    }
  }
  return best;
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
