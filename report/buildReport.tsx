// The self-contained report: report.html (inline CSS and SVG charts, the full result embedded for
// `rerun`), result.json, and one CSV per table. Used by the app's Export and by the CLI alike.
import { renderToStaticMarkup } from 'react-dom/server';
import { getExperiment } from '../core/labs';
import { EMBED_ID, escapeForEmbed, serializeResult, tableToCsv } from '../core/experiments/result';
import type { ReportFiles } from '../core/experiments/result';
import type { Result } from '../core/experiments/types';
import { Chart } from './charts/Chart';
import { Prose } from './Prose';
import { ComparisonTable, MetricsList, ParamsTable, ResultTables } from './ResultView';

export const REPORT_CSS = `
:root { color-scheme: light; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2rem auto; max-width: 60rem; color: #1d232b; padding: 0 1rem; }
h1 { font-size: 1.5rem; margin-bottom: .2rem; } h2 { font-size: 1.1rem; margin-top: 2rem; border-bottom: 1px solid #dde2e8; padding-bottom: .2rem; }
h3 { font-size: .95rem; margin: 1.2rem 0 .4rem; } .muted, .paper { color: #5b6773; }
table { border-collapse: collapse; font-size: 13px; margin: .3rem 0; } th, td { padding: .25rem .6rem; border-bottom: 1px solid #e6e9ee; text-align: left; }
th { background: #f3f5f8; font-weight: 600; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
.charts { display: flex; flex-wrap: wrap; gap: 1rem; } .chart { color: #1d232b; background: #fff; border: 1px solid #e6e9ee; border-radius: 4px; }
.no-comparison, .comparison-note { background: #fff8e6; border-left: 3px solid #e69f00; padding: .5rem .8rem; }
.result-table { overflow-x: auto; }
footer { margin-top: 3rem; font-size: 12px; color: #5b6773; }
`;

function Report({ result }: { result: Result }) {
  const experiment = getExperiment(result.experiment);
  const charts = experiment.charts?.(result) ?? [];
  return (
    <html lang="en">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${result.title} — Hyperscale Lab report`}</title>
        <style>{REPORT_CSS}</style>
      </head>
      <body>
        <h1>{result.title}</h1>
        <p className="paper">
          {result.paper} — reproduces: {experiment.figure}
        </p>
        <p>
          <Prose text={experiment.description} />
        </p>
        <h2>Parameters</h2>
        <ParamsTable result={result} experiment={experiment} />
        <h2>Published vs measured</h2>
        <ComparisonTable result={result} experiment={experiment} />
        {charts.length > 0 && (
          <>
            <h2>Charts</h2>
            <div className="charts">
              {charts.map((spec) => (
                <Chart key={spec.title} spec={spec} />
              ))}
            </div>
          </>
        )}
        <h2>Metrics</h2>
        <MetricsList result={result} />
        <h2>Tables</h2>
        <ResultTables result={result} />
        <footer>
          Experiment <code>{result.experiment}</code>, seed {result.seed}, Hyperscale Lab {result.labVersion}.
          Re-run with <code>npm run lab -- rerun report.html</code>; the full result is embedded in this file.
        </footer>
        <script
          type="application/json"
          id={EMBED_ID}
          dangerouslySetInnerHTML={{ __html: escapeForEmbed(serializeResult(result)) }}
        />
      </body>
    </html>
  );
}

export function buildReportHtml(result: Result): string {
  return `<!doctype html>\n${renderToStaticMarkup(<Report result={result} />)}\n`;
}

/** The file set of one report; table names become CSV file names. */
export function reportFiles(result: Result): ReportFiles {
  const files: Record<string, string> = {
    'report.html': buildReportHtml(result),
    'result.json': serializeResult(result),
  };
  for (const [name, table] of Object.entries(result.tables)) files[`${name}.csv`] = tableToCsv(table);
  return { suggestedName: `${result.experiment}-seed${result.seed}`, files };
}
