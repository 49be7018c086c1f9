// The UI thread's handle on lab.worker.ts: one module worker for the page's lifetime, wrapped with
// comlink. A worker that fails to load turns pending runs into one-line errors instead of hanging.
import * as Comlink from 'comlink';
import { oneLine } from './protocol';
import type { LabId, ViewModels } from '../../core/labs';
import type { ParamValue } from '../../core/experiments/types';
import type {
  ChunkListener,
  LabWorkerApi,
  ProgressListener,
  RunOutcome,
  StreamOutcome,
  ViewOutcome,
} from './protocol';

/**
 * One job in the worker (an experiment run, a view build or a view stream) with its own id: `cancel` stops
 * this job only, so cancelling a run never cancels the view being built beside it, nor the other way round.
 * For a stream, `done` settles when the worker has finished with it (chunks travel on their own port, so the
 * last may land after `done`: a stream's own end marker says it is complete).
 */
export interface Job<Outcome> {
  readonly id: number;
  done: Promise<Outcome>;
  /** Stop this job only (idempotent); a stream's listener gets no chunk afterwards. */
  cancel(): void;
}

export class LabClient {
  private readonly worker: Worker;
  private readonly remote: Comlink.Remote<LabWorkerApi>;
  private readonly failed: Promise<{ kind: 'error'; message: string }>;
  private lastJobId = 0;

  constructor() {
    this.worker = new Worker(new URL('./lab.worker.ts', import.meta.url), { type: 'module' });
    this.remote = Comlink.wrap<LabWorkerApi>(this.worker);
    this.failed = new Promise((resolve) => {
      this.worker.addEventListener('error', (event) => {
        resolve({
          kind: 'error',
          message: `the simulation worker failed: ${event.message || 'could not load'}`,
        });
      });
    });
  }

  /** Start a job: `start` gets its id; errors (a worker that failed, a rejected call) come back as one line. */
  private job<Outcome extends { kind: string }>(
    start: (id: number) => Promise<Outcome>,
    onCancel: () => void = () => {},
  ): Job<Outcome> {
    const id = ++this.lastJobId;
    let settled = false;
    let cancelled = false;
    // Every outcome type has an error case of this shape.
    const done = (Promise.race([start(id), this.failed]) as Promise<Outcome>)
      .catch((e: unknown) => ({ kind: 'error', message: oneLine(e) }) as unknown as Outcome)
      .finally(() => {
        settled = true;
      });
    return {
      id,
      done,
      cancel: () => {
        if (cancelled || settled) return;
        cancelled = true;
        onCancel();
        void this.remote.cancel(id);
      },
    };
  }

  /** Run one experiment in the worker; progress arrives through `onProgress`. */
  run(
    expId: string,
    rawParams: Record<string, ParamValue>,
    seed: string | number,
    onProgress: ProgressListener,
  ): Job<RunOutcome> {
    return this.job<RunOutcome>((id) =>
      this.remote.run(expId, rawParams, seed, id, Comlink.proxy(onProgress)),
    );
  }

  /**
   * Build a lab's whole live view in the worker (core BuiltLabView; the tpu and mesh views use this path);
   * errors come back as one line.
   */
  view<L extends LabId>(
    lab: L,
    rawParams: Record<string, ParamValue>,
    seed: string | number,
    onProgress: ProgressListener = () => {},
  ): Job<ViewOutcome<ViewModels[L]>> {
    // The worker built lab L's view (core/labs.ts buildLabView); comlink's types lose the correlation.
    return this.job(
      (id) =>
        this.remote.view(lab, rawParams, seed, id, Comlink.proxy(onProgress)) as Promise<
          ViewOutcome<ViewModels[L]>
        >,
    );
  }

  /**
   * Stream a lab's live view from the worker (core StreamingLabView; the kv view): `onChunk` gets each chunk
   * as the simulation produces it, until the stream ends or is cancelled.
   */
  viewStream<L extends LabId>(
    lab: L,
    rawParams: Record<string, ParamValue>,
    seed: string | number,
    onChunk: ChunkListener<ViewModels[L]>,
  ): Job<StreamOutcome> {
    let live = true;
    // Chunks of lab L's view (core/labs.ts streamLabView); comlink's types lose the correlation.
    const listener = Comlink.proxy((chunk: ViewModels[LabId]) => {
      if (live) onChunk(chunk as ViewModels[L]);
    });
    return this.job<StreamOutcome>(
      (id) => this.remote.viewStream(lab, rawParams, seed, id, listener),
      () => {
        live = false;
      },
    );
  }
}

let client: LabClient | null = null;

/** The page's one worker client, created on first use. */
export function labClient(): LabClient {
  client ??= new LabClient();
  return client;
}
