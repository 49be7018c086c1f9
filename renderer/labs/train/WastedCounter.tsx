// The failure trace over the run and each policy's wasted time up to the playback cursor: a running
// counter per policy and its cumulative curve, failures marked on the time axis by kind.
import type { Policy } from '../../../core/train/recovery';
import type { TrainViewModel } from '../../../core/train/view';
import { FAILED_COLOR, POLICY_COLORS } from './colors';

const LEFT = 40;
const RIGHT = 8;
const H = 92;
const TOP = 8;
const BOTTOM = 22;

/** Wasted hours of one policy up to `t` s: whole failures before t, the one in progress counted so far. */
export function wastedUpTo(model: TrainViewModel, policy: Policy, t: number): number {
  let s = 0;
  for (const f of model.traces[policy]) {
    if (f.atS > t) break;
    s += Math.min(f.lostS + f.downS, f.lostS + (t - f.atS));
  }
  return s / 3600;
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
  const total = Math.max(1e-9, ...policies.map((p) => wastedUpTo(model, p, model.horizonS)));
  const x = (t: number) => LEFT + (t / model.horizonS) * plotW;
  const y = (h: number) => TOP + (1 - h / total) * (H - TOP - BOTTOM);
  const curve = (p: Policy) => {
    const pts = [[0, 0]];
    for (const f of model.traces[p]) {
      pts.push([f.atS, wastedUpTo(model, p, f.atS)]);
      pts.push([f.atS + f.lostS + f.downS, wastedUpTo(model, p, f.atS + f.lostS + f.downS)]);
    }
    pts.push([model.horizonS, wastedUpTo(model, p, model.horizonS)]);
    return pts.map(([t, h], i) => `${i ? 'L' : 'M'}${x(t!).toFixed(1)},${y(h!).toFixed(1)}`).join('');
  };
  return (
    <>
      <ul className="train-counters">
        {policies.map((p) => (
          <li key={p} style={{ color: POLICY_COLORS[p] }} data-testid={`train-wasted-${p}`}>
            {`${p}: ${wastedUpTo(model, p, timeS).toFixed(2)} h wasted`}
          </li>
        ))}
      </ul>
      <svg className="train-wasted" data-testid="train-wasted" width={width} height={H}>
        <text x={4} y={y(total) + 4} className="train-axis-text">{`${total.toFixed(1)} h`}</text>
        <text x={4} y={y(0)} className="train-axis-text">
          0 h
        </text>
        {policies.map((p) => (
          <path key={p} d={curve(p)} stroke={POLICY_COLORS[p]} className="train-wasted-line" />
        ))}
        {model.traces.gemini.map((f, i) => (
          <line
            key={i}
            x1={x(f.atS)}
            x2={x(f.atS)}
            y1={H - BOTTOM + 2}
            y2={H - BOTTOM + 9}
            stroke={f.kind === 'hardware' ? FAILED_COLOR : '#8792a4'}
            className="train-fail-tick"
          />
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
        >{`day ${(model.horizonS / 86400).toFixed(0)}`}</text>
      </svg>
      <div className="train-key">ticks under the axis: failures, hardware (red) and software (grey)</div>
    </>
  );
}
