// One run of a sweep, the same in a worker thread and in the main thread: the experiment's result and the
// SHA-256 of its reproducible result.json (measurements left out, as `rerun` compares).
import { createHash } from 'node:crypto';
import { reproducible, serializeResult } from '../core/experiments/result';
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

export async function runOne(req: RunRequest): Promise<RunReply> {
  try {
    const result = await runExperiment(req.experiment, req.params, req.seed);
    const sha256 = createHash('sha256')
      .update(serializeResult(reproducible(result)))
      .digest('hex');
    return { index: req.index, result, sha256 };
  } catch (e) {
    return { index: req.index, error: String((e as Error).message ?? e) };
  }
}
