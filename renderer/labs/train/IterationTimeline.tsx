// One training iteration per checkpoint traffic scheme: the GPUs' compute, the machine's link carrying
// training collectives and checkpoint chunks, and the GPU memory the receiver holds for checkpoint data.
import type { SchemeTimeline } from '../../../core/train/timeline';
import { FAILED_COLOR, LINK_COLORS } from './colors';

const LABEL_W = 128;
const ROW_H = 38;
const AXIS_H = 14;

interface Props {
  timelines: readonly SchemeTimeline[];
  spareGB: number;
  width: number;
}

export function IterationTimeline({ timelines, spareGB, width }: Props) {
  const plotW = Math.max(120, width - LABEL_W - 16);
  const end = Math.max(...timelines.map((t) => t.iterationS));
  const x = (s: number) => LABEL_W + (s / end) * plotW;
  const maxBuf = Math.max(spareGB, ...timelines.map((t) => t.gpuBufferBytes / 1e9));
  const height = timelines.length * ROW_H + AXIS_H;
  return (
    <svg className="train-timeline" data-testid="train-timeline" width={width} height={height}>
      {timelines.map((t, row) => (
        <SchemeRow
          key={t.scheme}
          t={t}
          y={row * ROW_H}
          x={x}
          plotW={plotW}
          maxBuf={maxBuf}
          spareGB={spareGB}
        />
      ))}
      <Axis end={end} x={x} y={timelines.length * ROW_H} />
    </svg>
  );
}

function SchemeRow(props: {
  t: SchemeTimeline;
  y: number;
  x(s: number): number;
  plotW: number;
  maxBuf: number;
  spareGB: number;
}) {
  const { t, y, x, maxBuf, spareGB } = props;
  const slowdown = t.iterationS / t.baselineS - 1;
  const bufGB = t.gpuBufferBytes / 1e9;
  const bufH = (gb: number) => (7 * gb) / maxBuf;
  return (
    <g transform={`translate(0,${y})`} data-testid={`train-scheme-${t.scheme}`}>
      <text x={0} y={11} className="train-tl-label">
        {t.scheme}
      </text>
      {t.compute.map((s, i) => (
        <rect
          key={`c${i}`}
          x={x(s.start)}
          y={4}
          width={Math.max(0.5, x(s.end) - x(s.start))}
          height={8}
          fill={LINK_COLORS.compute}
        />
      ))}
      {t.link.map((s, i) => (
        <rect
          key={`l${i}`}
          x={x(s.start)}
          y={15}
          width={Math.max(0.5, x(s.end) - x(s.start))}
          height={10}
          fill={LINK_COLORS[s.kind === 'checkpoint' ? 'checkpoint' : 'train']}
        />
      ))}
      <line x1={x(t.baselineS)} x2={x(t.baselineS)} y1={2} y2={34} className="train-tl-base" />
      {t.link
        .filter((s) => s.kind === 'checkpoint')
        .map((s, i) => (
          <rect
            key={`b${i}`}
            x={x(s.start)}
            y={34 - bufH(bufGB)}
            width={Math.max(0.5, x(s.end) - x(s.start))}
            height={bufH(bufGB)}
            fill={t.oom ? FAILED_COLOR : LINK_COLORS.checkpoint}
            opacity={0.6}
          />
        ))}
      <line
        x1={x(0)}
        x2={x(0) + props.plotW}
        y1={34 - bufH(spareGB)}
        y2={34 - bufH(spareGB)}
        className="train-tl-spare"
      />
      <text x={0} y={23} className={`train-tl-note${t.oom ? ' bad' : ''}`}>
        {t.oom
          ? 'out of GPU memory'
          : slowdown > 1e-9
            ? `+${(slowdown * 100).toFixed(1)}% iteration`
            : 'no slowdown'}
      </text>
      <text x={0} y={34} className="train-tl-note muted">
        {`buffer ${bufGB < 1 ? `${(bufGB * 1000).toFixed(0)} MB` : `${bufGB.toFixed(1)} GB`}/GPU${t.iterationsPerCheckpoint > 1 ? ` · 1 ckpt/${t.iterationsPerCheckpoint} it` : ''}`}
      </text>
    </g>
  );
}

function Axis({ end, x, y }: { end: number; x(s: number): number; y: number }) {
  const step = niceStep(end / 6);
  const ticks = Array.from({ length: Math.floor(end / step) + 1 }, (_, i) => i * step);
  return (
    <g transform={`translate(0,${y})`} className="train-axis">
      {ticks.map((s) => (
        <text key={s} x={x(s)} y={12} textAnchor="middle">
          {`${s} s`}
        </text>
      ))}
    </g>
  );
}

function niceStep(raw: number): number {
  const p = 10 ** Math.floor(Math.log10(Math.max(raw, 1e-9)));
  return [1, 2, 5, 10].map((m) => m * p).find((s) => s >= raw) ?? 10 * p;
}
