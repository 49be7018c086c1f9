// The Web Worker that hosts the core: experiments run here, never on the UI thread. Between units of
// work it yields a macrotask (MessageChannel) so a `cancel()` message can arrive mid-run.
import * as Comlink from 'comlink';
import { buildLabView, listExperiments, runExperiment, streamLabView } from '../../core/labs';
import type { ComputeBackend } from '../../core/compute/backend';
import { cpuBackend } from '../../core/compute/cpuBackend';
import { createWebGpuBackend } from '../../webgpu/backend';
import type { RunHost } from '../../core/experiments/run';
import { CancelledError } from '../../core/experiments/types';
import { oneLine } from './protocol';
import type { ChunkListener, LabWorkerApi, ProgressListener } from './protocol';

/** Yield at most this often: each yield costs a round trip through the event loop. */
const YIELD_EVERY_MS = 8;
/** Forward progress at most this often (every call is a postMessage to the UI thread). */
const PROGRESS_EVERY_MS = 33;

const channel = new MessageChannel();
const waiting: (() => void)[] = [];
channel.port1.onmessage = () => waiting.shift()?.();

/** Resolve after one macrotask, letting queued messages (such as `cancel`) be handled first. */
function macrotask(): Promise<void> {
  return new Promise((resolve) => {
    waiting.push(resolve);
    channel.port2.postMessage(null);
  });
}

interface Token {
  cancelled: boolean;
}
/**
 * One flag per job (run, view build, view stream), by the id its client gave it: jobs are cancelled one by
 * one, so cancelling an experiment run never stops the view being built beside it.
 */
const jobs = new Map<number, Token>();

/**
 * Run `work` with a host that throttles progress messages, yields a macrotask every few ms (so
 * `cancel(jobId)` can arrive) and honours cancellation; outcomes are values, never thrown Errors.
 */
async function hosted<T>(
  jobId: number,
  onProgress: ProgressListener | null,
  work: (host: RunHost, token: Token) => Promise<T>,
): Promise<{ kind: 'done'; value: T } | { kind: 'cancelled' } | { kind: 'error'; message: string }> {
  // A cancel that arrived before the job started (the client cancels at once) leaves a cancelled token.
  const token: Token = jobs.get(jobId) ?? { cancelled: false };
  jobs.set(jobId, token);
  let lastYield = performance.now();
  let lastSent = -Infinity;
  let lastLabel: string | undefined;
  try {
    const value = await work(
      {
        onProgress(fraction, label) {
          const now = performance.now();
          if (fraction < 1 && label === lastLabel && now - lastSent < PROGRESS_EVERY_MS) return;
          lastSent = now;
          lastLabel = label;
          if (onProgress) void onProgress(fraction, label);
        },
        async yieldToHost() {
          if (performance.now() - lastYield < YIELD_EVERY_MS) return;
          await macrotask();
          lastYield = performance.now();
        },
        isCancelled: () => token.cancelled,
        now: () => performance.now(),
      },
      token,
    );
    return { kind: 'done', value };
  } catch (e) {
    if (e instanceof CancelledError) return { kind: 'cancelled' };
    return { kind: 'error', message: oneLine(e) };
  } finally {
    jobs.delete(jobId);
    // The listener arrived as a comlink proxy; release its port once the work is over.
    if (onProgress) (onProgress as unknown as Comlink.Remote<ProgressListener>)[Comlink.releaseProxy]();
  }
}

/** The buffers of a chunk's typed-array fields (a streamed chunk owns them, so they can be transferred). */
function buffersOf(chunk: unknown): ArrayBuffer[] {
  const buffers = new Set<ArrayBuffer>();
  if (chunk && typeof chunk === 'object') {
    for (const value of Object.values(chunk)) {
      if (ArrayBuffer.isView(value) && value.buffer instanceof ArrayBuffer) buffers.add(value.buffer);
    }
  }
  return [...buffers];
}

let compute: Promise<ComputeBackend> | null = null;

/** GPU-lab kernels run on navigator.gpu's adapter when there is one, else on the timed CPU path. */
function computeBackend(): Promise<ComputeBackend> {
  const now = () => performance.now();
  compute ??= createWebGpuBackend((navigator as Navigator & { gpu?: GPU }).gpu, now)
    .then((made) => made.backend ?? cpuBackend(now))
    .catch(() => cpuBackend(now));
  return compute;
}

const api: LabWorkerApi = {
  async run(id, rawParams, seed, jobId, onProgress) {
    const usesCompute = listExperiments().some((e) => e.id === id && e.usesCompute);
    const backend = usesCompute ? await computeBackend() : undefined;
    const outcome = await hosted(jobId, onProgress, (host) =>
      runExperiment(id, rawParams, seed, backend ? { ...host, compute: backend } : host),
    );
    return outcome.kind === 'done' ? { kind: 'done', result: outcome.value } : outcome;
  },
  async view(lab, rawParams, seed, jobId, onProgress) {
    const outcome = await hosted(jobId, onProgress, (host) => buildLabView(lab, rawParams, seed, host));
    return outcome.kind === 'done' ? { kind: 'done', view: outcome.value } : outcome;
  },
  // The kv recording awaits its host once per chunk (`progressEvery`), so `cancel` stops the old
  // simulation within a chunk; any chunk already posted is dropped by the client.
  async viewStream(lab, rawParams, seed, jobId, onChunk) {
    const remote = onChunk as unknown as Comlink.Remote<ChunkListener>;
    const outcome = await hosted(jobId, null, (host, token) =>
      streamLabView(
        lab,
        rawParams,
        seed,
        (chunk) => {
          // Posted at once, even mid-simulation; the typed arrays move to the UI thread without a copy.
          if (!token.cancelled) remote(Comlink.transfer(chunk, buffersOf(chunk))).catch(() => {});
        },
        host,
      ),
    );
    // Sent on the listener's own port after its last chunk, so no chunk is lost to the release.
    remote[Comlink.releaseProxy]();
    return outcome.kind === 'done' ? { kind: 'done' } : outcome;
  },
  cancel(jobId) {
    const token = jobs.get(jobId);
    if (token) token.cancelled = true;
    // Not started yet (its start message is still queued behind this one): it starts cancelled.
    else jobs.set(jobId, { cancelled: true });
  },
  ping: () => true,
};

Comlink.expose(api);
