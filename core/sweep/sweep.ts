// Sweeps (DESIGN.md "sweep.json"): the cross product of grid values (× seeds) of one experiment, planned and
// checked before any work, cut into contiguous shards, and written as one `hyperscale-lab/sweep@1` document
// whose bytes do not depend on how many workers or shards ran it. Hosts run the runs (CLI worker threads,
// the app's Web Workers) and hash each result.json (SHA-256; core has no hash of its own).
import { UserError } from '../experiments/errors';
import { checkParam, formatParam } from '../experiments/params';
import { WORK_LIMIT_US, formatCount, resolveExperimentParams } from '../experiments/run';
import type { Experiment, ParamSchema, ParamsOf, ParamValue, Result } from '../experiments/types';
import { tableToCsv } from '../experiments/result';
import { LAB_VERSION } from '../version';

export const SWEEP_SCHEMA = 'hyperscale-lab/sweep@1';
/** The most runs one sweep may plan (a run list this long is already hours of work). */
export const MAX_RUNS = 100_000;
/** Declared work of all the runs one process (or shard) takes on: an hour of the reference machine. */
export const SWEEP_WORK_LIMIT_US = 60 * WORK_LIMIT_US;

export interface GridAxis {
  name: string;
  /** Each value as the text `--set` would take. */
  values: string[];
}

export interface PlannedRun {
  /** The run's parameters as text: the fixed `--set` ones and this run's grid values. */
  params: Record<string, string>;
  seed: number;
}

export interface SweepRun {
  params: Record<string, ParamValue>;
  seed: number;
  metrics: Record<string, number>;
  /** SHA-256 (hex) of the run's result.json without its measurements (what `rerun` compares). */
  resultSha256: string;
}

export interface SweepDoc {
  schema: typeof SWEEP_SCHEMA;
  experiment: string;
  labVersion: string;
  grid: GridAxis[];
  /** Every run has seeds 1..seeds. */
  seeds: number;
  /** Parameters fixed across the sweep (`--set`). */
  fixed: Record<string, string>;
  runCount: number;
  /** Published values the experiment compares with, where every run compared a metric with the same one. */
  published?: Record<string, { value: number; source: string }>;
  /** A shard's place: its index (0-based), the number of shards and its first run's index. */
  shard?: { index: number; count: number; firstRun: number };
  runs: SweepRun[];
}

/**
 * `--grid name=v1,v2,…` per axis. A list-valued parameter (int-list, enum-list) separates its values with
 * `;` instead, since each value is itself a comma list: `--grid policies=vllm;vllm,orca-max`.
 */
export function parseGrid(experiment: Experiment, specs: readonly string[]): GridAxis[] {
  if (specs.length === 0) throw new UserError('a sweep needs at least one --grid name=v1,v2,…');
  const axes: GridAxis[] = [];
  for (const s of specs) {
    const eq = s.indexOf('=');
    if (eq <= 0) throw new UserError(`--grid ${s}: expected name=v1,v2,…`);
    const name = s.slice(0, eq).trim();
    const spec = experiment.params[name];
    if (!spec)
      throw new UserError(
        `--grid ${name}: ${experiment.id} has no such parameter (known: ${Object.keys(experiment.params).join(', ')})`,
      );
    if (axes.some((a) => a.name === name)) throw new UserError(`--grid ${name} is given twice; give it once`);
    const sep = spec.kind === 'int-list' || spec.kind === 'enum-list' ? ';' : ',';
    const values = s
      .slice(eq + 1)
      .split(sep)
      .map((v) => v.trim())
      .filter((v) => v !== '')
      .map((v) => {
        // Each value as its parameter reads it (0.990 → 0.99, "1, 2" → "1,2"), so equal values are one.
        const parsed = checkParam(name, spec, v);
        if (!parsed.ok) throw new UserError(`--grid ${name}=${v}: ${parsed.error}`);
        return formatParam(parsed.value);
      });
    if (values.length === 0) throw new UserError(`--grid ${name}: no values`);
    if (new Set(values).size !== values.length)
      throw new UserError(`--grid ${name}: a value is listed twice`);
    axes.push({ name, values });
  }
  return axes;
}

/** The runs in grid order: the first axis outermost, seeds 1..N innermost. */
export function planRuns(
  grid: readonly GridAxis[],
  seeds: number,
  fixed: Record<string, string>,
): PlannedRun[] {
  const total = grid.reduce((n, a) => n * a.values.length, seeds);
  if (total > MAX_RUNS)
    throw new UserError(
      `the grid × seeds make ${formatCount(total)} runs, over the ${formatCount(MAX_RUNS)} limit; use fewer values or seeds`,
    );
  let combos: Record<string, string>[] = [{}];
  for (const axis of grid) combos = combos.flatMap((c) => axis.values.map((v) => ({ ...c, [axis.name]: v })));
  return combos.flatMap((c) =>
    Array.from({ length: seeds }, (_, s) => ({ params: { ...fixed, ...c }, seed: s + 1 })),
  );
}

/**
 * Check every run before any work: its parameters (an error names the run's grid values and seed) and its
 * declared work; then the declared work of the runs this process takes on (`from`..`to`) together.
 */
export function checkRuns(
  experiment: Experiment,
  runs: readonly PlannedRun[],
  from = 0,
  to = runs.length,
): void {
  let totalUs = 0;
  runs.forEach((run, i) => {
    try {
      const params = resolveExperimentParams(experiment, run.params);
      const w = experiment.work?.(params as ParamsOf<ParamSchema>);
      if (w && i >= from && i < to) totalUs += w.units * w.unitCostUs;
    } catch (e) {
      if (!(e instanceof UserError)) throw e;
      throw new UserError(`run ${describeRun(run)}: ${e.message}`);
    }
  });
  if (totalUs > SWEEP_WORK_LIMIT_US)
    throw new UserError(
      `these ${formatCount(to - from)} runs declare ${formatCount(totalUs / 1e6)} s of work, over the ${formatCount(SWEEP_WORK_LIMIT_US / 1e6)} s one process takes on; shard the sweep (--shards) or use fewer values`,
    );
}

function describeRun(run: PlannedRun): string {
  return `${Object.entries(run.params)
    .map(([k, v]) => `${k}=${v.length > 20 ? `${v.slice(0, 17)}…` : v}`)
    .join(' ')} seed=${run.seed}`;
}

/** `i/N` (0-based i) → the contiguous slice of the runs that shard takes. */
export function parseShard(text: string): { index: number; count: number } {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!m || count < 1 || index >= count || count > MAX_RUNS)
    throw new UserError(`--shard ${text}: expected i/N with 0 ≤ i < N (e.g. 0/4)`);
  return { index, count };
}

/** Refuse more shards than runs (a shard without runs would have nothing to say). */
export function checkShardCount(count: number, runCount: number, what: string): void {
  if (count > runCount)
    throw new UserError(`${what}: ${count} shards for ${runCount} run(s); use at most ${runCount} shards`);
}

export function shardRange(runCount: number, index: number, count: number): [number, number] {
  return [Math.floor((index * runCount) / count), Math.floor(((index + 1) * runCount) / count)];
}

export function sweepRun(result: Result, resultSha256: string): SweepRun {
  return { params: result.params, seed: result.seed, metrics: result.metrics, resultSha256 };
}

export interface SweepPlan {
  experiment: Experiment;
  grid: GridAxis[];
  seeds: number;
  fixed: Record<string, string>;
  runs: PlannedRun[];
}

/** Plan a sweep from the command line's (or the app's) grid, seeds and fixed parameters, checked whole. */
export function planSweep(
  experiment: Experiment,
  gridSpecs: readonly string[],
  seeds: number,
  fixed: Record<string, string>,
): SweepPlan {
  if (!Number.isInteger(seeds) || seeds < 1 || seeds > MAX_RUNS)
    throw new UserError(`--seeds ${seeds}: expected a whole number from 1 to ${MAX_RUNS}`);
  const grid = parseGrid(experiment, gridSpecs);
  const clash = grid.find((a) => a.name in fixed);
  if (clash) throw new UserError(`${clash.name} is both --set and --grid; give it once`);
  return { experiment, grid, seeds, fixed, runs: planRuns(grid, seeds, fixed) };
}

/** The plan a saved sweep was made from (its grid, seeds and fixed parameters), planned again. */
export function planOfDoc(doc: SweepDoc, experiment: Experiment): SweepPlan {
  const specs = doc.grid.map((a) => {
    const kind = experiment.params[a.name]?.kind;
    return `${a.name}=${a.values.join(kind === 'int-list' || kind === 'enum-list' ? ';' : ',')}`;
  });
  return planSweep(experiment, specs, doc.seeds, doc.fixed);
}

/** Each run of `doc` is the planned run at its place: its grid values and its seed (one line otherwise). */
export function checkRunsMatchPlan(doc: SweepDoc, plan: SweepPlan, firstRun = 0): void {
  doc.runs.forEach((run, i) => {
    const want = plan.runs[firstRun + i];
    const same =
      want !== undefined &&
      run.seed === want.seed &&
      plan.grid.every((a) => formatParam(run.params[a.name]!) === want.params[a.name]);
    if (!same)
      throw new UserError(
        `run ${firstRun + i} is not the sweep's run ${firstRun + i} (edited or reordered?)`,
      );
  });
}

/** Published values shared by every run's comparison of a metric (a published value that varies is left out). */
export function sharedPublished(results: readonly Result[]): SweepDoc['published'] {
  const out: NonNullable<SweepDoc['published']> = {};
  const first = results[0];
  for (const c of first?.comparisons ?? []) {
    const same = results.every((r) =>
      r.comparisons.some((d) => d.metric === c.metric && d.published === c.published),
    );
    if (same) out[c.metric] = { value: c.published, source: c.source };
  }
  return out;
}

export function sweepDoc(
  plan: SweepPlan,
  runs: SweepRun[],
  published: SweepDoc['published'],
  shard?: SweepDoc['shard'],
): SweepDoc {
  return {
    schema: SWEEP_SCHEMA,
    experiment: plan.experiment.id,
    labVersion: LAB_VERSION,
    grid: plan.grid,
    seeds: plan.seeds,
    fixed: plan.fixed,
    runCount: plan.runs.length,
    ...(published && Object.keys(published).length ? { published } : {}),
    ...(shard ? { shard } : {}),
    runs,
  };
}

export function serializeSweep(doc: SweepDoc): string {
  return `${JSON.stringify(doc, null, 2)}\n`;
}

/** The shards of one sweep, checked (same sweep, each index once, none missing), as the whole sweep. */
export function mergeShards(shards: readonly SweepDoc[]): SweepDoc {
  if (shards.length === 0) throw new UserError('sweep merge needs at least one shard folder');
  const first = shards[0]!;
  const same = (d: SweepDoc) =>
    JSON.stringify([d.experiment, d.labVersion, d.grid, d.seeds, d.fixed, d.runCount, d.shard?.count]);
  const odd = shards.find((d) => same(d) !== same(first));
  if (odd)
    throw new UserError(
      `shard ${odd.shard?.index ?? '?'} belongs to another sweep (experiment, grid, seeds, fixed parameters, lab version or shard count differ)`,
    );
  const count = first.shard?.count ?? 1;
  const byIndex = new Map<number, SweepDoc>();
  for (const d of shards) {
    const i = d.shard?.index ?? 0;
    if (byIndex.has(i)) throw new UserError(`shard ${i}/${count} is given twice`);
    byIndex.set(i, d);
  }
  const missing = Array.from({ length: count }, (_, i) => i).filter((i) => !byIndex.has(i));
  if (missing.length)
    throw new UserError(`shards ${missing.map((i) => `${i}/${count}`).join(', ')} are missing`);
  const ordered = Array.from({ length: count }, (_, i) => byIndex.get(i)!);
  const runs = ordered.flatMap((d, i) => {
    const [from, to] = shardRange(first.runCount, i, count);
    if (d.shard && d.shard.firstRun !== from)
      throw new UserError(`shard ${i}/${count} starts at the wrong run`);
    if (d.runs.length !== to - from)
      throw new UserError(
        `shard ${i}/${count} has ${d.runs.length} runs, expected ${to - from} (unfinished?)`,
      );
    return d.runs;
  });
  // Published values the whole sweep shares: those every shard with runs shares, with the same value.
  const voters = ordered.filter((d) => d.runs.length > 0);
  const published = Object.fromEntries(
    Object.entries(voters[0]?.published ?? {}).filter(([m, p]) =>
      voters.every((d) => d.published?.[m]?.value === p.value),
    ),
  );
  return {
    schema: SWEEP_SCHEMA,
    experiment: first.experiment,
    labVersion: first.labVersion,
    grid: first.grid,
    seeds: first.seeds,
    fixed: first.fixed,
    runCount: first.runCount,
    ...(Object.keys(published).length ? { published } : {}),
    runs,
  };
}

/** Parse a sweep.json, naming the file on any problem. */
export function parseSweepFile(text: string, name: string): SweepDoc {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new UserError(`${name}: not JSON`);
  }
  const d = doc as Partial<SweepDoc>;
  if (
    d?.schema !== SWEEP_SCHEMA ||
    typeof d.experiment !== 'string' ||
    !Array.isArray(d.runs) ||
    !Array.isArray(d.grid)
  )
    throw new UserError(`${name}: not a ${SWEEP_SCHEMA} file`);
  return d as SweepDoc;
}

/** One row per run: grid values, seed, every metric (columns in order of first appearance), result hash. */
export function sweepCsv(doc: SweepDoc): string {
  const metricNames = [...new Set(doc.runs.flatMap((r) => Object.keys(r.metrics)))];
  const columns = [...doc.grid.map((a) => a.name), 'seed', ...metricNames, 'result-sha256'];
  const rows = doc.runs.map((r) => [
    ...doc.grid.map((a) => formatParam(r.params[a.name]!)),
    r.seed,
    ...metricNames.map((m) => r.metrics[m] ?? ''),
    r.resultSha256,
  ]);
  return tableToCsv({ columns, rows });
}
