// What crosses the worker boundary: the API lab.worker.ts exposes through comlink and the outcome
// of one run (cancellation and user errors are values, so no Error has to survive structured cloning).
import type { LabId, ViewModels } from '../../core/labs';
import type { ParamValue, Result } from '../../core/experiments/types';

export type ProgressListener = (fraction: number, label?: string) => void;

export type RunOutcome =
  { kind: 'done'; result: Result } | { kind: 'cancelled' } | { kind: 'error'; message: string };

/** A lab view's model (plain records and typed arrays, typed per lab by core/labs.ts), or why there is none. */
export type ViewOutcome<Model = ViewModels[LabId]> =
  { kind: 'done'; view: Model } | { kind: 'cancelled' } | { kind: 'error'; message: string };

/** Receives a streamed view's chunks in order (their typed arrays transferred, not copied). */
export type ChunkListener<Chunk = ViewModels[LabId]> = (chunk: Chunk) => void;

/** How a view stream ended: after its last chunk, cancelled, or with an error. */
export type StreamOutcome = { kind: 'done' } | { kind: 'cancelled' } | { kind: 'error'; message: string };

export interface LabWorkerApi {
  /**
   * Run one experiment from raw params (text as typed, or a saved result's values); progress arrives
   * through the comlink-proxied listener.
   */
  run(
    id: string,
    rawParams: Record<string, ParamValue>,
    seed: string | number,
    jobId: number,
    onProgress: ProgressListener,
  ): Promise<RunOutcome>;
  /**
   * Build a lab's whole live view (core BuiltLabView: the tpu and mesh views) from raw params; `jobId`
   * names it for `cancel`, like a run's.
   */
  view(
    lab: LabId,
    rawParams: Record<string, ParamValue>,
    seed: string | number,
    jobId: number,
    onProgress: ProgressListener,
  ): Promise<ViewOutcome>;
  /**
   * Stream a lab's live view (core StreamingLabView: the kv view): chunks reach `onChunk` as the simulation
   * produces them. `jobId` names the stream for `cancel`.
   */
  viewStream(
    lab: LabId,
    rawParams: Record<string, ParamValue>,
    seed: string | number,
    jobId: number,
    onChunk: ChunkListener,
  ): Promise<StreamOutcome>;
  /**
   * Cancel one job (a run, a view build or a view stream) by the id its client gave it: it ends with
   * `{ kind: 'cancelled' }` at its next progress point and (a stream) emits nothing more. Other jobs go on.
   */
  cancel(jobId: number): void;
  /**
   * The client's heartbeat while jobs are pending: answered as soon as the worker's event loop is free, which
   * a healthy job allows every few ms (it yields between units of work). No answer for long = a stuck worker.
   */
  ping(): boolean;
}

/** One line of an error, for banners and the status line. */
export function oneLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0]?.trim() || 'unknown error';
}
