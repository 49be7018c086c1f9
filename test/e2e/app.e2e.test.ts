// The lab as a user meets it: the built renderer in Debian's Chromium. Open #/kv, run kv-prefix-cache
// with small parameters, see the results, export the report and check the file against the core.
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reproducible } from '../../core/experiments/result';
import { runExperiment } from '../../core/labs';
import { parseResultFile, serializeResult } from '../../core/experiments/result';
import { ROOT, openApp } from './harness';
import type { App } from './harness';

const SMALL = { blocks: '64,256', duration: '15', rate: '4' };

let app: App;
let page: Page;
let server: { url: string };
let browser: App['browser'];

beforeAll(async () => {
  app = await openApp();
  ({ page, browser } = app);
  server = { url: app.url };
});

afterAll(async () => {
  await app?.close();
});

describe('the app in Chromium', () => {
  it('opens on the KV lab with the experiment panel and a first run going', async () => {
    await page.goto(`${server.url}index.html#/kv`);
    await page.getByTestId('experiment-panel').waitFor();
    expect(await page.getByTestId('param-blocks').inputValue()).toBe('64,128,256,512,1024,2048');
  });

  it('rejects an out-of-range value inline and disables Run', async () => {
    await page.getByTestId('param-blockSize').fill('0');
    await expect.poll(() => page.getByTestId('param-error-blockSize').textContent()).toMatch(/1\.\.256/);
    expect(await page.getByTestId('run-button').isDisabled()).toBe(true);
    await page.getByTestId('param-blockSize').fill('16');
    await expect.poll(() => page.getByTestId('run-button').isDisabled()).toBe(false);
  });

  it('runs kv-prefix-cache with small parameters and shows results', async () => {
    for (const [name, value] of Object.entries(SMALL)) await page.getByTestId(`param-${name}`).fill(value);
    await page.getByTestId('param-seed').fill('7');
    await page.getByTestId('run-button').click();
    const results = page.getByTestId('results');
    await expect.poll(() => results.textContent(), { timeout: 60_000 }).toMatch(/seed 7/);
    await results.getByTestId('table-sweep').waitFor();
    expect(await results.getByTestId('table-sweep').locator('tbody tr').count()).toBe(2);
    await expect.poll(() => results.locator('svg.chart').count()).toBeGreaterThan(0);
    expect(await results.getByTestId('no-comparison').textContent()).toMatch(/No published comparison/);
    expect(await page.evaluate(() => location.hash)).toContain('seed=7');
  });

  it('exports a report whose embedded result equals a CLI-side run of the same parameters', async () => {
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('export-report').click(),
    ]);
    const dir = join(ROOT, 'test-results');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, 'e2e-report.html');
    await download.saveAs(file);
    const html = readFileSync(file, 'utf8');
    expect(html).toContain('<svg');
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href="http/); // self-contained
    const exported = parseResultFile(html, 'e2e-report.html');
    const direct = await runExperiment('kv-prefix-cache', SMALL, 7);
    expect(serializeResult(reproducible(exported))).toBe(serializeResult(reproducible(direct)));
  });

  it('re-runs the shown result in the worker and finds it byte-identical', async () => {
    await page.getByTestId('rerun-check').click();
    await expect
      .poll(() => page.getByTestId('rerun-status').textContent(), { timeout: 60_000 })
      .toMatch(/byte-identical/);
  });

  it('opens the exported report.html over a running run: its result, its parameters, no stale "Cancelled"', async () => {
    await page.getByTestId('reset-button').click();
    await page.getByTestId('param-duration').fill('8000');
    await page.getByTestId('run-button').click();
    await expect.poll(() => page.getByTestId('progress').getAttribute('data-state')).toBe('running');
    const [chooser] = await Promise.all([
      page.waitForEvent('filechooser'),
      page.getByTestId('open-result').click(),
    ]);
    await chooser.setFiles(join(ROOT, 'test-results', 'e2e-report.html'));
    await expect.poll(() => page.getByTestId('param-blocks').inputValue()).toBe('64,256');
    expect(await page.getByTestId('param-seed').inputValue()).toBe('7');
    expect(await page.getByTestId('results').textContent()).toMatch(/seed 7/);
    // The stopped run's late "cancelled" outcome must not overwrite what the status line says.
    await page.waitForTimeout(1500);
    expect(await page.getByTestId('status-line').textContent()).toMatch(/Opened kv-prefix-cache, seed 7/);
    expect(await page.getByTestId('status-line').textContent()).not.toMatch(/Cancelled/);
    expect(await page.getByTestId('progress').getAttribute('data-state')).toBe('idle');
  });

  it('cancels a long run', async () => {
    await page.getByTestId('param-blocks').fill('64,128,256,512,1024,2048,4096,8192');
    await page.getByTestId('param-duration').fill('5000');
    await page.getByTestId('run-button').click();
    await expect.poll(() => page.getByTestId('progress').getAttribute('data-state')).toBe('running');
    await page.getByTestId('cancel-button').click();
    await expect
      .poll(() => page.getByTestId('progress').getAttribute('data-state'), { timeout: 15_000 })
      .toBe('cancelled');
  });

  it('switches labs from the navigator: the TPU lab opens on its 3D view', async () => {
    await page.getByTestId('nav-tpu').click();
    await page.getByTestId('tpu-view').waitFor();
    await page.getByTestId('nav-kv').click();
    await page.getByTestId('experiment-panel').waitFor();
  });

  it('refuses a 1 MB link unread: a notice naming the 64 KB limit, the default state, a short hash', async () => {
    const fresh = await browser.newPage();
    const huge = `#/tpu?exp=tpu-failures&${'x=1&'.repeat(256 * 1024)}`;
    const t0 = Date.now();
    await fresh.goto(`${server.url}index.html${huge}`);
    await expect
      .poll(() => fresh.getByTestId('hash-notice').textContent())
      .toMatch(/over the 64 KB limit for links; it was not read/);
    await fresh.getByTestId('experiment-panel').waitFor();
    // Reading it blocked the window 7-15 s; refused, the page is up in about Chromium's ~1.5 s for the URL.
    expect(Date.now() - t0).toBeLessThan(6000);
    expect(await fresh.getByTestId('param-blocks').inputValue()).toBe('64,128,256,512,1024,2048');
    expect((await fresh.evaluate(() => window.location.hash)).length).toBeLessThan(1000);
    await fresh.close();
  });

  it('a worker stuck in a loop: Cancel ends the run within seconds and the next run works on a fresh worker', async () => {
    const fresh = await browser.newPage();
    await fresh.goto(`${server.url}index.html#/kv?exp=kv-prefix-cache&duration=15&blocks=64,256`);
    const progress = fresh.getByTestId('progress');
    await expect.poll(() => progress.getAttribute('data-state'), { timeout: 30_000 }).toBe('done');
    await expect.poll(() => fresh.workers().length).toBeGreaterThan(0);
    // Hang the simulation worker as a run that never yields would (the evaluation never returns).
    void fresh
      .workers()[0]!
      .evaluate('for (;;) {}')
      .catch(() => {});
    await fresh.getByTestId('run-button').click();
    await expect.poll(() => progress.getAttribute('data-state')).toBe('running');
    await fresh.getByTestId('cancel-button').click();
    // The cancel goes unanswered: after ANSWER_MS (2 s) the run ends cancelled and the worker is retired (its
    // termination is unit-tested: client.test.ts); the next run goes to a fresh worker.
    await expect.poll(() => progress.getAttribute('data-state'), { timeout: 10_000 }).toBe('cancelled');
    await fresh.getByTestId('run-button').click();
    await expect.poll(() => progress.getAttribute('data-state'), { timeout: 30_000 }).toBe('done');
    await fresh.close();
  });

  it('opens a shared link on its state and runs it (the README screenshot)', async () => {
    const fresh = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await fresh.goto(`${server.url}index.html#/kv?exp=kv-prefix-cache&seed=3&duration=60`);
    const results = fresh.getByTestId('results');
    await expect.poll(() => results.textContent(), { timeout: 90_000 }).toMatch(/seed 3/);
    expect(await results.getByTestId('table-sweep').locator('tbody tr').count()).toBe(6);
    expect(await fresh.getByTestId('param-duration').inputValue()).toBe('60');
    const out = process.env.UPDATE_SCREENSHOT
      ? join(ROOT, 'docs/screenshot.png')
      : join(ROOT, 'test-results/app.png');
    mkdirSync(join(out, '..'), { recursive: true });
    await fresh.screenshot({ path: out });
    await fresh.close();
  });
});
