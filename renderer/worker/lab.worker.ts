// The Web Worker that hosts the core: experiments run here, never on the UI thread. Between units of
// work it yields a macrotask (MessageChannel) so a `cancel()` message can arrive mid-run.
import * as Comlink from 'comlink';
import { buildLabView, listExperiments, runExperiment } from '../../core/experiments/registry';
import type { ComputeBackend } from '../../core/gpu/backend';
import { cpuBackend } from '../../core/gpu/cpuBackend';
import { createWebGpuBackend } from '../gpu/backend';
import type { RunHost } from '../../core/experiments/registry';
import { CancelledError } from '../../core/experiments/types';
import { oneLine } from './protocol';
import type { LabWorkerApi, ProgressListener } from './protocol';

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

/** One flag per active run, so a cancel never leaks into the run that replaces it. */
const activeRuns = new Set<{ cancelled: boolean }>();

/**
 * Run `work` with a host that throttles progress messages, yields a macrotask every few ms (so
 * `cancel()` can arrive) and honours cancellation; outcomes are values, never thrown Errors.
 */
async function hosted<T>(
  onProgress: ProgressListener,
  work: (host: RunHost) => Promise<T>,
): Promise<{ kind: 'done'; value: T } | { kind: 'cancelled' } | { kind: 'error'; message: string }> {
  const token = { cancelled: false };
  activeRuns.add(token);
  let lastYield = performance.now();
  let lastSent = -Infinity;
  let lastLabel: string | undefined;
  try {
    const value = await work({
      onProgress(fraction, label) {
        const now = performance.now();
        if (fraction < 1 && label === lastLabel && now - lastSent < PROGRESS_EVERY_MS) return;
        lastSent = now;
        lastLabel = label;
        void onProgress(fraction, label);
      },
      async yieldToHost() {
        if (performance.now() - lastYield < YIELD_EVERY_MS) return;
        await macrotask();
        lastYield = performance.now();
      },
      isCancelled: () => token.cancelled,
    });
    return { kind: 'done', value };
  } catch (e) {
    if (e instanceof CancelledError) return { kind: 'cancelled' };
    return { kind: 'error', message: oneLine(e) };
  } finally {
    activeRuns.delete(token);
    // The listener arrived as a comlink proxy; release its port once the work is over.
    (onProgress as unknown as Comlink.Remote<ProgressListener>)[Comlink.releaseProxy]();
  }
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
  async run(id, rawParams, seed, onProgress) {
    const usesCompute = listExperiments().some((e) => e.id === id && e.usesCompute);
    const backend = usesCompute ? await computeBackend() : undefined;
    const outcome = await hosted(onProgress, (host) =>
      runExperiment(id, rawParams, seed, backend ? { ...host, compute: backend } : host),
    );
    return outcome.kind === 'done' ? { kind: 'done', result: outcome.value } : outcome;
  },
  async view(lab, rawParams, seed, onProgress) {
    const outcome = await hosted(onProgress, (host) => buildLabView(lab, rawParams, seed, host));
    return outcome.kind === 'done' ? { kind: 'done', view: outcome.value } : outcome;
  },
  cancel() {
    for (const token of activeRuns) token.cancelled = true;
  },
};

Comlink.expose(api);
