// The RPC view's panels, each a pure SVG drawing of its part of the view model: the method treemaps, the size
// CDFs, one call tree and the latency-tax bars. Nothing animates.
import type { RpcViewModel } from '../../../core/rpc/view';
import { COMPONENTS, CYCLE_COMPONENTS } from '../../../core/rpc/categories';
import { CATEGORY_COLORS, COMPONENT_COLORS, CYCLE_COLORS, REST_COLOR, SIZE_COLORS } from './colors';
import { squarify } from './treemap';

const pct = (x: number) => `${(x * 100).toFixed(x < 0.01 ? 2 : 1)}%`;

/** One treemap: a cell per shown method (area = its share of calls or of time) and one for all the rest. */
export function MethodTreemap(props: {
  model: RpcViewModel;
  by: 'callShare' | 'timeShare';
  width: number;
  height: number;
}) {
  const { model, by, width, height } = props;
  const cells = [
    ...model.methods.map((m) => ({ ...m, rest: false })),
    {
      rank: 0,
      category: 'compute' as const,
      callShare: model.rest.callShare,
      timeShare: model.rest.timeShare,
      rest: true,
    },
  ].sort((a, b) => b[by] - a[by]);
  const rects = squarify(
    cells.map((c) => c[by]),
    { x: 0, y: 0, w: width, h: height },
  );
  return (
    <svg width={width} height={height} data-testid={`rpc-treemap-${by === 'callShare' ? 'calls' : 'time'}`}>
      {cells.map((c, i) => {
        const r = rects[i]!;
        const label = c.rest ? `${model.rest.methods.toLocaleString('en-US')} other methods` : `#${c.rank}`;
        return (
          <g key={c.rest ? 'rest' : c.rank}>
            <rect
              x={r.x}
              y={r.y}
              width={Math.max(0, r.w - 1)}
              height={Math.max(0, r.h - 1)}
              fill={c.rest ? REST_COLOR : CATEGORY_COLORS[c.category]}
            >
              <title>{`${c.rest ? label : `method #${c.rank} (${c.category})`}: ${pct(c.callShare)} of calls, ${pct(c.timeShare)} of time`}</title>
            </rect>
            {r.w > 46 && r.h > 24 && (
              <text x={r.x + 4} y={r.y + 13} className="rpc-cell-label">
                {c.rest && r.w < 150 ? 'rest' : label}
                <tspan x={r.x + 4} dy={12}>
                  {pct(c[by])}
                </tspan>
              </text>
            )}
          </g>
        );
      })}
    </svg>
  );
}

export function CategoryKey() {
  return (
    <div className="rpc-key" data-testid="rpc-category-key">
      {Object.entries(CATEGORY_COLORS).map(([c, color]) => (
        <span key={c}>
          <i style={{ background: color }} />
          {c}
        </span>
      ))}
      <span>
        <i style={{ background: REST_COLOR }} />
        all other methods
      </span>
    </div>
  );
}

const SIZE_TICKS: [number, string][] = [
  [0.0625, '64 B'],
  [1, '1 KB'],
  [16, '16 KB'],
  [256, '256 KB'],
  [4096, '4 MB'],
];

/** Request and response size CDFs on a log2 size axis. */
export function SizeCdf(props: { model: RpcViewModel; width: number; height: number }) {
  const { model, width, height } = props;
  const m = { l: 36, r: 18, t: 6, b: 28 };
  const lo = Math.log2(model.sizeCdf.kb[0]!);
  const hi = Math.log2(model.sizeCdf.kb.at(-1)!);
  const x = (kb: number) => m.l + ((Math.log2(kb) - lo) / (hi - lo)) * (width - m.l - m.r);
  const y = (f: number) => height - m.b - f * (height - m.t - m.b);
  const line = (ys: number[]) =>
    ys.map((f, i) => `${i ? 'L' : 'M'}${x(model.sizeCdf.kb[i]!).toFixed(1)},${y(f).toFixed(1)}`).join('');
  return (
    <svg width={width} height={height} data-testid="rpc-size-cdf" className="rpc-chart">
      {[0, 0.5, 0.99].map((f) => (
        <g key={f}>
          <line x1={m.l} x2={width - m.r} y1={y(f)} y2={y(f)} className="rpc-grid" />
          <text x={m.l - 4} y={y(f) + 3} textAnchor="end">
            {f === 0.99 ? 'P99' : f === 0.5 ? 'P50' : '0'}
          </text>
        </g>
      ))}
      {SIZE_TICKS.filter(([kb]) => width >= 260 || kb !== 256).map(([kb, t]) => (
        <text key={t} x={x(kb)} y={height - m.b + 14} textAnchor="middle">
          {t}
        </text>
      ))}
      <text x={(width + m.l) / 2} y={height - 2} textAnchor="middle">
        size (log scale)
      </text>
      <path d={line(model.sizeCdf.request)} stroke={SIZE_COLORS.request} fill="none" strokeWidth={2} />
      <path d={line(model.sizeCdf.response)} stroke={SIZE_COLORS.response} fill="none" strokeWidth={2} />
    </svg>
  );
}

/** One call tree, root on top, each level a row: wide rows, few of them (wider than deep). */
export function CallTree(props: { model: RpcViewModel; width: number; height: number }) {
  const { model, width, height } = props;
  const nodes = model.tree.nodes;
  const depth = nodes.reduce((d, n) => Math.max(d, n.depth), 0);
  // Order each level by its parents' order, so edges do not cross more than they must.
  const order = new Float64Array(nodes.length);
  const xs = new Float64Array(nodes.length);
  const rowH = (height - 16) / Math.max(1, depth);
  for (let d = 0; d <= depth; d++) {
    const level = nodes.map((n, i) => ({ n, i })).filter((e) => e.n.depth === d);
    level.sort(
      (a, b) =>
        (a.n.parent < 0 ? 0 : order[a.n.parent]!) - (b.n.parent < 0 ? 0 : order[b.n.parent]!) || a.i - b.i,
    );
    level.forEach((e, k) => {
      order[e.i] = k;
      xs[e.i] = ((k + 0.5) / level.length) * (width - 8) + 4;
    });
  }
  const yOf = (d: number) => 8 + d * rowH;
  const r = nodes.length > 300 ? 1.5 : nodes.length > 80 ? 2.5 : 4;
  return (
    <svg
      width={width}
      height={height}
      data-testid="rpc-call-tree"
      data-nodes={nodes.length}
      data-depth={depth}
    >
      {nodes.map((n, i) =>
        n.parent < 0 ? null : (
          <line
            key={`e${i}`}
            x1={xs[n.parent]}
            y1={yOf(nodes[n.parent]!.depth)}
            x2={xs[i]}
            y2={yOf(n.depth)}
            className="rpc-edge"
          />
        ),
      )}
      {nodes.map((n, i) => (
        <circle
          key={i}
          cx={xs[i]}
          cy={yOf(n.depth)}
          r={i === 0 ? r + 2 : r}
          fill={CATEGORY_COLORS[n.category]}
        >
          <title>{`${i === 0 ? 'root' : `RPC ${i}`}: method #${n.method} (${n.category}), ${n.depth} ancestors`}</title>
        </circle>
      ))}
    </svg>
  );
}

/** The mean tax components (µs per RPC) of the chosen category, at the sliders' point and at the reference point. */
export function TaxBars(props: { model: RpcViewModel; width: number }) {
  const { model, width } = props;
  const tax = COMPONENTS.filter((c) => c !== 'server-processing');
  const rows = [
    { name: 'your settings', v: model.tax.chosen, share: model.tax.taxShare.chosen },
    { name: 'reference', v: model.tax.reference, share: model.tax.taxShare.reference },
  ];
  const max = Math.max(...rows.map((r) => tax.reduce((a, c) => a + r.v[c], 0)));
  const barW = width - 90;
  return (
    <svg width={width} height={rows.length * 34 + 4} data-testid="rpc-tax-bars">
      {rows.map((row, k) => {
        let x = 86;
        const total = tax.reduce((a, c) => a + row.v[c], 0);
        return (
          <g key={row.name} transform={`translate(0, ${k * 34})`}>
            <text x={0} y={14}>
              {row.name}
            </text>
            <text x={0} y={27} className="rpc-muted">{`${total.toFixed(0)} µs`}</text>
            {tax.map((c) => {
              const w = (row.v[c] / max) * barW;
              const rect = (
                <rect key={c} x={x} y={4} width={Math.max(0, w)} height={24} fill={COMPONENT_COLORS[c]}>
                  <title>{`${c}: ${row.v[c].toFixed(1)} µs`}</title>
                </rect>
              );
              x += w;
              return rect;
            })}
          </g>
        );
      })}
    </svg>
  );
}

export function ComponentKey() {
  return (
    <div className="rpc-key rpc-key-grid" data-testid="rpc-component-key">
      {COMPONENTS.filter((c) => c !== 'server-processing').map((c) => (
        <span key={c}>
          <i style={{ background: COMPONENT_COLORS[c] }} />
          {c}
        </span>
      ))}
    </div>
  );
}

/** Cycles per RPC of each cycle-tax component, as one stacked bar with its key. */
export function CycleBar(props: { model: RpcViewModel; width: number }) {
  const { model, width } = props;
  const total = CYCLE_COMPONENTS.reduce((a, c) => a + model.cycles[c], 0);
  let x = 0;
  return (
    <div data-testid="rpc-cycle-tax">
      <svg width={width} height={18}>
        {CYCLE_COMPONENTS.map((c) => {
          const w = (model.cycles[c] / total) * width;
          const rect = (
            <rect key={c} x={x} y={2} width={w} height={14} fill={CYCLE_COLORS[c]}>
              <title>{`${c}: ${Math.round(model.cycles[c]).toLocaleString('en-US')} cycles per RPC`}</title>
            </rect>
          );
          x += w;
          return rect;
        })}
      </svg>
      <div className="rpc-key">
        {CYCLE_COMPONENTS.map((c) => (
          <span key={c}>
            <i style={{ background: CYCLE_COLORS[c] }} />
            {`${c} ${pct(model.cycles[c] / total)}`}
          </span>
        ))}
      </div>
    </div>
  );
}
