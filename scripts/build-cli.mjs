// Compiles the CLI (cli/main.ts and what it imports from core/, report/, webgpu/) into plain JavaScript under
// out-cli/, so `hyperscale-lab` starts without compiling TypeScript. esbuild: the bundler tsx and Vite already
// bring, fast enough (~0.3 s) to rebuild on first use. Packages stay external (Node loads them from
// node_modules); dynamic import() sites become separate chunks, so a command loads only what it uses.
// Run by `npm install` (the `prepare` script) and by cli/bin.mjs whenever a source is newer than the build.
import { rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
export const CLI_OUT_DIR = `${root}out-cli`;

/** `import src from './x.wgsl?raw'` (Vite's raw import) as the file's text. */
const rawImports = {
  name: 'raw-imports',
  setup(b) {
    b.onResolve({ filter: /\?raw$/ }, (args) => ({
      path: `${args.resolveDir}/${args.path.slice(0, -'?raw'.length)}`,
      namespace: 'raw',
    }));
    b.onLoad({ filter: /.*/, namespace: 'raw' }, async (args) => ({
      contents: await readFile(args.path, 'utf8'),
      loader: 'text',
    }));
  },
};

export async function buildCli() {
  rmSync(CLI_OUT_DIR, { recursive: true, force: true }); // chunk names change with their content
  await build({
    // The sweep's worker threads load sweepWorker.js beside main.js.
    entryPoints: { main: `${root}cli/main.ts`, sweepWorker: `${root}cli/sweepWorker.ts` },
    outdir: CLI_OUT_DIR,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    jsx: 'automatic',
    sourcemap: 'linked',
    logLevel: 'warning',
    plugins: [rawImports],
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await buildCli();
