// Chart layout: distinct series styles past the palette, category labels that never overlap, direct
// labels kept apart, in order and inside the plot.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  MAX_DRAWN_POINTS,
  PALETTE,
  categoryTicks,
  directLabels,
  drawnPoints,
  seriesStyle,
  textWidth,
} from './layout';

describe('seriesStyle', () => {
  it('gives the first 32 series distinct (colour, dash) pairs, solid for the first eight', () => {
    const keys = Array.from({ length: 32 }, (_, i) => seriesStyle(i)).map((s) => `${s.color}|${s.dash}`);
    expect(new Set(keys).size).toBe(32);
    for (let i = 0; i < PALETTE.length; i++) expect(seriesStyle(i).dash).toBeUndefined();
    expect(seriesStyle(8).color).toBe(seriesStyle(0).color);
    expect(seriesStyle(8).dash).toBeDefined();
  });
});

describe('categoryTicks', () => {
  it('keeps short labels level and all of them', () => {
    expect(categoryTicks(['a', 'b', 'c'], 60, 28)).toEqual({
      shown: ['a', 'b', 'c'],
      rotate: 0,
      extraHeight: 0,
    });
  });

  it('turns long labels and thins dense axes so shown labels are at least a line apart', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 200 }),
        fc.double({ min: 1, max: 80, noNaN: true }),
        (n, step) => {
          const cats = Array.from({ length: n }, (_, i) => `sequence ${i}`);
          const t = categoryTicks(cats, step, 28);
          if (textWidth(cats[0]!) + 6 <= step) return;
          expect(t.rotate).not.toBe(0);
          const every = n > 1 && t.shown.length > 1 ? cats.indexOf(t.shown[1]!) : 1;
          if (t.shown.length > 1) expect(every * step).toBeGreaterThanOrEqual(13);
          expect(t.shown[0]).toBe(cats[0]);
        },
      ),
    );
  });

  it('thins the 32 sequence labels of a 330 px axis', () => {
    const cats = Array.from({ length: 32 }, (_, i) => `seq ${i}`);
    const t = categoryTicks(cats, 330 / 32, 28);
    expect(t.shown.length).toBeLessThan(32);
    expect(t.shown.length).toBeGreaterThanOrEqual(16);
  });
});

describe('directLabels', () => {
  it('keeps order, a minimum gap and the bounds when there is room', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 300, noNaN: true }), { maxLength: 15 }), (ys) => {
        const out = directLabels(ys, 13, 30, 260);
        const order = ys.map((y, i) => ({ y, i })).sort((a, b) => a.y - b.y || a.i - b.i);
        for (let k = 0; k < order.length; k++) {
          const at = out[order[k]!.i]!;
          expect(at).toBeGreaterThanOrEqual(30 - 1e-9);
          expect(at).toBeLessThanOrEqual(260 + 1e-9);
          if (k > 0) expect(at - out[order[k - 1]!.i]!).toBeGreaterThanOrEqual(13 - 1e-9);
        }
      }),
    );
  });

  it('leaves labels that do not collide where they want to be', () => {
    expect(directLabels([100, 50, 200], 13, 0, 300)).toEqual([100, 50, 200]);
    expect(directLabels([100, 105], 13, 0, 300)).toEqual([100, 113]);
  });
});

describe('drawnPoints', () => {
  it('keeps at most MAX_DRAWN_POINTS, the first and the last, in order', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 30_000 }), (n) => {
        const pts = Array.from({ length: n }, (_, i) => i);
        const kept = drawnPoints(pts);
        expect(kept.length).toBeLessThanOrEqual(Math.min(n, MAX_DRAWN_POINTS));
        if (n > 0) expect([kept[0], kept[kept.length - 1]]).toEqual([0, n - 1]);
        for (let i = 1; i < kept.length; i++) expect(kept[i]!).toBeGreaterThan(kept[i - 1]!);
      }),
      { numRuns: 40 },
    );
  });
});
