// The UI thread's handle on lab.worker.ts: one module worker for new jobs, wrapped with comlink. A worker that
// fails to load turns pending runs into one-line errors instead of hanging. A cancel the worker does not answer
// within ANSWER_MS (it is inside a long stretch of work) ends that job at once and retires the worker: new jobs
// go to a fresh one, the jobs already queued on it still run there, and it is closed when they are done. A
// worker that answers no ping for SILENT_MS while jobs are pending (heartbeat) is stuck: terminated, its
// pending jobs ending with one line that says so.
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

/** How long a worker has to answer a cancel before the job ends anyway and the worker is retired. */
export const ANSWER_MS = 2000;

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
  /** No new jobs go to it (a cancel went unanswered); closed once its pending jobs are settled. */
  retired: boolean;
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
    retired: false,
    answeredAt: 0,
    pingInFlight: false,
  };
}

/** A progress listener for the worker that goes quiet once its job is cancelled (the worker may still call it). */
function mutable(listener: ProgressListener): { proxy: ProgressListener; mute: () => void } {
  let live = true;
  return {
    proxy: Comlink.proxy((fraction: number, label?: string) => {
      if (live) listener(fraction, label);
    }),
    mute: () => {
      live = false;
    },
  };
}

function moduleWorker(): WorkerLike {
  return new Worker(new URL('./lab.worker.ts', import.meta.url), { type: 'module' });
}

export class LabClient {
  private current: Instance;
  private lastJobId = 0;
  private readonly timing: ClientTiming;
  /** Workers replaced: retired after an unanswered cancel, or terminated as stuck (for tests). */
  restarts = 0;

  constructor(
    private readonly makeWorker: () => WorkerLike = moduleWorker,
    timing: Partial<ClientTiming> = {},
  ) {
    this.timing = { answerMs: ANSWER_MS, heartbeatMs: HEARTBEAT_MS, silentMs: SILENT_MS, ...timing };
    this.current = spawn(makeWorker);
  }

  /** New jobs go to a fresh worker from now on (`instance` is the current one). */
  private replace(instance: Instance): void {
    if (instance !== this.current) return;
    this.restarts++;
    this.current = spawn(this.makeWorker);
  }

  /**
   * A worker that has not answered a ping in `silentMs` is stuck (a loop that never yields): terminate it, end
   * its pending jobs with `message` and, if it was taking new jobs, start a fresh one for them.
   */
  private restart(stuck: Instance, message: string): void {
    this.stopHeartbeat(stuck);
    stuck.worker.terminate();
    stuck.fail(message);
    this.replace(stuck);
  }

  /**
   * A cancel went unanswered: the worker is in a long stretch of work. It takes no new jobs; the ones already
   * queued on it run when it gets to them, and it is closed once none is pending (or, silent, by the heartbeat).
   */
  private retire(instance: Instance): void {
    instance.retired = true;
    this.replace(instance);
    this.closeIfIdle(instance);
  }

  private closeIfIdle(instance: Instance): void {
    if (!instance.retired || instance.pending > 0) return;
    this.stopHeartbeat(instance);
    instance.worker.terminate();
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
    this.closeIfIdle(instance);
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
    // Every outcome type has a cancelled case: a cancel the worker does not answer in time ends the job so.
    let giveUp: () => void = () => {};
    const gaveUp = new Promise<{ kind: 'cancelled' }>((resolve) => {
      giveUp = () => resolve({ kind: 'cancelled' });
    });
    const done = (Promise.race([start(instance.remote, id), failed, gaveUp]) as Promise<Outcome>)
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
        watchdog = setTimeout(() => {
          giveUp();
          this.retire(instance);
        }, this.timing.answerMs);
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
    const progress = mutable(onProgress);
    return this.job<RunOutcome>(
      (remote, id) => remote.run(expId, rawParams, seed, id, progress.proxy),
      progress.mute,
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
    const progress = mutable(onProgress);
    // The worker built lab L's view (core/labs.ts buildLabView); comlink's types lose the correlation.
    return this.job(
      (remote, id) =>
        remote.view(lab, rawParams, seed, id, progress.proxy) as Promise<ViewOutcome<ViewModels[L]>>,
      progress.mute,
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
