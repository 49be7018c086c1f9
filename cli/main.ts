// The command line (DESIGN.md): list, describe, run, rerun, kv-replay, sweep (cli/sweep.ts). Parsing by commander, progress
// by cli-progress on stderr. What only some commands need (React for reports, the progress bar, the trace
// replayer, the GPU) is imported when that command runs, so `list` and `describe` start at once.
// User errors print one line and exit non-zero; never a stack trace.
import { writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { Command, CommanderError } from 'commander';
import {
  REPORT_FILES,
  checkOutDir,
  defaultIo,
  outDirOption,
  parseSets,
  readUserFile,
  withOutDir,
} from './io';
import type { Io } from './io';
import { registerSweep, rerunSweep } from './sweep';
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
      now: () => performance.now(),
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

/** Write the report's files into the claimed folder (each created new: 'wx' never follows a link). */
async function writeReport(dir: string, result: Result): Promise<string[]> {
  const { reportFiles } = await import('../report/buildReport');
  const { files } = reportFiles(result);
  checkOutDir(dir, [...REPORT_FILES, ...Object.keys(result.tables).map((t) => `${t}.csv`)]);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text, { flag: 'wx' });
  return Object.keys(files);
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
      // Commander echoes what was typed (an unknown option or command): one printable line, naming the
      // commands when it has no suggestion for an unknown one.
      writeErr: (s) => io.err(printable(withCommands(s.trim(), cmd), 300)),
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
    .argument('<file>', 'a result.json, report.html or sweep.json')
    .description(
      're-run a saved result (or sweep) and check the new result.json (sweep.json) is byte-identical',
    )
    .option('--out <dir>', 'output folder (default: <folder of file>-rerun)')
    .action(async (file: string, opts: { out?: string }) => {
      const text = readUserFile(file);
      if (text.includes('"schema": "hyperscale-lab/sweep@1"'))
        return rerunSweep(text, file, outDirOption(opts.out, `${dirname(resolve(file))}-rerun`), io);
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

  registerSweep(cmd, io);
  return cmd;
}

/** Commander's message on one line; an unknown command's names the known commands when it suggested none. */
function withCommands(text: string, cmd: Command): string {
  // Commander puts its suggestion on a line of its own.
  const line = text.replace(/\s*\n\s*/g, ' ');
  if (!/unknown command/.test(line) || /Did you mean/.test(line)) return line;
  return `${line}; commands: ${cmd.commands.map((c) => c.name()).join(', ')}`;
}

/** Runs the CLI; returns the exit code. */
export async function main(argv: string[], io: Io = defaultIo): Promise<number> {
  try {
    const state = { exitCode: 0 };
    await program(io, state).parseAsync(argv, { from: 'user' });
    return state.exitCode;
  } catch (e) {
    // Commander already printed its one line; a usage error exits 2 like every other error (help: 0).
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
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
