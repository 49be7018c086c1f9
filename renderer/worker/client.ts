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
 * A view stream in progress: `done` settles when the worker has finished with it (chunks travel on their
 * own port, so the last may land after `done`: a stream's own end marker says it is complete).
 */
export interface ViewStream {
  done: Promise<StreamOutcome>;
  /** Stop this stream only: no chunk reaches the listener afterwards, and the worker stops at its next check. */
  cancel(): void;
}

export class LabClient {
  private readonly worker: Worker;
  private readonly remote: Comlink.Remote<LabWorkerApi>;
  private readonly failed: Promise<{ kind: 'error'; message: string }>;
  private lastStreamId = 0;

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

  async run(
    id: string,
    rawParams: Record<string, ParamValue>,
    seed: string | number,
    onProgress: ProgressListener,
  ): Promise<RunOutcome> {
    try {
      return await Promise.race([
        this.remote.run(id, rawParams, seed, Comlink.proxy(onProgress)),
        this.failed,
      ]);
    } catch (e) {
      return { kind: 'error', message: oneLine(e) };
    }
  }

  /**
   * Build a lab's whole live view in the worker (core BuiltLabView; the tpu and mesh views use this path);
   * errors come back as one line.
   */
  async view<L extends LabId>(
    lab: L,
    rawParams: Record<string, ParamValue>,
    seed: string | number,
    onProgress: ProgressListener = () => {},
  ): Promise<ViewOutcome<ViewModels[L]>> {
    try {
      // The worker built lab L's view (core/labs.ts buildLabView); comlink's types lose the correlation.
      const outcome = this.remote.view(lab, rawParams, seed, Comlink.proxy(onProgress)) as Promise<
        ViewOutcome<ViewModels[L]>
      >;
      return await Promise.race([outcome, this.failed]);
    } catch (e) {
      return { kind: 'error', message: oneLine(e) };
    }
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
  ): ViewStream {
    const id = ++this.lastStreamId;
    let live = true;
    // Chunks of lab L's view (core/labs.ts streamLabView); comlink's types lose the correlation.
    const listener = Comlink.proxy((chunk: ViewModels[LabId]) => {
      if (live) onChunk(chunk as ViewModels[L]);
    });
    const done = Promise.race([
      this.remote.viewStream(lab, rawParams, seed, id, listener),
      this.failed,
    ]).catch((e: unknown): StreamOutcome => ({ kind: 'error', message: oneLine(e) }));
    return {
      done,
      cancel: () => {
        if (!live) return;
        live = false;
        void this.remote.cancelStream(id);
      },
    };
  }

  /** Cancel every experiment run and whole-view build in progress (streams have their own `cancel`). */
  cancel(): void {
    void this.remote.cancel();
  }
}

let client: LabClient | null = null;

/** The page's one worker client, created on first use. */
export function labClient(): LabClient {
  client ??= new LabClient();
  return client;
}
