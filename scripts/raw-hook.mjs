// `node --import ./scripts/raw-hook.mjs`: Vite's raw imports (`import src from './x.wgsl?raw'`) under plain
// Node and tsx, for the benches that run the WebGPU kernels (the CLI bundle inlines them: build-cli.mjs).
import { register } from 'node:module';

register(
  'data:text/javascript,' +
    encodeURIComponent(`
import { readFile } from 'node:fs/promises';
export async function load(url, context, next) {
  if (!url.startsWith('file:') || !url.endsWith('?raw')) return next(url, context);
  const text = await readFile(new URL(url.slice(0, -'?raw'.length)), 'utf8');
  return { format: 'module', source: 'export default ' + JSON.stringify(text) + ';', shortCircuit: true };
}`),
);
