// The microservice lab as a user meets it in Chromium: open #/micro, see the social network's service graph
// and the retry storm after the trigger, break the spec and read its one-line error, switch the client
// policy, check the view idles when paused, and run micro-monolith from the panel into a report equal to a
// Node-side run.
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseResultFile, reproducible, serializeResult } from '../../core/experiments/result';
import { runExperiment } from '../../core/labs';
import { ROOT, describeIdle, idleActivity, openApp, runFromPanel } from './harness';
import type { App } from './harness';

const OUT = join(ROOT, 'test-results');
const SMALL = { runS: '4', load: '0.3', cores: '1' };
const shot = (name: string) =>
  process.env.UPDATE_SCREENSHOT && name === 'micro' ? join(ROOT, 'docs/micro.png') : join(OUT, `${name}.png`);

let app: App;
let page: Page;

beforeAll(async () => {
  mkdirSync(OUT, { recursive: true });
  app = await openApp();
  page = app.page;
  page.on('pageerror', (e) => console.error('micro page error stack:', e.stack));
});

afterAll(async () => {
  await app?.close();
});

const summary = () => page.getByTestId('micro-summary').textContent();

describe('the microservice lab in Chromium', () => {
  it('opens #/micro on the social network: 20 nodes in the graph, the trigger marked, the storm after it', async () => {
    // The default URL: the view follows the experiment (micro-metastable), as a user first meets it.
    await page.goto(`${app.url}index.html#/micro`);
    await page.getByTestId('micro-view').waitFor();
    await page.getByTestId('micro-graph').waitFor({ timeout: 60_000 });
    expect(await page.locator('[data-testid^="micro-node-"]').count()).toBe(20);
    await page.getByTestId('micro-trigger').waitFor();
    expect(await summary()).toMatch(
      /12 services in 12 processes · policy retry .* stuck at \d+% of goodput \(metastable\)/,
    );
    // After the trigger the frontend's machine is saturated.
    expect(Number(await page.getByTestId('micro-node-frontend').getAttribute('data-util'))).toBeGreaterThan(
      0,
    );
    await page.screenshot({ path: shot('micro') });
  });

  it('fits at 1400x900 and 1280x800: nodes inside the graph pane, labels inside their nodes, the trigger label clear of the axis, a usable editor', async () => {
    for (const [width, height] of [
      [1400, 900],
      [1280, 800],
    ] as const) {
      await page.setViewportSize({ width, height });
      await page.getByTestId('micro-tab-timeline').click();
      const inside = await page.locator('[data-testid^="micro-node-"]').evaluateAll((nodes) =>
        nodes.every((n) => {
          const box = n.querySelector('rect')!.getBoundingClientRect();
          const text = n.querySelector('text')!.getBoundingClientRect();
          return text.left >= box.left - 0.5 && text.right <= box.right + 0.5;
        }),
      );
      expect(inside).toBe(true);
      // Every node box (and "+N more") lies inside the graph's pane: nothing cut at the bottom.
      const cut = await page.getByTestId('micro-graph').evaluate((svg) => {
        const pane = svg.parentElement!.getBoundingClientRect();
        return Array.from(svg.querySelectorAll('rect.micro-node')).filter(
          (r) => r.getBoundingClientRect().bottom > pane.bottom + 0.5,
        ).length;
      });
      expect(cut, `${width}x${height}`).toBe(0);
      const trigger = await page.getByTestId('micro-trigger').boundingBox();
      const label = await page
        .getByTestId('micro-timeline')
        .locator('text', { hasText: 'trigger' })
        .boundingBox();
      expect(label!.y + label!.height).toBeLessThanOrEqual(trigger!.y + 0.5);
      await page.getByTestId('micro-tab-spec').click();
      const editor = await page.getByTestId('micro-spec-text').boundingBox();
      // At least six lines of the spec (11 px × 1.35) are visible.
      expect(editor!.height).toBeGreaterThan(6 * 15);
    }
    await page.setViewportSize({ width: 1400, height: 900 });
  });

  it('shows a bad spec’s one-line error with its line and refuses to run it; a good edit re-compiles', async () => {
    const text = page.getByTestId('micro-spec-text');
    const spec = await text.inputValue();
    await text.fill(spec.replace('"defaultMachine": "m0"', '"defaultMachine": "m7"'));
    await expect
      .poll(() => page.getByTestId('micro-spec-status').textContent())
      .toMatch(/^spec line \d+: instantiation\.defaultMachine: unknown machine "m7"/);
    expect(await page.getByTestId('micro-spec-apply').isDisabled()).toBe(true);
    // One process for every service: the monolith, applied from the editor.
    const names = [
      'frontend',
      'composePost',
      'uniqueId',
      'text',
      'media',
      'urlShorten',
      'userMention',
      'user',
      'postStorage',
      'userTimeline',
      'homeTimeline',
      'socialGraph',
    ];
    await text.fill(
      spec.replace(
        '"processes": {}',
        `"processes": { "mono": { "services": ${JSON.stringify(names)}, "machine": "m0" } }`,
      ),
    );
    await expect.poll(() => page.getByTestId('micro-spec-apply').isDisabled()).toBe(false);
    await page.getByTestId('micro-spec-apply').click();
    await expect.poll(summary, { timeout: 60_000 }).toMatch(/12 services in 1 process ·/);
    // Applying a spec stops following the experiment (whose spec would win), and says so; the
    // experiment's run length stays.
    expect(await page.getByTestId('view-note').textContent()).toMatch(
      /not following micro-metastable.*durationS 30/,
    );
    // A built-in app, compiled and run from the editor.
    await page.getByTestId('micro-spec-app').selectOption('hotel reservation');
    await page.getByTestId('micro-spec-apply').click();
    await expect.poll(summary, { timeout: 60_000 }).toMatch(/^hotel-reservation: /);
  });

  it('shows a generated app of thousands of services folded to a readable graph, with calls waiting under the storm', async () => {
    await page.goto(`${app.url}index.html#/micro?v.follow=0&v.generated=2000`);
    await expect
      .poll(() => page.getByTestId('micro-view').textContent(), { timeout: 60_000 })
      .toMatch(/alibaba-2000: 2000 services/);
    expect(await page.locator('[data-testid="micro-more"]').count()).toBeGreaterThan(0);
    // Most nodes are folded: far fewer drawn than 2000.
    expect(await page.locator('[data-testid^="micro-node-"]').count()).toBeLessThan(300);
    expect(await page.locator('.micro-waiting').count()).toBeGreaterThan(0);
    await page.goto(`${app.url}index.html#/micro`);
    await page.getByTestId('micro-graph').waitFor({ timeout: 60_000 });
  });

  it('recovers after the trigger without retries', async () => {
    await page.getByTestId('view-param-policy').selectOption('no-retry');
    await expect.poll(summary, { timeout: 60_000 }).toMatch(/policy no-retry .* recovered/);
  });

  it('shows a sampled request’s trace as spans and outlines the services it went through', async () => {
    await page.getByTestId('micro-tab-trace').click();
    await page.locator('[data-testid^="micro-trace-pick-"]').first().click();
    await expect.poll(() => page.getByTestId('micro-span').count()).toBeGreaterThan(2);
    expect(await page.getByTestId('micro-waterfall').textContent()).toMatch(
      /attempt 1: (answered in [\d.]+ ms|timeout|refused)/,
    );
    expect(await page.locator('.micro-node.traced').count()).toBeGreaterThan(2);
    await page.getByTestId('micro-tab-spec').click();
    await page.getByTestId('micro-spec-app').selectOption('social network');
    expect(await page.getByTestId('micro-spec-text').inputValue()).toMatch(/"app": "social-network"/);
    await page.getByTestId('micro-spec-app').selectOption('hotel reservation');
    expect(await page.getByTestId('micro-spec-text').inputValue()).toMatch(/"app": "hotel-reservation"/);
  });

  it('plays the run: calls flow along the edges while playing and stand still when paused', async () => {
    const time = async () =>
      Number((await page.getByTestId('micro-time').textContent())?.match(/second (\d+)/)?.[1]);
    await page.getByTestId('micro-scrub').fill('0');
    await page.getByTestId('micro-play').click();
    await expect.poll(() => page.locator('.micro-flow').count()).toBeGreaterThan(0);
    await expect.poll(time, { timeout: 30_000 }).toBeGreaterThanOrEqual(3);
    await page.getByTestId('micro-play').click();
    await expect.poll(() => page.locator('.micro-flow').count()).toBe(0);
  });

  it('draws nothing while paused and idle', async () => {
    const view = page.getByTestId('micro-view');
    await page.mouse.move(2, 2);
    const idle = await idleActivity(page, view);
    console.log(`${describeIdle('micro view paused', idle)}, ${idle.viewRaf} view rAF callbacks`);
    expect(idle.renders).toBe(0);
    expect(idle.viewRaf).toBe(0);
    expect(idle.animations).toBe(0);
  });

  it('runs micro-monolith from the panel and exports a report equal to a Node-side run', async () => {
    await page.getByTestId('experiment-picker').selectOption('micro-monolith');
    const results = await runFromPanel(page, SMALL, 3);
    expect(await results.textContent()).toMatch(/spec-lines-changed/);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('export-report').click(),
    ]);
    const file = join(OUT, 'micro-report.html');
    await download.saveAs(file);
    const exported = parseResultFile(readFileSync(file, 'utf8'), 'micro-report.html');
    const direct = await runExperiment('micro-monolith', SMALL, 3);
    expect(serializeResult(reproducible(exported))).toBe(serializeResult(reproducible(direct)));
  });
});
