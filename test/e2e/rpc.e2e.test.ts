// The RPC workloads lab as a user meets it in Chromium: open #/rpc, see the method treemaps, size CDFs, a call
// tree and the tax bars, pick another category and a higher CPU utilisation, check the view idles (it has no
// animation), and run rpc-fanout from the panel into a report equal to a Node-side run.

import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

import {
  appForSuite,
  OUT,
  describeIdle,
  idleActivity,
  expectExportEqualsNodeRun,
  showsAll,
  runFromPanel,
} from './harness';

const SMALL = { trees: '500' };

const suite = appForSuite('rpc');

describe('the RPC workloads lab in Chromium', () => {
  it('opens #/rpc with both treemaps, the size CDFs, a call tree of at least 13 descendants and the tax bars', async () => {
    await suite.page.setViewportSize({ width: 1400, height: 900 });
    await suite.page.goto(`${suite.app.url}index.html#/rpc`);
    await suite.page.getByTestId('rpc-view').waitFor();
    await suite.page.getByTestId('rpc-treemap-calls').waitFor({ timeout: 60_000 });
    // 120 named methods and the rest, in each treemap.
    expect(await suite.page.locator('[data-testid="rpc-treemap-calls"] rect').count()).toBe(121);
    expect(await suite.page.locator('[data-testid="rpc-treemap-time"] rect').count()).toBe(121);
    expect(await suite.page.getByTestId('rpc-size-cdf').locator('path').count()).toBe(2);
    expect(
      Number(await suite.page.getByTestId('rpc-call-tree').getAttribute('data-nodes')),
    ).toBeGreaterThanOrEqual(14);
    expect(await suite.page.getByTestId('rpc-tax-bars').locator('rect').count()).toBe(12);
    expect(await suite.page.getByTestId('rpc-category-key').textContent()).toMatch(
      /network-disk.*video-metadata/,
    );
    await suite.page.screenshot({ path: join(OUT, 'rpc.png') });
  });

  it('another category and a higher CPU utilisation redraw the tax bars; the state goes into the URL', async () => {
    const share = async () =>
      Number((await suite.page.getByTestId('rpc-tax-share').textContent())?.match(/Tax: ([\d.e+-]+)%/)?.[1]);
    const before = await share();
    await suite.page.getByTestId('view-param-category').selectOption('f1-database');
    await expect
      .poll(() => suite.page.getByTestId('rpc-tax-title').textContent(), { timeout: 30_000 })
      .toMatch(/f1-database/);
    await suite.page.getByTestId('view-param-cpuPct').fill('90');
    await suite.page.getByTestId('view-param-cpuPct').press('Enter');
    await expect.poll(share, { timeout: 30_000 }).toBeGreaterThan(before);
    expect(decodeURIComponent(suite.page.url())).toMatch(/v\.category=f1-database/);
  });

  it('at 1280x800 fits without scrolling: the latency and cycle tax one at a time under tabs', async () => {
    await suite.page.setViewportSize({ width: 1280, height: 800 });
    const fits = () => showsAll(suite.page, '.rpc-body');
    await suite.page.getByTestId('rpc-tax-tab-latency').click();
    await suite.page.getByTestId('rpc-tax-bars').waitFor();
    await expect.poll(fits).toBe(true);
    await suite.page.getByTestId('rpc-tax-tab-cycle').click();
    await suite.page.getByTestId('rpc-cycle-tax').waitFor();
    expect(await suite.page.getByTestId('rpc-tax-bars').count()).toBe(0);
    await expect.poll(fits).toBe(true);
    await suite.page.setViewportSize({ width: 1400, height: 900 });
    await expect.poll(() => suite.page.getByTestId('rpc-tax-tab-cycle').count()).toBe(0);
    await suite.page.getByTestId('rpc-tax-bars').waitFor();
  });

  it('draws nothing while idle', async () => {
    await suite.page.getByTestId('rpc-status').waitFor({ state: 'detached', timeout: 30_000 });
    await suite.page.mouse.move(2, 2);
    const idle = await idleActivity(suite.page, suite.page.getByTestId('rpc-view'));
    console.log(describeIdle('rpc view idle', idle));
    expect(idle.renders).toBe(0);
    expect(idle.animations).toBe(0);
  });

  it('runs rpc-fanout from the panel and exports a report equal to a Node-side run', async () => {
    await suite.page.goto(`${suite.app.url}index.html#/rpc?exp=rpc-fanout`);
    const results = await runFromPanel(suite.page, SMALL, 3);
    expect(await results.textContent()).toMatch(/descendants\.p90/);
    await expectExportEqualsNodeRun(suite.page, 'rpc', 'rpc-fanout', SMALL, 3);
  });
});
