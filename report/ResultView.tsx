// Result pieces shared by the app's results pane and the exported report.html (rendered to static
// markup there): parameters, metrics, the published-vs-measured table, and the result's tables.
import type { ReactNode } from 'react';
import type { Experiment, Result } from '../core/experiments/types';
import { displayParam } from '../core/experiments/params';
import { comparisonRows } from '../core/experiments/result';
import { Prose } from './Prose';
import { formatValue } from './charts/format';

export function ParamsTable({ result, experiment }: { result: Result; experiment: Experiment }) {
  return (
    <table className="params">
      <thead>
        <tr>
          <th>parameter</th>
          <th>value</th>
          <th>unit</th>
        </tr>
      </thead>
      <tbody>
        {Object.entries(result.params).map(([name, value]) => (
          <tr key={name}>
            <td title={experiment.params[name]?.help}>{experiment.params[name]?.label ?? name}</td>
            <td className="num">{displayParam(value)}</td>
            <td>{experiment.params[name]?.unit ?? ''}</td>
          </tr>
        ))}
        <tr>
          <td>seed</td>
          <td className="num">{result.seed}</td>
          <td />
        </tr>
      </tbody>
    </table>
  );
}

/** A dotted or dashed metric name with line-break opportunities after each `.` and `-` (<wbr>, not text). */
function breakable(name: string): ReactNode[] {
  return name.split(/(?<=[.-])/).flatMap((part, i) => (i === 0 ? [part] : [<wbr key={i} />, part]));
}

export function ComparisonTable({ result, experiment }: { result: Result; experiment: Experiment }) {
  const ran = result.environment?.adapter;
  const rows = comparisonRows(result, experiment);
  const note = experiment.comparisonNote;
  if (rows.length === 0) {
    return (
      <p className="no-comparison" data-testid="no-comparison">
        No published comparison:{' '}
        {note ? <Prose text={note} /> : 'the paper reports no number for this experiment.'}
      </p>
    );
  }
  return (
    <>
      <table className="comparisons" data-testid="comparison-table">
        <thead>
          <tr>
            <th>metric</th>
            <th>published</th>
            <th>measured</th>
            <th>measured / published</th>
            <th>source</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((c) => (
            <tr key={`${c.metric}|${c.source}`} data-wall-clock={c.wallClock || undefined}>
              <td>{breakable(c.metric)}</td>
              <td className="num">{formatValue(c.published)}</td>
              <td className="num">{formatValue(c.measured)}</td>
              <td className="num">{c.published === 0 ? '—' : `${formatValue(c.measured / c.published)}×`}</td>
              <td>
                {c.source}
                {c.wallClock ? (
                  <span className="muted"> · wall clock{ran ? ` on ${ran}` : ''}, not re-run-checked</span>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {note ? (
        <p className="comparison-note" data-testid="comparison-note">
          <Prose text={note} />
        </p>
      ) : null}
    </>
  );
}

export function MetricsList({ result }: { result: Result }) {
  const rows = [
    ...Object.entries(result.metrics).map(([k, v]) => [k, formatValue(v), ''] as const),
    ...Object.entries(result.measurements ?? {}).map(([k, v]) => [k, formatValue(v), 'wall-clock'] as const),
    ...Object.entries(result.environment ?? {}).map(([k, v]) => [k, v, 'environment'] as const),
  ];
  return (
    <table className="metrics" data-testid="metrics">
      <thead>
        <tr>
          <th>metric</th>
          <th>value</th>
          <th />
        </tr>
      </thead>
      <tbody>
        {rows.map(([k, v, note]) => (
          <tr key={k}>
            <td>{k}</td>
            <td className="num">{v}</td>
            <td className="muted">{note}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function ResultTables({ result }: { result: Result }) {
  return (
    <>
      {Object.entries(result.tables).map(([name, table]) => (
        <section key={name} className="result-table">
          <h3>{name}</h3>
          <table data-testid={`table-${name}`}>
            <thead>
              <tr>
                {table.columns.map((c) => (
                  <th key={c}>{c}</th>
                ))}
              </tr>
            </thead>
            <tbody>
              {table.rows.map((row, r) => (
                <tr key={r}>
                  {row.map((cell, i) => (
                    <td key={i} className={typeof cell === 'number' ? 'num' : undefined}>
                      {typeof cell === 'number' ? formatValue(cell) : cell}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ))}
    </>
  );
}
