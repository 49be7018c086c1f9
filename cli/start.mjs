#!/usr/bin/env node
// `npm start`: build and open the desktop app, or say in one line what to do when Electron's binary is
// missing (an install with ELECTRON_SKIP_BINARY_DOWNLOAD=1, or a network that cannot reach its host).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const electronDir = dirname(createRequire(import.meta.url).resolve('electron/package.json'));
if (!existsSync(join(electronDir, 'path.txt'))) {
  console.error(
    "error: Electron's binary is not installed (offline install?). Run the lab in a browser with `npm run web`, or reinstall Electron where its download host is reachable.",
  );
  process.exit(1);
}
const run = spawnSync('npx', ['electron-vite', 'preview'], {
  stdio: 'inherit',
  shell: process.platform === 'win32',
});
process.exit(run.status ?? 1);
