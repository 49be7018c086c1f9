// The UI thread's handle on lab.worker.ts: one module worker for the page's lifetime, wrapped with
// comlink. A worker that fails to load turns pending runs into one-line errors instead of hanging.
import * as Comlink from 'comlink';
import { oneLine } from './protocol';
import type { LabId, ParamValue } from '../../core/experiments/types';
import type { LabWorkerApi, ProgressListener, RunOutcome, ViewOutcome } from './protocol';

export class LabClient {
  private readonly worker: Worker;
  private readonly remote: Comlink.Remote<LabWorkerApi>;
  private readonly failed: Promise<{ kind: 'error'; message: string }>;

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

  /** Build a lab's live view in the worker (see core LabView); errors come back as one line. */
  async view(
    lab: LabId,
    rawParams: Record<string, ParamValue>,
    seed: string | number,
    onProgress: ProgressListener = () => {},
  ): Promise<ViewOutcome> {
    try {
      return await Promise.race([
        this.remote.view(lab, rawParams, seed, Comlink.proxy(onProgress)),
        this.failed,
      ]);
    } catch (e) {
      return { kind: 'error', message: oneLine(e) };
    }
  }

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
