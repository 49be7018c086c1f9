// What crosses the worker boundary: the API lab.worker.ts exposes through comlink and the outcome
// of one run (cancellation and user errors are values, so no Error has to survive structured cloning).
import type { LabId, ParamValue, Result } from '../../core/experiments/types';

export type ProgressListener = (fraction: number, label?: string) => void;

export type RunOutcome =
  { kind: 'done'; result: Result } | { kind: 'cancelled' } | { kind: 'error'; message: string };

/** A lab view's model (plain records and typed arrays), or why there is none. */
export type ViewOutcome =
  { kind: 'done'; view: unknown } | { kind: 'cancelled' } | { kind: 'error'; message: string };

export interface LabWorkerApi {
  /**
   * Run one experiment from raw params (text as typed, or a saved result's values); progress arrives
   * through the comlink-proxied listener.
   */
  run(
    id: string,
    rawParams: Record<string, ParamValue>,
    seed: string | number,
    onProgress: ProgressListener,
  ): Promise<RunOutcome>;
  /** Build a lab's live view (core LabView) from raw params; cancelled by `cancel()` like a run. */
  view(
    lab: LabId,
    rawParams: Record<string, ParamValue>,
    seed: string | number,
    onProgress: ProgressListener,
  ): Promise<ViewOutcome>;
  /** Cancel every run in progress; each ends with `{ kind: 'cancelled' }` at its next progress point. */
  cancel(): void;
}

/** One line of an error, for banners and the status line. */
export function oneLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0]?.trim() || 'unknown error';
}
