// The experiment contract: parameters declared as data, a pure async run, and the result.json shape
// of DESIGN.md ("hyperscale-lab/result@1"). Every lab's experiments implement `Experiment`.
import type { ComputeBackend } from '../compute/backend';
import type { Rng } from '../kernel/rng';

interface ParamBase {
  label: string;
  /** One line shown beside the input and in `describe`. */
  help?: string;
  unit?: string;
  /**
   * Presentation only (the app's form; never part of a result): a heading the form shows this parameter
   * under, e.g. "Workload". Parameters with the same group are shown together, groups in declared order.
   */
  group?: string;
  /** Presentation only: fold this parameter under "More parameters" in the form (rarely changed). */
  advanced?: boolean;
}
export interface IntParam extends ParamBase {
  kind: 'int';
  default: number;
  min: number;
  max: number;
}
export interface NumberParam extends ParamBase {
  kind: 'number';
  default: number;
  min: number;
  max: number;
}
export interface EnumParam extends ParamBase {
  kind: 'enum';
  default: string;
  options: readonly string[];
  /**
   * Set when names beyond `options` are valid too, checked by the experiment itself (e.g. a region of the
   * user's world file): says which, e.g. "a region id of your world file". Such a name is 1–64 characters
   * of letters, digits, `_`, `.` or `-`.
   */
  open?: string;
  /**
   * For an open enum: the names to offer, given the form's raw values of the other parameters (e.g. the
   * regions of a loaded world file). `options` when absent or when it offers none.
   */
  suggest?: (values: Readonly<Record<string, string>>) => readonly string[];
}
export interface BooleanParam extends ParamBase {
  kind: 'boolean';
  default: boolean;
}
/** A comma-separated list of integers, each in [min, max] (a sweep). */
export interface IntListParam extends ParamBase {
  kind: 'int-list';
  default: readonly number[];
  min: number;
  max: number;
  maxItems: number;
}
/** A comma-separated subset of `options` (e.g. which policies to run). */
export interface EnumListParam extends ParamBase {
  kind: 'enum-list';
  default: readonly string[];
  options: readonly string[];
}
/**
 * Text a user brings, usually a file's contents (a trace, a topology): `--set name=@path` on the command
 * line, a file picker in the app. Kept in result.json's params, so a report re-runs on the same data.
 */
export interface TextParam extends ParamBase {
  kind: 'text';
  default: string;
  maxLength: number;
}
export type ParamSpec =
  IntParam | NumberParam | EnumParam | BooleanParam | IntListParam | EnumListParam | TextParam;
export type ParamSchema = Readonly<Record<string, ParamSpec>>;

export type ParamValue = number | string | boolean | readonly number[] | readonly string[];

/** The resolved value type of one spec. */
export type ValueOf<S extends ParamSpec> = S extends IntParam | NumberParam
  ? number
  : S extends EnumParam | TextParam
    ? string
    : S extends BooleanParam
      ? boolean
      : S extends IntListParam
        ? readonly number[]
        : readonly string[];
export type ParamsOf<S extends ParamSchema> = { readonly [K in keyof S]: ValueOf<S[K]> };

export interface Table {
  columns: string[];
  rows: (string | number)[][];
}

export interface Comparison {
  metric: string;
  published: number;
  measured: number;
  source: string;
}

/** What `run` returns; the registry wraps it into a `Result`. */
export interface ResultBody {
  metrics: Record<string, number>;
  tables: Record<string, Table>;
  comparisons: Comparison[];
  /** Wall-clock measurements: the one part a re-run does not reproduce (DESIGN.md). */
  measurements?: Record<string, number>;
  /**
   * Where the measurements were taken (e.g. `backend: "webgpu"`, `adapter: "…"`): like measurements, it
   * belongs to the machine, not the simulation, so a re-run elsewhere still compares equal without it.
   */
  environment?: Record<string, string>;
}

export interface Result extends ResultBody {
  schema: 'hyperscale-lab/result@1';
  experiment: string;
  title: string;
  paper: string;
  labVersion: string;
  seed: number;
  params: Record<string, ParamValue>;
}

export class CancelledError extends Error {
  constructor() {
    super('run cancelled');
    this.name = 'CancelledError';
  }
}

/** What a host (CLI, Web Worker, test) gives a running experiment. */
export interface RunContext {
  /** Seeded from the experiment's seed; fork it per stream (`ctx.rng.fork('arrivals')`). */
  readonly rng: Rng;
  /**
   * Report progress in [0, 1] and let the host breathe: the promise yields to the host's event loop
   * and rejects with CancelledError once the user has cancelled. Call it between units of work.
   */
  progress(fraction: number, label?: string): Promise<void>;
  /**
   * The host's compute backend (WebGPU or timed CPU), when it offers one: GPU-lab experiments run their
   * kernels there and record wall-clock figures in `measurements`; without it they run the CPU reference only.
   */
  readonly compute?: ComputeBackend;
  /**
   * The host's monotonic clock in ms, when it offers one (the CLI and the app do; tests may not): only
   * wall-clock `measurements` may come from it, never metrics (core has no clock of its own).
   */
  now?(): number;
}

/** A chart derived from a result (never stored in it): drawn by report/charts in app and report. */
export interface LineChart {
  kind: 'line';
  title: string;
  x: { label: string; scale?: 'linear' | 'log2' };
  y: { label: string; format?: 'percent' | 'number'; min?: number; max?: number };
  series: { name: string; points: [number, number][] }[];
}
export interface BarChart {
  kind: 'bar';
  title: string;
  y: { label: string; format?: 'percent' | 'number' };
  /** One group per category; `stacked` stacks a group's segments, otherwise they stand side by side. */
  stacked: boolean;
  categories: string[];
  segments: { name: string; values: number[] }[];
}
export type ChartSpec = LineChart | BarChart;

export interface WallClockComparison {
  /** Key in `Result.measurements`. */
  measurement: string;
  published: number;
  /** Where the published figure comes from, e.g. "Fig. 18a (1.20–1.26; midpoint)". */
  source: string;
  /**
   * 'gpu': the published figure was measured on a GPU, so the row is shown only when the result's
   * `environment` names a hardware WebGPU adapter (not the CPU fallback, not a software rasterizer).
   */
  onlyOn?: 'gpu';
}

/**
 * An experiment's declared work for one set of params. `units` counts its natural unit (`what`, plural: e.g.
 * "routing decisions"); `unitCostUs` is what one unit costs on the reference machine (measured in
 * bench/work.bench.ts), so every experiment is held to the same limit in microseconds.
 */
export interface WorkEstimate {
  units: number;
  what: string;
  /** How `units` is formed, with the values: "3600 s × 2,000 servers × … req/s". */
  formula: string;
  /** Microseconds one unit takes on the reference machine (2 cores). */
  unitCostUs: number;
  /** The parameters to lower, e.g. "durationS or servers". */
  lower: string;
}

/** `out`: an experiment of a specific schema is an `Experiment` of any schema (what a lab lists). */
export interface Experiment<out S extends ParamSchema = ParamSchema> {
  id: string;
  title: string;
  /** Full citation of the paper. */
  paper: string;
  /** Figure/section reproduced, e.g. "Fig. 2" ("none" when nothing published exists). */
  figure: string;
  /** What the experiment does, its assumptions and DEVIATIONs, in plain sentences. */
  description: string;
  /**
   * Shown in reports under the comparison table (or alone when it is empty): what the comparison can and
   * cannot say, or why there is nothing published to compare with.
   */
  comparisonNote?: string;
  /**
   * Published figures that compare with wall-clock `measurements` (which vary by machine and stay out of
   * the reproducible `comparisons`): reports show them beside the reproducible rows, marked wall clock.
   */
  wallClockComparisons?: readonly WallClockComparison[];
  params: S;
  /** True when `run` can use a compute backend (`ctx.compute`, e.g. WebGPU); hosts create one only then. */
  usesCompute?: boolean;
  /** True when `run` times part of its work with the host's clock (`ctx.now`) into `measurements`. */
  measuresWallClock?: boolean;
  /**
   * Rules that involve several parameters (each alone is checked by its spec): return a message naming
   * `field` and what it must be, or nothing when the combination is valid.
   */
  check?(params: ParamsOf<S>): { field: string; reason: string } | undefined;
  /**
   * The work `run` will do with these (valid) params, counted from what its loops really iterate over, the
   * user's inputs (trace requests, world sizes) included. The host refuses a run over the one work limit
   * (core/experiments/run.ts) before any work, with a line naming `lower`. Every registered experiment
   * declares it (core/labs.test.ts); only toy experiments in tests leave it out.
   */
  work?(params: ParamsOf<S>): WorkEstimate;
  run(params: ParamsOf<S>, ctx: RunContext): Promise<ResultBody>;
  charts?(result: Result): ChartSpec[];
}

/**
 * Identity helper that keeps the schema's literal types for `run`'s params, and checks that `check` names
 * one of the experiment's own parameters (the stored `Experiment` says only `string`, so that an
 * experiment of any schema is an `Experiment`: `keyof S` there would make S invariant).
 */
export function defineExperiment<S extends ParamSchema>(
  e: Experiment<S> & {
    check?(params: ParamsOf<S>): { field: keyof S & string; reason: string } | undefined;
  },
): Experiment<S> {
  return e;
}

/**
 * A lab's live picture: a seeded simulation run in the worker whose output (a view model of plain
 * records and typed arrays, structured-cloneable) the renderer animates. Parameters are declared like
 * an experiment's, so links and validation work the same way. A view either builds its whole model at
 * once (`build`: the tpu and mesh views) or streams it in chunks as its simulation produces them
 * (`stream`: the kv view, whose renderer starts playing at the first chunk).
 */
interface LabViewBase<S extends ParamSchema> {
  title: string;
  description: string;
  params: S;
  /**
   * The work `build` or `stream` will do with these (valid) params, counted like an experiment's
   * (`Experiment.work`); the host refuses a view over the same one work limit before any work. Every
   * registered view declares it (core/labs.test.ts).
   */
  work?(params: ParamsOf<S>): WorkEstimate;
}

/** A view whose model arrives whole (the tpu and mesh views still need this path). */
export interface BuiltLabView<S extends ParamSchema = ParamSchema, V = unknown> extends LabViewBase<S> {
  build(params: ParamsOf<S>, ctx: RunContext): Promise<V>;
  stream?: undefined;
}

/** A view whose model arrives in chunks (the kv view). */
export interface StreamingLabView<S extends ParamSchema = ParamSchema, C = unknown> extends LabViewBase<S> {
  /**
   * Emit the model in order while the simulation runs and resolve after the last chunk. Each chunk owns
   * its typed arrays (a host may transfer them), and what the chunks add up to depends only on params and
   * seed, never on where the chunks were cut. Cancellation lands at `ctx.progress`, like a run's.
   */
  stream(params: ParamsOf<S>, ctx: RunContext, emit: (chunk: C) => void): Promise<void>;
  build?: undefined;
}

export type LabView<S extends ParamSchema = ParamSchema, V = unknown> =
  BuiltLabView<S, V> | StreamingLabView<S, V>;

export function defineLabView<S extends ParamSchema, V>(v: BuiltLabView<S, V>): BuiltLabView<S, V> {
  return v;
}

export function defineStreamingLabView<S extends ParamSchema, C>(
  v: StreamingLabView<S, C>,
): StreamingLabView<S, C> {
  return v;
}
