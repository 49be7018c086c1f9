#!/usr/bin/env node
// The `hyperscale-lab` command (also `npm run lab -- …`): loads the TypeScript CLI through tsx.
import { fileURLToPath } from 'node:url';
import { tsImport } from 'tsx/esm/api';

// Output piped into `head` and the like: stop quietly when the reader goes away.
process.stdout.on('error', (e) => process.exit(e.code === 'EPIPE' ? 0 : 1));

const tsconfig = fileURLToPath(new URL('../tsconfig.node.json', import.meta.url));
const { main } = await tsImport('./main.ts', { parentURL: import.meta.url, tsconfig });
process.exitCode = await main(process.argv.slice(2));
