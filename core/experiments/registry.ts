// The experiment registry and the one way to run an experiment: resolve params, seed the RNG, run,
// and wrap the body into a result.json-shaped `Result` (DESIGN.md contract).
import { Rng } from '../kernel/rng';
import { kvPrefixCache } from '../kv/prefixCacheExperiment';
import { LAB_VERSION } from '../version';
import { ParamError, UserError } from './errors';
import { resolveParams } from './params';
import { CancelledError } from './types';
import type { Experiment, ParamsOf, ParamSchema, Result, RunContext } from './types';

export const EXPERIMENTS: readonly Experiment[] = [kvPrefixCache as unknown as Experiment];

export function listExperiments(): readonly Experiment[] {
  return EXPERIMENTS;
}

export function getExperiment(id: string): Experiment {
  const found = EXPERIMENTS.find((e) => e.id === id);
  if (!found)
    throw new UserError(`unknown experiment "${id}" (known: ${EXPERIMENTS.map((e) => e.id).join(', ')})`);
  return found;
}

/** How a host lets a run report progress, yield, and be cancelled. */
export interface RunHost {
  onProgress?(fraction: number, label?: string): void;
  /** Called at every progress point; resolve after letting the host's event loop run. */
  yieldToHost?(): Promise<void>;
  isCancelled?(): boolean;
}

export const MAX_SEED = 2 ** 31 - 1;

export function checkSeed(seed: unknown): number {
  const n = typeof seed === 'string' && seed.trim() !== '' ? Number(seed) : seed;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > MAX_SEED) {
    throw new ParamError('seed', `must be an integer in 0..${MAX_SEED} (got ${JSON.stringify(seed)})`);
  }
  return n;
}

export async function runExperiment(
  id: string,
  rawParams: Readonly<Record<string, unknown>>,
  rawSeed: unknown,
  host: RunHost = {},
): Promise<Result> {
  const experiment = getExperiment(id);
  const seed = checkSeed(rawSeed);
  const params = resolveParams(experiment.params, rawParams);
  const ctx: RunContext = {
    rng: new Rng(seed),
    async progress(fraction, label) {
      host.onProgress?.(Math.min(1, Math.max(0, fraction)), label);
      if (host.yieldToHost) await host.yieldToHost();
      if (host.isCancelled?.()) throw new CancelledError();
    },
  };
  const body = await (experiment as Experiment<ParamSchema>).run(params as ParamsOf<ParamSchema>, ctx);
  host.onProgress?.(1);
  const result: Result = {
    schema: 'hyperscale-lab/result@1',
    experiment: experiment.id,
    title: experiment.title,
    paper: experiment.paper,
    labVersion: LAB_VERSION,
    seed,
    params,
    metrics: body.metrics,
    tables: body.tables,
    comparisons: body.comparisons,
  };
  if (body.measurements) result.measurements = body.measurements;
  return result;
}

/** Re-run a saved result with its own experiment, params and seed. */
export function rerunResult(saved: Result, host?: RunHost): Promise<Result> {
  return runExperiment(saved.experiment, saved.params, saved.seed, host);
}

/** Everything of a result except `measurements` (wall-clock): what a re-run must reproduce byte for byte. */
export function reproducible(result: Result): Result {
  const { measurements: _m, ...rest } = result;
  return rest;
}
