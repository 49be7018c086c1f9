// The form's footer: the first invalid field named beside Run, Run / Cancel / Reset, and the progress of
// the run in the worker (fraction and the core's label). It stays in view while the fields scroll.
import type { RunStatus } from '../state/useRunner';

/** A field whose value stops Run: its name (for focusing), label and error. */
export interface FormProblem {
  name: string;
  label: string;
  error: string;
}

interface Props {
  status: RunStatus;
  canRun: boolean;
  /** Invalid fields in form order; the first is named, the others counted. */
  problems: readonly FormProblem[];
  onShowProblem(name: string): void;
  onCancel(): void;
  onReset(): void;
}

/** One line for the run's state (also used by the status line). */
export function statusText(status: RunStatus): string {
  switch (status.phase) {
    case 'idle':
      return status.note ?? 'Ready';
    case 'running': {
      const what = status.purpose === 'check' ? 'Re-running' : 'Running';
      const pct = `${Math.floor(status.fraction * 100)}%`;
      return `${what} ${pct}${status.label ? ` · ${status.label}` : ''}`;
    }
    case 'done':
      return `${status.purpose === 'check' ? 'Re-run done' : 'Done'} in ${(status.elapsedMs / 1000).toFixed(2)} s`;
    case 'cancelled':
      return 'Cancelled';
    case 'error':
      return `Failed: ${status.message}`;
  }
}

/** The footer's line: the status, named by its experiment (the footer stays while labs change). */
export function footerText(status: RunStatus): string {
  return status.phase === 'idle' ? statusText(status) : `${status.expId}: ${statusText(status)}`;
}

function fractionOf(status: RunStatus): number {
  if (status.phase === 'running') return status.fraction;
  return status.phase === 'done' ? 1 : 0;
}

function ProblemSummary({
  problems,
  onShow,
}: {
  problems: readonly FormProblem[];
  onShow(name: string): void;
}) {
  const [first] = problems;
  if (!first) return null;
  const others = problems.length - 1;
  const text = `${first.label}: ${first.error}${others > 0 ? ` (+${others} more)` : ''}`;
  return (
    <button
      type="button"
      className="form-problem"
      data-testid="form-error-summary"
      data-field={first.name}
      title={`${text} — click to show the field`}
      onClick={() => onShow(first.name)}
    >
      <span aria-hidden="true">⚠</span> Run is off: <strong>{first.label}</strong> — {first.error}
      {others > 0 && <span className="more"> (+{others} more)</span>}
    </button>
  );
}

export function RunControls({ status, canRun, problems, onShowProblem, onCancel, onReset }: Props) {
  const running = status.phase === 'running';
  const fraction = fractionOf(status);
  return (
    <div className="run-controls" data-testid="run-controls">
      <ProblemSummary problems={canRun ? [] : problems} onShow={onShowProblem} />
      <div className="button-row">
        <button
          type="submit"
          className="primary"
          data-testid="run-button"
          disabled={!canRun}
          title="Run (Enter in a field, Ctrl/Cmd+Enter anywhere)"
        >
          Run
        </button>
        <button
          type="button"
          data-testid="cancel-button"
          disabled={!running}
          onClick={onCancel}
          title="Cancel (Esc)"
        >
          Cancel
        </button>
        <div
          className={`progress-text progress-${status.phase}`}
          data-testid="run-status"
          title={statusText(status)}
        >
          {statusText(status)}
        </div>
        <button
          type="button"
          className="ghost"
          data-testid="reset-button"
          onClick={onReset}
          title="Reset every parameter and the seed to the experiment's defaults"
        >
          Reset
        </button>
      </div>
      <div
        className={`progress progress-${status.phase}`}
        data-testid="progress"
        data-state={status.phase}
        role="progressbar"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={Math.round(fraction * 100)}
        aria-valuetext={statusText(status)}
      >
        <div className="progress-track">
          <div className="progress-fill" style={{ width: `${(fraction * 100).toFixed(1)}%` }} />
        </div>
      </div>
    </div>
  );
}
