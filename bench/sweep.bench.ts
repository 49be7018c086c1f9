// Benchmark of the sweep runner (cli/sweep.ts): the same sweep on 1, 2, … worker threads (the machine's
// cores), its speed-up, and the runner's own overhead per run (the sweep's wall time over the sum of
// its runs' times when run directly). Run: npx tsx bench/sweep.bench.ts
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { runExperiment } from '../core/labs';

const root = join(import.meta.dirname, '..');
const GRID = [
  '--grid',
  'failures=1,2,3,4,5,6,7,8',
  '--set',
  'machines=200',
  '--set',
  'trials=200000',
  '--seeds',
  '2',
];

function sweep(workers: number): number {
  const t0 = performance.now();
  const r = spawnSync(
    process.execPath,
    [
      'cli/bin.mjs',
      'sweep',
      'train-recovery-probability',
      ...GRID,
      '--workers',
      String(workers),
      '--out',
      join(mkdtempSync(join(tmpdir(), 'sweep-bench-')), 'out'),
    ],
    { cwd: root, encoding: 'utf8' },
  );
  if (r.status !== 0) throw new Error(r.stderr);
  return performance.now() - t0;
}

sweep(1); // warm the CLI build
const runs = 16;
let direct = 0;
for (let k = 1; k <= 8; k++)
  for (let seed = 1; seed <= 2; seed++) {
    const t0 = performance.now();
    await runExperiment(
      'train-recovery-probability',
      { failures: String(k), machines: '200', trials: '200000' },
      seed,
    );
    direct += performance.now() - t0;
  }
console.log(`${runs} runs of train-recovery-probability: ${direct.toFixed(0)} ms run directly in one thread`);
const base = sweep(1);
console.log(
  `1 worker: ${base.toFixed(0)} ms (runner overhead incl. CLI start ${((base - direct) / runs).toFixed(1)} ms per run)`,
);
for (let w = 2; w <= Math.max(2, availableParallelism()); w *= 2) {
  const ms = sweep(w);
  console.log(`${w} workers: ${ms.toFixed(0)} ms, speed-up ${(base / ms).toFixed(2)}x`);
}

// The runner's own cost per run: 200 tiny runs (train-interleaving, about a millisecond each) swept with one
// worker through the built command, against the same runs called directly plus the command's start-up.
const layers = Array.from({ length: 100 }, (_, i) => i + 1);
let t0 = performance.now();
for (const l of layers)
  for (let seed = 1; seed <= 2; seed++)
    await runExperiment('train-interleaving', { layers: String(l) }, seed);
const directTiny = performance.now() - t0;
t0 = performance.now();
spawnSync(process.execPath, ['cli/bin.mjs', 'list'], { cwd: root });
const start = performance.now() - t0;
const tiny = [
  'sweep',
  'train-interleaving',
  '--grid',
  `layers=${layers.join(',')}`,
  '--seeds',
  '2',
  '--workers',
  '1',
];
t0 = performance.now();
const r = spawnSync(
  process.execPath,
  ['cli/bin.mjs', ...tiny, '--out', join(mkdtempSync(join(tmpdir(), 'sweep-bench-')), 'out')],
  { cwd: root, encoding: 'utf8' },
);
if (r.status !== 0) throw new Error(r.stderr);
const swept = performance.now() - t0 - start;
console.log(
  `200 tiny runs: ${directTiny.toFixed(0)} ms direct, ${swept.toFixed(0)} ms as a sweep (less ${start.toFixed(0)} ms of command start): ${((swept - directTiny) / 200).toFixed(2)} ms per run of runner overhead (checks, hashing, files)`,
);
