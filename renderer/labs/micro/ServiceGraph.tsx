// The service graph: services (boxes) and backends (rounded pills) in call-depth columns, filled by
// utilisation in the current second, with a bar under each for the calls waiting there (CPU queue, or a
// backend's queue) in that second; lines are calls, width by calls in that second, solid = RPC, dashed =
// in-process.
import { useMemo } from 'react';
import type { MicroViewModel } from '../../../core/micro/view';
import { layoutGraph, utilColor } from './layout';

interface Props {
  model: MicroViewModel;
  second: number;
  width: number;
  height: number;
  /** Nodes the picked request's trace went through (outlined). */
  highlight: ReadonlySet<number>;
  /** While playing, dots flow along each edge at a speed that grows with its call rate; paused, they stand still. */
  flowS: number | null;
}

/** Width of one character of the monospace label per px of font size. */
const CHAR_EM = 0.61;

/**
 * The label fitted to `px`: the font shrinks from 11 px down to 8 px, then the name is cut with "…" (the full
 * name is in the node's tooltip).
 */
export function fitLabel(name: string, px: number): { text: string; size: number } {
  const size = Math.max(8, Math.min(11, px / (name.length * CHAR_EM)));
  const fits = Math.max(1, Math.floor(px / (size * CHAR_EM) + 1e-6));
  return { text: name.length <= fits ? name : `${name.slice(0, Math.max(0, fits - 1))}…`, size };
}

/**
 * The edges as drawn: edges between the same two boxes (several nodes folded into one "+N more" box) become
 * one, with their calls summed, so a graph of thousands draws a few hundred lines.
 */
function drawnEdges(model: MicroViewModel, boxes: readonly object[]): MicroViewModel['edges'] {
  const ids = new Map<object, number>();
  const idOf = (i: number) => ids.get(boxes[i]!) ?? (ids.set(boxes[i]!, ids.size), ids.size - 1);
  const merged = new Map<string, MicroViewModel['edges'][number]>();
  for (const e of model.edges) {
    const key = `${idOf(e.from)}>${idOf(e.to)}`;
    const seen = merged.get(key);
    if (!seen) merged.set(key, { ...e, perSecond: [...e.perSecond] });
    else {
      seen.rate += e.rate;
      seen.remote ||= e.remote;
      e.perSecond.forEach((c, t) => (seen.perSecond[t]! += c));
    }
  }
  return [...merged.values()];
}

export function ServiceGraph({ model, second, width, height, highlight, flowS }: Props) {
  // Laid out and merged once per model and size, not per frame.
  const { boxes, collapsed, more } = useMemo(() => layoutGraph(model, width, height), [model, width, height]);
  const edges = useMemo(() => drawnEdges(model, boxes), [model, boxes]);
  const maxRate = Math.max(1, ...edges.map((e) => Math.max(...e.perSecond)));
  const maxWaiting = Math.max(1, ...model.waiting);
  const t = Math.min(model.seconds - 1, Math.max(0, Math.floor(second)));
  return (
    <svg
      width={width}
      height={height}
      className="micro-graph"
      data-testid="micro-graph"
      role="img"
      aria-label="service graph"
    >
      {edges.map((e, i) => {
        const a = boxes[e.from]!;
        const b = boxes[e.to]!;
        const x1 = a.x + a.w;
        const y1 = a.y + a.h / 2;
        const x2 = b.x;
        const y2 = b.y + b.h / 2;
        const mx = (x1 + x2) / 2;
        const d = `M${x1},${y1} C${mx},${y1} ${mx},${y2} ${x2},${y2}`;
        const rate = e.perSecond[t] ?? 0;
        const speed = 5 + 15 * Math.sqrt(rate / maxRate);
        return (
          <g key={i}>
            <path
              d={d}
              className="micro-edge"
              strokeWidth={0.8 + 3.2 * Math.sqrt(rate / maxRate)}
              strokeDasharray={e.remote ? undefined : '4 3'}
            >
              <title>{`${model.nodes[e.from]!.name} → ${model.nodes[e.to]!.name}: ${rate.toFixed(0)} calls in second ${t}, ${e.rate.toFixed(0)} calls/s over the run (${e.remote ? 'RPC' : 'function call'})`}</title>
            </path>
            {flowS !== null && rate > 0 && (
              <path d={d} className="micro-flow" strokeDashoffset={-(flowS * speed) % 16} />
            )}
          </g>
        );
      })}
      {more.map((b, i) => (
        <g key={`more${i}`} transform={`translate(${b.x},${b.y})`} data-testid="micro-more">
          <rect width={b.w} height={b.h} rx={3} className="micro-node micro-more" />
          <text x={b.w / 2} y={b.h / 2 + 4} textAnchor="middle" className="micro-node-label" fontSize={11}>
            {`+${b.count} more`}
          </text>
          <title>{`${b.count} less-called nodes at this call depth, folded so the graph stays readable`}</title>
        </g>
      ))}
      {model.nodes.map((n, i) => {
        if (collapsed.has(i)) return null;
        const b = boxes[i]!;
        const u = model.util[i * model.seconds + t]!;
        const waiting = model.waiting[i * model.seconds + t]!;
        // Log scale: one waiting call already shows, the longest queue of the run fills the width.
        const barW =
          waiting > 0 ? Math.max(2, (b.w * Math.log2(1 + waiting)) / Math.log2(1 + maxWaiting)) : 0;
        const label = fitLabel(n.name, b.w - (n.kind === 'backend' ? b.h / 2 : 6));
        return (
          <g
            key={n.name}
            data-testid={`micro-node-${n.name}`}
            data-util={u.toFixed(3)}
            data-waiting={waiting}
            transform={`translate(${b.x},${b.y})`}
          >
            <rect
              width={b.w}
              height={b.h}
              rx={n.kind === 'backend' ? b.h / 2 : 3}
              fill={utilColor(u)}
              className={`micro-node micro-node-${n.kind}${highlight.has(i) ? ' traced' : ''}`}
            />
            <text
              x={b.w / 2}
              y={b.h / 2 + label.size * 0.36}
              textAnchor="middle"
              className="micro-node-label"
              fontSize={label.size}
            >
              {label.text}
            </text>
            {barW > 0 && <rect y={b.h + 1} width={barW} height={3} className="micro-waiting" />}
            <title>{`${n.name} (${n.kind === 'backend' ? n.where : `in ${n.where}`}): ${(u * 100).toFixed(0)}% ${n.kind === 'backend' ? 'of its servers busy' : 'of the machine’s CPU'} in second ${t}; at most ${waiting} calls waiting`}</title>
          </g>
        );
      })}
    </svg>
  );
}
