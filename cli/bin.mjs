#!/usr/bin/env node
// The `hyperscale-lab` command (also `npm run lab -- …`): runs the CLI precompiled to out-cli/ (by the
// install's `prepare` script), rebuilding it first when it is missing or a source is newer than it.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

// Output piped into `head` and the like: stop quietly when the reader goes away.
process.stdout.on('error', (e) => process.exit(e.code === 'EPIPE' ? 0 : 1));

const root = fileURLToPath(new URL('..', import.meta.url));
const built = join(root, 'out-cli', 'main.js');
const SOURCES = ['cli', 'core', 'report', 'webgpu'];

/** The newest modification time of the CLI's sources (TypeScript and WGSL; tests excluded). */
function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (/\.(ts|tsx|wgsl)$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name))
      newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

function stale() {
  if (!existsSync(built)) return true;
  const builtAt = statSync(built).mtimeMs;
  return SOURCES.some((dir) => newestSource(join(root, dir)) > builtAt);
}

if (stale()) {
  const { buildCli } = await import('../scripts/build-cli.mjs');
  await buildCli();
}
const { main } = await import(pathToFileURL(built).href);
process.exitCode = await main(process.argv.slice(2));
