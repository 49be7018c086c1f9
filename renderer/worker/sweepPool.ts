// A sweep in the app: its runs spread over a pool of Web Workers (one LabClient each, hardware concurrency
// by default), each finished run hashed (SHA-256 of its reproducible result.json, as the CLI does) and
// handed back as it lands, so the sweep's chart fills in while the rest run.
import { reproducible, serializeResult } from '../../core/experiments/result';
import type { Result } from '../../core/experiments/types';
import type { SweepPlan } from '../../core/sweep/sweep';
import { LabClient } from './client';
import type { Job } from './client';
import type { RunOutcome } from './protocol';

export type PoolOutcome =
  | { kind: 'done'; results: Result[]; hashes: string[] }
  | { kind: 'cancelled' }
  | { kind: 'error'; message: string };

export interface SweepJob {
  done: Promise<PoolOutcome>;
  cancel(): void;
}

export async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

export function runSweepPool(
  plan: SweepPlan,
  workers: number,
  onRun: (index: number, result: Result, hash: string) => void,
): SweepJob {
  const clients = Array.from(
    { length: Math.max(1, Math.min(workers, plan.runs.length)) },
    () => new LabClient(),
  );
  const running = new Set<Job<RunOutcome>>();
  let stopped = false;
  /** Stopped by the user (Cancel): whatever the stopped jobs report, the sweep was cancelled. */
  let cancelled = false;
  const results: Result[] = [];
  const hashes: string[] = [];
  let next = 0;
  const close = () => {
    stopped = true;
    for (const job of running) job.cancel();
    for (const c of clients) c.dispose();
  };
  /** One worker's loop: take the next run until none is left or the sweep stops. */
  const drive = async (client: LabClient): Promise<PoolOutcome | null> => {
    while (!stopped && next < plan.runs.length) {
      const index = next++;
      const run = plan.runs[index]!;
      const job = client.run(plan.experiment.id, run.params, run.seed, () => {});
      running.add(job);
      const outcome = await job.done;
      running.delete(job);
      if (outcome.kind !== 'done') {
        stopped = true; // one failed or cancelled run ends the sweep
        return outcome.kind === 'error' && !cancelled
          ? { kind: 'error', message: `run ${index}: ${outcome.message}` }
          : { kind: 'cancelled' };
      }
      results[index] = outcome.result;
      hashes[index] = await sha256Hex(serializeResult(reproducible(outcome.result)));
      if (!stopped) onRun(index, outcome.result, hashes[index]!);
    }
    return null;
  };
  const done = Promise.all(clients.map(drive)).then((ends) => {
    const end = ends.find((e) => e !== null);
    close();
    if (end) return end;
    return cancelled || (stopped && results.filter(Boolean).length < plan.runs.length)
      ? { kind: 'cancelled' as const }
      : { kind: 'done' as const, results, hashes };
  });
  return {
    done,
    cancel: () => {
      cancelled = true;
      close();
    },
  };
}
