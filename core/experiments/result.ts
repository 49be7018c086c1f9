// result.json: stable serialization, validation of files users bring back (result.json or the JSON
// embedded in report.html), and CSV export of tables.
import { z } from 'zod';
import { UserError } from './errors';
import { isSoftwareAdapter } from '../compute/backend';
import type { Comparison, Experiment, Result, Table } from './types';

/** Canonical bytes of a result: fixed key order (as built), 2-space indent, trailing newline. */
export function serializeResult(result: Result): string {
  return `${JSON.stringify(result, null, 2)}\n`;
}

const paramValue = z.union([z.number(), z.string(), z.boolean(), z.array(z.number()), z.array(z.string())]);
const table = z.object({
  columns: z.array(z.string()),
  rows: z.array(z.array(z.union([z.string(), z.number()]))),
});
const resultSchema = z.object({
  schema: z.literal('hyperscale-lab/result@1'),
  experiment: z.string(),
  title: z.string(),
  paper: z.string(),
  labVersion: z.string(),
  seed: z.number().int(),
  params: z.record(z.string(), paramValue),
  metrics: z.record(z.string(), z.number()),
  tables: z.record(z.string(), table),
  comparisons: z.array(
    z.object({ metric: z.string(), published: z.number(), measured: z.number(), source: z.string() }),
  ),
  measurements: z.record(z.string().max(80), z.number()).optional(),
  // What ComputeBackend hosts record (core/compute/backend.ts): the backend kind and its adapter's name.
  environment: z
    .object({ backend: z.enum(['webgpu', 'cpu']), adapter: z.string().min(1).max(200) })
    .strict()
    .optional(),
});

/** The marker around the result embedded in report.html. */
export const EMBED_ID = 'hyperscale-lab-result';

/** Parse a result.json or a report.html (its embedded result). Errors are one line naming the problem. */
export function parseResultFile(text: string, name = 'file'): Result {
  const trimmed = text.trimStart();
  let json: string = text;
  if (trimmed.startsWith('<')) {
    const embedded = embeddedJson(text);
    if (!embedded)
      throw new UserError(`${name}: no embedded result found (is it a Hyperscale Lab report.html?)`);
    json = embedded; // its `\\u003c` escapes decode back to '<' in JSON.parse
  }
  let data: unknown;
  try {
    data = JSON.parse(json);
  } catch (e) {
    const why = (e as Error).message.split('\n')[0];
    throw new UserError(`${name}: not valid JSON, so not a result.json or report.html of this lab (${why})`);
  }
  const parsed = resultSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? issue.path.join('.') : 'result';
    throw new UserError(`${name}: not a Hyperscale Lab result (${where}: ${issue?.message ?? 'invalid'})`);
  }
  return parsed.data as Result;
}

/** JSON made safe to sit inside a <script> element (no `</script>` or `<!--` can close it). */
export function escapeForEmbed(json: string): string {
  return json.replace(/</g, '\\u003c');
}

function embeddedJson(html: string): string | undefined {
  return new RegExp(`<script type="application/json" id="${EMBED_ID}">([\\s\\S]*?)</script>`).exec(html)?.[1];
}

/** Everything of a result except `measurements` and `environment` (the machine's part): what a re-run must reproduce byte for byte. */
export function reproducible(result: Result): Result {
  const { measurements: _m, environment: _e, ...rest } = result;
  return rest;
}

export type RerunCheck = { same: true } | { same: false; detail: string };

const clip = (s: string) => (s.length > 60 ? `${s.slice(0, 57)}…` : s);

/** Compare a saved result with its re-run, measurements aside; on a difference, name the first line. */
export function compareReproducible(saved: Result, rerun: Result): RerunCheck {
  const a = serializeResult(reproducible(saved));
  const b = serializeResult(reproducible(rerun));
  if (a === b) return { same: true };
  const linesA = a.split('\n');
  const linesB = b.split('\n');
  let i = 0;
  while (i < linesA.length && linesA[i] === linesB[i]) i++;
  return {
    same: false,
    detail: `line ${i + 1}: ${clip(linesA[i]?.trim() ?? '(end)')} vs ${clip(linesB[i]?.trim() ?? '(end)')}`,
  };
}

function csvCell(v: string | number): string {
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** RFC 4180 CSV with a header row and LF line ends. */
export function tableToCsv(t: Table): string {
  return [t.columns, ...t.rows].map((row) => row.map(csvCell).join(',')).join('\n') + '\n';
}

/** A row of a report's comparison table: the reproducible comparisons, then the wall-clock ones. */
export interface ComparisonRow extends Comparison {
  /** True for a wall-clock measurement (varies by machine; a re-run does not compare it). */
  wallClock: boolean;
}

/**
 * The rows reports show beside the paper: `result.comparisons`, then the experiment's wall-clock ones
 * that apply to where this result was measured (a GPU figure is not compared with a CPU or software run).
 */
export function comparisonRows(result: Result, experiment: Experiment): ComparisonRow[] {
  const env = result.environment;
  const onGpu = env?.backend === 'webgpu' && !isSoftwareAdapter(env.adapter ?? '');
  const wallClock = (experiment.wallClockComparisons ?? []).flatMap((w) => {
    const measured = result.measurements?.[w.measurement];
    return measured === undefined || (w.onlyOn === 'gpu' && !onGpu)
      ? []
      : [{ metric: w.measurement, published: w.published, measured, source: w.source, wallClock: true }];
  });
  return [...result.comparisons.map((c) => ({ ...c, wallClock: false })), ...wallClock];
}

/**
 * Files of one exported report (`report.html`, `result.json` and one CSV per table): what report/buildReport
 * makes and the app or the CLI writes.
 */
export interface ReportFiles {
  /** Suggested folder name, e.g. "kv-prefix-cache-seed1". */
  suggestedName: string;
  /** File name → UTF-8 content. Names are plain (no slashes), validated by main. */
  files: Record<string, string>;
}

/**
 * A saved result's machine part (`measurements`, `environment`) is believable only from an experiment that
 * runs on a compute backend and records one; anywhere else it was added by hand.
 */
export function checkMachinePart(result: Result, experiment: Experiment, name: string): void {
  if (experiment.usesCompute || (experiment.measuresWallClock && !result.environment)) return;
  if (!result.measurements && !result.environment) return;
  throw new UserError(
    `${name}: ${experiment.id} records no measurements or environment, but this result has them (edited?)`,
  );
}
