// Chart layout arithmetic, kept apart from the SVG so it can be tested alone: series styles that stay
// distinct past the palette's end, thinned and turned category labels, direct labels nudged apart, long
// series thinned for drawing. No spread of data arrays into Math.min/max (a large result overflows it).
import { max } from 'd3-array';

/** Colour-blind-safe palette (Okabe–Ito). */
export const PALETTE = [
  '#56b4e9',
  '#e69f00',
  '#009e73',
  '#f0e442',
  '#0072b2',
  '#d55e00',
  '#cc79a7',
  '#999999',
] as const;

/** Second channel once the colours run out: series 8–15 dashed (bars hatched), 16–23 dotted, … */
const DASHES = [undefined, '7 3', '2 3', '9 3 2 3'] as const;

export interface SeriesStyle {
  color: string;
  /** SVG stroke-dasharray for lines; undefined = solid. */
  dash: string | undefined;
  /** How many times the palette has gone round before this series (0 for the first eight). */
  round: number;
}

/** The style of series `i`: no two of the first 32 series share both colour and dash. */
export function seriesStyle(i: number): SeriesStyle {
  const round = Math.floor(i / PALETTE.length);
  return { color: PALETTE[i % PALETTE.length]!, dash: DASHES[round % DASHES.length], round };
}

/** Width in px of `text` in the charts' 11 px system font (an estimate: 6.3 px a character). */
export function textWidth(text: string): number {
  return text.length * 6.3;
}

/**
 * `text` cut to fit `px` at the chart's 11 px font (`scale` for larger fonts), ending in "…" when cut; the
 * caller puts the whole text in a <title>.
 */
export function fitText(text: string, px: number, scale = 1): string {
  if (textWidth(text) * scale <= px) return text;
  const chars = Math.max(1, Math.floor(px / (6.3 * scale)) - 1);
  return `${text.slice(0, chars).trimEnd()}…`;
}

const LABEL_HEIGHT = 13;
/** Turned labels at this angle take about sin(40°) of their width in height. */
const TURN_DEGREES = -40;

/**
 * Which category labels to print and how: level when each fits its band; turned by 40° when not; and,
 * when even turned labels would touch (bands narrower than a line of text), every k-th one only.
 * `extraHeight` is what the turned labels need below the axis beyond the `room` already there.
 */
export function categoryTicks(
  categories: readonly string[],
  step: number,
  room: number,
): { shown: string[]; rotate: number; extraHeight: number } {
  const widest = max(categories, textWidth) ?? 0;
  if (widest + 6 <= step) return { shown: [...categories], rotate: 0, extraHeight: 0 };
  const every = Math.max(1, Math.ceil(LABEL_HEIGHT / Math.max(step, 1e-9)));
  const shown = categories.filter((_, i) => i % every === 0);
  const drop = Math.ceil((max(shown, textWidth) ?? 0) * Math.sin((-TURN_DEGREES * Math.PI) / 180));
  return { shown, rotate: TURN_DEGREES, extraHeight: Math.max(0, Math.min(drop, 90) - room) };
}

/**
 * Vertical positions for labels that want to sit at `wanted` (px, any order), at least `gap` apart and
 * inside [top, bottom]: each keeps its wanted place unless a neighbour pushes it (order is kept).
 */
export function directLabels(wanted: readonly number[], gap: number, top: number, bottom: number): number[] {
  const order = wanted.map((y, i) => ({ y, i })).sort((a, b) => a.y - b.y || a.i - b.i);
  const placed = order.map((o) => o.y);
  for (let k = 0; k < placed.length; k++)
    placed[k] = Math.max(placed[k]!, k === 0 ? top : placed[k - 1]! + gap);
  const overflow = placed.length > 0 ? placed[placed.length - 1]! - bottom : 0;
  if (overflow > 0) {
    for (let k = placed.length - 1; k >= 0; k--) {
      const limit = k === placed.length - 1 ? bottom : placed[k + 1]! - gap;
      placed[k] = Math.min(placed[k]!, limit);
    }
  }
  const out = new Array<number>(wanted.length);
  order.forEach((o, k) => (out[o.i] = placed[k]!));
  return out;
}

/** Points a line series draws at most; past that every k-th point is drawn (the last always). */
export const MAX_DRAWN_POINTS = 1000;

/** `points` thinned to at most MAX_DRAWN_POINTS, keeping the first and the last. */
export function drawnPoints<P>(points: readonly P[]): readonly P[] {
  if (points.length <= MAX_DRAWN_POINTS) return points;
  const every = Math.ceil(points.length / (MAX_DRAWN_POINTS - 1));
  const kept = points.filter((_, i) => i % every === 0);
  if (kept[kept.length - 1] !== points[points.length - 1]) kept.push(points[points.length - 1]!);
  return kept;
}
