// Goodput and attempts per second over the run, the trigger (load spike) shaded, and the playback cursor.
import type { MicroViewModel } from '../../../core/micro/view';

interface Props {
  model: MicroViewModel;
  second: number;
  width: number;
  height: number;
}

const PAD = { l: 46, r: 12, t: 18, b: 22 };

export function Timeline({ model, second, width, height }: Props) {
  const n = model.seconds;
  const yMax = Math.max(1, ...model.attempts, ...model.goodput) * 1.05;
  const x = (s: number): number => PAD.l + (s / n) * (width - PAD.l - PAD.r);
  const y = (v: number): number => height - PAD.b - (v / yMax) * (height - PAD.t - PAD.b);
  const path = (vals: number[]): string =>
    vals.map((v, i) => `${i === 0 ? 'M' : 'L'}${x(i + 0.5).toFixed(1)},${y(v).toFixed(1)}`).join('');
  const ticks = [0, Math.round(yMax / 2), Math.round(yMax / 1.05)];
  const xTicks = Array.from({ length: Math.floor(n / 5) + 1 }, (_, i) => i * 5);
  const { atS, forS, factor } = model.spike;
  return (
    <svg
      width={width}
      height={height}
      className="micro-timeline"
      data-testid="micro-timeline"
      role="img"
      aria-label="goodput over time"
    >
      <rect
        x={x(atS)}
        y={PAD.t}
        width={x(atS + forS) - x(atS)}
        height={height - PAD.t - PAD.b}
        className="micro-trigger"
        data-testid="micro-trigger"
      />
      {/* Above the plot, clear of the grid, the lines and the y-axis labels. */}
      <text x={x(atS)} y={PAD.t - 5} className="micro-axis-text">{`trigger: load ×${factor}`}</text>
      {ticks.map((v) => (
        <g key={v}>
          <line x1={PAD.l} x2={width - PAD.r} y1={y(v)} y2={y(v)} className="micro-grid" />
          <text x={PAD.l - 4} y={y(v) + 3} textAnchor="end" className="micro-axis-text">
            {v}
          </text>
        </g>
      ))}
      {xTicks.map((s) => (
        <text key={s} x={x(s)} y={height - 6} textAnchor="middle" className="micro-axis-text">{`${s}s`}</text>
      ))}
      <path d={path(model.attempts)} className="micro-line-attempts" />
      <path d={path(model.goodput)} className="micro-line-goodput" />
      <line x1={x(second)} x2={x(second)} y1={PAD.t} y2={height - PAD.b} className="micro-cursor" />
      <text
        x={PAD.l - 40}
        y={PAD.t + 2}
        className="micro-axis-text"
        transform={`rotate(-90 ${PAD.l - 40} ${PAD.t + 2})`}
        textAnchor="end"
      >
        req/s
      </text>
    </svg>
  );
}
