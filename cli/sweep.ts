// `sweep`: the cross product of grid values × seeds of one experiment on W worker threads, or one shard of
// it (for a Kubernetes Indexed Job or a Slurm array: --emit prints either), and `sweep merge` of the shards.
// Writes sweep.json (core/sweep: the same bytes for any worker or shard count), sweep.csv and report.html.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Command } from 'commander';
import { UserError } from '../core/experiments/errors';
import { CancelledError } from '../core/experiments/types';
import { getExperiment } from '../core/labs';
import {
  checkRuns,
  checkRunsMatchPlan,
  checkShardCount,
  planOfDoc,
  mergeShards,
  parseShard,
  parseSweepFile,
  planSweep,
  serializeSweep,
  sharedPublished,
  shardRange,
  sweepCsv,
  sweepDoc,
  sweepRun,
} from '../core/sweep/sweep';
import type { SweepDoc, SweepPlan } from '../core/sweep/sweep';
import { defaultSweepMetrics } from '../core/sweep/charts';
import { outDirOption, parseSets, withOutDir } from './io';
import type { Io } from './io';
import { emitManifest } from './sweepEmit';
import { runOne } from './sweepRun';
import type { RunReply, RunRequest } from './sweepRun';

export interface SweepOptions {
  grid: string[];
  set: string[];
  seeds: string;
  workers?: string;
  shard?: string;
  shards?: string;
  out?: string;
  emit?: string;
  metric: string[];
  image: string;
  claim: string;
}

const SWEEP_FILES = ['sweep.json', 'sweep.csv', 'report.html'];

export function registerSweep(cmd: Command, io: Io): void {
  const repeat = (v: string, acc: string[]) => [...acc, v];
  cmd
    .command('sweep')
    .argument('<experiment>', "an experiment id, or 'merge' followed by shard folders")
    .argument('[folders...]', 'for merge: the shard folders')
    .description('run a grid of parameter values × seeds (or one shard of it), or merge shards')
    .option(
      '--grid <name=v1,v2>',
      "a parameter's values (repeatable; list parameters separate values with ';')",
      repeat,
      [],
    )
    .option('--set <key=value>', 'a parameter fixed for every run (repeatable)', repeat, [])
    .option('--seeds <n>', 'seeds 1..n for every grid point', '1')
    .option('--workers <n>', 'worker threads (default: the machine’s cores)')
    .option('--shard <i/N>', 'run only the i-th (0-based) of N contiguous slices of the runs')
    .option('--shards <N>', 'run the slice JOB_COMPLETION_INDEX or SLURM_ARRAY_TASK_ID names')
    .option('--emit <k8s|slurm>', 'print a Kubernetes Indexed Job or a Slurm array script for --shards N')
    .option(
      '--metric <name>',
      'a metric to chart in report.html (repeatable; default: the compared ones)',
      repeat,
      [],
    )
    .option('--image <name>', 'container image for --emit k8s', 'hyperscale-lab:local')
    .option('--claim <name>', 'PersistentVolumeClaim for --emit k8s output', 'hyperscale-lab-sweeps')
    .option('--out <dir>', 'output folder (a shard writes into <dir>/shard-<i>)')
    .action(async (target: string, folders: string[], opts: SweepOptions) => {
      if (target === 'merge') return mergeCommand(folders, opts, io);
      if (folders.length)
        throw new UserError(`sweep ${target}: unexpected ${folders.join(' ')} (only merge takes folders)`);
      return sweepCommand(target, opts, io);
    });
}

function positiveInt(text: string, what: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || n < 1 || n > 100_000)
    throw new UserError(`${what} ${text}: expected a whole number from 1 to 100000`);
  return n;
}

/** Which slice this process takes: --shard i/N, or --shards N with the index from the cluster's variable. */
function shardOf(opts: SweepOptions): { index: number; count: number } | undefined {
  if (opts.shard && opts.shards) throw new UserError('give --shard i/N or --shards N, not both');
  if (opts.shard) return parseShard(opts.shard);
  if (!opts.shards) return undefined;
  const count = positiveInt(opts.shards, '--shards');
  const name =
    process.env.JOB_COMPLETION_INDEX !== undefined ? 'JOB_COMPLETION_INDEX' : 'SLURM_ARRAY_TASK_ID';
  const env = process.env[name];
  if (env === undefined)
    throw new UserError(
      '--shards needs JOB_COMPLETION_INDEX (Kubernetes Indexed Job) or SLURM_ARRAY_TASK_ID (Slurm array) set; use --shard i/N by hand',
    );
  if (!/^\d+$/.test(env) || Number(env) >= count)
    throw new UserError(
      `${name}=${env} is not a shard index of --shards ${count} (expected 0..${count - 1})`,
    );
  return { index: Number(env), count };
}

async function sweepCommand(id: string, opts: SweepOptions, io: Io): Promise<void> {
  const experiment = getExperiment(id);
  const plan = planSweep(experiment, opts.grid, positiveInt(opts.seeds, '--seeds'), parseSets(opts.set));
  if (opts.emit) {
    if (!opts.shards) throw new UserError('--emit needs --shards N (how many shards the cluster runs)');
    const shards = positiveInt(opts.shards, '--shards');
    checkShardCount(shards, plan.runs.length, '--shards');
    // Every run checked now, and the first shard's work held to the limit (shards differ by one run at most).
    checkRuns(experiment, plan.runs, ...shardRange(plan.runs.length, 0, shards));
    for (const line of emitManifest(opts.emit, plan, positiveInt(opts.shards, '--shards'), opts))
      io.out(line);
    return;
  }
  const shard = shardOf(opts);
  if (shard)
    checkShardCount(shard.count, plan.runs.length, opts.shard ? `--shard ${opts.shard}` : '--shards');
  const [from, to] = shard ? shardRange(plan.runs.length, shard.index, shard.count) : [0, plan.runs.length];
  checkRuns(experiment, plan.runs, from, to);
  const base = outDirOption(opts.out, join('lab-out', `${id}-sweep`));
  const dir = shard ? join(base, `shard-${shard.index}`) : base;
  const workers = opts.workers ? positiveInt(opts.workers, '--workers') : availableParallelism();
  const doc = await withOutDir(
    dir,
    async () => {
      const replies = await runPool(plan, from, to, workers, io);
      const results = replies.map((r) => r.result!);
      const runs = replies.map((r) => sweepRun(r.result!, r.sha256!));
      const doc = sweepDoc(
        plan,
        runs,
        sharedPublished(results),
        shard ? { ...shard, firstRun: from } : undefined,
      );
      await writeSweep(dir, doc, opts.metric);
      return doc;
    },
    SWEEP_FILES,
  );
  io.out(
    `${doc.runs.length} of ${plan.runs.length} runs${shard ? ` (shard ${shard.index}/${shard.count})` : ''} on ${Math.min(workers, to - from)} worker(s); wrote ${SWEEP_FILES.join(', ')} to ${dir}`,
  );
}

async function mergeCommand(folders: string[], opts: SweepOptions, io: Io): Promise<void> {
  if (folders.length === 0)
    throw new UserError('sweep merge needs the shard folders: sweep merge DIR… --out DIR');
  if (!opts.out) throw new UserError('sweep merge needs --out DIR');
  const docs = folders.map((f) => {
    const file = join(f, 'sweep.json');
    if (!existsSync(file)) throw new UserError(`${file}: no such file (not a finished shard?)`);
    return parseSweepFile(readFileSync(file, 'utf8'), file);
  });
  const doc = mergeShards(docs);
  checkRunsMatchPlan(doc, planOfDoc(doc, getExperiment(doc.experiment)));
  const dir = outDirOption(opts.out, '');
  await withOutDir(dir, () => writeSweep(dir, doc, opts.metric), SWEEP_FILES);
  io.out(
    `merged ${docs.length} shard(s), ${doc.runs.length} runs; wrote ${SWEEP_FILES.join(', ')} to ${dir}`,
  );
}

/** `rerun sweep.json`: run the saved sweep again (same grid, seeds, fixed parameters) and compare the bytes. */
export async function rerunSweep(text: string, file: string, out: string, io: Io): Promise<void> {
  const saved = parseSweepFile(text, file);
  if (saved.shard)
    throw new UserError(
      `${file} is shard ${saved.shard.index}/${saved.shard.count}; merge the shards and rerun the merged sweep.json`,
    );
  const experiment = getExperiment(saved.experiment);
  const plan = planOfDoc(saved, experiment);
  checkRuns(experiment, plan.runs);
  const doc = await withOutDir(
    out,
    async () => {
      const replies = await runPool(plan, 0, plan.runs.length, availableParallelism(), io);
      const fresh = sweepDoc(
        plan,
        replies.map((r) => sweepRun(r.result!, r.sha256!)),
        sharedPublished(replies.map((r) => r.result!)),
      );
      await writeSweep(out, fresh, []);
      return fresh;
    },
    SWEEP_FILES,
  );
  io.out(`wrote ${out}`);
  const fresh = serializeSweep(doc);
  if (fresh !== text) {
    const differs = doc.runs.findIndex((r, i) => JSON.stringify(r) !== JSON.stringify(saved.runs[i]));
    const hint =
      saved.labVersion !== doc.labVersion ? ` (saved by lab ${saved.labVersion}, now ${doc.labVersion})` : '';
    throw new UserError(
      `re-run differs from ${file}${hint}: ${differs >= 0 ? `run ${differs} differs` : 'the file is not as the lab wrote it (edited or reformatted)'}`,
    );
  }
  io.out(`sweep.json is byte-identical to ${file} (${doc.runs.length} runs)`);
}

/**
 * Write sweep.json and sweep.csv, then report.html: a `--metric` no run has is found only now (runs name
 * their metrics), and then the sweep itself is kept and only the report is refused.
 */
async function writeSweep(dir: string, doc: SweepDoc, metrics: string[]): Promise<void> {
  const write = (name: string, text: string) => writeFileSync(join(dir, name), text, { flag: 'wx' });
  write('sweep.json', serializeSweep(doc));
  write('sweep.csv', sweepCsv(doc));
  const known = new Set(doc.runs.flatMap((r) => Object.keys(r.metrics)));
  const unknown = metrics.find((m) => !known.has(m));
  if (unknown)
    throw new UserError(
      `--metric ${unknown}: no run has it (known: ${[...known].slice(0, 12).join(', ')}…); sweep.json and sweep.csv are in ${dir}, report.html is not`,
    );
  const { buildSweepReportHtml } = await import('../report/sweepReport');
  write('report.html', buildSweepReportHtml(doc, metrics.length ? metrics : defaultSweepMetrics(doc)));
}

/**
 * Run plan.runs[from..to) on `workers` threads (in this thread when one, or when the worker script is
 * absent: running from the TypeScript sources) with a progress bar; replies in run order.
 */
async function runPool(
  plan: SweepPlan,
  from: number,
  to: number,
  workers: number,
  io: Io,
): Promise<RunReply[]> {
  const requests: RunRequest[] = plan.runs
    .slice(from, to)
    .map((r, i) => ({ index: i, experiment: plan.experiment.id, params: r.params, seed: r.seed }));
  const bar = io.tty
    ? new (await import('cli-progress')).SingleBar({
        format: ' {bar} {value}/{total} runs',
        stream: process.stderr,
        clearOnComplete: true,
      })
    : undefined;
  bar?.start(requests.length, 0);
  // Ctrl-C: the run in this thread stops at its next progress point; worker threads are stopped at once.
  const cancel: Cancel = { cancelled: false };
  const onSigint = () => {
    cancel.cancelled = true;
    cancel.onCancel?.();
  };
  process.once('SIGINT', onSigint);
  try {
    const script = fileURLToPath(new URL('./sweepWorker.js', import.meta.url));
    const replies =
      workers <= 1 || requests.length <= 1 || !existsSync(script)
        ? await inThread(requests, cancel, () => bar?.increment())
        : await onWorkers(script, requests, Math.min(workers, requests.length), cancel, () =>
            bar?.increment(),
          );
    const failed = replies.find((r) => r.error !== undefined);
    if (failed) throw new UserError(`run ${failed.index + from}: ${failed.error}`);
    return replies;
  } finally {
    bar?.stop();
    process.removeListener('SIGINT', onSigint);
  }
}

interface Cancel {
  cancelled: boolean;
  /** Set by a pool that must act the moment Ctrl-C arrives. */
  onCancel?: () => void;
}

async function inThread(requests: RunRequest[], cancel: Cancel, tick: () => void): Promise<RunReply[]> {
  const out: RunReply[] = [];
  for (const req of requests) {
    if (cancel.cancelled) throw new CancelledError();
    const reply = await runOne(req, () => cancel.cancelled);
    out.push(reply);
    tick();
    if (reply.error !== undefined) break;
  }
  return out;
}

function onWorkers(
  script: string,
  requests: RunRequest[],
  n: number,
  cancel: Cancel,
  tick: () => void,
): Promise<RunReply[]> {
  return new Promise((resolvePool, rejectPool) => {
    const replies: RunReply[] = new Array<RunReply>(requests.length);
    let next = 0;
    let done = 0;
    const threads = Array.from({ length: n }, () => new Worker(script));
    const finish = (e?: Error) => {
      for (const t of threads) void t.terminate();
      if (e) rejectPool(e);
      else resolvePool(replies);
    };
    cancel.onCancel = () => finish(new CancelledError());
    const feed = (t: Worker) => {
      if (next < requests.length) t.postMessage(requests[next++]);
    };
    for (const t of threads) {
      t.on('message', (reply: RunReply) => {
        replies[reply.index] = reply;
        done++;
        tick();
        if (reply.error !== undefined) return finish();
        if (done === requests.length) return finish();
        feed(t);
      });
      t.on('error', (e) => finish(e));
      feed(t);
    }
  }).then((r) => (r as RunReply[]).filter((x) => x !== undefined));
}
