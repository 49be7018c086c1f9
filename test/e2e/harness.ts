// Shared e2e set-up: serve the built renderer statically (RENDERER_DIR, default out/renderer) and drive it
// in Debian's Chromium through playwright-core. Never downloads a browser.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { serveStatic } from './staticServer';

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
