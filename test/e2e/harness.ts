// Shared e2e set-up: serve the built renderer statically (RENDERER_DIR, default out/renderer) and drive it
// in Debian's Chromium through playwright-core. Never downloads a browser.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { serveStatic } from './staticServer';
import { parseResultFile, reproducible, serializeResult } from '../../core/experiments/result';
import type { Result } from '../../core/experiments/types';
import { runExperiment } from '../../core/labs';

export const ROOT = resolve(import.meta.dirname, '../..');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const RENDERER_DIR = resolve(process.env.RENDERER_DIR ?? join(ROOT, 'out/renderer'));

export interface App {
  browser: Browser;
  context: BrowserContext;
  page: Page;
  /** Base URL of the served renderer, ending in `/`; pages live at `${url}index.html#/…`. */
  url: string;
  close(): Promise<void>;
}

/** Launch Chromium on the served renderer. Extra Chromium flags (e.g. for WebGPU) may be passed. */
export async function openApp(extraArgs: string[] = []): Promise<App> {
  if (!existsSync(join(RENDERER_DIR, 'index.html'))) {
    throw new Error(`${RENDERER_DIR}/index.html is missing: run \`npm run build\` first`);
  }
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
  const server = await serveStatic(RENDERER_DIR);
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      ...extraArgs,
    ],
  });
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, acceptDownloads: true });
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error('page error:', e.message));
  return {
    browser,
    context,
    page,
    url: server.url,
    async close() {
      await browser.close();
      await server.close();
    },
  };
}

export interface IdleActivity {
  /** The view's own draw counter (its `data-renders`) over the window. */
  renders: number;
  /** The view's own requestAnimationFrame callbacks (`data-raf-callbacks`; NaN where it keeps none). */
  viewRaf: number;
  /** Every requestAnimationFrame callback of the page over the window. */
  pageRaf: number;
  /** CSS animations running in the view at the end. */
  animations: number;
  /** Main-thread task time over the window (Chromium's TaskDuration), and the window's length, in seconds. */
  cpuS: number;
  wallS: number;
}

/** What a view does while nothing should move: counters and CPU over `ms` (print them; assert the counts). */
export async function idleActivity(page: Page, view: Locator, ms = 2000): Promise<IdleActivity> {
  const read = () =>
    view.evaluate((el: HTMLElement) => ({
      renders: Number(el.dataset.renders),
      raf: Number(el.dataset.rafCallbacks),
      animations: el.getAnimations({ subtree: true }).length,
    }));
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  const cpu = async () =>
    (await cdp.send('Performance.getMetrics')).metrics.find((m) => m.name === 'TaskDuration')?.value ?? NaN;
  await page.evaluate(() => {
    const w = window as unknown as { __rafCount: number };
    w.__rafCount = 0;
    const raf = window.requestAnimationFrame.bind(window);
    window.requestAnimationFrame = (cb) => raf((t) => (w.__rafCount++, cb(t)));
  });
  const before = await read();
  const cpu0 = await cpu();
  const t0 = Date.now();
  await page.waitForTimeout(ms);
  const after = await read();
  const cpuS = (await cpu()) - cpu0;
  const pageRaf = await page.evaluate(() => (window as unknown as { __rafCount: number }).__rafCount);
  await cdp.detach();
  return {
    renders: after.renders - before.renders,
    viewRaf: after.raf - before.raf,
    pageRaf,
    animations: after.animations,
    cpuS,
    wallS: (Date.now() - t0) / 1000,
  };
}

/** One line for the log: the counts and the CPU share of an idle window. */
export function describeIdle(what: string, a: IdleActivity): string {
  return (
    `${what} ${a.wallS.toFixed(1)} s: ${a.renders} renders, ${a.pageRaf} page rAF callbacks, ` +
    `${a.animations} CSS animations, main-thread CPU ${(a.cpuS * 1000).toFixed(0)} ms ` +
    `(${((a.cpuS / a.wallS) * 100).toFixed(1)}%)`
  );
}

/**
 * A paused view, off-hover, must do nothing: no renders, none of its own animation frames, no CSS animation.
 * Logs the idle window's figures (frame counts and CPU) for the record.
 */
export async function expectIdleWhenPaused(page: Page, view: Locator, what: string): Promise<void> {
  expect(await view.getAttribute('data-playing')).toBe('false');
  await page.mouse.move(2, 2); // off the view: no hover
  await page.waitForTimeout(1500); // let a camera flight, damping or fade finish
  const idle = await idleActivity(page, view);
  console.log(`${describeIdle(`${what} paused`, idle)}, ${idle.viewRaf} view rAF callbacks`);
  expect(idle.renders).toBe(0);
  expect(idle.viewRaf).toBe(0);
  expect(idle.animations).toBe(0);
}

/** Where tests write screenshots, downloads and reports. */
export const OUT = join(ROOT, 'test-results');

/**
 * One app for a test file: opened (and test-results/ made) before its tests, page errors logged under
 * `label`, closed after them. Read `suite.page` inside the tests.
 */
export function appForSuite(label: string): { readonly app: App; readonly page: Page } {
  let app: App | undefined;
  beforeAll(async () => {
    mkdirSync(OUT, { recursive: true });
    app = await openApp();
    app.page.on('pageerror', (e) => console.error(`${label} page error stack:`, e.stack));
  });
  afterAll(async () => {
    await app?.close();
  });
  return {
    get app() {
      return app!;
    },
    get page() {
      return app!.page;
    },
  };
}

/**
 * Export the shown result's report (the Export button; a download in a browser tab), parse the result it
 * embeds, and check it equals a Node-side run of the same experiment, parameters and seed (wall-clock
 * measurements aside). Returns the exported result for further checks.
 */
export async function expectExportEqualsNodeRun(
  page: Page,
  name: string,
  experiment: string,
  params: Readonly<Record<string, string>>,
  seed: number,
): Promise<Result> {
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId('export-report').click(),
  ]);
  const file = join(OUT, `${name}-report.html`);
  await download.saveAs(file);
  const exported = parseResultFile(readFileSync(file, 'utf8'), `${name}-report.html`);
  const direct = await runExperiment(experiment, params, seed);
  expect(serializeResult(reproducible(exported))).toBe(serializeResult(reproducible(direct)));
  return exported;
}

/** Whether the element `selector` shows all its content (nothing scrolled or cut out of it vertically). */
export function showsAll(page: Page, selector: string): Promise<boolean> {
  return page.evaluate((sel) => {
    const el = document.querySelector(sel)!;
    return el.scrollHeight <= el.clientHeight + 1;
  }, selector);
}

/**
 * Run the panel's selected experiment as a user does: fill `params` and the seed, press Run, and wait for its
 * result with a chart. Returns the results pane.
 */
export async function runFromPanel(
  page: Page,
  params: Readonly<Record<string, string>>,
  seed: number,
): Promise<Locator> {
  await page.getByTestId('experiment-panel').waitFor();
  for (const [name, value] of Object.entries(params)) await page.getByTestId(`param-${name}`).fill(value);
  await page.getByTestId('param-seed').fill(String(seed));
  await page.getByTestId('run-button').click();
  const results = page.getByTestId('results');
  await expect.poll(() => results.textContent(), { timeout: 90_000 }).toMatch(new RegExp(`seed ${seed}\\b`));
  await expect.poll(() => results.locator('svg.chart').count()).toBeGreaterThan(0);
  return results;
}
