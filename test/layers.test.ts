// The layer table in eslint.config.js is enforced: a forbidden import in any layer is an error.
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint({ cwd: new URL('..', import.meta.url).pathname });

async function errors(code: string, filePath: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).filter((m) => m.severity === 2).map((m) => `${m.ruleId}: ${m.message}`);
}

describe('layer rules', () => {
  it.each([
    "import { readFileSync } from 'node:fs';",
    "import { join } from 'path';",
    "import { ipcRenderer } from 'electron';",
    "import { useState } from 'react';",
    "import * as THREE from 'three';",
    "import { App } from '../../renderer/App';",
    "import { Chart } from '../../report/charts/Chart';",
    "import { createWebGpuBackend } from '../../webgpu/backend';",
    "import { main } from '../../cli/main';",
  ])('core may not %s', async (line) => {
    const found = await errors(`${line}\nexport const x = 1;\n`, 'core/kv/fixture.ts');
    expect(found.join('\n')).toMatch(/Layer rule: core is pure/);
  });

  it('core may not read the wall clock, Math.random or the DOM', async () => {
    const found = await errors(
      'export const a = Math.random();\nexport const b = Date.now();\nexport const c = document.title;\nexport const d = new Date();\nexport const e = crypto.randomUUID();\n',
      'core/kv/fixture.ts',
    );
    expect(found).toHaveLength(5);
  });

  it('core may import core and pure libraries', async () => {
    expect(
      await errors(
        "import { z } from 'zod';\nimport { Rng } from '../kernel/rng';\nexport const s = [z, Rng];\n",
        'core/kv/fixture.ts',
      ),
    ).toEqual([]);
  });

  it('renderer may import only types from electron/bridge, and nothing from the main process', async () => {
    expect(
      await errors(
        "import type { LabBridge } from '../electron/bridge';\nexport type B = LabBridge;\n",
        'renderer/fixture.ts',
      ),
    ).toEqual([]);
    expect(
      (
        await errors(
          "import { CHANNELS } from '../electron/bridge';\nexport const c = CHANNELS;\n",
          'renderer/fixture.ts',
        )
      ).join(),
    ).toMatch(/Layer rule: renderer/);
    expect(
      (
        await errors(
          "import { createHandlers } from '../electron/main/ipc';\nexport const h = createHandlers;\n",
          'renderer/fixture.ts',
        )
      ).join(),
    ).toMatch(/Layer rule: renderer/);
  });

  it('electron/ may not import the renderer', async () => {
    expect(
      (
        await errors(
          "import { App } from '../../renderer/App';\nexport const a = App;\n",
          'electron/main/fixture.ts',
        )
      ).join(),
    ).toMatch(/Layer rule: electron/);
  });

  // One case per rule of the layers above core: the import each must refuse, from a file in that layer.
  it.each([
    ['webgpu', 'webgpu/fixture.ts', "import { readFileSync } from 'node:fs';"],
    ['webgpu', 'webgpu/fixture.ts', "import { reportFiles } from '../report/buildReport';"],
    ['webgpu', 'webgpu/fixture.ts', "import { App } from '../renderer/App';"],
    ['report', 'report/fixture.ts', "import { writeFileSync } from 'node:fs';"],
    ['report', 'report/fixture.ts', "import { createWebGpuBackend } from '../webgpu/backend';"],
    ['report', 'report/fixture.ts', "import { App } from '../renderer/App';"],
    ['cli', 'cli/fixture.ts', "import { App } from '../renderer/App';"],
    ['cli', 'cli/fixture.ts', "import { useState } from 'react';"],
    ['cli', 'cli/fixture.ts', "import { CHANNELS } from '../electron/bridge';"],
    ['electron', 'electron/main/fixture.ts', "import { reportFiles } from '../../report/buildReport';"],
    ['electron', 'electron/main/fixture.ts', "import { createWebGpuBackend } from '../../webgpu/backend';"],
  ])('%s (%s) may not %s', async (layer, file, line) => {
    const found = await errors(`${line}\nexport const x = 1;\n`, file);
    expect(found.join('\n')).toMatch(new RegExp(`Layer rule: ${layer}`));
  });

  it.each([
    ['webgpu', 'webgpu/fixture.ts', "import type { ComputeBackend } from '../core/compute/backend';"],
    ['report', 'report/fixture.ts', "import type { Result } from '../core/experiments/types';"],
    ['cli', 'cli/fixture.ts', "import { reportFiles } from '../report/buildReport';"],
    ['cli', 'cli/fixture.ts', "import { createWebGpuBackend } from '../webgpu/backend';"],
    ['renderer', 'renderer/fixture.ts', "import { Chart } from '../report/charts/Chart';"],
  ])('%s (%s) may %s', async (_layer, file, line) => {
    const found = await errors(`${line}\nexport const x = 1;\n`, file);
    expect(found.filter((m) => m.includes('Layer rule'))).toEqual([]);
  });

  it('no function in core/ or cli/ is longer than 150 lines', async () => {
    const body = Array.from({ length: 150 }, (_, i) => `  total += ${i};`).join('\n');
    const code = `export function long(): number {\n  let total = 0;\n${body}\n  return total;\n}\n`;
    for (const file of ['core/kv/fixture.ts', 'cli/fixture.ts']) {
      expect((await errors(code, file)).join('\n')).toMatch(/max-lines-per-function/);
    }
  });
});
