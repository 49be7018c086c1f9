// How fast the CLI starts: `node cli/bin.mjs list|describe|kv-replay` against a bare `node -e 0`, median of
// runs (the goal: list within 5x a bare Node start). Prints figures and ratios; asserts nothing.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const RUNS = 9;
const trace = 'test/data/conformance/vllm-v1-small-prefix.jsonl';

function medianMs(args: string[]): number {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    const run = spawnSync(process.execPath, args, { cwd: root, stdio: 'ignore' });
    times.push(performance.now() - t0);
    if (run.status !== 0 && args[0] !== '-e') throw new Error(`${args.join(' ')} exited ${run.status}`);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(RUNS / 2)]!;
}

spawnSync(process.execPath, ['cli/bin.mjs', 'list'], { cwd: root, stdio: 'ignore' }); // build if stale
const bare = medianMs(['-e', '0']);
console.log(`node -e 0: ${bare.toFixed(0)} ms (median of ${RUNS})`);
for (const args of [['list'], ['describe', 'kv-throughput'], ['kv-replay', trace]]) {
  const ms = medianMs(['cli/bin.mjs', ...args]);
  console.log(`cli ${args.join(' ')}: ${ms.toFixed(0)} ms = ${(ms / bare).toFixed(1)}x node -e 0`);
}
