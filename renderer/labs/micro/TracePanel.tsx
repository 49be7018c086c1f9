// One sampled request's trace: pick one of the requests that arrived in the current second, see each of
// its attempts as a waterfall of spans (queue wait light, execution solid) against the client's timeout.
// Spans that run past a timed-out attempt's end are work nobody waits for any more (the storm's fuel).
import type { MicroViewModel } from '../../../core/micro/view';
import type { RequestTrace, Span } from '../../../core/micro/sim';

interface Props {
  model: MicroViewModel;
  second: number;
  picked: number | null;
  onPick(index: number): void;
  width: number;
}

const ROW = 13;
const LABEL_W = 170;

function depthOf(spans: Span[], i: number): number {
  let d = 0;
  for (let p = spans[i]!.parent; p >= 0; p = spans[p]!.parent) d++;
  return d;
}

function outcomeText(t: RequestTrace): string {
  const last = t.attempts[t.attempts.length - 1];
  const n = t.attempts.length;
  const tries = `${n} attempt${n === 1 ? '' : 's'}`;
  if (!last) return 'not sent';
  return last.outcome === 'ok'
    ? `${tries}, answered`
    : last.outcome === 'pending'
      ? `${tries}, pending`
      : `${tries}, failed`;
}

export function TracePanel({ model, second, picked, onPick, width }: Props) {
  const inSecond = model.traces
    .map((t, i) => ({ t, i }))
    .filter(({ t }) => Math.floor(t.arrivedMs / 1000) === Math.floor(second));
  const chosen = picked !== null ? model.traces[picked] : undefined;
  return (
    <div className="micro-trace" data-testid="micro-trace">
      <div className="micro-trace-picks">
        <span>{`Requests traced in second ${Math.floor(second)}:`}</span>
        {inSecond.map(({ t, i }) => (
          <button
            type="button"
            key={i}
            className={`small${i === picked ? ' active' : ''}`}
            data-testid={`micro-trace-pick-${i}`}
            onClick={() => onPick(i)}
          >
            {`${(t.arrivedMs / 1000).toFixed(2)} s · ${outcomeText(t)}`}
          </button>
        ))}
      </div>
      {chosen ? (
        <Waterfall model={model} trace={chosen} width={width} />
      ) : (
        <div className="micro-trace-empty">Pick a request to see its trace through the graph.</div>
      )}
    </div>
  );
}

function Waterfall({ model, trace, width }: { model: MicroViewModel; trace: RequestTrace; width: number }) {
  const t0 = trace.arrivedMs;
  // The axis reaches the client's timeout only for attempts that did not get an answer in time.
  const ends = trace.attempts.flatMap((a) => [
    a.endMs,
    ...(a.outcome === 'ok' ? [] : [a.sentMs + model.timeoutMs]),
    ...a.spans.map((s) => s.endMs),
  ]);
  const t1 = Math.max(t0 + 1, ...ends);
  const plotW = Math.max(80, width - LABEL_W - 16);
  const x = (ms: number): number => LABEL_W + ((ms - t0) / (t1 - t0)) * plotW;
  const rows = trace.attempts.reduce((a, at) => a + 1 + at.spans.length, 0);
  let row = 0;
  return (
    <svg
      width={width}
      height={(rows + 1) * ROW + 6}
      className="micro-waterfall"
      data-testid="micro-waterfall"
    >
      <text x={LABEL_W} y={ROW - 3} className="micro-axis-text">{`0 ms`}</text>
      <text
        x={LABEL_W + plotW}
        y={ROW - 3}
        textAnchor="end"
        className="micro-axis-text"
      >{`${(t1 - t0).toFixed(1)} ms after arrival`}</text>
      {trace.attempts.map((a) => {
        const top = ++row * ROW;
        const head = (
          <g key={`a${a.n}`}>
            <text x={0} y={top + ROW - 3} className="micro-trace-attempt">
              {`attempt ${a.n + 1}: ${a.outcome === 'ok' ? `answered in ${(a.endMs - a.sentMs).toFixed(1)} ms` : a.outcome}`}
            </text>
            {a.outcome !== 'ok' && (
              <line
                x1={x(a.sentMs + model.timeoutMs)}
                x2={x(a.sentMs + model.timeoutMs)}
                y1={top}
                y2={top + ROW * (a.spans.length + 1)}
                className="micro-trace-timeout"
              />
            )}
          </g>
        );
        const spans = a.spans.map((s, i) => {
          const y = ++row * ROW;
          const end = s.endMs < 0 ? t1 : s.endMs;
          const cpu = s.cpuMs < 0 ? end : s.cpuMs;
          const late = a.outcome !== 'ok' && a.endMs >= 0 && end > a.endMs;
          return (
            <g key={`a${a.n}s${i}`} data-testid="micro-span">
              <text x={8 + 8 * depthOf(a.spans, i)} y={y + ROW - 3} className="micro-axis-text">
                {model.ops[s.op]!.name}
              </text>
              <rect
                x={x(s.startMs)}
                y={y + 2}
                width={Math.max(1, x(cpu) - x(s.startMs))}
                height={ROW - 4}
                className="micro-span-wait"
              />
              <rect
                x={x(cpu)}
                y={y + 2}
                width={Math.max(1, x(end) - x(cpu))}
                height={ROW - 4}
                className={late ? 'micro-span-late' : 'micro-span-run'}
              />
            </g>
          );
        });
        return [head, ...spans];
      })}
    </svg>
  );
}
