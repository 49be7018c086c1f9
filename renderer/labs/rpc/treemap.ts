// A squarified treemap (Bruls, Huizing & van Wijk 2000) of values already sorted from largest to smallest:
// pure layout, the component draws the rectangles.

export interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

function worst(row: number[], side: number, scale: number): number {
  const s = row.reduce((a, b) => a + b, 0) * scale;
  const max = Math.max(...row) * scale;
  const min = Math.min(...row) * scale;
  return Math.max((side * side * max) / (s * s), (s * s) / (side * side * min));
}

/** Rectangles for `values` (descending, non-negative) filling `box`, in the order of `values`. */
export function squarify(values: readonly number[], box: Rect): Rect[] {
  const total = values.reduce((a, b) => a + b, 0);
  const out: Rect[] = [];
  if (total <= 0) return values.map(() => ({ ...box, w: 0, h: 0 }));
  let { x, y, w, h } = box;
  const scale = (w * h) / total;
  let i = 0;
  while (i < values.length) {
    const side = Math.min(w, h);
    const row = [values[i]!];
    let j = i + 1;
    while (
      j < values.length &&
      values[j]! > 0 &&
      worst([...row, values[j]!], side, scale) <= worst(row, side, scale)
    )
      row.push(values[j++]!);
    const area = row.reduce((a, b) => a + b, 0) * scale;
    const thick = side > 0 ? area / side : 0;
    let off = 0;
    for (const v of row) {
      const len = thick > 0 ? (v * scale) / thick : 0;
      out.push(w >= h ? { x, y: y + off, w: thick, h: len } : { x: x + off, y, w: len, h: thick });
      off += len;
    }
    if (w >= h) {
      x += thick;
      w -= thick;
    } else {
      y += thick;
      h -= thick;
    }
    i = j;
  }
  return out;
}
