// The TPU lab in Chromium: open #/tpu, see the 3D pod with the experiments' job mix (sub-cube jobs sharing
// cubes) and its colour legend, inject a failure and watch the job move, inspect a chip, check that a paused
// view draws nothing, run tpu-availability with few trials and check the exported report against a Node-side run.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ROOT, expectIdleWhenPaused, openApp, expectExportEqualsNodeRun, runFromPanel } from './harness';
import type { App } from './harness';

const SMALL = { trials: '2000', sweep: '9900,9990' };
const OUT = join(ROOT, 'test-results');

let app: App;
let page: Page;

beforeAll(async () => {
  mkdirSync(OUT, { recursive: true });
  app = await openApp();
  page = app.page;
});

afterAll(async () => {
  await app?.close();
});

const shot = (name: string) =>
  process.env.UPDATE_SCREENSHOT && name === 'tpu' ? join(ROOT, 'docs/tpu.png') : join(OUT, `${name}.png`);

/**
 * Inject a failure of `kind` into the largest running job (forceTarget −1, the default) at hour 1, from the
 * view's parameter bar (its forced-failure ParamFields).
 */
async function injectFailure(kind: 'machine' | 'cable' | 'ocs'): Promise<void> {
  await page.getByTestId('view-param-forceKind').selectOption(kind);
  await page.getByTestId('view-param-forceAtHour').fill('1');
}

describe('the TPU lab in Chromium', () => {
  it('opens #/tpu on a live 3D pod with a timeline', async () => {
    await page.goto(`${app.url}index.html#/tpu`);
    const view = page.getByTestId('tpu-view');
    await view.waitFor();
    await view.locator('canvas').waitFor();
    await expect
      .poll(() => page.getByTestId('tpu-events').locator('li').count(), { timeout: 60_000 })
      .toBeGreaterThan(0);
    const box = await view.locator('canvas').boundingBox();
    expect(box!.width).toBeGreaterThan(300);
    expect(box!.height).toBeGreaterThan(200);
    // Every running job is named in the colour legend.
    await expect
      .poll(() => page.getByTestId('tpu-legend').locator('[data-job]').count(), { timeout: 30_000 })
      .toBeGreaterThan(0);
  });

  it("runs the experiments' mix: sub-cube jobs, and cubes that hold chips of more than one job", async () => {
    const occupancy = page.getByTestId('tpu-occupancy');
    await expect
      .poll(async () => Number(await occupancy.getAttribute('data-shared-cubes')), { timeout: 30_000 })
      .toBeGreaterThan(0);
    expect(Number(await occupancy.getAttribute('data-sub-cube'))).toBeGreaterThan(0);
    expect(await occupancy.textContent()).toMatch(
      /\d+ jobs running \(\d+ sub-cube; \d+ cubes? shared by several jobs\)/,
    );
  });

  it('injecting a failure into the largest job moves it to a spare cube and re-wires the OCS', async () => {
    await injectFailure('cable');
    const events = page.getByTestId('tpu-events');
    await expect.poll(() => events.textContent(), { timeout: 60_000 }).toMatch(/INJECTED: cable/);
    await expect
      .poll(() => page.getByTestId('tpu-moves').textContent(), { timeout: 30_000 })
      .toMatch(/job \d+ moved: cube \d+ → \d+ \(\d+ xconnects on (all \d+|the) OCS\)/);
    await page.waitForTimeout(400); // mid-flight: the ghost cube is travelling
    await page.screenshot({ path: join(OUT, 'tpu-move.png') });
    // The camera frames the move with the switches it re-programmed: the bank stands left of the control
    // panel, not under it. Its column labels sit centred over the x, y, z columns; a column's switches reach
    // about 0.45 of the column pitch either side of its centre.
    await page.waitForTimeout(1200);
    const panelLeft = (await page.locator('.tpu-panel').boundingBox())!.x;
    const bank = await page.locator('.tpu-label-bank').evaluateAll((els) =>
      els.map((el) => {
        const b = el.getBoundingClientRect();
        return { text: el.textContent, mid: b.x + b.width / 2, right: b.right };
      }),
    );
    const at = (t: string) => bank.find((l) => l.text === t)!;
    expect(bank.map((l) => l.text).sort()).toEqual(['48 OCS (x, y, z faces)', 'x', 'y', 'z']);
    const pitch = at('y').mid - at('x').mid;
    expect(pitch).toBeGreaterThan(0);
    expect(at('z').mid + 0.45 * pitch).toBeLessThan(panelLeft);
    expect(at('48 OCS (x, y, z faces)').right).toBeLessThan(panelLeft);
  });

  it('records its frame time and draws the pod in a handful of calls', async () => {
    await page.waitForTimeout(1500);
    const figures = await page.evaluate(() => {
      const el = document.querySelector<HTMLElement>('[data-testid="tpu-view"]')!;
      return { frameMs: el.dataset.frameMs, renderMs: el.dataset.renderMs, drawCalls: el.dataset.drawCalls };
    });
    console.log(
      `tpu view: frame ${figures.frameMs} ms, render ${figures.renderMs} ms, ${figures.drawCalls} draw calls`,
    );
    expect(Number(figures.frameMs)).toBeGreaterThan(0);
    expect(Number(figures.drawCalls)).toBeGreaterThan(0);
    expect(Number(figures.drawCalls)).toBeLessThanOrEqual(10);
  });

  it('clicking a chip shows its machine, cube, job and links', async () => {
    await page.getByTestId('tpu-play').click(); // pause
    await page.getByTestId('tpu-reset-camera').click(); // the camera followed the move: back to all 64 cubes
    await page.waitForTimeout(1200);
    const canvas = page.getByTestId('tpu-view').locator('canvas');
    const box = (await canvas.boundingBox())!;
    const info = page.getByTestId('tpu-chip-info');
    // Search outward from where the pod sits (left of the panel, above the switch ring).
    const spots: [number, number][] = [];
    for (let r = 0; r <= 6; r++)
      for (let a = 0; a < Math.max(1, 8 * r); a++) {
        const th = (a / Math.max(1, 8 * r)) * Math.PI * 2;
        spots.push([0.38 + 0.03 * r * Math.cos(th), 0.3 + 0.04 * r * Math.sin(th)]);
      }
    let found = false;
    for (const [dx, dy] of spots) {
      await page.mouse.click(box.x + box.width * dx, box.y + box.height * dy);
      found = (await info.count()) > 0;
      if (found) break;
    }
    expect(found).toBe(true);
    const text = await info.textContent();
    expect(text).toMatch(/chip \d+ at \(\d+, \d+, \d+\)/);
    expect(text).toMatch(/machine \d+/);
    // The inspector names what the chip's machine and its cube hold.
    expect(text).toMatch(
      /cube \d+: (all 16 machines in job \d+|sub-cube jobs? [\d, ]+; \d+ of 16 machines free|free)/,
    );
    expect(text).toMatch(
      /job \d+: \d+ chips, \d+x\d+x\d+, (\d+ cubes? via the OCS|sub-cube slice on machines? [\d, ]+), (high|low) priority|no job \(spare\)/,
    );
    expect(text).toMatch(/ICI \(electrical\)/);
    await page.screenshot({ path: shot('tpu') });
  });

  it('draws nothing while paused and idle: no requestAnimationFrame loop, no CSS animation', async () => {
    await expectIdleWhenPaused(page, page.getByTestId('tpu-view'), 'tpu view');
  });

  it('zooms to a cube shared by sub-cube jobs and names the job of a clicked machine', async () => {
    await page.getByTestId('tpu-zoom-shared').click();
    const canvas = page.getByTestId('tpu-view').locator('canvas');
    const box = (await canvas.boundingBox())!;
    const info = page.getByTestId('tpu-chip-info');
    // The focused cube sits at the projection centre, which is shifted left by half the panel's width.
    // (420 px of panel on the right, and 200 px of legend on the left when the canvas is wide enough).
    const cx = box.x + box.width / 2 - (box.width > 980 ? 110 : box.width > 780 ? 210 : 0);
    const cy = box.y + box.height / 2;
    let text = '';
    for (let r = 0; r <= 8 && !/sub-cube slice/.test(text); r++)
      for (let a = 0; a < Math.max(1, 8 * r); a++) {
        const th = (a / Math.max(1, 8 * r)) * Math.PI * 2;
        await page.mouse.click(cx + 14 * r * Math.cos(th), cy + 14 * r * Math.sin(th));
        text = (await info.count()) > 0 ? ((await info.textContent()) ?? '') : '';
        if (/sub-cube slice/.test(text)) break;
      }
    expect(text).toMatch(/cube \d+: sub-cube jobs \d+(, \d+)+; \d+ of 16 machines free/);
    expect(text).toMatch(
      /job \d+: (4|8|16|32) chips, 2x\dx\d, sub-cube slice on machines? [\d, ]+, (high|low) priority/,
    );
    await page.screenshot({ path: join(OUT, 'tpu-subcube.png') });
    await page.getByTestId('tpu-reset-camera').click();
  });

  it('on the static design a hit job cannot move to spare cubes: it waits for a contiguous block', async () => {
    await page.getByTestId('view-param-design').selectOption('static');
    await expect.poll(() => page.locator('.tpu-title').textContent(), { timeout: 60_000 }).toMatch(/static/);
    // A static pod is drawn and described without switches or fibres.
    expect(await page.locator('.tpu-title').textContent()).toMatch(/no OCS \(fixed wiring\)/);
    expect(await page.getByTestId('tpu-all-fibres').isDisabled()).toBe(true);
    await injectFailure('machine');
    const events = page.getByTestId('tpu-events');
    await expect.poll(() => events.textContent(), { timeout: 60_000 }).toMatch(/INJECTED: machine/);
    await expect
      .poll(() => events.textContent(), { timeout: 30_000 })
      .toMatch(/waits in the queue for a contiguous healthy block/);
    expect(await page.getByTestId('tpu-moves').textContent()).toMatch(/static pod: a hit job cannot move/);
    expect(await page.getByTestId('tpu-summary').textContent()).toMatch(
      /\d+ evictions, \d+ waits for a block/,
    );
    await page.screenshot({ path: join(OUT, 'tpu-static.png') });
    await page.getByTestId('view-param-design').selectOption('ocs');
    await expect
      .poll(() => page.locator('.tpu-title').textContent(), { timeout: 60_000 })
      .toMatch(/reconfigurable/);
  });

  it('runs tpu-availability with few trials and shows static collapsing while OCS holds', async () => {
    const results = await runFromPanel(page, SMALL, 7);
    expect(await results.textContent()).toMatch(/host-availability-needed\.ocs\.3072/);
  });

  it('exports a report whose embedded result equals a Node-side run of the same parameters', async () => {
    const exported = await expectExportEqualsNodeRun(page, 'tpu', 'tpu-availability', SMALL, 7);
    expect(exported.metrics['availability.static.2048']).toBeDefined();
  });
});
