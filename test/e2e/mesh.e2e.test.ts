// The mesh lab as a user meets it in Chromium: open #/mesh, play the spike, see spill arcs, click a
// region (its rings and the why), export a why-trace, run mesh-spike from the panel and export the report,
// run mesh-balance on the RPC workload.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, expectExportEqualsNodeRun, openApp, runFromPanel } from './harness';
import type { App } from './harness';

const SMALL = { policies: 'servicerouter,latency-rings', durationS: '20', spikeAtS: '5' };

let app: App;
let page: Page;

beforeAll(async () => {
  app = await openApp();
  page = app.page;
  page.on('pageerror', (e) => console.error('mesh page error stack:', e.stack));
});

afterAll(async () => {
  await app?.close();
});

const timeOf = async (): Promise<number> =>
  Number((await page.getByTestId('mesh-time').textContent())?.match(/t = ([\d.]+)/)?.[1] ?? NaN);

describe('the mesh lab in Chromium', () => {
  it('opens #/mesh on the map with the default spike simulated', async () => {
    await page.goto(`${app.url}index.html#/mesh`);
    await page.getByTestId('mesh-view').waitFor();
    await page.getByTestId('mesh-map').waitFor({ timeout: 60_000 });
    expect(await page.locator('[data-testid^="mesh-region-"]').count()).toBe(12);
    expect(await page.locator('[data-testid^="mesh-ring-"]').count()).toBe(3);
  });

  it('site and ring labels overlap nothing, and the whole map fits the view, at 1400x900 and 1280x800', async () => {
    /** Boxes of every site label, ring label and marker circle as drawn. */
    const boxes = () =>
      page.evaluate(() => {
        const box = (el: Element) => {
          const b = el.getBoundingClientRect();
          return { x0: b.left, y0: b.top, x1: b.right, y1: b.bottom };
        };
        const q = (sel: string) => Array.from(document.querySelectorAll(sel)).map(box);
        return {
          labels: q('.mesh-region text, .mesh-ring-label'),
          markers: q('.mesh-region .mesh-region-fill'),
          map: box(document.querySelector('[data-testid="mesh-map"]')!.parentElement!),
        };
      });
    const overlap = (a: { x0: number; y0: number; x1: number; y1: number }, b: typeof a) =>
      Math.max(0, Math.min(a.x1, b.x1) - Math.max(a.x0, b.x0)) *
      Math.max(0, Math.min(a.y1, b.y1) - Math.max(a.y0, b.y0));
    for (const [width, height] of [
      [1400, 900],
      [1280, 800],
    ] as const) {
      await page.setViewportSize({ width, height });
      await page.waitForTimeout(600);
      const { labels, markers, map } = await boxes();
      expect(labels.length).toBeGreaterThanOrEqual(12);
      for (let i = 0; i < labels.length; i++) {
        for (let j = i + 1; j < labels.length; j++) expect(overlap(labels[i]!, labels[j]!)).toBe(0);
        // A label may graze a marker's bounding box corner, never cover a real part of it.
        for (const m of markers) expect(overlap(labels[i]!, m)).toBeLessThan(12);
      }
      // Every marker is inside the visible map (a map taller than its view was cut off below).
      expect(markers).toHaveLength(12);
      for (const m of markers) {
        expect(m.y1).toBeLessThanOrEqual(map.y1);
        expect(m.x1).toBeLessThanOrEqual(map.x1);
      }
      await page.screenshot({ path: `/tmp/mesh-labels-${width}.png` });
    }
    await page.setViewportSize({ width: 1400, height: 900 });
  });

  it('plays the spike and shows traffic spilling out of the spiking region', async () => {
    // Rewind and start the spike from the beginning.
    if ((await page.getByTestId('mesh-play').textContent()) === 'Pause')
      await page.getByTestId('mesh-play').click();
    await page.getByTestId('mesh-scrub').fill('0');
    expect(await page.locator('[data-testid="mesh-arc"][data-from="prn"]').count()).toBe(0);
    await page.getByTestId('mesh-play').click();
    await expect.poll(timeOf, { timeout: 30_000 }).toBeGreaterThan(30);
    await expect
      .poll(() => page.locator('[data-testid="mesh-arc"][data-from="prn"]').count(), { timeout: 30_000 })
      .toBeGreaterThan(1);
    await page.getByTestId('mesh-play').click(); // pause
    const shot = process.env.UPDATE_SCREENSHOT ? join(ROOT, 'docs/mesh.png') : '/tmp/mesh-view.png';
    await page.screenshot({ path: shot });
  });

  it('while paused nothing animates: no running animation, no re-render, over 2 s (CPU printed)', async () => {
    if ((await page.getByTestId('mesh-play').textContent()) === 'Pause')
      await page.getByTestId('mesh-play').click();
    await expect.poll(() => page.getByTestId('mesh-view').getAttribute('data-playing')).toBe('false');
    await page.waitForTimeout(300);
    const running = () =>
      page.evaluate(() => {
        const view = document.querySelector('[data-testid="mesh-view"]');
        const all = document.getAnimations().filter((a) => a.playState === 'running');
        const inView = all.filter((a) => {
          const target = (a.effect as KeyframeEffect | null)?.target;
          return target instanceof Element && view?.contains(target);
        });
        return { all: all.length, inView: inView.length };
      });
    const renders = async () => Number(await page.getByTestId('mesh-view').getAttribute('data-renders'));
    // CPU time per Chromium process (browser, renderer, GPU) from the DevTools protocol, where it answers.
    const cdp = await app.browser.newBrowserCDPSession().catch(() => null);
    const cpu = async (): Promise<Record<string, number>> => {
      if (!cdp) return {};
      const info = (await cdp.send('SystemInfo.getProcessInfo').catch(() => ({ processInfo: [] }))) as {
        processInfo: { type: string; cpuTime: number }[];
      };
      const byType: Record<string, number> = {};
      for (const p of info.processInfo) byType[p.type] = (byType[p.type] ?? 0) + p.cpuTime;
      return byType;
    };
    const before = { renders: await renders(), cpu: await cpu(), at: Date.now() };
    const samples: { all: number; inView: number }[] = [];
    for (let i = 0; i < 4; i++) {
      samples.push(await running());
      await page.waitForTimeout(500);
    }
    const after = { renders: await renders(), cpu: await cpu(), at: Date.now() };
    const seconds = (after.at - before.at) / 1000;
    const cpuPct = Object.fromEntries(
      Object.keys(after.cpu).map((k) => [
        k,
        `${((((after.cpu[k] ?? 0) - (before.cpu[k] ?? 0)) / seconds) * 100).toFixed(1)}%`,
      ]),
    );
    console.log(
      `mesh paused for ${seconds.toFixed(1)} s: running animations ${JSON.stringify(samples)}, ` +
        `renders ${after.renders - before.renders}, CPU by process ${JSON.stringify(cpuPct)}`,
    );
    await cdp?.detach().catch(() => undefined);
    expect(samples.every((s) => s.inView === 0)).toBe(true);
    expect(after.renders - before.renders).toBe(0);
  });

  it('the view bar’s "more" popover closes on Escape and on a click outside it, as a menu does', async () => {
    const advanced = page.getByTestId('view-params-advanced');
    await page.getByTestId('view-params-more').click();
    await advanced.waitFor();
    await page.keyboard.press('Escape');
    await advanced.waitFor({ state: 'detached' });
    await page.getByTestId('view-params-more').click();
    await page.getByTestId('view-param-workload').waitFor();
    // The map's lower right corner, clear of the popover (the map animates, so a plain mouse press).
    const map = (await page.getByTestId('mesh-map').boundingBox())!;
    await page.mouse.click(map.x + map.width - 5, map.y + map.height - 5);
    await advanced.waitFor({ state: 'detached' });
  });

  it('clicking a region shows its rings and why its traffic goes where it goes', async () => {
    await page.getByTestId('mesh-region-lla').click();
    await expect.poll(() => page.getByTestId('mesh-rings').textContent()).toMatch(/ring 2 .*cln, ode/);
    await page.getByTestId('mesh-region-prn').click();
    await expect.poll(() => page.getByTestId('mesh-rings').textContent()).toMatch(/ring 2 .*eag, lln, alt/);
    expect(await page.getByTestId('mesh-why').textContent()).toMatch(
      /ring 1 \(same region\) above 75%.*spilled to ring 2/,
    );
    expect(await page.getByTestId('mesh-trace').textContent()).toMatch(/candidate 2: server \d+/);
  });

  it('exports the why-trace of the selected region as JSON', async () => {
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('mesh-trace-export').click(),
    ]);
    const file = join('/tmp', 'mesh-why-trace.json');
    await download.saveAs(file);
    const data = JSON.parse(readFileSync(file, 'utf8')) as {
      client: string;
      traces: { candidates: unknown[] }[];
    };
    expect(data.client).toBe('prn');
    expect(data.traces.length).toBeGreaterThan(10);
  });

  it('the map opens a world file: its regions on a refitted map; a bad file is named and the map kept', async () => {
    const regions = [
      { id: 'syd', name: 'Sydney', lat: -33.9, lon: 151.2, continent: 'oc', servers: 20 },
      { id: 'per', name: 'Perth', lat: -31.95, lon: 115.86, continent: 'oc', servers: 10 },
      { id: 'akl', name: 'Auckland', lat: -36.85, lon: 174.76, continent: 'oc', servers: 10 },
    ];
    const file = (name: string, data: unknown) => ({
      name,
      mimeType: 'application/json',
      buffer: Buffer.from(JSON.stringify(data)),
    });
    // The view's own world: it stops following the experiment (whose world is the built-in one).
    await page.getByTestId('view-follow').uncheck();
    await expect.poll(() => page.getByTestId('view-note').textContent()).toMatch(/^own scenario/);
    await page.getByTestId('mesh-world-file').setInputFiles(file('oceania.json', { regions }));
    await expect
      .poll(() => page.getByTestId('mesh-world-name').textContent(), { timeout: 60_000 })
      .toBe('oceania.json');
    await page.getByTestId('mesh-map').waitFor();
    expect(await page.locator('[data-testid^="mesh-region-"]').count()).toBe(3);
    // The map is refitted to the file's regions: all three lie inside it (the built-in extent stops at −2° lat).
    const box = (await page.getByTestId('mesh-map').boundingBox())!;
    for (const r of regions) {
      const b = (await page.getByTestId(`mesh-region-${r.id}`).boundingBox())!;
      expect(b.x).toBeGreaterThanOrEqual(box.x);
      expect(b.y + b.height / 2).toBeLessThanOrEqual(box.y + box.height);
    }
    // The incident moves to the region picked (the spike's region shows the highest utilisation).
    await page.getByTestId('view-param-spikeRegion').fill('akl');
    await expect
      .poll(() => page.getByTestId('mesh-detail').locator('h3').textContent(), { timeout: 60_000 })
      .toMatch(/Auckland/);
    // A bad file: one line naming the file and the field; the map keeps its world.
    await page
      .getByTestId('mesh-world-file')
      .setInputFiles(file('broken.json', { regions: [{ ...regions[0], lat: 139 }] }));
    await expect
      .poll(() => page.getByTestId('mesh-world-error').textContent(), { timeout: 60_000 })
      .toMatch(/^broken\.json: .*lat/);
    expect((await page.getByTestId('mesh-world-error').textContent())!.split('\n')).toHaveLength(1);
    await expect.poll(() => page.getByTestId('mesh-world-name').textContent()).toBe('oceania.json');
    expect(await page.locator('[data-testid^="mesh-region-"]').count()).toBe(3);
    // An empty file is named as such (empty text would otherwise mean the built-in world).
    await page
      .getByTestId('mesh-world-file')
      .setInputFiles({ name: 'empty.json', mimeType: 'application/json', buffer: Buffer.from('\n') });
    await expect
      .poll(() => page.getByTestId('mesh-world-error').textContent())
      .toBe('empty.json: the file is empty');
    expect(await page.getByTestId('mesh-world-name').textContent()).toBe('oceania.json');
    await page.screenshot({ path: join('/tmp', 'mesh-map-world.png') });
    // Back to the built-in twelve regions.
    await page.getByTestId('mesh-world-builtin').click();
    await expect
      .poll(() => page.locator('[data-testid^="mesh-region-"]').count(), { timeout: 60_000 })
      .toBe(12);
    expect(await page.getByTestId('mesh-world-name').textContent()).toBe('built-in');
    await expect.poll(() => page.getByTestId('mesh-world-error').count()).toBe(0);
    await page.getByTestId('view-param-spikeRegion').fill('prn');
    await page.getByTestId('view-follow').check();
  });

  it('loads a world file from the panel: a bad one is named in one line, a good one runs on its regions', async () => {
    await page.getByTestId('experiment-panel').waitFor();
    for (const [name, value] of Object.entries(SMALL)) await page.getByTestId(`param-${name}`).fill(value);
    const regions = [
      { id: 'east', name: 'East', lat: 39, lon: -77.5, continent: 'na', servers: 10 },
      { id: 'west', name: 'West', lat: 45.6, lon: -121.2, continent: 'na', servers: 30 },
    ];
    const bad = { regions: [{ ...regions[0], lat: 139 }, regions[1]] };
    await page.getByTestId('param-world').setInputFiles({
      name: 'bad-world.json',
      mimeType: 'application/json',
      buffer: Buffer.from(JSON.stringify(bad)),
    });
    await expect.poll(() => page.getByTestId('param-summary-world').textContent()).not.toBe('no file loaded');
    await page.getByTestId('run-button').click();
    await expect
      .poll(() => page.getByTestId('run-status').textContent(), { timeout: 30_000 })
      .toMatch(/world: regions\.0\.lat: .*90/);
    await page.getByTestId('param-world').setInputFiles({
      name: 'world.json',
      mimeType: 'application/json',
      buffer: Buffer.from(JSON.stringify({ name: 'two coasts', regions })),
    });
    await page.getByTestId('run-button').click();
    const results = page.getByTestId('results');
    await expect.poll(() => results.textContent(), { timeout: 90_000 }).toMatch(/two coasts/);
    // The region field now offers the file's regions.
    const list = await page.getByTestId('param-spikeRegion').getAttribute('list');
    expect(
      await page
        .locator(`datalist[id="${list}"] option`)
        .evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value)),
    ).toEqual(['east', 'west']);
    await page.screenshot({ path: join('/tmp', 'mesh-world-file.png') });
    await page.getByRole('button', { name: 'clear' }).click();
    await expect.poll(() => page.getByTestId('param-summary-world').textContent()).toBe('no file loaded');
  });

  it('runs mesh-spike from the panel and exports a report equal to a Node-side run', async () => {
    await runFromPanel(page, SMALL, 7);
    await expectExportEqualsNodeRun(page, 'mesh', 'mesh-spike', SMALL, 7);
  });

  it('runs mesh-balance on RPC-fleet calls from the form: charts name the workload, the report = a Node run', async () => {
    const params = { stalenessMs: '0,100', servers: '20', durationS: '5', workload: 'rpc' };
    await page.getByTestId('experiment-picker').selectOption('mesh-balance');
    await page.getByTestId('param-workload').selectOption('rpc');
    for (const name of ['stalenessMs', 'servers', 'durationS'] as const)
      await page.getByTestId(`param-${name}`).fill(params[name]);
    await page.getByTestId('param-seed').fill('3');
    await page.getByTestId('run-button').click();
    const results = page.getByTestId('results');
    await expect.poll(() => results.textContent(), { timeout: 90_000 }).toMatch(/mesh-balance · seed 3/);
    const titles = await results
      .locator('svg.chart')
      .evaluateAll((svgs) => svgs.map((s) => s.textContent ?? ''));
    expect(titles.join(' ')).toMatch(/p99 latency \(rpc requests\)/);
    const exported = await expectExportEqualsNodeRun(page, 'mesh-balance-rpc', 'mesh-balance', params, 3);
    expect(exported.params.workload).toBe('rpc');
    // The map follows the form onto RPC-fleet calls and says so.
    await expect
      .poll(() => page.getByTestId('mesh-p99').textContent(), { timeout: 60_000 })
      .toMatch(/RPC-fleet calls/);
  });

  it('a view-bar value out of range is said in one line, with the default the view runs on', async () => {
    await page.getByTestId('view-follow').uncheck();
    await page.getByTestId('view-params-more').click();
    await page.getByTestId('view-param-spikeFactor').fill('1e9');
    await page.getByTestId('view-param-spikeFactor').press('Enter');
    await expect
      .poll(() => page.getByTestId('view-param-error').textContent())
      .toMatch(/^Spike demand: .*\(not applied: the view runs on its default, 2\.5\)$/);
    await page.getByTestId('view-param-spikeFactor').fill('2.5');
    await page.getByTestId('view-param-spikeFactor').press('Enter');
    await page.getByTestId('view-note').waitFor();
    await page.keyboard.press('Escape');
    await page.getByTestId('view-follow').check();
  });
});
