// The one way to run an experiment or build a lab's live view, given the experiment or view itself:
// resolve and check params, seed the RNG, hand the run a context that reports progress, yields and honours
// cancel, and wrap an experiment's body into a result.json-shaped `Result` (DESIGN.md contract). Which
// experiment an id names is core/labs.ts's business; nothing here knows any lab.
import type { ComputeBackend } from '../compute/backend';
import { Rng } from '../kernel/rng';
import { LAB_VERSION } from '../version';
import { ParamError, UserError, printable } from './errors';
import { resolveParams } from './params';
import { CancelledError } from './types';
import type {
  Experiment,
  LabView,
  ParamSchema,
  ParamValue,
  ParamsOf,
  Result,
  RunContext,
  WorkEstimate,
} from './types';

/** How a host lets a run report progress, yield, and be cancelled. */
export interface RunHost {
  onProgress?(fraction: number, label?: string): void;
  /** Called at every progress point; resolve after letting the host's event loop run. */
  yieldToHost?(): Promise<void>;
  isCancelled?(): boolean;
  /** A compute backend for kernel experiments (core/compute/backend.ts); absent → CPU reference only. */
  compute?: ComputeBackend;
  /** The host's monotonic clock in ms (performance.now), for wall-clock `measurements` only. */
  now?(): number;
}

export const MAX_SEED = 2 ** 31 - 1;

export function checkSeed(seed: unknown): number {
  const n = typeof seed === 'string' && /^\d+$/.test(seed.trim()) ? Number(seed.trim()) : seed;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > MAX_SEED) {
    const got = printable(JSON.stringify(seed) ?? String(seed), 60);
    throw new ParamError('seed', `must be an integer in 0..${MAX_SEED}, in decimal (got ${got})`);
  }
  return n;
}

/**
 * The one work limit every run is held to, in microseconds of the reference machine (2 cores): about a
 * minute. Each experiment declares its work (`Experiment.work`) in its own unit and what a unit costs.
 */
export const WORK_LIMIT_US = 60_000_000;

/** A count for a one-line message: grouped digits up to a million, then 7.2e9. */
export function formatCount(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  if (Math.abs(n) < 1e6) return Math.round(n).toLocaleString('en-US');
  const [m, e] = n.toExponential(2).split('e');
  return `${Number(m)}e${Number(e)}`;
}

/** Refuse work over WORK_LIMIT_US with one line: the estimate, the limit in the same unit, what to lower. */
export function checkWork(estimate: WorkEstimate): void {
  const { units, what, formula, unitCostUs, lower } = estimate;
  const limit = WORK_LIMIT_US / unitCostUs;
  if (Number.isFinite(units) && units <= limit) return;
  throw new UserError(
    `${formula} = ${formatCount(units)} ${what} exceeds the ${formatCount(limit)} limit; lower ${lower}`,
  );
}

/**
 * An experiment's params resolved and validated, per field and across fields (ParamError otherwise), and
 * its declared work within the limit (UserError otherwise).
 */
export function resolveExperimentParams(
  experiment: Experiment,
  raw: Readonly<Record<string, unknown>>,
): Record<string, ParamValue> {
  const params = resolveParams(experiment.params, raw);
  const problem = experiment.check?.(params as ParamsOf<ParamSchema>);
  if (problem) throw new ParamError(problem.field, problem.reason);
  if (experiment.work) checkWork(experiment.work(params as ParamsOf<ParamSchema>));
  return params;
}

/** A view's params resolved and validated (ParamError otherwise), and its declared work within the limit. */
export function resolveViewParams(
  view: LabView<ParamSchema, unknown>,
  raw: Readonly<Record<string, unknown>>,
): Record<string, ParamValue> {
  const params = resolveParams(view.params, raw);
  if (view.work) checkWork(view.work(params as ParamsOf<ParamSchema>));
  return params;
}

/** The context a run gets from its host: the seeded RNG and progress that yields and honours cancel. */
function runContext(seed: number, host: RunHost): RunContext {
  return {
    rng: new Rng(seed),
    ...(host.compute ? { compute: host.compute } : {}),
    ...(host.now ? { now: host.now } : {}),
    async progress(fraction, label) {
      host.onProgress?.(Math.min(1, Math.max(0, fraction)), label);
      if (host.yieldToHost) await host.yieldToHost();
      if (host.isCancelled?.()) throw new CancelledError();
    },
  };
}

/** Run `experiment` with raw params and seed (both checked before any work) into a `Result`. */
export async function runResolved(
  experiment: Experiment,
  rawParams: Readonly<Record<string, unknown>>,
  rawSeed: unknown,
  host: RunHost = {},
): Promise<Result> {
  const seed = checkSeed(rawSeed);
  const params = resolveExperimentParams(experiment, rawParams);
  const body = await experiment.run(params as ParamsOf<ParamSchema>, runContext(seed, host));
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

/** Build a view's whole model (validated params, seeded) for the renderer to animate (tpu, mesh). */
export async function buildView<Model>(
  view: LabView<ParamSchema, Model>,
  rawParams: Readonly<Record<string, unknown>>,
  rawSeed: unknown,
  host: RunHost = {},
): Promise<Model> {
  if (!view.build) throw new UserError(`the ${view.title} view streams its model (use streamLabView)`);
  const seed = checkSeed(rawSeed);
  const model = await view.build(resolveViewParams(view, rawParams), runContext(seed, host));
  host.onProgress?.(1);
  return model;
}

/** Stream a view's model (validated params, seeded): `emit` gets its chunks in order (kv). */
export async function streamView<Chunk>(
  view: LabView<ParamSchema, Chunk>,
  rawParams: Readonly<Record<string, unknown>>,
  rawSeed: unknown,
  emit: (chunk: Chunk) => void,
  host: RunHost = {},
): Promise<void> {
  if (!view.stream) throw new UserError(`the ${view.title} view builds its model whole (use buildLabView)`);
  const seed = checkSeed(rawSeed);
  await view.stream(resolveViewParams(view, rawParams), runContext(seed, host), emit);
  host.onProgress?.(1);
}
