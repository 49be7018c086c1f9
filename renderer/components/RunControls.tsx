// Run / Cancel / Reset and the progress bar of the run in the worker (fraction and the core's label).
import type { RunStatus } from '../state/useRunner';

interface Props {
  status: RunStatus;
  canRun: boolean;
  onCancel(): void;
  onReset(): void;
}

/** One line for the run's state (also used by the status line). */
export function statusText(status: RunStatus): string {
  switch (status.phase) {
    case 'idle':
      return 'Ready';
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

function fractionOf(status: RunStatus): number {
  if (status.phase === 'running') return status.fraction;
  return status.phase === 'done' ? 1 : 0;
}

export function RunControls({ status, canRun, onCancel, onReset }: Props) {
  const running = status.phase === 'running';
  const fraction = fractionOf(status);
  return (
    <div className="run-controls">
      <div className="button-row">
        <button
          type="submit"
          className="primary"
          data-testid="run-button"
          disabled={!canRun}
          title="Run (Enter, Ctrl/Cmd+Enter)"
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
        <button type="button" className="ghost" data-testid="reset-button" onClick={onReset}>
          Reset to defaults
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
        <div className="progress-text" data-testid="run-status">
          {statusText(status)}
        </div>
      </div>
    </div>
  );
}
