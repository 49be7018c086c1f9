// The shown result: summary metrics, the comparison with the paper, charts derived by the
// experiment, tables and params (drawn by report/), and its exports.
import { useMemo } from 'react';
import type { Experiment, Result } from '../../core/experiments/types';
import { Chart } from '../../report/charts/Chart';
import { ComparisonTable, MetricsList, ParamsTable, ResultTables } from '../../report/ResultView';
import { ErrorBoundary } from './ErrorBoundary';
import { useElementSize } from './useElementSize';

export type CheckStatus =
  | { status: 'running' }
  | { status: 'same' }
  | { status: 'differs'; detail: string }
  | { status: 'failed'; detail: string };

interface Props {
  experiment: Experiment;
  result: Result;
  /** The inputs no longer match this result. */
  stale: boolean;
  check: CheckStatus | null;
  canDownload: boolean;
  onExport(): void;
  onDownload(file: 'result.json' | { table: string }): void;
  onRecheck(): void;
}

const CHART_HEIGHT = 250;
const CHART_GAP = 12;

function Charts({ experiment, result }: { experiment: Experiment; result: Result }) {
  const specs = useMemo(() => experiment.charts?.(result) ?? [], [experiment, result]);
  const [{ width }, ref] = useElementSize({ width: 800, height: 0 });
  if (specs.length === 0) return null;
  const perRow = width >= 760 ? 2 : 1;
  const chartWidth = Math.floor((width - CHART_GAP * (perRow - 1)) / perRow) - 2;
  return (
    <div className="charts-grid" ref={ref} data-testid="charts">
      {specs.map((spec, i) => (
        <figure className="card chart-card" key={`${i}-${spec.title}`}>
          <Chart spec={spec} width={chartWidth} height={CHART_HEIGHT} />
        </figure>
      ))}
    </div>
  );
}

function CheckText({ check }: { check: CheckStatus | null }) {
  if (!check) return null;
  const text = {
    running: 'checking…',
    same: 'byte-identical ✓',
    differs: 'differs ✗',
    failed: 'check failed',
  }[check.status];
  const detail = 'detail' in check ? check.detail : undefined;
  return (
    <span className={`check check-${check.status}`} data-testid="rerun-status" title={detail}>
      {text}
      {detail && <span className="check-detail"> — {detail}</span>}
    </span>
  );
}

function Actions(props: Props) {
  const { result, canDownload, check } = props;
  return (
    <div className="actions">
      <button type="button" className="primary" data-testid="export-report" onClick={props.onExport}>
        Export report
      </button>
      {canDownload && (
        <>
          <button type="button" data-testid="download-json" onClick={() => props.onDownload('result.json')}>
            result.json
          </button>
          {Object.keys(result.tables).map((table) => (
            <button
              type="button"
              key={table}
              data-testid={`download-csv-${table}`}
              onClick={() => props.onDownload({ table })}
            >
              {table}.csv
            </button>
          ))}
        </>
      )}
      <button
        type="button"
        data-testid="rerun-check"
        disabled={check?.status === 'running'}
        onClick={props.onRecheck}
        title="Run this result's experiment, params and seed again and compare the bytes"
      >
        Re-run check
      </button>
      <CheckText check={check} />
    </div>
  );
}

export function ResultsPanel(props: Props) {
  const { experiment, result, stale } = props;
  return (
    <section className="results" data-testid="results" aria-label="Result">
      <header className="results-head">
        <div className="results-title">
          <h2>Result</h2>
          <span className="meta">
            {result.experiment} · seed {result.seed} · lab v{result.labVersion}
          </span>
          {stale && (
            <span className="stale" data-testid="stale-note">
              inputs changed since this result — Run to update
            </span>
          )}
        </div>
        <Actions {...props} />
      </header>
      <ErrorBoundary what="the result">
        <div className="card">
          <h3>Compared with the paper</h3>
          <ComparisonTable result={result} experiment={experiment} />
        </div>
        <Charts experiment={experiment} result={result} />
        <div className="card">
          <h3>Summary metrics</h3>
          <MetricsList result={result} />
        </div>
        <div className="card">
          <h3>Tables</h3>
          <ResultTables result={result} />
        </div>
        <div className="card">
          <h3>Parameters</h3>
          <ParamsTable result={result} experiment={experiment} />
        </div>
      </ErrorBoundary>
    </section>
  );
}
