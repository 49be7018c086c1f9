// Pure SVG charts drawn from a core ChartSpec. The app renders them into the DOM and the report
// renders the same components to static markup: one chart implementation, not two.
import { extent, max } from 'd3-array';
import { useId } from 'react';
import type { ReactNode } from 'react';
import { scaleBand, scaleLinear, scaleLog } from 'd3-scale';
import { line } from 'd3-shape';
import type { BarChart, ChartSpec, LineChart } from '../../core/experiments/types';
import { formatValue } from './format';
import {
  MAX_DRAWN_POINTS,
  categoryTicks,
  directLabels,
  drawnPoints,
  fitText,
  seriesStyle,
  textWidth,
} from './layout';
import type { SeriesStyle } from './layout';

interface Props {
  spec: ChartSpec;
  width?: number;
  height?: number;
}

const MARGIN = { top: 34, right: 16, bottom: 46, left: 62 };
/** The title's 12.5 px bold against the 11 px that textWidth measures. */
const TITLE_SCALE = 1.25;

/** Room for the legend or the direct labels: the longest name plus its swatch, within bounds. */
function legendWidth(names: string[], width: number): number {
  const longest = max(names, textWidth) ?? 0;
  return Math.round(Math.min(width * 0.4, Math.max(70, longest + 30)));
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
        {fitText(spec.title, width - 16, TITLE_SCALE)}
        <title>{spec.title}</title>
      </text>
      {spec.kind === 'line' ? (
        <LinePlot spec={spec} width={width} height={height} />
      ) : (
        <BarPlot spec={spec} width={width} height={height} />
      )}
    </svg>
  );
}

/** A series' key: a short line in its colour and dash (lines) or a square in its fill (bars). */
function Swatch({ style, kind, fill }: { style: SeriesStyle; kind: 'line' | 'bar'; fill: string }) {
  return kind === 'line' ? (
    <line x1={0} x2={16} y1={-4} y2={-4} stroke={style.color} strokeWidth={2} strokeDasharray={style.dash} />
  ) : (
    <rect width={10} height={10} y={-9} fill={fill} stroke={style.color} />
  );
}

function Legend({ names, x, y, fills }: { names: string[]; x: number; y: number; fills: string[] }) {
  return (
    <g transform={`translate(${x},${y})`}>
      {names.map((name, i) => (
        <g key={name} transform={`translate(0,${i * 15})`}>
          <Swatch style={seriesStyle(i)} kind="bar" fill={fills[i]!} />
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
  const right = width - MARGIN.right - legend;
  const series = spec.series.map((s) => ({ ...s, points: drawnPoints(s.points) }));
  const thinned = series.some((s, i) => s.points.length < spec.series[i]!.points.length);
  const all = series.flatMap((s) => s.points);
  const xs = all.map((p) => p[0]);
  const ys = all.map((p) => p[1]);
  const [x0 = 0, x1 = 1] = extent(xs);
  const [yLo = 0, yHi = 0] = extent(ys);
  const log = spec.x.scale === 'log2' && x0 > 0;
  const x = (log ? scaleLog().base(2) : scaleLinear())
    .domain(x0 === x1 ? [x0 / 2 || 0, x1 * 2 || 1] : [x0, x1])
    .range([MARGIN.left, right]);
  const y = scaleLinear()
    .domain([spec.y.min ?? Math.min(0, yLo), spec.y.max ?? Math.max(yHi, 1e-9)])
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
    : x.ticks(Math.max(2, Math.min(6, Math.floor((right - MARGIN.left) / 60))));
  // Each series is named at the height of its last point, nudged apart: no legend to match colours with.
  const ends = series.map((s) => {
    const last = s.points[s.points.length - 1];
    return last ? y(last[1]) : MARGIN.top;
  });
  const labelYs = directLabels(ends, 13, MARGIN.top, height - MARGIN.bottom);
  return (
    <g>
      <Axes
        xTicks={xTicks.map((t) => ({ at: x(t), label: formatValue(t) }))}
        yTicks={y.ticks(5).map((t) => ({ at: y(t), label: formatValue(t, spec.y.format) }))}
        xLabel={spec.x.label}
        yLabel={spec.y.label}
        height={height}
        xRange={[MARGIN.left, right]}
      />
      {thinned && (
        <text x={right} y={MARGIN.top - 6} textAnchor="end" fill="currentColor" opacity={0.7}>
          {`every k-th point drawn (at most ${MAX_DRAWN_POINTS} a series); the tables hold all`}
        </text>
      )}
      {series.map((s, i) => {
        const style = seriesStyle(i);
        return (
          <g key={s.name} stroke={style.color} fill={style.color}>
            <path d={path(s.points) ?? ''} fill="none" strokeWidth={2} strokeDasharray={style.dash} />
            {s.points.map(([px, py]) => (
              <circle key={px} cx={x(px)} cy={y(py)} r={3}>
                <title>{`${s.name}: ${spec.x.label} ${formatValue(px)} → ${formatValue(py, spec.y.format)}`}</title>
              </circle>
            ))}
            <g transform={`translate(${right + 8},${labelYs[i]! + 4})`} stroke="none">
              <Swatch style={style} kind="line" fill={style.color} />
              <text x={20} fill="currentColor">
                {s.name}
              </text>
            </g>
          </g>
        );
      })}
    </g>
  );
}

/** Fills per segment: the palette colour, or a hatch of it once the palette has gone round (useId keeps ids unique). */
function useSegmentFills(count: number): { fills: string[]; defs: ReactNode } {
  const id = useId().replace(/[^a-zA-Z0-9_-]/g, '');
  const styles = Array.from({ length: count }, (_, i) => seriesStyle(i));
  const defs = styles.map((s, i) =>
    s.round === 0 ? null : (
      <pattern
        key={i}
        id={`${id}-h${i}`}
        width={6}
        height={6}
        patternUnits="userSpaceOnUse"
        patternTransform={`rotate(${s.round % 2 === 1 ? 45 : -45})`}
      >
        <rect width={6} height={6} fill={s.color} fillOpacity={0.35} />
        <line x1={0} y1={0} x2={0} y2={6} stroke={s.color} strokeWidth={3} />
      </pattern>
    ),
  );
  const fills = styles.map((s, i) => (s.round === 0 ? s.color : `url(#${id}-h${i})`));
  return { fills, defs: <defs>{defs}</defs> };
}

function BarPlot({ spec, width, height }: { spec: BarChart; width: number; height: number }) {
  const legend = legendWidth(
    spec.segments.map((s) => s.name),
    width,
  );
  const right = width - MARGIN.right - legend;
  const x = scaleBand().domain(spec.categories).range([MARGIN.left, right]).padding(0.25);
  const ticks = categoryTicks(spec.categories, x.step(), MARGIN.bottom - 18);
  const bottom = height - MARGIN.bottom - ticks.extraHeight;
  const totals = spec.categories.map((_, c) =>
    spec.stacked
      ? spec.segments.reduce((sum, seg) => sum + (seg.values[c] ?? 0), 0)
      : (max(spec.segments, (seg) => seg.values[c] ?? 0) ?? 0),
  );
  const y = scaleLinear()
    .domain([0, Math.max(max(totals) ?? 0, 1e-9)])
    .nice()
    .range([bottom, MARGIN.top]);
  const inner = scaleBand()
    .domain(spec.segments.map((s) => s.name))
    .range([0, x.bandwidth()])
    .padding(0.05);
  const { fills, defs } = useSegmentFills(spec.segments.length);
  return (
    <g>
      {defs}
      <Axes
        xTicks={ticks.shown.map((c) => ({ at: (x(c) ?? 0) + x.bandwidth() / 2, label: c }))}
        xRotate={ticks.rotate}
        yTicks={y.ticks(5).map((t) => ({ at: y(t), label: formatValue(t, spec.y.format) }))}
        xLabel=""
        yLabel={spec.y.label}
        height={height}
        bottom={bottom}
        xRange={[MARGIN.left, right]}
      />
      {spec.categories.map((cat, c) => {
        let base = 0;
        return (
          <g key={cat}>
            {spec.segments.map((seg, i) => {
              const v = seg.values[c] ?? 0;
              // A value that is not a number (no run measured it) draws no bar rather than a broken one.
              if (!Number.isFinite(v)) return null;
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
                  fill={fills[i]}
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
      <Legend names={spec.segments.map((s) => s.name)} x={right + 14} y={MARGIN.top + 6} fills={fills} />
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
  /** Category labels turned this many degrees (0: level) so long ones do not overlap. */
  xRotate?: number;
  yTicks: Tick[];
  xLabel: string;
  yLabel: string;
  height: number;
  /** The plot's bottom edge (default: the margin's). */
  bottom?: number;
  xRange: [number, number];
}) {
  const { xTicks, xRotate = 0, yTicks, xLabel, yLabel, height, xRange } = props;
  const bottom = props.bottom ?? height - MARGIN.bottom;
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
      {xTicks.map((t) =>
        xRotate === 0 ? (
          <text key={`x${t.label}`} x={t.at} y={bottom + 15} textAnchor="middle">
            {t.label}
          </text>
        ) : (
          <text
            key={`x${t.label}`}
            transform={`translate(${t.at},${bottom + 10}) rotate(${xRotate})`}
            textAnchor="end"
            dy="0.35em"
          >
            {t.label}
          </text>
        ),
      )}
      <text x={(xRange[0] + xRange[1]) / 2} y={height - 8} textAnchor="middle">
        {xLabel}
      </text>
      <text transform={`translate(14,${(MARGIN.top + bottom) / 2}) rotate(-90)`} textAnchor="middle">
        {fitText(yLabel, bottom - MARGIN.top)}
        <title>{yLabel}</title>
      </text>
    </g>
  );
}
