// One run of a sweep, the same in a worker thread and in the main thread: the experiment's result and the
// SHA-256 of its reproducible result.json (measurements left out, as `rerun` compares).
import { createHash } from 'node:crypto';
import { reproducible, serializeResult } from '../core/experiments/result';
import { CancelledError } from '../core/experiments/types';
import type { Result } from '../core/experiments/types';
import { runExperiment } from '../core/labs';

export interface RunRequest {
  index: number;
  experiment: string;
  params: Record<string, string>;
  seed: number;
}

export interface RunReply {
  index: number;
  result?: Result;
  sha256?: string;
  error?: string;
}

/**
 * Run one request. `isCancelled` (the main thread's Ctrl-C) is checked at every progress point of the run,
 * which also yields to the event loop so the signal can land.
 */
export async function runOne(req: RunRequest, isCancelled?: () => boolean): Promise<RunReply> {
  try {
    const host = isCancelled
      ? { yieldToHost: () => new Promise<void>((r) => setImmediate(r)), isCancelled }
      : undefined;
    const result = await runExperiment(req.experiment, req.params, req.seed, host);
    const sha256 = createHash('sha256')
      .update(serializeResult(reproducible(result)))
      .digest('hex');
    return { index: req.index, result, sha256 };
  } catch (e) {
    if (e instanceof CancelledError) throw e;
    return { index: req.index, error: String((e as Error).message ?? e) };
  }
}
