// The layer table in eslint.config.js is enforced: forbidden imports in core/ and renderer/ are errors.
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
    "import { Chart } from '../../renderer/charts/Chart';",
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
});
