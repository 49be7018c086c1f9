// The lab page at the window sizes people meet first (Electron's default 1400x900, a 1280x800 laptop):
// every lab's form shows at least five controls without scrolling, Run/Cancel stay in the window,
// Enter runs, Escape cancels, and a bad value is named beside Run.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LABS } from '../../core/labs';
import { openApp } from './harness';
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

/** Form controls of the experiment panel a person can see without scrolling (as ../shared/tools counts). */
function visibleControls(p: Page): Promise<number> {
  return p.evaluate(() => {
    const panel = document.querySelector('[data-testid="experiment-panel"]');
    if (!panel) return 0;
    let visible = 0;
    for (const c of Array.from(panel.querySelectorAll('input:not([type=hidden]), select, textarea'))) {
      const r = c.getBoundingClientRect();
      if (r.width < 4 || r.height < 4) continue;
      const x = r.left + r.width / 2;
      const y = r.top + r.height / 2;
      if (x < 0 || y < 0 || x > innerWidth || y > innerHeight) continue;
      const at = document.elementFromPoint(x, y);
      if (at && (at === c || c.contains(at) || (at.contains(c) && at.tagName === 'LABEL'))) visible++;
    }
    return visible;
  });
}

/** True when the element's box lies inside the window and nothing covers its centre. */
function inWindow(p: Page, testId: string): Promise<boolean> {
  return p.evaluate((id) => {
    const el = document.querySelector(`[data-testid="${id}"]`);
    if (!el) return false;
    const r = el.getBoundingClientRect();
    if (r.top < 0 || r.left < 0 || r.bottom > innerHeight || r.right > innerWidth) return false;
    const at = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
    return at !== null && (at === el || el.contains(at));
  }, testId);
}

async function show(route: string, width: number, height: number) {
  await page.setViewportSize({ width, height });
  await page.goto(`${app.url}index.html${route}`);
  await page.getByTestId('experiment-panel').waitFor();
}

describe('the lab page at 1400x900 and 1280x800', () => {
  for (const lab of LABS) {
    it(`#/${lab.id}: every experiment shows at least five form controls without scrolling at 1400x900`, async () => {
      for (const experiment of lab.experiments) {
        await show(`#/${lab.id}?exp=${experiment.id}`, 1400, 900);
        await page.getByTestId(`${lab.id}-view`).waitFor();
        expect(await visibleControls(page), experiment.id).toBeGreaterThanOrEqual(5);
      }
    });

    it(`#/${lab.id}: Run, Cancel and five controls are in the window at 1280x800`, async () => {
      await show(`#/${lab.id}`, 1280, 800);
      expect(await inWindow(page, 'run-button')).toBe(true);
      expect(await inWindow(page, 'cancel-button')).toBe(true);
      expect(await inWindow(page, 'status-line')).toBe(true);
      expect(await visibleControls(page)).toBeGreaterThanOrEqual(5);
    });
  }

  it('folds the view away and back; the form gains the room', async () => {
    await show('#/kv', 1280, 800);
    const before = await visibleControls(page);
    await page.getByTestId('stage-toggle').click();
    await expect.poll(() => visibleControls(page)).toBeGreaterThan(before);
    await page.getByTestId('stage-toggle').click();
    await expect
      .poll(() => page.getByTestId('lab-stage').evaluate((e) => e.clientHeight))
      .toBeGreaterThan(150);
  });
});

describe('the form from the keyboard', () => {
  it('Enter in a field runs, Escape cancels', async () => {
    await show('#/kv?exp=kv-prefix-cache', 1400, 900);
    // Let the first (automatic) run finish, then start a long one with Enter.
    await expect
      .poll(() => page.getByTestId('progress').getAttribute('data-state'), { timeout: 60_000 })
      .toBe('done');
    await page.getByTestId('param-blocks').fill('64,128,256,512,1024,2048,4096,8192');
    await page.getByTestId('param-duration').fill('5000');
    await page.getByTestId('param-duration').press('Enter');
    await expect.poll(() => page.getByTestId('progress').getAttribute('data-state')).toBe('running');
    await page.getByTestId('param-duration').press('Escape');
    await expect
      .poll(() => page.getByTestId('progress').getAttribute('data-state'), { timeout: 15_000 })
      .toBe('cancelled');
  });

  it('names a bad value beside Run, and a click on it focuses the field, even a folded one', async () => {
    await show('#/kv?exp=kv-prefix-cache&maxModelLen=1', 1400, 900);
    expect(await page.getByTestId('run-button').isDisabled()).toBe(true);
    const summary = page.getByTestId('form-error-summary');
    await expect.poll(() => summary.textContent()).toMatch(/Max model length/);
    expect(await inWindow(page, 'form-error-summary')).toBe(true);
    // A folded field with a value of its own is shown; fold it again, then follow the summary to it.
    expect(await page.getByTestId('param-maxModelLen').isVisible()).toBe(true);
    await page.locator('[data-testid="more-params"] > summary').click();
    expect(await page.getByTestId('param-maxModelLen').isVisible()).toBe(false);
    await summary.click();
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid')))
      .toBe('param-maxModelLen');
    expect(await inWindow(page, 'param-maxModelLen')).toBe(true);
    await page.getByTestId('param-maxModelLen').fill('2048');
    await expect.poll(() => summary.count()).toBe(0);
    expect(await page.getByTestId('run-button').isDisabled()).toBe(false);
  });
});
