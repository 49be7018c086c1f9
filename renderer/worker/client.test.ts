// LabClient against fake workers: a cancel the worker does not answer in time ends that job and retires the
// worker (new jobs go to a fresh one, jobs already queued on it still finish there); a worker silent while jobs
// are pending (heartbeat) is terminated, its pending jobs end with one line; a worker that answers is kept, and
// an idle client sends no heartbeat.
import * as Comlink from 'comlink';
import { afterEach, describe, expect, it } from 'vitest';
import { LabClient, silentMessage } from './client';
import type { WorkerLike } from './client';
import type { LabWorkerApi, RunOutcome } from './protocol';
import type { Result } from '../../core/experiments/types';

/** A Worker stand-in over a MessageChannel; `api` null = stuck (never reads a message, like a busy loop). */
class FakeWorker implements WorkerLike {
  terminated = false;
  private readonly port: MessagePort;
  private readonly inside: MessagePort;

  constructor(api: LabWorkerApi | null) {
    const channel = new MessageChannel();
    this.port = channel.port1;
    this.inside = channel.port2;
    if (api) Comlink.expose(api, this.inside);
  }
  postMessage(message: unknown, transfer?: Transferable[]): void {
    if (!this.terminated) this.port.postMessage(message, transfer ?? []);
  }
  addEventListener(type: string, listener: EventListenerOrEventListenerObject): void {
    if (type === 'message') this.port.addEventListener('message', listener);
  }
  removeEventListener(type: string, listener: EventListenerOrEventListenerObject): void {
    if (type === 'message') this.port.removeEventListener('message', listener);
  }
  start(): void {
    this.port.start();
  }
  terminate(): void {
    this.terminated = true;
    this.port.close();
    this.inside.close();
  }
}

const RESULT = { experiment: 'toy' } as unknown as Result;

/** A healthy worker: runs finish at once unless `hold`, then they end cancelled when cancelled. */
function healthyApi(hold = false, pings = { count: 0 }): LabWorkerApi {
  const waiting = new Map<number, (o: RunOutcome) => void>();
  return {
    ping: () => {
      pings.count++;
      return true;
    },
    run: (_id, _p, _s, jobId) =>
      hold
        ? new Promise((resolve) => waiting.set(jobId, resolve))
        : Promise.resolve({ kind: 'done', result: RESULT }),
    view: () => Promise.resolve({ kind: 'cancelled' }),
    viewStream: () => new Promise(() => {}),
    cancel: (jobId) => waiting.get(jobId)?.({ kind: 'cancelled' }),
  };
}

/**
 * A worker inside a long stretch of work for `busyMs`: it answers nothing until then (a run in progress
 * reports progress once, as a cancelled run's last progress point would), then runs queued jobs at once.
 */
function busyApi(busyMs: number): LabWorkerApi {
  const until = performance.now() + busyMs;
  const free = () => new Promise((r) => setTimeout(r, Math.max(0, until - performance.now())));
  let started = 0;
  return {
    // Comlink awaits what the worker returns, so a ping may answer late (the type says it answers at once).
    ping: (() => free().then(() => true)) as unknown as LabWorkerApi['ping'],
    run: async (_id, _p, _s, _jobId, onProgress) => {
      const first = started++ === 0;
      await free();
      if (first) {
        onProgress(0.5, 'late');
        return { kind: 'cancelled' };
      }
      return { kind: 'done', result: RESULT };
    },
    view: () => Promise.resolve({ kind: 'cancelled' }),
    viewStream: () => new Promise(() => {}),
    cancel: async () => {
      await free();
    },
  };
}

const workers: FakeWorker[] = [];
afterEach(() => {
  for (const w of workers.splice(0)) w.terminate();
});

function clientOf(...apis: (LabWorkerApi | null)[]): LabClient {
  let next = 0;
  return new LabClient(() => {
    const api = next < apis.length ? (apis[next] as LabWorkerApi | null) : healthyApi();
    next++;
    const w = new FakeWorker(api);
    workers.push(w);
    return w;
  }, TIMING);
}

/** Short timings so the tests run in milliseconds: cancel answered within 50 ms, silent after 150 ms. */
const TIMING = { answerMs: 50, heartbeatMs: 20, silentMs: 150 };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('LabClient', () => {
  it('runs a job on a healthy worker', async () => {
    const client = clientOf(healthyApi());
    expect(await client.run('toy', {}, 1, () => {}).done).toEqual({ kind: 'done', result: RESULT });
  });

  it('a worker that answers a cancel is kept: the job ends cancelled', async () => {
    const client = clientOf(healthyApi(true));
    const job = client.run('toy', {}, 1, () => {});
    job.cancel();
    expect(await job.done).toEqual({ kind: 'cancelled' });
    await new Promise((r) => setTimeout(r, 120));
    expect(client.restarts).toBe(0);
    expect(workers[0]!.terminated).toBe(false);
  });

  it('a cancel a stuck worker never answers ends the job at once; the worker is retired, then closed as silent', async () => {
    const client = clientOf(null, healthyApi());
    const run = client.run('toy', {}, 1, () => {});
    const chunks: unknown[] = [];
    const stream = client.viewStream('kv', {}, 1, (c) => chunks.push(c));
    run.cancel();
    expect(await run.done).toEqual({ kind: 'cancelled' });
    expect(client.restarts).toBe(1);
    // New jobs run on the fresh worker at once, while the stuck one still holds the stream.
    expect(await client.run('toy', {}, 1, () => {}).done).toEqual({ kind: 'done', result: RESULT });
    expect(workers[0]!.terminated).toBe(false);
    // The stuck worker answers no ping: the heartbeat ends its last job with one line and closes it.
    expect(await stream.done).toEqual({ kind: 'error', message: silentMessage(TIMING.silentMs) });
    expect(workers[0]!.terminated).toBe(true);
    expect(workers).toHaveLength(2);
    expect(chunks).toEqual([]);
  });

  it('a worker busy past a cancel keeps the jobs queued on it: a run started right after Cancel still runs', async () => {
    // The worker answers nothing for 2.5 × answerMs (a long stretch of work, still short of silentMs), then
    // everything in order.
    const busy = busyApi(2.5 * TIMING.answerMs);
    const client = clientOf(busy);
    const progress: number[] = [];
    const first = client.run('toy', {}, 1, (f) => progress.push(f));
    first.cancel();
    const second = client.run('toy', {}, 1, () => {});
    expect(await first.done).toEqual({ kind: 'cancelled' });
    // Retired: a job started now goes to a fresh worker; the one queued before still finishes on the busy one.
    expect(await client.run('toy', {}, 1, () => {}).done).toEqual({ kind: 'done', result: RESULT });
    expect(await second.done).toEqual({ kind: 'done', result: RESULT });
    expect(workers).toHaveLength(2);
    // With nothing left on it, the retired worker is closed; the cancelled run's late progress is dropped.
    await expect.poll(() => workers[0]!.terminated).toBe(true);
    expect(progress).toEqual([]);
  });

  it('heartbeat: a worker silent while a job is pending is restarted without any cancel; the job ends with one line', async () => {
    const client = clientOf(null, healthyApi());
    const t0 = performance.now();
    const run = client.run('toy', {}, 1, () => {});
    const outcome = await run.done;
    expect(outcome).toEqual({ kind: 'error', message: silentMessage(TIMING.silentMs) });
    expect(silentMessage(10_000)).toBe(
      'the simulation worker did not answer for 10 s (stuck in a long loop); restarted it',
    );
    expect(performance.now() - t0).toBeGreaterThanOrEqual(TIMING.silentMs);
    expect(client.restarts).toBe(1);
    expect(workers[0]!.terminated).toBe(true);
    expect(await client.run('toy', {}, 1, () => {}).done).toEqual({ kind: 'done', result: RESULT });
  });

  it('heartbeat: a worker that answers pings keeps a long job alive, and an idle client sends none', async () => {
    const pings = { count: 0 };
    const client = clientOf(healthyApi(true, pings));
    await sleep(5 * TIMING.heartbeatMs);
    expect(pings.count).toBe(0);
    const job = client.run('toy', {}, 1, () => {});
    await sleep(4 * TIMING.silentMs);
    expect(client.restarts).toBe(0);
    expect(pings.count).toBeGreaterThan(5);
    job.cancel();
    expect(await job.done).toEqual({ kind: 'cancelled' });
    // Nothing pending: the heartbeat stops.
    await sleep(2 * TIMING.heartbeatMs);
    const after = pings.count;
    await sleep(5 * TIMING.heartbeatMs);
    expect(pings.count).toBe(after);
    expect(client.restarts).toBe(0);
  });
});
