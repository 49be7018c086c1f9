// Pure layout of the service graph: call-depth columns left to right, nodes stacked in each column, and the
// utilisation colour ramp (one place, used by the nodes and the key).
import type { MicroViewModel } from '../../../core/micro/view';

export interface NodeBox {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface GraphLayout {
  /** Every node's box; a collapsed node has its column's "+N more" box. */
  boxes: NodeBox[];
  collapsed: ReadonlySet<number>;
  /** One per column that did not fit: where the collapsed nodes are drawn, and how many. */
  more: (NodeBox & { count: number })[];
}

/** Smallest row height (px) before a column collapses its least-called nodes into one "+N more" box. */
const MIN_ROW = 16;

/**
 * One column per call depth, rows spread evenly. A column with more nodes than fit at MIN_ROW keeps its most
 * called nodes (by calls/s into them) and folds the rest into one box, so thousands of services stay readable.
 */
export function layoutGraph(model: MicroViewModel, width: number, height: number): GraphLayout {
  const columns = Math.max(...model.nodes.map((n) => n.depth)) + 1;
  const colW = width / columns;
  // Boxes leave 28 px between columns while they can; in narrow columns (deep graphs) a fifth of the column.
  const w = Math.min(150, Math.max(colW - 28, colW * 0.8));
  const inRate = new Float64Array(model.nodes.length);
  for (const e of model.edges) inRate[e.to] = inRate[e.to]! + e.rate;
  const perColumn = new Map<number, number[]>();
  model.nodes.forEach((n, i) => perColumn.set(n.depth, [...(perColumn.get(n.depth) ?? []), i]));
  const fit = Math.max(2, Math.floor(height / MIN_ROW));
  const rows = Math.min(fit, Math.max(...[...perColumn.values()].map((c) => c.length)));
  const h = Math.max(12, Math.min(30, height / rows - 6));
  const boxes: NodeBox[] = new Array<NodeBox>(model.nodes.length);
  const collapsed = new Set<number>();
  const more: GraphLayout['more'] = [];
  for (const [depth, ids] of perColumn) {
    const shown =
      ids.length <= fit ? ids : [...ids].sort((a, b) => inRate[b]! - inRate[a]! || a - b).slice(0, fit - 1);
    const keep = new Set(shown);
    const order = ids.filter((i) => keep.has(i));
    const slots = order.length + (ids.length > order.length ? 1 : 0);
    const gap = height / slots;
    const at = (row: number): NodeBox => ({
      x: depth * colW + (colW - w) / 2,
      y: gap * row + (gap - h) / 2,
      w,
      h,
    });
    order.forEach((id, row) => (boxes[id] = at(row)));
    if (ids.length > order.length) {
      const box = { ...at(order.length), count: ids.length - order.length };
      more.push(box);
      for (const id of ids) {
        if (keep.has(id)) continue;
        collapsed.add(id);
        boxes[id] = box;
      }
    }
  }
  return { boxes, collapsed, more };
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
