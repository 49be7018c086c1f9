// Electron smoke test: launches the built app and waits for the experiment panel. Skips, saying why,
// where the Electron binary was not downloaded (as in this repo's CI) or the app is not built.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { _electron } from 'playwright-core';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');
const electronDir = join(root, 'node_modules/electron');
const pathFile = join(electronDir, 'path.txt');
const mainEntry = join(root, 'out/main/index.js');

function electronBinary(): string | null {
  if (!existsSync(pathFile)) return null;
  const binary = join(electronDir, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(binary) ? binary : null;
}

const binary = electronBinary();
const skipReason = !binary
  ? 'the Electron binary is absent (installed with ELECTRON_SKIP_BINARY_DOWNLOAD=1)'
  : !existsSync(mainEntry)
    ? 'out/main/index.js is missing (run `npm run build` first)'
    : null;
if (skipReason) console.warn(`electron smoke test skipped: ${skipReason}`);

describe.skipIf(skipReason !== null)('electron app', () => {
  it('opens a window that shows the experiment panel', { timeout: 60_000 }, async () => {
    const app = await _electron.launch({
      executablePath: binary ?? undefined,
      args: [
        mainEntry,
        ...(process.platform === 'linux' && process.getuid?.() === 0 ? ['--no-sandbox'] : []),
      ],
    });
    try {
      const page = await app.firstWindow();
      await page.locator('[data-testid="experiment-panel"]').waitFor({ timeout: 30_000 });
      expect(await page.title()).toBeTruthy();
      expect(await page.evaluate(() => typeof window.lab?.saveReport)).toBe('function');
    } finally {
      await app.close();
    }
  });
});
