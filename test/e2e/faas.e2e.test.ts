// The serverless lab in Chromium: open #/faas, see the day per region with its cursor, the queues, the
// traffic matrix, the worker pools and the downstream; scrub the day; check that a paused view draws
// nothing; switch the view to local-only; run faas-backpressure from the panel and check the exported
// report against a Node-side run.

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

const SMALL = { durationS: '900', outageAtS: '200', outageS: '120' };

const suite = appForSuite('faas');

const pause = async () => {
  if ((await suite.page.getByTestId('faas-play').textContent()) === 'Pause')
    await suite.page.getByTestId('faas-play').click();
  await expect.poll(() => suite.page.getByTestId('faas-view').getAttribute('data-playing')).toBe('false');
};

const fits = (selector: string) => showsAll(suite.page, selector);

describe('the serverless lab in Chromium', () => {
  it('opens #/faas on a simulated day: a chart per region, queues, traffic matrix, pools, downstream', async () => {
    await suite.page.goto(`${suite.app.url}index.html#/faas`);
    await suite.page.getByTestId('faas-view').waitFor();
    await suite.page.getByTestId('faas-regions').waitFor({ timeout: 60_000 });
    expect(await suite.page.locator('[data-testid^="faas-chart-"]').count()).toBe(5);
    for (const id of ['faas-queues', 'faas-matrix', 'faas-pools', 'faas-downstream', 'faas-legend'])
      await suite.page.getByTestId(id).waitFor();
    expect(await suite.page.getByTestId('faas-pools').textContent()).toMatch(/by locality group \(8\)/);
    expect(await suite.page.getByTestId('faas-downstream').textContent()).toMatch(
      /AIMD sustains \d+% of capacity.*window/,
    );
    // Offered 0.8 is above what AIMD sustains: the panel says so instead of claiming recovery.
    expect(await suite.page.getByTestId('faas-downstream').textContent()).toMatch(
      /not recovered.* calls still waiting/,
    );
    expect(await suite.page.getByTestId('faas-status').textContent()).toMatch(
      /time-shifted · traffic-matrix/,
    );
    await suite.page.screenshot({ path: join(OUT, 'faas.png') });
  });

  it('fits the view at 1400x900: no panel cut off, the sampled call not truncated, map labels apart', async () => {
    await suite.page.setViewportSize({ width: 1400, height: 900 });
    await pause();
    await expect.poll(() => fits('.faas-body')).toBe(true);
    await expect.poll(() => fits('.faas-sample')).toBe(true);
    const box = async (id: string) => (await suite.page.getByTestId(id).boundingBox())!;
    const [prn, atn] = [await box('faas-map-label-prn'), await box('faas-map-label-atn')];
    const apart =
      prn.x + prn.width <= atn.x ||
      atn.x + atn.width <= prn.x ||
      prn.y + prn.height <= atn.y ||
      atn.y + atn.height <= prn.y;
    expect(apart).toBe(true);
    await suite.page.getByTestId('faas-scrub').fill('24');
    await expect.poll(() => suite.page.getByTestId('faas-time').textContent()).toBe('24:00 UTC');
  });

  it('at 1280x800 shows the charts, the panels and the downstream one at a time under tabs, none cut off', async () => {
    await suite.page.setViewportSize({ width: 1280, height: 800 });
    await pause();
    const panes = { regions: 'faas-regions', panels: 'faas-matrix', downstream: 'faas-downstream' } as const;
    for (const [pane, shown] of Object.entries(panes)) {
      await suite.page.getByTestId(`faas-pane-${pane}`).click();
      await suite.page.getByTestId(shown).waitFor();
      await expect.poll(() => fits('.faas-body'), { message: `pane ${pane} fits` }).toBe(true);
    }
    expect(await suite.page.getByTestId('faas-regions').count()).toBe(0);
    await suite.page.setViewportSize({ width: 1400, height: 900 });
    await expect.poll(() => suite.page.getByTestId('faas-pane-regions').count()).toBe(0);
    await suite.page.getByTestId('faas-regions').waitFor();
  });

  it('scrubs the day: the clock and the cursor follow the slider', async () => {
    await pause();
    await suite.page.getByTestId('faas-scrub').fill('16');
    await expect.poll(() => suite.page.getByTestId('faas-time').textContent()).toBe('16:00 UTC');
    const x = async () =>
      Number(await suite.page.locator('[data-testid="faas-chart-prn"] .faas-cursor').getAttribute('x1'));
    const at16 = await x();
    await suite.page.getByTestId('faas-scrub').fill('4');
    await expect.poll(x).toBeLessThan(at16);
    // A click on a region's chart selects it: its sampled call is the one named.
    await suite.page.getByTestId('faas-chart-odn').click({ position: { x: 100, y: 40 } });
    await expect
      .poll(() => suite.page.getByTestId('faas-sample').textContent())
      .toMatch(
        /^random call \(seeded draw, one per 15 min\) run in odn at \d\d:\d\d, .*(received and run in odn|pulled by odn).*waited/,
      );
  });

  it('draws nothing while paused: no re-render, no animation frame, no CSS animation', async () => {
    await pause();
    const view = suite.page.getByTestId('faas-view');
    await suite.page.mouse.move(2, 2);
    await suite.page.waitForTimeout(300);
    const idle = await idleActivity(suite.page, view);
    console.log(describeIdle('faas view paused', idle));
    expect(idle.renders).toBe(0);
    expect(idle.pageRaf).toBe(0);
    expect(idle.animations).toBe(0);
  });

  it('local-only: no region pulls from another, so the map has no arrows', async () => {
    await suite.page.getByTestId('view-param-global').selectOption('local-only');
    await expect
      .poll(() => suite.page.getByTestId('faas-status').textContent(), { timeout: 60_000 })
      .toMatch(/local-only · .* 0\.0% run cross-region/);
    expect(await suite.page.locator('[data-testid="faas-arrow"]').count()).toBe(0);
    await suite.page.getByTestId('view-param-global').selectOption('traffic-matrix');
    await expect
      .poll(() => suite.page.locator('[data-testid="faas-arrow"]').count(), { timeout: 60_000 })
      .toBeGreaterThan(0);
  });

  it('runs faas-backpressure from the panel and shows AIMD sending fewer calls into the outage', async () => {
    await suite.page.getByTestId('experiment-picker').selectOption('faas-backpressure');
    const results = await runFromPanel(suite.page, SMALL, 3);
    expect(await results.textContent()).toMatch(/downstream-excess-calls\.aimd/);
  });

  it('exports a report whose embedded result equals a Node-side run of the same parameters', async () => {
    const exported = await expectExportEqualsNodeRun(suite.page, 'faas', 'faas-backpressure', SMALL, 3);
    expect(exported.metrics['downstream-excess-calls.aimd']!).toBeLessThan(
      exported.metrics['downstream-excess-calls.none']!,
    );
  });

  it('the view refuses an outage that ends after the run in one line, as the experiment does', async () => {
    await suite.page.goto(`${suite.app.url}index.html#/faas?v.follow=0&v.outageAtS=3500`);
    await expect
      .poll(() => suite.page.getByTestId('faas-status').textContent(), { timeout: 60_000 })
      .toMatch(/outageS: outageAtS \+ outageS \(4100 s\) must end within durationS \(3600 s\)/);
    expect(await suite.page.getByTestId('faas-view').textContent()).not.toMatch(/recovered -/);
  });
});
