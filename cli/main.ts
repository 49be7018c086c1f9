// The command line (DESIGN.md): list, describe, run, rerun, kv-replay. Parsing by commander, progress
// by cli-progress on stderr. What only some commands need (React for reports, the progress bar, the trace
// replayer, the GPU) is imported when that command runs, so `list` and `describe` start at once.
// User errors print one line and exit non-zero; never a stack trace.
import {
  accessSync,
  constants,
  existsSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  rmdirSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { Command, CommanderError } from 'commander';
import { UserError, printable } from '../core/experiments/errors';
import { allowedText, formatParam } from '../core/experiments/params';
import { checkSeed, resolveExperimentParams } from '../core/experiments/run';
import { getExperiment, labOf, listExperiments, runExperiment } from '../core/labs';
import type { RunHost } from '../core/experiments/run';
import {
  comparisonRows,
  compareReproducible,
  parseResultFile,
  serializeResult,
  checkMachinePart,
} from '../core/experiments/result';
import { CancelledError } from '../core/experiments/types';
import type { Experiment, Result } from '../core/experiments/types';
import { isSoftwareAdapter } from '../core/compute/backend';
import { LAB_VERSION } from '../core/version';
import { formatValue } from '../report/charts/format';

interface Io {
  out: (line: string) => void;
  err: (line: string) => void;
  /** Whether to draw a progress bar (an interactive terminal). */
  tty: boolean;
}

const defaultIo: Io = {
  out: (l) => process.stdout.write(`${l}\n`),
  err: (l) => process.stderr.write(`${l}\n`),
  tty: Boolean(process.stderr.isTTY),
};

/** The largest file a command reads (a trace of 8 M characters is the largest text parameter). */
const MAX_FILE_BYTES = 64 * 1024 * 1024;

function readUserFile(path: string): string {
  if (!existsSync(path)) throw new UserError(`${path}: no such file`);
  let text: string;
  try {
    const size = statSync(path).size;
    if (size > MAX_FILE_BYTES)
      throw new UserError(
        `${path}: ${size.toLocaleString('en-US')} bytes is over the ${MAX_FILE_BYTES / 2 ** 20} MiB a file may have`,
      );
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if (e instanceof UserError) throw e;
    throw new UserError(
      `${path}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
    );
  }
  // An empty file must not pass for "no file" (which text parameters read as the built-in default).
  if (text.trim() === '') throw new UserError(`${path}: the file is empty`);
  return text;
}

/**
 * Parse repeated `--set key=value` into raw params (values stay text; the schema converts them).
 * `key=@path` reads the value from a file (for text parameters such as a user's trace).
 */
function parseSets(sets: string[]): Record<string, string> {
  const raw: Record<string, string> = {};
  for (const s of sets) {
    const eq = s.indexOf('=');
    if (eq <= 0) throw new UserError(`--set ${s}: expected key=value`);
    const value = s.slice(eq + 1).trim();
    raw[s.slice(0, eq).trim()] = value.startsWith('@') ? readUserFile(value.slice(1)) : value;
  }
  return raw;
}

function pad(s: string, n: number): string {
  return s.length >= n ? s : s + ' '.repeat(n - s.length);
}

function textTable(columns: string[], rows: string[][]): string[] {
  const widths = columns.map((c, i) => Math.max(c.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => pad(c, widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(columns), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)];
}

function summary(result: Result): string[] {
  const experiment = getExperiment(result.experiment);
  const lines = [
    `${result.title}`,
    `experiment ${result.experiment} · seed ${result.seed} · lab ${result.labVersion}`,
    '',
  ];
  const rows = comparisonRows(result, experiment);
  if (rows.length === 0) {
    lines.push(`No published comparison: ${experiment.comparisonNote ?? 'none published.'}`);
  } else {
    lines.push(
      ...textTable(
        ['metric', 'published', 'measured', 'source'],
        rows.map((c) => [
          c.metric,
          formatValue(c.published),
          formatValue(c.measured),
          c.wallClock
            ? `${c.source} · wall clock on ${result.environment?.adapter ?? 'this machine'}, not re-run-checked`
            : c.source,
        ]),
      ),
    );
    if (experiment.comparisonNote) lines.push(experiment.comparisonNote);
  }
  lines.push(
    '',
    ...textTable(
      ['metric', 'value'],
      Object.entries(result.metrics).map(([k, v]) => [k, formatValue(v)]),
    ),
  );
  if (result.measurements) {
    lines.push(
      '',
      ...textTable(
        ['measurement (wall clock; rerun does not compare it)', 'value'],
        Object.entries(result.measurements).map(([k, v]) => [k, formatValue(v)]),
      ),
    );
  }
  return lines;
}

/** A progress bar on stderr for interactive runs; Ctrl-C cancels the run cleanly. */
async function progressHost(io: Io): Promise<{ host: RunHost; stop: () => void }> {
  let cancelled = false;
  const onSigint = () => {
    cancelled = true;
  };
  process.once('SIGINT', onSigint);
  const bar = io.tty
    ? new (await import('cli-progress')).SingleBar({
        format: ' {bar} {percentage}% | {label}',
        hideCursor: true,
        clearOnComplete: true,
        stream: process.stderr,
      })
    : undefined;
  bar?.start(100, 0, { label: 'starting' });
  return {
    host: {
      onProgress: (f, label) => bar?.update(Math.round(f * 100), { label: label ?? '' }),
      yieldToHost: () => new Promise((r) => setImmediate(r)),
      isCancelled: () => cancelled,
    },
    stop: () => {
      bar?.stop();
      process.removeListener('SIGINT', onSigint);
    },
  };
}

async function runWithProgress(io: Io, run: (host: RunHost) => Promise<Result>): Promise<Result> {
  const { host, stop } = await progressHost(io);
  try {
    return await run(host);
  } finally {
    stop();
  }
}

/** Whether anything, even a dangling symbolic link, is at `path` (existsSync follows links). */
function present(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

/** `--out` as an absolute folder, or `fallback` when it is not given; an empty one is refused. */
function outDirOption(out: string | undefined, fallback: string): string {
  if (out !== undefined && out.trim() === '') throw new UserError('--out is empty; name a folder');
  return resolve(out ?? fallback);
}

/**
 * Refuse an output folder: it must be a real folder (or absent; never a symbolic link) and hold none of
 * the files a report writes, not even as a link, so nothing already saved is overwritten or written through.
 */
function checkOutDir(dir: string, tableNames: readonly string[]): void {
  if (present(dir)) {
    const stat = lstatSync(dir);
    if (stat.isSymbolicLink()) throw new UserError(`${dir} is a symbolic link; choose another --out`);
    if (!stat.isDirectory()) throw new UserError(`${dir} is a file, not a folder; choose another --out`);
  }
  const names = ['report.html', 'result.json', ...tableNames.map((t) => `${t}.csv`)];
  const clash = names.find((name) => present(join(dir, name)));
  if (clash) throw new UserError(`${join(dir, clash)} already exists; choose another --out`);
}

/**
 * mkdir -p, one level at a time from the nearest existing folder: Node's recursive mkdir can loop forever
 * where a parent refuses new entries with ENOENT (e.g. under /proc).
 */
function makeFolders(dir: string, made: string[]): void {
  const missing: string[] = [];
  for (let d = dir; !present(d); d = dirname(d)) missing.unshift(d);
  for (const d of missing) {
    mkdirSync(d);
    made.unshift(d);
  }
}

/**
 * Check the output folder and create it before any work, so a folder that cannot be written is refused
 * up front; `abandon` removes the folders this call created again when the run ends without writing.
 */
function claimOutDir(dir: string): { abandon: () => void } {
  checkOutDir(dir, []);
  const made: string[] = [];
  try {
    makeFolders(dir, made);
    accessSync(dir, constants.W_OK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
    throw new UserError(`cannot write to ${dir} (${code}); choose another --out`);
  }
  return {
    abandon: () => {
      try {
        for (const d of made) rmdirSync(d); // innermost first; only ever empty folders
      } catch {
        // something was written after all: keep it
      }
    },
  };
}

/** Write the report's files into the claimed folder (each created new: 'wx' never follows a link). */
async function writeReport(dir: string, result: Result): Promise<string[]> {
  const { reportFiles } = await import('../report/buildReport');
  const { files } = reportFiles(result);
  checkOutDir(dir, Object.keys(result.tables));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text, { flag: 'wx' });
  return Object.keys(files);
}

/** Run `work` with the output folder claimed; a run that fails or is cancelled leaves no empty folder. */
async function withOutDir<T>(dir: string, work: () => Promise<T>): Promise<T> {
  const claim = claimOutDir(dir);
  try {
    return await work();
  } catch (e) {
    claim.abandon();
    throw e;
  }
}

/**
 * Whether `text` is the file the lab writes for `saved`: result.json byte for byte, or report.html whole —
 * its visible tables and text re-rendered from the embedded result, not only the embedded JSON.
 */
async function isAsWritten(text: string, saved: Result): Promise<boolean> {
  if (!text.trimStart().startsWith('<')) return text === serializeResult(saved);
  const { reportFiles } = await import('../report/buildReport');
  return reportFiles(saved).files['report.html'] === text;
}

/**
 * GPU-lab experiments get a compute backend: WebGPU through the optional `webgpu` package when an adapter
 * exists (cli/gpu.ts), else the timed CPU path. Says which one runs; other labs load nothing.
 */
async function computeFor(
  experiment: Experiment,
  io: Io,
): Promise<{ host: Partial<RunHost>; dispose: () => void }> {
  if (!experiment.usesCompute) return { host: {}, dispose: () => {} };
  const { nodeComputeBackend } = await import('./gpu');
  const made = await nodeComputeBackend();
  const note = made.fallbackReason
    ? ` (CPU fallback: ${made.fallbackReason})`
    : made.backend.kind === 'webgpu' && isSoftwareAdapter(made.backend.adapter)
      ? ' (a software rasterizer: its timings are not GPU figures)'
      : '';
  io.out(`backend: ${made.backend.kind} · ${made.backend.adapter}${note}`);
  return { host: { compute: made.backend }, dispose: made.dispose };
}

function program(io: Io, state: { exitCode: number }): Command {
  const cmd = new Command('hyperscale-lab')
    .description(
      'Hyperscale Lab: run systems-paper experiments deterministically and compare with the papers.',
    )
    .version(LAB_VERSION)
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.out(s.trimEnd()),
      // Commander echoes what was typed (an unknown option or command): one printable line.
      writeErr: (s) => io.err(printable(s.trim(), 300)),
    })
    .showSuggestionAfterError();

  cmd
    .command('list')
    .description('list the experiments')
    .action(() => {
      const rows = listExperiments().map((e) => [
        e.id,
        labOf(e),
        e.figure.length > 28 ? `${e.figure.slice(0, 27)}…` : e.figure,
        e.title,
      ]);
      for (const l of textTable(['experiment', 'lab', 'figure', 'title'], rows)) io.out(l);
    });

  cmd
    .command('describe')
    .argument('<experiment>')
    .description('show an experiment, its paper and its parameters')
    .action((id: string) => {
      const e = getExperiment(id);
      io.out(`${e.id}: ${e.title}`);
      io.out(`paper: ${e.paper}`);
      io.out(`reproduces: ${e.figure}`);
      io.out('');
      io.out(e.description);
      io.out('');
      const rows = Object.entries(e.params).map(([name, spec]) => [
        name,
        spec.kind,
        formatParam(spec.default),
        allowedText(spec),
        spec.help ? `${spec.label}: ${spec.help}` : spec.label,
      ]);
      for (const l of textTable(['parameter', 'type', 'default', 'allowed', 'meaning'], rows)) io.out(l);
    });

  cmd
    .command('run')
    .argument('<experiment>')
    .description('run an experiment and write report.html, result.json and CSVs')
    .option(
      '--set <key=value>',
      'set a parameter (repeatable)',
      (v: string, acc: string[]) => [...acc, v],
      [],
    )
    .option('--seed <n>', 'random seed', '1')
    .option('--out <dir>', 'output folder (default lab-out/<experiment>-seed<n>)')
    .action(async (id: string, opts: { set: string[]; seed: string; out?: string }) => {
      // Validate everything before any work: experiment, params, seed, then the output folder.
      const experiment = getExperiment(id);
      const raw = parseSets(opts.set);
      resolveExperimentParams(experiment, raw);
      const seed = checkSeed(opts.seed);
      const dir = outDirOption(opts.out, join('lab-out', `${id}-seed${seed}`));
      const { result, written } = await withOutDir(dir, async () => {
        const gpu = await computeFor(experiment, io);
        const result = await runWithProgress(io, (host) =>
          runExperiment(id, raw, seed, { ...host, ...gpu.host }),
        ).finally(gpu.dispose);
        return { result, written: await writeReport(dir, result) };
      });
      for (const l of summary(result)) io.out(l);
      io.out('');
      io.out(`wrote ${written.join(', ')} to ${dir}`);
    });

  cmd
    .command('rerun')
    .argument('<file>', 'a result.json or report.html')
    .description('re-run a saved result and check the new result.json is byte-identical')
    .option('--out <dir>', 'output folder (default: <folder of file>-rerun)')
    .action(async (file: string, opts: { out?: string }) => {
      const text = readUserFile(file);
      const saved = parseResultFile(text, basename(file));
      const experiment = getExperiment(saved.experiment);
      checkMachinePart(saved, experiment, basename(file));
      const dir = outDirOption(opts.out, `${dirname(resolve(file))}-rerun`);
      const fresh = await withOutDir(dir, async () => {
        const gpu = await computeFor(experiment, io);
        const fresh = await runWithProgress(io, (host) =>
          runExperiment(saved.experiment, saved.params, saved.seed, { ...host, ...gpu.host }),
        ).finally(gpu.dispose);
        await writeReport(dir, fresh);
        return fresh;
      });
      io.out(`wrote ${dir}`);
      const hint =
        saved.labVersion !== fresh.labVersion
          ? ` (saved by lab ${saved.labVersion}, now ${fresh.labVersion})`
          : '';
      const compared = compareReproducible(saved, fresh);
      if (!compared.same) throw new UserError(`re-run differs from ${file}${hint}: ${compared.detail}`);
      if (!(await isAsWritten(text, saved))) {
        throw new UserError(
          `${file} is not as the lab wrote it (edited or reformatted), so it cannot match byte for byte`,
        );
      }
      io.out(
        `result.json is byte-identical to ${file}${fresh.measurements ? ' (measurements excluded)' : ''}`,
      );
    });

  cmd
    .command('kv-replay')
    .argument('<trace>', 'a vLLM V1 block-manager trace (JSON lines)')
    .description('replay a recorded vLLM allocator trace against the model; exit 0 only with zero mismatches')
    .action(async (file: string) => {
      const { replayTrace } = await import('../core/kv/trace');
      const report = replayTrace(readUserFile(file));
      io.out(
        `${printable(basename(file))}: ${report.opsChecked} ops checked, ${report.mismatches} mismatches`,
      );
      const m = report.firstMismatch;
      if (m) {
        // Request ids and values come from the trace: escaped, so a crafted id cannot drive the terminal.
        io.out(
          printable(
            `first mismatch at line ${m.line} (${m.op} ${m.req}): ${m.field} expected ${JSON.stringify(m.expected)}, got ${JSON.stringify(m.actual)}`,
            500,
          ),
        );
        state.exitCode = 1;
      }
    });

  return cmd;
}

/** Runs the CLI; returns the exit code. */
export async function main(argv: string[], io: Io = defaultIo): Promise<number> {
  try {
    const state = { exitCode: 0 };
    await program(io, state).parseAsync(argv, { from: 'user' });
    return state.exitCode;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode; // commander already printed its one line
    if (e instanceof CancelledError) {
      io.err('cancelled');
      return 130;
    }
    if (e instanceof UserError) {
      io.err(`error: ${e.message}`);
      return 2;
    }
    io.err(
      `internal error: ${printable(String((e as Error).message ?? e), 300)}${process.env.LAB_DEBUG ? `\n${(e as Error).stack}` : ' (set LAB_DEBUG=1 for details)'}`,
    );
    return 1;
  }
}
