// The mesh map's key: one block per visual channel, so each colour, line and size on the map is named.
// Fill = utilisation (warm ramp); outline, bound circle and arc colour = ring from the selected client.
import { useState } from 'react';
import { FoldToggle } from '../../components/FoldToggle';
import { RING_COLORS, RING_DASH, UTIL_MAX, UTIL_STOPS, DOWN_FILL } from './geo';

interface Props {
  /** Which corner of the map it floats in: t/b, l/r. */
  corner: 'tl' | 'tr' | 'bl' | 'br';
  threshold: number;
  client: string;
  boundsMs: readonly number[];
  ringNames: readonly string[];
  /** On a short map the key starts folded to a "key" button (it would cover most sites). */
  folded?: boolean;
}

const RAMP_W = 150;

export function MeshKey({ corner, threshold, client, boundsMs, ringNames, folded = false }: Props) {
  const [open, setOpen] = useState(!folded);
  const x = (u: number): number => (Math.min(u, UTIL_MAX) / UTIL_MAX) * RAMP_W;
  // The spill threshold is labelled above the ramp, the scale below (they sit too close to share a row).
  const ticks = [
    { u: 0, label: '0', above: false },
    { u: threshold, label: `spill ${Math.round(threshold * 100)}%`, above: true },
    { u: 1, label: '100%', above: false },
    { u: UTIL_MAX, label: `${Math.round(UTIL_MAX * 100)}%+`, above: false },
  ];
  const toggle = folded && (
    <FoldToggle
      open={open}
      onToggle={() => setOpen(!open)}
      closedText="key"
      openText="key"
      testId="mesh-key-toggle"
      className="mesh-key-toggle"
    />
  );
  if (!open)
    return (
      <div className={`mesh-key mesh-key-folded mesh-key-${corner}`} data-testid="mesh-key">
        {toggle}
      </div>
    );
  return (
    <div className={`mesh-key mesh-key-${corner}`} data-testid="mesh-key">
      {toggle}
      <div className="mesh-key-block" data-testid="mesh-key-util">
        <div className="mesh-key-title">Fill: utilisation this second</div>
        <svg width={RAMP_W + 44} height={40} aria-hidden="true">
          <defs>
            <linearGradient id="mesh-util-ramp">
              {UTIL_STOPS.map((s) => (
                <stop key={s.u} offset={s.u / UTIL_MAX} stopColor={s.color} />
              ))}
            </linearGradient>
          </defs>
          <rect x={4} y={12} width={RAMP_W} height={9} fill="url(#mesh-util-ramp)" rx={2} />
          {ticks.map((t) => (
            <g key={t.label} transform={`translate(${4 + x(t.u)},0)`}>
              <line y1={t.above ? 10 : 11} y2={t.above ? 22 : 24} className="mesh-key-tick" />
              <text
                y={t.above ? 8 : 35}
                className="mesh-key-text"
                textAnchor={t.u === 0 ? 'start' : t.u >= UTIL_MAX ? 'end' : 'middle'}
              >
                {t.label}
              </text>
            </g>
          ))}
          <circle cx={RAMP_W + 28} cy={17} r={5} fill={DOWN_FILL} className="mesh-key-down" />
          <text x={RAMP_W + 28} y={35} className="mesh-key-text" textAnchor="middle">
            down
          </text>
        </svg>
        <div className="mesh-key-note">circle size = capacity</div>
      </div>
      <div className="mesh-key-block" data-testid="mesh-key-rings">
        <div className="mesh-key-title">Lines: ring from {client}</div>
        {RING_COLORS.map((c, j) => (
          <div key={j} className="mesh-key-row">
            <svg width={22} height={8} aria-hidden="true">
              <line
                x1={1}
                x2={21}
                y1={4}
                y2={4}
                stroke={c}
                strokeWidth={2}
                strokeDasharray={RING_DASH[j] || undefined}
              />
            </svg>
            {j + 1} {ringNames[j]}
            {boundsMs[j]! > 0 ? ` ≤ ${boundsMs[j]} ms` : ''}
          </div>
        ))}
        <div className="mesh-key-note">
          outline = site’s ring · circle = bound · arc = client → server, width = req/s
        </div>
      </div>
    </div>
  );
}
