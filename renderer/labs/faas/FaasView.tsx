// The serverless lab's live view: one simulated XFaaS day. Per region received vs executed vs capacity with a
// time cursor (play / pause / scrub), queue depths by quota type at the cursor, the traffic matrix as a heat
// map beside a small map with pull arrows, worker pools coloured by locality group, and a downstream outage
// under the chosen back-pressure policy. Drawn as SVG from the model on change; paused, nothing runs.
import { useEffect, useRef, useState } from 'react';
import { useElementSize } from '../../components/useElementSize';
import { useDrawCounters, useLabViewModel } from '../../components/useLabViewModel';
import { usePlayback } from '../../components/usePlayback';
import { Tabs } from '../../components/Tabs';
import type { LabViewProps } from '../views';
import { clockText, describeSample, durationText } from '../../../core/faas/view';
import type { FaasCallSample, FaasViewModel } from '../../../core/faas/view';
import { pct } from '../../../core/kernel/numbers';
import './faas.css';

/** Simulated hours per real second while playing. */
const PLAY_RATE = 1;
export const COLORS = {
  received: '#8792a4',
  executed: '#4c9dff',
  capacity: '#f1f4f9',
  reserved: '#3fb968',
  opportunistic: '#d9a53a',
  outage: '#f0605a',
  ok: '#3fb968',
  window: '#c07cff',
  backlog: '#e67fb3',
};
/** Layout: the lower panels' height and widths, the sampled-call line's (two lines at most). */
const PANELS_H = 164;
const SAMPLE_H = 30;
/** Region charts at their smallest, the sample line and the panels row: below this the view shows one at a time. */
const FULL_H = 56 + SAMPLE_H + PANELS_H + 16;
type Pane = 'regions' | 'panels' | 'downstream';
const PANES: readonly [Pane, string][] = [
  ['regions', 'Regions by hour'],
  ['panels', 'Queues · traffic · workers'],
  ['downstream', 'Downstream outage'],
];
const QUEUES_W = 236;
const MATRIX_W = 290;
const POOLS_W = 250;

/** Locality groups: a qualitative palette (cycled beyond 12 groups). */
const GROUP_COLORS = [
  '#4c9dff',
  '#3fb968',
  '#d9a53a',
  '#f0605a',
  '#c07cff',
  '#2ec4c4',
  '#e67fb3',
  '#9bc45a',
  '#e89a4f',
  '#7f8cff',
  '#c9b458',
  '#5fb8a0',
];

function fmt(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(1)}G`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)}M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)}k`;
  return n.toFixed(0);
}

function polyline(values: ArrayLike<number>, n: number, x: (i: number) => number, y: (v: number) => number) {
  const pts: string[] = [];
  for (let i = 0; i < n; i++) pts.push(`${x(i).toFixed(1)},${y(values[i]!).toFixed(1)}`);
  return pts.join(' ');
}

function column(a: Float32Array, R: number, r: number, F: number): Float32Array {
  const out = new Float32Array(F);
  for (let f = 0; f < F; f++) out[f] = a[f * R + r]!;
  return out;
}

/** One region's day: received (dashed), executed (filled), capacity (line), the cursor. */
function RegionChart(props: {
  m: FaasViewModel;
  r: number;
  w: number;
  h: number;
  frame: number;
  selected: boolean;
  /** A click moves the cursor there and selects the region (its sampled calls are shown). */
  onSeek(hours: number): void;
}) {
  const { m, r, w, h, frame } = props;
  const F = m.frames;
  const R = m.regions.length;
  const rec = column(m.received, R, r, F);
  const ex = column(m.executed, R, r, F);
  const cap = column(m.capacity, R, r, F);
  let max = 1;
  for (let f = 0; f < F; f++) max = Math.max(max, rec[f]!, ex[f]!, cap[f]!);
  const pad = { l: 4, r: 4, t: 16, b: 14 };
  const x = (i: number) => pad.l + ((i + 0.5) / F) * (w - pad.l - pad.r);
  const y = (v: number) => h - pad.b - (v / max) * (h - pad.t - pad.b);
  const area = `${x(0)},${y(0)} ${polyline(ex, F, x, y)} ${x(F - 1)},${y(0)}`;
  const cx = x(frame);
  const region = m.regions[r]!;
  const u = cap[frame]! > 0 ? ex[frame]! / cap[frame]! : 0;
  return (
    <svg
      className={`faas-region-chart${props.selected ? ' selected' : ''}`}
      data-testid={`faas-chart-${region.id}`}
      width={w}
      height={h}
      onClick={(e) => {
        const box = e.currentTarget.getBoundingClientRect();
        props.onSeek(((e.clientX - box.left - pad.l) / (w - pad.l - pad.r)) * 24);
      }}
    >
      <text x={4} y={11} className="faas-chart-title">
        {region.id} · {pct(u, 0)} busy
      </text>
      <polygon points={area} fill={COLORS.executed} fillOpacity={0.35} stroke="none" />
      <polyline points={polyline(ex, F, x, y)} fill="none" stroke={COLORS.executed} strokeWidth={1.5} />
      <polyline
        points={polyline(rec, F, x, y)}
        fill="none"
        stroke={COLORS.received}
        strokeDasharray="3 2"
        strokeWidth={1.2}
      />
      <polyline points={polyline(cap, F, x, y)} fill="none" stroke={COLORS.capacity} strokeWidth={1} />
      {[6, 12, 18].map((hh) => (
        <text key={hh} x={pad.l + (hh / 24) * (w - pad.l - pad.r)} y={h - 2} className="faas-axis">
          {hh}h
        </text>
      ))}
      <line x1={cx} x2={cx} y1={pad.t - 4} y2={h - pad.b} className="faas-cursor" />
      <title>
        {region.name}: received {fmt(rec[frame]!)} cores, executed {fmt(ex[frame]!)} cores, capacity{' '}
        {fmt(cap[frame]!)} cores at {clockText((3600 * (frame * m.frameS)) / 3600)}
      </title>
    </svg>
  );
}

/** The day's largest reserved + opportunistic sum of a [frame][region] pair of series (a full bar). */
function dayMax(m: FaasViewModel, a: Float32Array, b: Float32Array): number {
  let max = 1;
  for (let i = 0; i < m.frames * m.regions.length; i++) max = Math.max(max, a[i]! + b[i]!);
  return max;
}

/** One stacked bar (reserved, opportunistic) at the cursor and its total, scaled to `max`. */
function QuotaBar(props: { res: number; opp: number; max: number; testId: string }) {
  const res = Math.max(0, props.res);
  const opp = Math.max(0, props.opp);
  return (
    <>
      <span
        className="faas-qbar"
        data-testid={props.testId}
        title={`reserved ${fmt(res)} · opportunistic ${fmt(opp)}`}
      >
        <span style={{ width: `${(res / props.max) * 100}%`, background: COLORS.reserved }} />
        <span style={{ width: `${(opp / props.max) * 100}%`, background: COLORS.opportunistic }} />
      </span>
      <span className="faas-qnum">{fmt(res + opp)}</span>
    </>
  );
}

/** DurableQ (calls waiting) and RunQ (cores dispatched) per region at the cursor, by quota. */
function Queues({ m, frame }: { m: FaasViewModel; frame: number }) {
  const R = m.regions.length;
  const dqMax = dayMax(m, m.pendingReserved, m.pendingOpportunistic);
  const rqMax = dayMax(m, m.runReserved, m.runOpportunistic);
  return (
    <div className="faas-panel" data-testid="faas-queues" style={{ width: QUEUES_W }}>
      <h4>
        <span data-testid="faas-durableq">DurableQ calls</span> ·{' '}
        <span data-testid="faas-runq">RunQ cores</span>
      </h4>
      {m.regions.map((g, r) => (
        <div key={g.id} className="faas-qrow">
          <span className="faas-qid">{g.id}</span>
          <QuotaBar
            res={m.pendingReserved[frame * R + r]!}
            opp={m.pendingOpportunistic[frame * R + r]!}
            max={dqMax}
            testId={`faas-dq-${g.id}`}
          />
          <QuotaBar
            res={m.runReserved[frame * R + r]!}
            opp={m.runOpportunistic[frame * R + r]!}
            max={rqMax}
            testId={`faas-rq-${g.id}`}
          />
        </div>
      ))}
      <div className="faas-note">
        a bar is full at the day's peak: {fmt(dqMax)} calls · {fmt(rqMax)} cores
      </div>
    </div>
  );
}

function Matrix({ m, frame }: { m: FaasViewModel; frame: number }) {
  const R = m.regions.length;
  const cell = 17;
  const lab = 24;
  const at = (a: number, b: number) => m.matrix[(frame * R + a) * R + b]!;
  // Small map: equirectangular over the sites' box.
  const lons = m.regions.map((g) => g.lon);
  const lats = m.regions.map((g) => g.lat);
  const [x0, x1, y0, y1] = [Math.min(...lons), Math.max(...lons), Math.min(...lats), Math.max(...lats)];
  const mw = 136;
  const mh = lab + R * cell + 4;
  const px = (lon: number) => 28 + ((lon - x0) / (x1 - x0 || 1)) * (mw - 56);
  const py = (lat: number) => mh - 12 - ((lat - y0) / (y1 - y0 || 1)) * (mh - 34);
  const arrows: { a: number; b: number; s: number }[] = [];
  for (let a = 0; a < R; a++)
    for (let b = 0; b < R; b++) if (a !== b && at(a, b) > 0.005) arrows.push({ a, b, s: at(a, b) });
  return (
    <div className="faas-panel" data-testid="faas-matrix" style={{ width: MATRIX_W }}>
      <h4 title="Share of the CPU of each region's calls that ran in each region during this 5-minute frame">
        Traffic matrix (CPU as run, this 5 min)
      </h4>
      <div className="faas-matrix-row">
        <svg width={lab + R * cell + 4} height={lab + R * cell + 4}>
          <text x={2} y={10} className="faas-axis">
            from ↓ to →
          </text>
          {m.regions.map((g, b) => (
            <text
              key={g.id}
              x={lab + b * cell + cell / 2}
              y={lab - 6}
              className="faas-axis"
              fontSize={8.5}
              textAnchor="middle"
            >
              {g.id}
            </text>
          ))}
          {m.regions.map((g, a) => (
            <g key={g.id}>
              <text x={2} y={lab + a * cell + cell / 2 + 4} className="faas-axis">
                {g.id}
              </text>
              {m.regions.map((_, b) => {
                const v = at(a, b);
                return (
                  <rect
                    key={b}
                    x={lab + b * cell}
                    y={lab + a * cell}
                    width={cell - 2}
                    height={cell - 2}
                    fill={a === b ? COLORS.capacity : COLORS.executed}
                    fillOpacity={a === b ? 0.08 + 0.25 * v : Math.min(1, 0.06 + v * 4)}
                  >
                    <title>
                      {m.regions[a]!.id} → {m.regions[b]!.id}: {pct(v, 1)} of the CPU of {m.regions[a]!.id}’s
                      calls run in this frame
                    </title>
                  </rect>
                );
              })}
            </g>
          ))}
        </svg>
        <svg width={mw} height={mh} className="faas-map" data-testid="faas-map">
          <defs>
            <marker
              id="faas-arrow"
              viewBox="0 0 10 10"
              refX={9}
              refY={5}
              markerWidth={7}
              markerUnits="userSpaceOnUse"
              markerHeight={7}
              orient="auto"
            >
              <path d="M0,0 L10,5 L0,10 z" fill={COLORS.executed} />
            </marker>
          </defs>
          {arrows.map(({ a, b, s }) => {
            const [ax, ay, bx, by] = [px(lons[a]!), py(lats[a]!), px(lons[b]!), py(lats[b]!)];
            const mx = (ax + bx) / 2 - (by - ay) * 0.2;
            const my = (ay + by) / 2 + (bx - ax) * 0.2;
            return (
              <path
                key={`${a}-${b}`}
                d={`M${ax},${ay} Q${mx},${my} ${bx},${by}`}
                fill="none"
                stroke={COLORS.executed}
                strokeWidth={1 + s * 12}
                strokeOpacity={0.8}
                markerEnd="url(#faas-arrow)"
                data-testid="faas-arrow"
              />
            );
          })}
          {m.regions.map((g, r) => {
            // A site with a neighbour just east of it puts its label on its west side, so labels don't overlap.
            const west = m.regions.some(
              (o, q) =>
                q !== r &&
                px(o.lon) > px(g.lon) &&
                px(o.lon) - px(g.lon) < 36 &&
                Math.abs(py(o.lat) - py(g.lat)) < 14,
            );
            return (
              <g key={g.id}>
                <circle cx={px(g.lon)} cy={py(g.lat)} r={4} fill={COLORS.capacity} />
                <text
                  x={px(g.lon) + (west ? -6 : 6)}
                  y={py(g.lat) - 5}
                  textAnchor={west ? 'end' : 'start'}
                  className="faas-axis"
                  data-testid={`faas-map-label-${g.id}`}
                >
                  {g.id}
                </text>
              </g>
            );
          })}
        </svg>
      </div>
      <div className="faas-note">
        {m.global === 'local-only'
          ? 'local-only: every region runs only its own DurableQ'
          : 'row’s call CPU run by column; arrow: pull'}
      </div>
    </div>
  );
}

/** Worker pools: per region a bar as long as its workers (the largest region full), split by group. */
function Pools({ m, hour }: { m: FaasViewModel; hour: number }) {
  const G = m.groups;
  const barW = 72;
  const maxWorkers = Math.max(1, ...m.regions.map((g) => g.workers));
  return (
    <div className="faas-panel" data-testid="faas-pools" style={{ width: POOLS_W }}>
      <h4>Workers {m.locality === 'none' ? '(universal: no groups)' : `by locality group (${G})`}</h4>
      {m.regions.map((g, r) => {
        const scale = barW / maxWorkers;
        let x = 0;
        const segments = Array.from({ length: G }, (_, q) => {
          const w = m.groupWorkers[r * G + q]! * scale;
          const seg = { q, x, w };
          x += w;
          return seg;
        });
        const mem = m.memoryGb[r * 24 + hour]!;
        const cold = m.coldFraction[r * 24 + hour]!;
        return (
          <div key={g.id} className="faas-pool">
            <span className="faas-qid">{g.id}</span>
            <svg width={barW} height={10} className="faas-squares" data-testid="faas-pool-bar">
              {segments.map(({ q, x: sx, w }) => (
                <rect
                  key={q}
                  x={sx}
                  y={1}
                  width={Math.max(0, w - (G > 24 ? 0 : 0.6))}
                  height={8}
                  fill={GROUP_COLORS[q % GROUP_COLORS.length]}
                />
              ))}
            </svg>
            <span className="faas-qnum">
              {mem.toFixed(0)}/{m.workerMemoryGb} GB · cold {pct(cold, 1)}
            </span>
          </div>
        );
      })}
      <div className="faas-note">bar: workers · colour: group · {clockText(3600 * hour)}</div>
    </div>
  );
}

/** The downstream outage on its own clock; `width` is the panel's, the chart is that less its padding. */
function Downstream({ m, width }: { m: FaasViewModel; width: number }) {
  const w = width - 18;
  const d = m.downstream;
  const h = 54;
  const pad = { l: 30, r: 6, t: 6, b: 16 };
  const n = d.durationS;
  const step = Math.max(1, Math.floor(n / 400));
  const idx = Array.from({ length: Math.floor(n / step) }, (_, i) => i * step);
  let max = d.healthyRps;
  let maxBacklog = 1;
  for (const i of idx) {
    max = Math.max(max, d.sent[i]!);
    maxBacklog = Math.max(maxBacklog, d.backlog[i]!);
  }
  const x = (i: number) => pad.l + (idx[i]! / n) * (w - pad.l - pad.r);
  const y = (v: number) => h - pad.b - (Math.min(v, max) / max) * (h - pad.t - pad.b);
  const line = (a: Float32Array, scale = 1) =>
    polyline(
      Array.from(idx, (i) => a[i]! * scale),
      idx.length,
      x,
      y,
    );
  const ox0 = pad.l + (d.outageAtS / n) * (w - pad.l - pad.r);
  const ox1 = pad.l + ((d.outageAtS + d.outageS) / n) * (w - pad.l - pad.r);
  return (
    <div className="faas-panel" data-testid="faas-downstream" style={{ width }}>
      <h4>
        Downstream outage ({m.policy}): {d.recovered ? 'recovered' : 'not recovered'}
      </h4>
      <div className="faas-note" data-testid="faas-downstream-summary">
        {fmt(d.excessCalls)} calls over capacity;{' '}
        {d.recovered
          ? `backlog drained ${durationText(d.recoveryS)} after`
          : `${fmt(d.pending)} calls still waiting ${durationText(d.recoveryS)} after`}
        {m.policy === 'aimd' ? `; AIMD sustains ${pct(d.aimdSustainedShare, 0)} of capacity` : ''}
      </div>
      <div className="faas-legend">
        <Swatch color={COLORS.capacity} label="capacity" />
        <Swatch color={COLORS.executed} label="sent" />
        <Swatch color={COLORS.ok} label="OK" />
        {m.policy === 'aimd' && <Swatch color={COLORS.window} label="window" dashed />}
        <Swatch color={COLORS.backlog} label={`backlog (top ${fmt(maxBacklog)})`} dashed />
        <Swatch color={COLORS.outage} label="outage" box faint />
      </div>
      <svg width={w} height={h}>
        <rect
          x={ox0}
          y={pad.t}
          width={ox1 - ox0}
          height={h - pad.t - pad.b}
          fill={COLORS.outage}
          fillOpacity={0.1}
        />
        <polyline points={line(d.capacity)} fill="none" stroke={COLORS.capacity} strokeWidth={1} />
        <polyline points={line(d.sent)} fill="none" stroke={COLORS.executed} strokeWidth={1.3} />
        <polyline points={line(d.ok)} fill="none" stroke={COLORS.ok} strokeWidth={1.3} />
        {m.policy === 'aimd' && (
          <polyline
            points={line(d.window)}
            fill="none"
            stroke={COLORS.window}
            strokeDasharray="3 2"
            strokeWidth={1}
          />
        )}
        <polyline
          points={line(d.backlog, max / maxBacklog)}
          fill="none"
          stroke={COLORS.backlog}
          strokeDasharray="1 2"
          strokeWidth={1.3}
        />
        <text x={2} y={pad.t + 8} className="faas-axis">
          {fmt(max)}/s
        </text>
        <text x={pad.l} y={h - 3} className="faas-axis">
          0 s
        </text>
        <text x={(w + pad.l) / 2} y={h - 3} textAnchor="middle" className="faas-axis">
          s into the incident (its own clock)
        </text>
        <text x={w - pad.r} y={h - 3} textAnchor="end" className="faas-axis">
          {n} s
        </text>
      </svg>
    </div>
  );
}

function Swatch({
  color,
  label,
  dashed,
  box,
  faint,
}: {
  color: string;
  label: string;
  dashed?: boolean;
  box?: boolean;
  /** A shaded area rather than a solid bar. */
  faint?: boolean;
}) {
  return (
    <span className="faas-swatch">
      <svg width={16} height={8} aria-hidden="true">
        {box ? (
          <rect x={1} y={0} width={14} height={8} fill={color} fillOpacity={faint ? 0.3 : 1} />
        ) : (
          <line
            x1={1}
            x2={15}
            y1={4}
            y2={4}
            stroke={color}
            strokeWidth={2}
            strokeDasharray={dashed ? '3 2' : undefined}
          />
        )}
      </svg>
      {label}
    </span>
  );
}

export function FaasView({ params, seed, controls }: LabViewProps) {
  const { model, status } = useLabViewModel('faas', params, seed);
  /** The region whose sampled call is shown (a click on its chart selects it). */
  const [selected, setSelected] = useState(0);
  /** In a short view (1280x800), the region charts, the panels or the downstream outage, one at a time. */
  const [pane, setPane] = useState<Pane>('regions');
  const rootRef = useRef<HTMLDivElement | null>(null);
  const [size, sizeRef] = useElementSize({ width: 1100, height: 500 });
  const playback = usePlayback({ end: 24, rate: PLAY_RATE, initialSpeed: 1, publishEveryMs: 100 });
  const { playing, time: hours, setPlaying, seek } = playback;
  useDrawCounters(rootRef);

  // A new day plays from midnight.
  useEffect(() => {
    if (!model) return;
    seek(0);
    setPlaying(true);
  }, [model, setPlaying, seek]);

  const m = model;
  // The selected region's latest sampled call at or before the cursor.
  const sample = m?.samples.reduce<FaasCallSample | null>(
    (best, c) => (c.to === selected && c.ranS <= hours * 3_600 && (!best || c.ranS > best.ranS) ? c : best),
    null,
  );
  const sampleText = !m
    ? ''
    : sample
      ? `random call (seeded draw, one per 15 min) run in ${m.regions[selected]!.id} at ${clockText(sample.ranS)}, one of ${fmt(sample.calls)} alike: ${describeSample(m, sample)}`
      : `no call sampled in ${m.regions[selected]!.id} yet at this time`;
  const frame = m ? Math.max(0, Math.min(m.frames - 1, Math.floor((hours * 3600) / m.frameS))) : 0;
  const chartW = Math.max(150, Math.floor((size.width - 16) / Math.max(1, m?.regions.length ?? 5)) - 6);
  // The panels row is about PANELS_H tall; the region charts take what is left, between 56 and 84 px. A view too
  // short for both shows one at a time, under tabs in the play bar's row.
  const compact = size.height < FULL_H;
  const chartH = Math.max(56, Math.min(84, size.height - (compact ? 0 : PANELS_H) - SAMPLE_H - 16));
  const shows = (p: Pane) => !compact || pane === p;
  const panelsW = Math.max(0, size.width - QUEUES_W - MATRIX_W - POOLS_W - 3 * 8);
  return (
    <div
      className="lab-view faas-view"
      data-testid="faas-view"
      data-playing={playing ? 'true' : 'false'}
      ref={rootRef}
    >
      <div className="faas-controls">{controls}</div>
      <div className="faas-controls faas-playbar">
        <button
          type="button"
          className="small"
          data-testid="faas-play"
          onClick={playback.toggle}
          disabled={!m}
        >
          {playing ? 'Pause' : 'Play'}
        </button>
        <input
          type="range"
          data-testid="faas-scrub"
          aria-label="Simulated time of day"
          min={0}
          max={24}
          step={1 / 12}
          value={hours}
          onChange={(e) => playback.step(Number(e.target.value))}
        />
        <span className="faas-time" data-testid="faas-time">
          {clockText(3600 * hours)} UTC
        </span>
        <span className="faas-legend" data-testid="faas-legend">
          <Swatch color={COLORS.received} label="received CPU" dashed />
          <Swatch color={COLORS.executed} label="executed CPU" />
          <Swatch color={COLORS.capacity} label="capacity" />
          <Swatch color={COLORS.reserved} label="reserved" box />
          <Swatch color={COLORS.opportunistic} label="opportunistic" box />
        </span>
        <span className="faas-status" data-testid="faas-status">
          {status ||
            (m &&
              `${m.timeShift ? 'time-shifted' : 'no shift'} · ${m.global} · ${fmt(m.summary.throttled)} calls throttled · ${pct(m.summary.crossRegion / Math.max(1, m.summary.executed), 1)} run cross-region`)}
        </span>
        {m && compact && (
          <Tabs
            tabs={PANES}
            selected={pane}
            onSelect={setPane}
            label="Panes"
            testId="faas-pane"
            className="view-tabs"
          />
        )}
      </div>
      <div className="faas-body" ref={sizeRef}>
        {m && (
          <>
            {shows('regions') && (
              <>
                <div className="faas-regions" data-testid="faas-regions">
                  {m.regions.map((g, r) => (
                    <RegionChart
                      key={g.id}
                      m={m}
                      r={r}
                      w={chartW}
                      h={chartH}
                      frame={frame}
                      selected={r === selected}
                      onSeek={(h) => {
                        setSelected(r);
                        playback.step(h);
                      }}
                    />
                  ))}
                </div>
                <div className="faas-sample" data-testid="faas-sample" title={sampleText}>
                  {sampleText}
                </div>
              </>
            )}
            {(shows('panels') || shows('downstream')) && (
              <div className="faas-panels">
                {shows('panels') && <Queues m={m} frame={frame} />}
                {shows('panels') && <Matrix m={m} frame={frame} />}
                {shows('panels') && <Pools m={m} hour={Math.min(23, Math.floor(hours))} />}
                {shows('downstream') && (
                  <Downstream
                    m={m}
                    width={compact ? Math.min(760, size.width) : Math.max(200, Math.min(520, panelsW))}
                  />
                )}
              </div>
            )}
          </>
        )}
      </div>
    </div>
  );
}
