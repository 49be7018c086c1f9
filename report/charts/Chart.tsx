// Pure SVG charts drawn from a core ChartSpec. The app renders them into the DOM and the report
// renders the same components to static markup: one chart implementation, not two.
import { scaleBand, scaleLinear, scaleLog } from 'd3-scale';
import { line } from 'd3-shape';
import type { BarChart, ChartSpec, LineChart } from '../../core/experiments/types';
import { formatValue } from './format';

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
];

interface Props {
  spec: ChartSpec;
  width?: number;
  height?: number;
}

const MARGIN = { top: 34, right: 16, bottom: 46, left: 62 };

/** Room for the legend: its longest name at ~6.3 px a character (11 px system font), within bounds. */
function legendWidth(names: string[], width: number): number {
  const longest = Math.max(0, ...names.map((n) => n.length));
  return Math.round(Math.min(width * 0.4, Math.max(70, longest * 6.3 + 22)));
}

export function Chart({ spec, width = 560, height = 300 }: Props) {
  return (
    <svg
      className="chart"
      viewBox={`0 0 ${width} ${height}`}
      width={width}
      height={height}
      role="img"
      aria-label={spec.title}
      style={{ maxWidth: '100%', height: 'auto' }}
      xmlns="http://www.w3.org/2000/svg"
      fontFamily="system-ui, sans-serif"
      fontSize={11}
    >
      <text x={8} y={18} fontSize={12.5} fontWeight={600} fill="currentColor">
        {spec.title}
      </text>
      {spec.kind === 'line' ? (
        <LinePlot spec={spec} width={width} height={height} />
      ) : (
        <BarPlot spec={spec} width={width} height={height} />
      )}
    </svg>
  );
}

function Legend({ names, x, y }: { names: string[]; x: number; y: number }) {
  return (
    <g transform={`translate(${x},${y})`}>
      {names.map((name, i) => (
        <g key={name} transform={`translate(0,${i * 15})`}>
          <rect width={10} height={10} y={-9} fill={PALETTE[i % PALETTE.length]} />
          <text x={14} fill="currentColor" textAnchor="start">
            {name}
          </text>
        </g>
      ))}
    </g>
  );
}

function LinePlot({ spec, width, height }: { spec: LineChart; width: number; height: number }) {
  const legend = legendWidth(
    spec.series.map((s) => s.name),
    width,
  );
  const all = spec.series.flatMap((s) => s.points);
  const xs = all.map((p) => p[0]);
  const ys = all.map((p) => p[1]);
  const x0 = Math.min(...xs);
  const x1 = Math.max(...xs);
  const log = spec.x.scale === 'log2' && x0 > 0;
  const x = (log ? scaleLog().base(2) : scaleLinear())
    .domain(x0 === x1 ? [x0 / 2 || 0, x1 * 2 || 1] : [x0, x1])
    .range([MARGIN.left, width - MARGIN.right - legend]);
  const y = scaleLinear()
    .domain([spec.y.min ?? Math.min(0, ...ys), spec.y.max ?? Math.max(...ys, 1e-9)])
    .nice()
    .range([height - MARGIN.bottom, MARGIN.top]);
  const path = line<[number, number]>()
    .x((p) => x(p[0]))
    .y((p) => y(p[1]));
  const xTicks = log
    ? spacedTicks(
        [...new Set(xs)].sort((a, b) => a - b),
        x,
        34,
      )
    : x.ticks(6);
  return (
    <g>
      <Axes
        xTicks={xTicks.map((t) => ({ at: x(t), label: formatValue(t) }))}
        yTicks={y.ticks(5).map((t) => ({ at: y(t), label: formatValue(t, spec.y.format) }))}
        xLabel={spec.x.label}
        yLabel={spec.y.label}
        width={width}
        height={height}
        xRange={[MARGIN.left, width - MARGIN.right - legend]}
      />
      {spec.series.map((s, i) => (
        <g key={s.name} stroke={PALETTE[i % PALETTE.length]} fill={PALETTE[i % PALETTE.length]}>
          <path d={path(s.points) ?? ''} fill="none" strokeWidth={2} />
          {s.points.map(([px, py]) => (
            <circle key={px} cx={x(px)} cy={y(py)} r={3}>
              <title>{`${s.name}: ${spec.x.label} ${formatValue(px)} → ${formatValue(py, spec.y.format)}`}</title>
            </circle>
          ))}
        </g>
      ))}
      <Legend
        names={spec.series.map((s) => s.name)}
        x={width - MARGIN.right - legend + 14}
        y={MARGIN.top + 6}
      />
    </g>
  );
}

function BarPlot({ spec, width, height }: { spec: BarChart; width: number; height: number }) {
  const legend = legendWidth(
    spec.segments.map((s) => s.name),
    width,
  );
  const right = width - MARGIN.right - legend;
  const x = scaleBand().domain(spec.categories).range([MARGIN.left, right]).padding(0.25);
  const totals = spec.categories.map((_, c) =>
    spec.stacked
      ? spec.segments.reduce((sum, seg) => sum + (seg.values[c] ?? 0), 0)
      : Math.max(...spec.segments.map((seg) => seg.values[c] ?? 0)),
  );
  const y = scaleLinear()
    .domain([0, Math.max(...totals, 1e-9)])
    .nice()
    .range([height - MARGIN.bottom, MARGIN.top]);
  const inner = scaleBand()
    .domain(spec.segments.map((s) => s.name))
    .range([0, x.bandwidth()])
    .padding(0.05);
  return (
    <g>
      <Axes
        xTicks={spec.categories.map((c) => ({ at: (x(c) ?? 0) + x.bandwidth() / 2, label: c }))}
        yTicks={y.ticks(5).map((t) => ({ at: y(t), label: formatValue(t, spec.y.format) }))}
        xLabel=""
        yLabel={spec.y.label}
        width={width}
        height={height}
        xRange={[MARGIN.left, right]}
      />
      {spec.categories.map((cat, c) => {
        let base = 0;
        return (
          <g key={cat}>
            {spec.segments.map((seg, i) => {
              const v = seg.values[c] ?? 0;
              const top = spec.stacked ? base + v : v;
              const bx = spec.stacked ? (x(cat) ?? 0) : (x(cat) ?? 0) + (inner(seg.name) ?? 0);
              const bw = spec.stacked ? x.bandwidth() : inner.bandwidth();
              const rect = (
                <rect
                  key={seg.name}
                  x={bx}
                  width={bw}
                  y={y(top)}
                  height={Math.max(0, y(spec.stacked ? base : 0) - y(top))}
                  fill={PALETTE[i % PALETTE.length]}
                >
                  <title>{`${cat} · ${seg.name}: ${formatValue(v, spec.y.format)}`}</title>
                </rect>
              );
              if (spec.stacked) base = top;
              return rect;
            })}
          </g>
        );
      })}
      <Legend names={spec.segments.map((s) => s.name)} x={right + 14} y={MARGIN.top + 6} />
    </g>
  );
}

/** Data-point ticks (for log axes), dropping any that would sit closer than `minPx` to the last one kept. */
function spacedTicks(values: number[], scale: (v: number) => number, minPx: number): number[] {
  const kept: number[] = [];
  for (const v of values) {
    const last = kept[kept.length - 1];
    if (last === undefined || scale(v) - scale(last) >= minPx) kept.push(v);
  }
  return kept;
}

interface Tick {
  at: number;
  label: string;
}

function Axes(props: {
  xTicks: Tick[];
  yTicks: Tick[];
  xLabel: string;
  yLabel: string;
  width: number;
  height: number;
  xRange: [number, number];
}) {
  const { xTicks, yTicks, xLabel, yLabel, height, xRange } = props;
  const bottom = height - MARGIN.bottom;
  return (
    <g fill="currentColor" stroke="none">
      {yTicks.map((t) => (
        <g key={`y${t.label}`}>
          <line
            x1={xRange[0]}
            x2={xRange[1]}
            y1={t.at}
            y2={t.at}
            stroke="currentColor"
            strokeOpacity={0.15}
          />
          <text x={xRange[0] - 6} y={t.at + 4} textAnchor="end">
            {t.label}
          </text>
        </g>
      ))}
      <line x1={xRange[0]} x2={xRange[1]} y1={bottom} y2={bottom} stroke="currentColor" strokeOpacity={0.5} />
      {xTicks.map((t) => (
        <text key={`x${t.label}`} x={t.at} y={bottom + 15} textAnchor="middle">
          {t.label}
        </text>
      ))}
      <text x={(xRange[0] + xRange[1]) / 2} y={height - 8} textAnchor="middle">
        {xLabel}
      </text>
      <text transform={`translate(14,${(MARGIN.top + bottom) / 2}) rotate(-90)`} textAnchor="middle">
        {yLabel}
      </text>
    </g>
  );
}
