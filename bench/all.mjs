// Runs every bench/*.bench.ts in turn (each prints its own figures; none passes or fails).
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';

const dir = new URL('.', import.meta.url);
const only = process.argv[2];
for (const file of readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .sort()) {
  if (only && !file.includes(only)) continue;
  console.log(`\n== ${file}`);
  const run = spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      '--import',
      new URL('../scripts/raw-hook.mjs', dir).href,
      new URL(file, dir).pathname,
    ],
    {
      stdio: 'inherit',
    },
  );
  if (run.status !== 0) process.exitCode = run.status ?? 1;
}
