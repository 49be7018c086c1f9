// The experiment registry and the one way to run an experiment: resolve params, seed the RNG, run,
// and wrap the body into a result.json-shaped `Result` (DESIGN.md contract).
import { Rng } from '../kernel/rng';
import { kvLab } from '../kv/lab';
import { meshLab } from '../mesh/lab';
import { tpuLab } from '../tpu/lab';
import { LAB_VERSION } from '../version';
import { ParamError, UserError } from './errors';
import { resolveParams } from './params';
export { reproducible } from './result';
import type { ComputeBackend } from '../compute/backend';
import { CancelledError } from './types';
import type {
  Experiment,
  LabId,
  LabModule,
  LabView,
  ParamsOf,
  ParamSchema,
  ParamValue,
  Result,
  RunContext,
} from './types';

export const LAB_MODULES: readonly LabModule[] = [kvLab, tpuLab, meshLab];

export const EXPERIMENTS: readonly Experiment[] = LAB_MODULES.flatMap((lab) => lab.experiments);

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
  /** A compute backend for GPU-lab kernels (core/compute/backend.ts); absent → CPU reference only. */
  compute?: ComputeBackend;
}

/** An experiment's params resolved and validated, per field and across fields (ParamError otherwise). */
export function resolveExperimentParams(
  experiment: Experiment,
  raw: Readonly<Record<string, unknown>>,
): Record<string, ParamValue> {
  const params = resolveParams(experiment.params, raw);
  const problem = experiment.check?.(params as ParamsOf<ParamSchema>);
  if (problem) throw new ParamError(problem.field, problem.reason);
  return params;
}

export const MAX_SEED = 2 ** 31 - 1;

export function checkSeed(seed: unknown): number {
  const n = typeof seed === 'string' && seed.trim() !== '' ? Number(seed) : seed;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > MAX_SEED) {
    throw new ParamError('seed', `must be an integer in 0..${MAX_SEED} (got ${JSON.stringify(seed)})`);
  }
  return n;
}

/** The context a run gets from its host: the seeded RNG and progress that yields and honours cancel. */
function runContext(seed: number, host: RunHost): RunContext {
  return {
    rng: new Rng(seed),
    ...(host.compute ? { compute: host.compute } : {}),
    async progress(fraction, label) {
      host.onProgress?.(Math.min(1, Math.max(0, fraction)), label);
      if (host.yieldToHost) await host.yieldToHost();
      if (host.isCancelled?.()) throw new CancelledError();
    },
  };
}

export function getLabView(lab: LabId): LabView | undefined {
  return LAB_MODULES.find((m) => m.id === lab)?.view;
}

/** A lab's view with its params validated and its seed checked. */
function resolveLabView(
  lab: LabId,
  rawParams: Readonly<Record<string, unknown>>,
  rawSeed: unknown,
): { view: LabView; params: ParamsOf<ParamSchema>; seed: number } {
  const view = getLabView(lab);
  if (!view) throw new UserError(`the ${lab} lab has no live view yet`);
  const seed = checkSeed(rawSeed);
  const params = resolveParams(view.params, rawParams) as ParamsOf<ParamSchema>;
  return { view, params, seed };
}

/** Build a lab's whole live view (validated params, seeded) for the renderer to animate (tpu, mesh). */
export async function buildLabView(
  lab: LabId,
  rawParams: Readonly<Record<string, unknown>>,
  rawSeed: unknown,
  host: RunHost = {},
): Promise<unknown> {
  const { view, params, seed } = resolveLabView(lab, rawParams, rawSeed);
  if (!view.build) throw new UserError(`the ${lab} view streams its model (use streamLabView)`);
  const model = await view.build(params, runContext(seed, host));
  host.onProgress?.(1);
  return model;
}

/** Stream a lab's live view (validated params, seeded): `emit` gets its chunks in order (kv). */
export async function streamLabView(
  lab: LabId,
  rawParams: Readonly<Record<string, unknown>>,
  rawSeed: unknown,
  emit: (chunk: unknown) => void,
  host: RunHost = {},
): Promise<void> {
  const { view, params, seed } = resolveLabView(lab, rawParams, rawSeed);
  if (!view.stream) throw new UserError(`the ${lab} view builds its model whole (use buildLabView)`);
  await view.stream(params, runContext(seed, host), emit);
  host.onProgress?.(1);
}

export async function runExperiment(
  id: string,
  rawParams: Readonly<Record<string, unknown>>,
  rawSeed: unknown,
  host: RunHost = {},
): Promise<Result> {
  const experiment = getExperiment(id);
  const seed = checkSeed(rawSeed);
  const params = resolveExperimentParams(experiment, rawParams);
  const body = await (experiment as Experiment<ParamSchema>).run(
    params as ParamsOf<ParamSchema>,
    runContext(seed, host),
  );
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
  if (body.environment) result.environment = body.environment;
  return result;
}

/** Re-run a saved result with its own experiment, params and seed. */
export function rerunResult(saved: Result, host?: RunHost): Promise<Result> {
  return runExperiment(saved.experiment, saved.params, saved.seed, host);
}
