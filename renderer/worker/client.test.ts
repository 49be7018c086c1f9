// LabClient against fake workers: a worker that does not answer a cancel is terminated and replaced, its
// pending jobs end with one line, and later jobs run on the fresh worker; a worker that answers is kept.
import * as Comlink from 'comlink';
import { afterEach, describe, expect, it } from 'vitest';
import { LabClient, RESTARTED_MESSAGE } from './client';
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
function healthyApi(hold = false): LabWorkerApi {
  const waiting = new Map<number, (o: RunOutcome) => void>();
  return {
    run: (_id, _p, _s, jobId) =>
      hold
        ? new Promise((resolve) => waiting.set(jobId, resolve))
        : Promise.resolve({ kind: 'done', result: RESULT }),
    view: () => Promise.resolve({ kind: 'cancelled' }),
    viewStream: () => new Promise(() => {}),
    cancel: (jobId) => waiting.get(jobId)?.({ kind: 'cancelled' }),
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
  }, 50);
}

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

  it('a worker that does not answer a cancel is terminated and replaced; pending jobs end with one line', async () => {
    const client = clientOf(null, healthyApi());
    const run = client.run('toy', {}, 1, () => {});
    const chunks: unknown[] = [];
    const stream = client.viewStream('kv', {}, 1, (c) => chunks.push(c));
    run.cancel();
    expect(await run.done).toEqual({ kind: 'error', message: RESTARTED_MESSAGE });
    expect(await stream.done).toEqual({ kind: 'error', message: RESTARTED_MESSAGE });
    expect(client.restarts).toBe(1);
    expect(workers[0]!.terminated).toBe(true);
    expect(workers).toHaveLength(2);
    // Later runs work on the fresh worker.
    expect(await client.run('toy', {}, 1, () => {}).done).toEqual({ kind: 'done', result: RESULT });
    expect(chunks).toEqual([]);
  });
});
