// The failure trace over the run and each policy's wasted time up to the playback cursor: a running
// counter per policy and its cumulative curve (a step at each failure, a ramp while the cluster recovers),
// failures marked on the time axis by kind. Built once per model (thinned to the pixel columns), so a
// trace of many thousand failures stays cheap while it plays.
import { useMemo } from 'react';
import type { FailureCost, Policy } from '../../../core/train/recovery';
import type { TrainViewModel } from '../../../core/train/view';
import { POLICY_COLORS, TICK_COLORS } from './colors';

const LEFT = 40;
const RIGHT = 8;
const H = 92;
const TOP = 8;
const BOTTOM = 22;

/** A policy's wasted time as a piecewise-linear function of time: knots [t, hours] in time order. */
export function wastedKnots(
  failures: readonly FailureCost[],
  horizonS: number,
  stallS: number,
): [number, number][] {
  const stallRate = stallS / horizonS / 3600; // stalls spread evenly over the run, hours per second
  const knots: [number, number][] = [[0, 0]];
  let done = 0; // hours from failures already recovered
  for (const f of failures) {
    const at = f.atS;
    knots.push([at, done + at * stallRate]);
    knots.push([at, done + f.lostS / 3600 + at * stallRate]);
    const end = Math.min(horizonS, at + f.downS);
    done += (f.lostS + f.downS) / 3600;
    knots.push([end, done + end * stallRate]);
  }
  knots.push([horizonS, done + horizonS * stallRate]);
  return knots;
}

/** The knots' value at `t` (linear between knots; the last knot at or before t when two share a time). */
export function valueAt(knots: readonly [number, number][], t: number): number {
  let lo = 0;
  let hi = knots.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (knots[mid]![0] <= t) lo = mid;
    else hi = mid - 1;
  }
  const a = knots[lo]!;
  const b = knots[lo + 1];
  if (!b || b[0] === a[0]) return a[1];
  return a[1] + ((b[1] - a[1]) * (t - a[0])) / (b[0] - a[0]);
}

export function WastedCounter({
  model,
  timeS,
  width,
}: {
  model: TrainViewModel;
  timeS: number;
  width: number;
}) {
  const policies = Object.keys(model.traces) as Policy[];
  const plotW = Math.max(100, width - LEFT - RIGHT);
  const knots = useMemo(
    () =>
      Object.fromEntries(
        policies.map((p) => [p, wastedKnots(model.traces[p], model.horizonS, model.stallS[p])]),
      ) as Record<Policy, [number, number][]>,
    // policies derive from model
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [model],
  );
  const drawn = useMemo(() => {
    const total = Math.max(1e-9, ...policies.map((p) => knots[p].at(-1)![1]));
    const x = (t: number) => LEFT + (t / model.horizonS) * plotW;
    const y = (h: number) => TOP + (1 - h / total) * (H - TOP - BOTTOM);
    // Two values per pixel column (entering and leaving it) keep the steps and drop what no one can see.
    const path = (k: [number, number][]) => {
      const cols = new Map<number, [number, number]>();
      for (const [t, h] of k) {
        const c = Math.round(x(t));
        const seen = cols.get(c);
        cols.set(c, seen ? [seen[0], h] : [h, h]);
      }
      return [...cols]
        .map(([c, [a, b]], i) => `${i ? 'L' : 'M'}${c},${y(a).toFixed(1)}L${c},${y(b).toFixed(1)}`)
        .join('');
    };
    const ticks = new Map<number, 'hardware' | 'software'>();
    for (const f of model.traces.gemini) {
      const c = Math.round(x(f.atS));
      if (ticks.get(c) !== 'hardware') ticks.set(c, f.kind);
    }
    return { total, x, y, paths: policies.map((p) => [p, path(knots[p])] as const), ticks: [...ticks] };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [knots, plotW, model]);
  const { total, x, y } = drawn;
  return (
    <>
      <ul className="train-counters">
        {policies.map((p) => (
          <li key={p} style={{ color: POLICY_COLORS[p] }} data-testid={`train-wasted-${p}`}>
            {`${p}: ${valueAt(knots[p], timeS).toFixed(2)} h wasted`}
          </li>
        ))}
      </ul>
      <svg className="train-wasted" data-testid="train-wasted" width={width} height={H}>
        <text x={4} y={y(total) + 4} className="train-axis-text">{`${total.toFixed(1)} h`}</text>
        <text x={4} y={y(0)} className="train-axis-text">
          0 h
        </text>
        {drawn.paths.map(([p, d]) => (
          <path key={p} d={d} stroke={POLICY_COLORS[p]} className="train-wasted-line" />
        ))}
        {drawn.ticks.map(([c, kind]) => (
          <line key={c} x1={c} x2={c} y1={H - BOTTOM + 2} y2={H - BOTTOM + 9} stroke={TICK_COLORS[kind]} />
        ))}
        <line
          x1={x(timeS)}
          x2={x(timeS)}
          y1={TOP}
          y2={H - BOTTOM + 10}
          className="train-cursor"
          data-testid="train-cursor"
        />
        <text x={LEFT} y={H - 2} className="train-axis-text">
          day 0
        </text>
        <text
          x={LEFT + plotW}
          y={H - 2}
          textAnchor="end"
          className="train-axis-text"
        >{`day ${days(model.horizonS)}`}</text>
      </svg>
      <div className="train-key">ticks under the axis: failures, hardware (white) and software (grey)</div>
    </>
  );
}

/** Days as text: whole days from 1 up, one decimal below. */
export function days(s: number): string {
  const d = s / 86400;
  return d >= 1 ? d.toFixed(0) : d.toFixed(1);
}
