// A sweep's self-contained report.html: the experiment, the grid, each chosen metric charted over the grid
// (core/sweep/charts.ts) and a table of every run; drawn by the same Chart as the experiment reports.
import { renderToStaticMarkup } from 'react-dom/server';
import { getExperiment } from '../core/labs';
import { formatParam } from '../core/experiments/params';
import { sweepCharts } from '../core/sweep/charts';
import type { SweepDoc } from '../core/sweep/sweep';
import { Chart } from './charts/Chart';
import { formatValue } from './charts/format';
import { Prose } from './Prose';
import { REPORT_CSS } from './buildReport';

function RunsTable({ doc, metrics }: { doc: SweepDoc; metrics: readonly string[] }) {
  return (
    <div className="result-table">
      <table>
        <thead>
          <tr>
            {[...doc.grid.map((a) => a.name), 'seed', ...metrics].map((c) => (
              <th key={c}>{c}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {doc.runs.map((r, i) => (
            <tr key={i}>
              {doc.grid.map((a) => (
                <td key={a.name}>{formatParam(r.params[a.name]!)}</td>
              ))}
              <td className="num">{r.seed}</td>
              {metrics.map((m) => (
                <td key={m} className="num">
                  {r.metrics[m] === undefined ? '' : formatValue(r.metrics[m])}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** How many metrics the sweep's runs report. */
function metricCount(doc: SweepDoc): number {
  return new Set(doc.runs.flatMap((r) => Object.keys(r.metrics))).size;
}

function SweepReport({ doc, metrics }: { doc: SweepDoc; metrics: readonly string[] }) {
  const experiment = getExperiment(doc.experiment);
  const fixed = Object.entries(doc.fixed);
  const charted = Object.entries(doc.published ?? {}).filter(([m]) => metrics.includes(m));
  return (
    <html lang="en">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`Sweep of ${experiment.id} — Hyperscale Lab`}</title>
        <style>{REPORT_CSS}</style>
      </head>
      <body>
        <h1>{`Sweep: ${experiment.title}`}</h1>
        <p className="paper">
          {experiment.paper} — reproduces: {experiment.figure}
        </p>
        <p>
          <Prose text={experiment.description} />
        </p>
        <h2>Grid</h2>
        <ul>
          {doc.grid.map((a) => (
            <li key={a.name}>
              <code>{a.name}</code>: {a.values.join(' · ')}
            </li>
          ))}
          <li>{`seeds 1..${doc.seeds}; ${doc.runCount} runs`}</li>
          {fixed.length > 0 && <li>{`fixed: ${fixed.map(([k, v]) => `${k}=${v}`).join(', ')}`}</li>}
        </ul>
        <h2>Charts</h2>
        <p className="muted">
          {`Each point is the mean over seeds (and over any grid axis beyond the second). Charted: ${metrics.length} of ${metricCount(doc)} metrics; sweep.csv has every one, and \`--metric NAME\` charts another.`}
        </p>
        {charted.length > 0 && (
          <p>
            {'The line “published” is the value the paper gives: '}
            {charted.map(([m, p]) => `${m} = ${formatValue(p.value)} (${p.source})`).join('; ')}.
          </p>
        )}
        <div className="charts">
          {sweepCharts(doc, metrics).map((spec) => (
            <Chart key={spec.title} spec={spec} />
          ))}
        </div>
        <h2>Runs</h2>
        <RunsTable doc={doc} metrics={metrics} />
        <footer>
          Hyperscale Lab {doc.labVersion}. sweep.json lists every run with the SHA-256 of its result.json;
          re-run one with <code>npm run lab -- run {doc.experiment} --set …</code>.
        </footer>
      </body>
    </html>
  );
}

export function buildSweepReportHtml(doc: SweepDoc, metrics: readonly string[]): string {
  return `<!doctype html>\n${renderToStaticMarkup(<SweepReport doc={doc} metrics={metrics} />)}\n`;
}
