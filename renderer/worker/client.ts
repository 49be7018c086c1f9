// The UI thread's handle on lab.worker.ts: one module worker at a time, wrapped with comlink. A worker that
// fails to load turns pending runs into one-line errors instead of hanging; one that does not answer a
// cancel within ANSWER_MS, or (a heartbeat while jobs are pending) any ping for SILENT_MS, is terminated and
// replaced, its pending jobs ending with one line that says so.
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

/** How long a worker has to answer a cancel before it counts as stuck: terminated and replaced. */
export const ANSWER_MS = 2000;

/** The one line every job pending on a stuck worker ends with. */
export const RESTARTED_MESSAGE = 'the simulation worker stopped answering; restarted it';

/** While jobs are pending the client pings the worker this often. */
export const HEARTBEAT_MS = 1000;
/**
 * A worker that has answered no ping for this long is stuck in a loop that never yields (a healthy job yields
 * every few ms, lab.worker.ts): terminated and replaced even when nobody pressed Cancel.
 */
export const SILENT_MS = 10_000;

/** The one line jobs end with when the heartbeat finds their worker silent. */
export function silentMessage(silentMs: number): string {
  return `the simulation worker did not answer for ${Math.round(silentMs / 1000)} s (stuck in a long loop); restarted it`;
}

export interface ClientTiming {
  answerMs: number;
  heartbeatMs: number;
  silentMs: number;
}

/** What the client needs of a Worker (a fake one in tests). */
export type WorkerLike = Comlink.Endpoint & { terminate(): void };

type Failure = { kind: 'error'; message: string };

/** One worker and its comlink handle; `failed` settles (once) when its pending jobs must end as errors. */
interface Instance {
  worker: WorkerLike;
  remote: Comlink.Remote<LabWorkerApi>;
  failed: Promise<Failure>;
  fail(message: string): void;
  /** Jobs started on it and not settled. */
  pending: number;
  /** The heartbeat's timer while jobs are pending. */
  heartbeat?: ReturnType<typeof setInterval>;
  /** When it last answered a ping (or the heartbeat started), ms (performance.now). */
  answeredAt: number;
  pingInFlight: boolean;
}

function spawn(makeWorker: () => WorkerLike): Instance {
  const worker = makeWorker();
  let fail: (message: string) => void = () => {};
  const failed = new Promise<Failure>((resolve) => {
    fail = (message) => resolve({ kind: 'error', message });
  });
  worker.addEventListener('error', (event) => {
    fail(`the simulation worker failed: ${(event as ErrorEvent).message || 'could not load'}`);
  });
  return {
    worker,
    remote: Comlink.wrap<LabWorkerApi>(worker),
    failed,
    fail,
    pending: 0,
    answeredAt: 0,
    pingInFlight: false,
  };
}

function moduleWorker(): WorkerLike {
  return new Worker(new URL('./lab.worker.ts', import.meta.url), { type: 'module' });
}

export class LabClient {
  private current: Instance;
  private lastJobId = 0;
  private readonly timing: ClientTiming;
  /** Workers replaced because they stopped answering (for tests and the status line). */
  restarts = 0;

  constructor(
    private readonly makeWorker: () => WorkerLike = moduleWorker,
    timing: Partial<ClientTiming> = {},
  ) {
    this.timing = { answerMs: ANSWER_MS, heartbeatMs: HEARTBEAT_MS, silentMs: SILENT_MS, ...timing };
    this.current = spawn(makeWorker);
  }

  /**
   * A worker that has not answered a cancel in `answerMs`, or a ping in `silentMs`, is stuck (a loop that never
   * yields): terminate it, end its pending jobs with `message` and start a fresh one for later jobs.
   */
  private restart(stuck: Instance, message = RESTARTED_MESSAGE): void {
    this.stopHeartbeat(stuck);
    if (stuck !== this.current) return;
    this.restarts++;
    stuck.worker.terminate();
    this.current = spawn(this.makeWorker);
    stuck.fail(message);
  }

  /** A job started on `instance`: the heartbeat runs while any is pending. */
  private jobStarted(instance: Instance): void {
    instance.pending++;
    if (instance.heartbeat !== undefined) return;
    instance.answeredAt = performance.now();
    instance.heartbeat = setInterval(() => this.beat(instance), this.timing.heartbeatMs);
  }

  private jobSettled(instance: Instance): void {
    instance.pending--;
    if (instance.pending <= 0) this.stopHeartbeat(instance);
  }

  private stopHeartbeat(instance: Instance): void {
    clearInterval(instance.heartbeat);
    instance.heartbeat = undefined;
  }

  /** One heartbeat: restart a worker silent for `silentMs`, else ping it (one ping in flight at a time). */
  private beat(instance: Instance): void {
    if (performance.now() - instance.answeredAt > this.timing.silentMs) {
      this.restart(instance, silentMessage(this.timing.silentMs));
      return;
    }
    if (instance.pingInFlight) return;
    instance.pingInFlight = true;
    instance.remote.ping().then(
      () => {
        instance.pingInFlight = false;
        instance.answeredAt = performance.now();
      },
      () => {},
    );
  }

  /** Start a job: `start` gets its id; errors (a worker that failed, a rejected call) come back as one line. */
  private job<Outcome extends { kind: string }>(
    start: (remote: Comlink.Remote<LabWorkerApi>, id: number) => Promise<Outcome>,
    onCancel: () => void = () => {},
  ): Job<Outcome> {
    const id = ++this.lastJobId;
    const instance = this.current;
    this.jobStarted(instance);
    let settled = false;
    let cancelled = false;
    let watchdog: ReturnType<typeof setTimeout> | undefined;
    // Every outcome type has an error case of this shape.
    // A failed worker ends the job as an error and (a stream) its listener gets nothing more.
    const failed = instance.failed.then((failure) => {
      if (!settled) onCancel();
      return failure;
    });
    const done = (Promise.race([start(instance.remote, id), failed]) as Promise<Outcome>)
      .catch((e: unknown) => ({ kind: 'error', message: oneLine(e) }) as unknown as Outcome)
      .finally(() => {
        settled = true;
        clearTimeout(watchdog);
        this.jobSettled(instance);
      });
    return {
      id,
      done,
      cancel: () => {
        if (cancelled || settled) return;
        cancelled = true;
        onCancel();
        watchdog = setTimeout(() => this.restart(instance), this.timing.answerMs);
        instance.remote.cancel(id).then(
          () => clearTimeout(watchdog),
          () => {},
        );
      },
    };
  }

  /** Stop this client's worker for good (a sweep's pool closes its workers when it ends). */
  dispose(): void {
    this.stopHeartbeat(this.current);
    this.current.worker.terminate();
    this.current.fail('the simulation worker was closed');
  }

  /** Run one experiment in the worker; progress arrives through `onProgress`. */
  run(
    expId: string,
    rawParams: Record<string, ParamValue>,
    seed: string | number,
    onProgress: ProgressListener,
  ): Job<RunOutcome> {
    return this.job<RunOutcome>((remote, id) =>
      remote.run(expId, rawParams, seed, id, Comlink.proxy(onProgress)),
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
      (remote, id) =>
        remote.view(lab, rawParams, seed, id, Comlink.proxy(onProgress)) as Promise<
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
      (remote, id) => remote.viewStream(lab, rawParams, seed, id, listener),
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
