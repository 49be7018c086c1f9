// The RPC workloads lab as a user meets it in Chromium: open #/rpc, see the method treemaps, size CDFs, a call
// tree and the tax bars, pick another category and a higher CPU utilisation, check the view idles (it has no
// animation), and run rpc-fanout from the panel into a report equal to a Node-side run.
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseResultFile, reproducible, serializeResult } from '../../core/experiments/result';
import { runExperiment } from '../../core/labs';
import { ROOT, describeIdle, idleActivity, openApp } from './harness';
import type { App } from './harness';

const OUT = join(ROOT, 'test-results');
const SMALL = { trees: '500' };

let app: App;
let page: Page;

beforeAll(async () => {
  mkdirSync(OUT, { recursive: true });
  app = await openApp();
  page = app.page;
  page.on('pageerror', (e) => console.error('rpc page error stack:', e.stack));
});

afterAll(async () => {
  await app?.close();
});

describe('the RPC workloads lab in Chromium', () => {
  it('opens #/rpc with both treemaps, the size CDFs, a call tree of at least 13 descendants and the tax bars', async () => {
    await page.setViewportSize({ width: 1400, height: 900 });
    await page.goto(`${app.url}index.html#/rpc`);
    await page.getByTestId('rpc-view').waitFor();
    await page.getByTestId('rpc-treemap-calls').waitFor({ timeout: 60_000 });
    // 120 named methods and the rest, in each treemap.
    expect(await page.locator('[data-testid="rpc-treemap-calls"] rect').count()).toBe(121);
    expect(await page.locator('[data-testid="rpc-treemap-time"] rect').count()).toBe(121);
    expect(await page.getByTestId('rpc-size-cdf').locator('path').count()).toBe(2);
    expect(Number(await page.getByTestId('rpc-call-tree').getAttribute('data-nodes'))).toBeGreaterThanOrEqual(
      14,
    );
    expect(await page.getByTestId('rpc-tax-bars').locator('rect').count()).toBe(12);
    expect(await page.getByTestId('rpc-category-key').textContent()).toMatch(/network-disk.*video-metadata/);
    await page.screenshot({ path: join(OUT, 'rpc.png') });
  });

  it('another category and a higher CPU utilisation redraw the tax bars; the state goes into the URL', async () => {
    const share = async () =>
      Number((await page.getByTestId('rpc-tax-share').textContent())?.match(/time: ([\d.e+-]+)%/)?.[1]);
    const before = await share();
    await page.getByTestId('view-param-category').selectOption('f1-database');
    await expect
      .poll(() => page.getByTestId('rpc-tax-title').textContent(), { timeout: 30_000 })
      .toMatch(/f1-database/);
    await page.getByTestId('view-param-cpuPct').fill('90');
    await page.getByTestId('view-param-cpuPct').press('Enter');
    await expect.poll(share, { timeout: 30_000 }).toBeGreaterThan(before);
    expect(decodeURIComponent(page.url())).toMatch(/v\.category=f1-database/);
  });

  it('draws nothing while idle', async () => {
    await page.getByTestId('rpc-status').waitFor({ state: 'detached', timeout: 30_000 });
    await page.mouse.move(2, 2);
    const idle = await idleActivity(page, page.getByTestId('rpc-view'));
    console.log(describeIdle('rpc view idle', idle));
    expect(idle.renders).toBe(0);
    expect(idle.animations).toBe(0);
  });

  it('runs rpc-fanout from the panel and exports a report equal to a Node-side run', async () => {
    await page.goto(`${app.url}index.html#/rpc?exp=rpc-fanout`);
    await page.getByTestId('experiment-panel').waitFor();
    await page.getByTestId('param-trees').fill(SMALL.trees);
    await page.getByTestId('param-seed').fill('3');
    await page.getByTestId('run-button').click();
    const results = page.getByTestId('results');
    await expect.poll(() => results.textContent(), { timeout: 60_000 }).toMatch(/seed 3/);
    await expect.poll(() => results.locator('svg.chart').count()).toBeGreaterThan(0);
    expect(await results.textContent()).toMatch(/descendants\.p90/);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('export-report').click(),
    ]);
    const file = join(OUT, 'rpc-report.html');
    await download.saveAs(file);
    const exported = parseResultFile(readFileSync(file, 'utf8'), 'rpc-report.html');
    const direct = await runExperiment('rpc-fanout', SMALL, 3);
    expect(serializeResult(reproducible(exported))).toBe(serializeResult(reproducible(direct)));
  });
});
