// The lab page's sweep: one or two of the experiment's parameters over a list of values each, × seeds, run
// on a pool of Web Workers; the chart of a chosen metric fills in as runs land; the sweep report (the same
// sweep.json, sweep.csv and report.html the CLI writes for the same grid) exports, and a re-run check runs
// it again and compares sweep.json byte for byte.
import { useMemo, useRef, useState } from 'react';
import type { Experiment, Result } from '../../core/experiments/types';
import { formatParam } from '../../core/experiments/params';
import {
  checkRuns,
  planSweep,
  serializeSweep,
  sharedPublished,
  sweepCsv,
  sweepDoc,
  sweepRun,
} from '../../core/sweep/sweep';
import type { SweepDoc, SweepPlan } from '../../core/sweep/sweep';
import { defaultSweepMetrics, sweepCharts } from '../../core/sweep/charts';
import { Chart } from '../../report/charts/Chart';
import { buildSweepReportHtml } from '../../report/sweepReport';
import type { Host } from '../host/host';
import { runSweepPool } from '../worker/sweepPool';
import type { SweepJob } from '../worker/sweepPool';
import { useElementSize } from './useElementSize';

interface Props {
  experiment: Experiment;
  /** The experiment form's values: those that differ from the defaults stay fixed for every run. */
  values: Readonly<Record<string, string>>;
  host: Host;
}

interface Axis {
  name: string;
  values: string;
}

const WORKERS = Math.max(1, Math.min(16, navigator.hardwareConcurrency || 2));

/** The form's values that differ from the defaults, without the swept ones: the sweep's fixed parameters. */
function fixedOf(experiment: Experiment, values: Readonly<Record<string, string>>, swept: string[]) {
  return Object.fromEntries(
    Object.entries(values).filter(
      ([k, v]) =>
        !swept.includes(k) && experiment.params[k] && formatParam(experiment.params[k].default) !== v,
    ),
  );
}

/** The axis as a --grid spec: values split on ',' (or ';'), list-valued parameters on ';' only. */
function specOf(experiment: Experiment, axis: Axis): string {
  const kind = experiment.params[axis.name]?.kind;
  const list = kind === 'int-list' || kind === 'enum-list';
  return `${axis.name}=${list ? axis.values : axis.values.replace(/;/g, ',')}`;
}

export function SweepPanel({ experiment, values, host }: Props) {
  const names = Object.keys(experiment.params);
  const [axes, setAxes] = useState<Axis[]>(() => [{ name: names[0]!, values: values[names[0]!] ?? '' }]);
  const [seeds, setSeeds] = useState('1');
  const [error, setError] = useState('');
  const [state, setState] = useState<{
    plan: SweepPlan;
    results: Result[];
    hashes: string[];
    done: number;
  } | null>(null);
  const [status, setStatus] = useState('');
  const [metric, setMetric] = useState('');
  const job = useRef<SweepJob | null>(null);
  const [{ width }, ref] = useElementSize({ width: 700, height: 0 });

  const doc: SweepDoc | null = useMemo(() => {
    if (!state) return null;
    const landed = state.plan.runs.map((_, i) => i).filter((i) => state.results[i]);
    const runs = landed.map((i) => sweepRun(state.results[i]!, state.hashes[i]!));
    return sweepDoc(state.plan, runs, sharedPublished(landed.map((i) => state.results[i]!)));
  }, [state]);

  const plan = (): SweepPlan | null => {
    try {
      const swept = axes.map((a) => a.name);
      // Seeds as the CLI reads them: a whole number in decimal ("1e1" is refused there too).
      const seedCount = /^\d+$/.test(seeds.trim()) ? Number(seeds.trim()) : NaN;
      const p = planSweep(
        experiment,
        axes.map((a) => specOf(experiment, a)),
        seedCount,
        fixedOf(experiment, values, swept),
      );
      checkRuns(experiment, p.runs);
      return p;
    } catch (e) {
      // The core names the CLI's flag (`--grid servers=…`); here the grid is this panel's fields.
      setError(String((e as Error).message).replaceAll('--grid ', 'sweep of '));
      return null;
    }
  };

  /** Run the planned sweep; `then` gets the finished sweep.json text. */
  const workersFor = (p: SweepPlan) => `on ${Math.min(WORKERS, p.runs.length)} worker(s)`;

  /** Run a new sweep from the form: its runs fill `state` (and the chart) as they land. */
  const start = () => {
    setError('');
    const p = plan();
    if (!p) return;
    const fresh = { plan: p, results: [] as Result[], hashes: [] as string[], done: 0 };
    setState(fresh);
    setStatus(`0/${p.runs.length} runs ${workersFor(p)}`);
    job.current = runSweepPool(p, WORKERS, (i, result, hash) => {
      fresh.results[i] = result;
      fresh.hashes[i] = hash;
      fresh.done++;
      setState({ ...fresh });
      setStatus(`${fresh.done}/${p.runs.length} runs ${workersFor(p)}`);
    });
    void job.current.done.then((outcome) => {
      job.current = null;
      if (outcome.kind === 'error') setError(outcome.message);
      if (outcome.kind === 'cancelled') setStatus(`cancelled after ${fresh.done}/${p.runs.length} runs`);
      if (outcome.kind === 'done') setStatus(`done: ${p.runs.length} runs`);
    });
  };

  /** Run the shown sweep's own plan again, beside it, and compare sweep.json byte for byte. */
  const recheck = () => {
    if (!state || !doc) return;
    const saved = serializeSweep(doc);
    const p = state.plan;
    let landed = 0;
    setStatus(`re-running to check: 0/${p.runs.length} runs ${workersFor(p)}`);
    job.current = runSweepPool(p, WORKERS, () =>
      setStatus(`re-running to check: ${++landed}/${p.runs.length} runs`),
    );
    void job.current.done.then((outcome) => {
      job.current = null;
      if (outcome.kind === 'error') setError(outcome.message);
      if (outcome.kind === 'cancelled') setStatus('re-run check cancelled (the sweep shown is kept)');
      if (outcome.kind !== 'done') return;
      const runs = outcome.results.map((r, i) => sweepRun(r, outcome.hashes[i]!));
      const text = serializeSweep(sweepDoc(p, runs, sharedPublished(outcome.results)));
      setStatus(text === saved ? 'sweep.json byte-identical on re-run ✓' : 'sweep.json differs on re-run ✗');
    });
  };

  const finished = doc !== null && state !== null && state.done === state.plan.runs.length;
  const exportReport = () => {
    if (!doc) return;
    void host
      .saveReport({
        suggestedName: `${experiment.id}-sweep`,
        files: {
          'report.html': buildSweepReportHtml(doc, metricsShown),
          'sweep.json': serializeSweep(doc),
          'sweep.csv': sweepCsv(doc),
        },
      })
      .then(
        (where) => where && setStatus(`saved ${where}`),
        (e: unknown) => setError(String((e as Error).message ?? e)),
      );
    // A browser tab downloads only report.html from saveReport: offer the sweep's data files too.
    host.download?.('sweep.json', serializeSweep(doc), 'application/json');
    host.download?.('sweep.csv', sweepCsv(doc), 'text/csv');
  };

  const known = doc?.runs[0] ? Object.keys(doc.runs[0].metrics) : [];
  const metricsShown = metric ? [metric] : doc ? defaultSweepMetrics(doc).slice(0, 2) : [];
  const charts = doc && doc.runs.length ? sweepCharts(doc, metricsShown) : [];
  return (
    <section className="sweep-panel" data-testid="sweep-panel" aria-label="Sweep" ref={ref}>
      <p className="muted">
        Run this experiment over a grid of values (separated by commas; by ‘;’ for a list parameter) × seeds
        1..N on {WORKERS} worker(s). The form’s other values that differ from the defaults stay fixed.
      </p>
      {axes.map((axis, i) => (
        <div className="sweep-axis" key={i}>
          <span className="sweep-label">{i === 0 ? 'Sweep' : 'and'}</span>
          <select
            data-testid={`sweep-param-${i}`}
            value={axis.name}
            onChange={(e) =>
              setAxes(
                axes.map((a, j) =>
                  j === i ? { name: e.target.value, values: values[e.target.value] ?? '' } : a,
                ),
              )
            }
          >
            {names.map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
          <input
            type="text"
            data-testid={`sweep-values-${i}`}
            aria-label={`values of ${axis.name}`}
            value={axis.values}
            placeholder="v1, v2, …"
            onChange={(e) => setAxes(axes.map((a, j) => (j === i ? { ...a, values: e.target.value } : a)))}
          />
          {i === 1 && (
            <button type="button" className="ghost" onClick={() => setAxes(axes.slice(0, 1))}>
              remove
            </button>
          )}
        </div>
      ))}
      <div className="sweep-actions">
        {axes.length === 1 && (
          <button
            type="button"
            className="ghost"
            onClick={() => setAxes([...axes, { name: names[1] ?? names[0]!, values: '' }])}
          >
            + second parameter
          </button>
        )}
        <span className="sweep-label">seeds 1..</span>
        <input
          type="text"
          aria-label="seeds"
          data-testid="sweep-seeds"
          className="sweep-seeds"
          value={seeds}
          onChange={(e) => setSeeds(e.target.value)}
        />
        {job.current ? (
          <button type="button" data-testid="sweep-cancel" onClick={() => job.current?.cancel()}>
            Cancel
          </button>
        ) : (
          <button type="button" className="primary" data-testid="sweep-run" onClick={start}>
            Run sweep
          </button>
        )}
        <button type="button" disabled={!finished} data-testid="sweep-export" onClick={exportReport}>
          Export sweep report
        </button>
        <button
          type="button"
          disabled={!finished || job.current !== null}
          data-testid="sweep-recheck"
          onClick={recheck}
        >
          Re-run check
        </button>
        <span className="sweep-status" data-testid="sweep-status">
          {status}
        </span>
      </div>
      {error && (
        <div className="sweep-error" role="alert" data-testid="sweep-error">
          {error}
        </div>
      )}
      {known.length > 0 && (
        <div className="sweep-metric">
          <span className="sweep-label" data-testid="sweep-metric-count">
            {`charting ${metricsShown.length} of ${known.length} metrics:`}
          </span>
          <select data-testid="sweep-metric" value={metric} onChange={(e) => setMetric(e.target.value)}>
            <option value="">default (metrics that vary, compared ones first)</option>
            {known.map((m) => (
              <option key={m} value={m}>
                {m}
              </option>
            ))}
          </select>
        </div>
      )}
      <div className="charts-grid" data-testid="sweep-charts">
        {charts.map((spec) => (
          <figure className="card chart-card" key={spec.title}>
            <Chart
              spec={spec}
              width={Math.max(320, Math.floor(width / (charts.length > 1 && width >= 760 ? 2 : 1)) - 16)}
              height={250}
            />
          </figure>
        ))}
      </div>
    </section>
  );
}
