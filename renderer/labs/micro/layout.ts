// Pure layout of the service graph: call-depth columns left to right, nodes stacked in each column, and the
// utilisation colour ramp (one place, used by the nodes and the key).
import type { MicroViewModel } from '../../../core/micro/view';

export interface NodeBox {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** Boxes for every node in a width × height area: one column per depth, rows spread evenly. */
export function layoutGraph(model: MicroViewModel, width: number, height: number): NodeBox[] {
  const depths = model.nodes.map((n) => n.depth);
  const columns = Math.max(...depths) + 1;
  const colW = width / columns;
  const w = Math.min(150, colW - 28);
  const perColumn = new Map<number, number[]>();
  model.nodes.forEach((n, i) => perColumn.set(n.depth, [...(perColumn.get(n.depth) ?? []), i]));
  const maxRows = Math.max(...[...perColumn.values()].map((c) => c.length));
  const h = Math.max(14, Math.min(30, height / maxRows - 6));
  const boxes: NodeBox[] = new Array<NodeBox>(model.nodes.length);
  for (const [depth, ids] of perColumn) {
    const gap = height / ids.length;
    ids.forEach((id, row) => {
      boxes[id] = { x: depth * colW + (colW - w) / 2, y: gap * row + (gap - h) / 2, w, h };
    });
  }
  return boxes;
}

const STOPS: [number, [number, number, number]][] = [
  [0, [38, 70, 83]],
  [0.5, [42, 157, 143]],
  [0.8, [233, 196, 106]],
  [1, [231, 111, 81]],
];

/** Utilisation in [0, 1] as a colour: dark teal (idle) → green → amber → red (saturated). */
export function utilColor(u: number): string {
  const x = Math.max(0, Math.min(1, u));
  let i = 0;
  while (i < STOPS.length - 2 && x > STOPS[i + 1]![0]) i++;
  const [a, ca] = STOPS[i]!;
  const [b, cb] = STOPS[i + 1]!;
  const f = (x - a) / (b - a);
  const c = ca.map((v, k) => Math.round(v + f * (cb[k]! - v)));
  return `rgb(${c[0]},${c[1]},${c[2]})`;
}

export const UTIL_RAMP_STOPS = STOPS.map(([u]) => ({ u, color: utilColor(u) }));
