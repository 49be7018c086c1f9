// The kv lab as a user meets it in Chromium: the block-table view plays, steps, scrubs and explains a hovered
// block; a new serving experiment runs with small parameters and its exported report equals a Node-side run.
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reproducible, runExperiment } from '../../core/experiments/registry';
import { parseResultFile, serializeResult } from '../../core/experiments/result';
import { ROOT, openApp } from './harness';
import type { App } from './harness';

let app: App;
let page: Page;

beforeAll(async () => {
  app = await openApp();
  page = app.page;
});

afterAll(async () => {
  await app?.close();
});

const iteration = async (): Promise<number> => {
  const text = (await page.getByTestId('kv-frame').textContent()) ?? '';
  return Number(/iteration (\d+)\//.exec(text)?.[1] ?? NaN);
};

describe('the kv block-table view', () => {
  it('opens #/kv, records a run in the worker and plays it', async () => {
    await page.goto(`${app.url}index.html#/kv`);
    await page.getByTestId('kv-grid').waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('kv-play').textContent()).toBe('Pause');
    const first = await iteration();
    await expect.poll(iteration, { timeout: 10_000 }).toBeGreaterThan(first);
    // The experiment panel still sits below the view.
    await page.getByTestId('experiment-panel').waitFor();
  });

  it('pauses, steps one iteration and scrubs', async () => {
    await page.getByTestId('kv-play').click();
    expect(await page.getByTestId('kv-play').textContent()).toBe('Play');
    const at = await iteration();
    await page.waitForTimeout(400);
    expect(await iteration()).toBe(at);
    await page.getByTestId('kv-step').click();
    expect(await iteration()).toBe(at + 1);
    await page.getByTestId('kv-scrub').fill('250');
    await expect.poll(iteration).toBe(251);
    expect(await page.getByTestId('kv-frame').textContent()).toMatch(/t=\d+\.\d+ s/);
  });

  it('hovering a block shows its owners, reference count and hash chain', async () => {
    const grid = page.getByTestId('kv-grid');
    const box = (await grid.boundingBox())!;
    // Block 0 is the first one allocated from the free stack, so it is in use by iteration 251.
    await page.mouse.move(box.x + 4, box.y + 4);
    const tip = page.getByTestId('kv-tooltip');
    await tip.waitFor();
    const text = (await tip.textContent()) ?? '';
    expect(text).toMatch(/block #0 · ref count \d+/);
    expect(text).toMatch(/request \d+ · seq \d+ · logical block \d+/);
    expect(text).toMatch(/hash chain/);
    expect(await page.getByTestId('kv-seq-table').textContent()).toMatch(/\d+→\d+/);
    const out = process.env.UPDATE_SCREENSHOT ? join(ROOT, 'docs/kv.png') : '/tmp/kv-view.png';
    await page.screenshot({ path: out });
  });

  it('switches to the shared-prefix workload and marks pinned prefix blocks', async () => {
    await page.getByTestId('kv-workload').selectOption('shared-prefix');
    await page.getByTestId('kv-grid').waitFor({ timeout: 60_000 });
    await page.getByTestId('kv-play').click(); // pause
    await page.getByTestId('kv-scrub').fill('100');
    const box = (await page.getByTestId('kv-grid').boundingBox())!;
    await page.mouse.move(box.x + 4, box.y + 4);
    // The first prompt pins its prefix's blocks first, so block 0 belongs to a shared prefix.
    await expect
      .poll(() => page.getByTestId('kv-tooltip').textContent())
      .toMatch(/pinned prefix \d+, block 0: hash chain [0-9a-f]{8}/);
    await page.screenshot({ path: '/tmp/kv-view-prefix.png' });
  });
});

const SMALL = { duration: '10', widths: '2', rate: '4' };

describe('a new kv experiment in the app', () => {
  it('runs kv-sharing from a link and exports a report equal to a Node-side run', async () => {
    const fresh = await app.browser.newPage({ viewport: { width: 1400, height: 900 } });
    await fresh.goto(`${app.url}index.html#/kv?exp=kv-sharing&seed=5&duration=10&widths=2&rate=4`);
    const results = fresh.getByTestId('results');
    await expect.poll(() => results.textContent(), { timeout: 90_000 }).toMatch(/seed 5/);
    expect(await results.getByTestId('comparison-table').locator('tbody tr').count()).toBe(2);
    const [download] = await Promise.all([
      fresh.waitForEvent('download'),
      fresh.getByTestId('export-report').click(),
    ]);
    const dir = join(ROOT, 'test-results');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, 'kv-sharing-report.html');
    await download.saveAs(file);
    const exported = parseResultFile(readFileSync(file, 'utf8'), 'kv-sharing-report.html');
    const direct = await runExperiment('kv-sharing', SMALL, 5);
    expect(serializeResult(reproducible(exported))).toBe(serializeResult(reproducible(direct)));
    await fresh.screenshot({ path: '/tmp/kv-sharing.png' });
    await fresh.close();
  });
});
