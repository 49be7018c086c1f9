// Lab views driven by their declared parameters, in Chromium: a link with `v.` keys restores a view's state;
// a parameter the view shares with the experiment form (same name) moves the view and its "following" line;
// cancelling an experiment run never cancels the view being built beside it (each job has its own id), and a
// run started right after Cancel runs even while the worker is still inside the cancelled run.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

const note = () => page.getByTestId('view-note').textContent();
const open = async (hash: string) => {
  await page.goto(`${app.url}index.html${hash}`);
  await page.getByTestId('view-note').waitFor({ timeout: 30_000 });
};

describe('lab views follow declared parameters', () => {
  it('a view link with v. keys restores that view state (kv, tpu)', async () => {
    await open('#/kv?v.follow=0&v.workload=alpaca&v.sampling=beam&v.seed=3');
    const recorded = page.getByTestId('kv-recorded');
    await expect.poll(() => recorded.getAttribute('data-workload'), { timeout: 60_000 }).toBe('alpaca');
    expect(await recorded.getAttribute('data-sampling')).toBe('beam');
    expect(await recorded.getAttribute('data-seed')).toBe('3');
    expect(await page.getByTestId('view-param-workload').inputValue()).toBe('alpaca');
    expect(await page.getByTestId('view-follow').isChecked()).toBe(false);
    expect(await note()).toMatch(
      /^own scenario \(not following kv-prefix-cache\): workload alpaca, sampling beam, seed 3/,
    );
    expect(await page.getByTestId('hash-notice').count()).toBe(0);
    // The link survives: the hash still holds the view's keys.
    expect(await page.evaluate(() => location.hash)).toMatch(/v\.follow=0.*v\.seed=3.*v\.workload=alpaca/);

    await open('#/tpu?v.design=static&v.hours=48&v.nope=1');
    const view = page.getByTestId('tpu-view');
    await expect.poll(() => view.getAttribute('data-view-state'), { timeout: 60_000 }).toBe('ready');
    expect(await view.getAttribute('data-design')).toBe('static');
    expect(await page.getByTestId('tpu-time').textContent()).toMatch(/\/ 48h00/);
    // An unknown view key is a notice, not an error.
    expect(await page.getByTestId('hash-notice').textContent()).toMatch(/v\.nope/);
  });

  it('a typed view field commits on Enter, on blur or after a pause, not per keystroke (tpu hours)', async () => {
    await open('#/tpu?v.follow=0');
    const view = page.getByTestId('tpu-view');
    await expect.poll(() => view.getAttribute('data-view-state'), { timeout: 60_000 }).toBe('ready');
    const hours = page.getByTestId('view-param-hours');
    const hash = () => page.evaluate(() => location.hash);
    // Each committed value rebuilds the scenario (and lands in the hash); a keystroke does neither.
    await hours.fill('');
    await hours.pressSequentially('3');
    await page.waitForTimeout(300);
    expect(await hash()).not.toMatch(/v\.hours=/);
    expect(await view.getAttribute('data-view-state')).toBe('ready');
    await hours.pressSequentially('6');
    expect(await hours.inputValue()).toBe('36');
    await hours.press('Enter');
    await expect.poll(hash, { timeout: 400 }).toMatch(/v\.hours=36(&|$)/);
    await expect
      .poll(() => page.getByTestId('tpu-time').textContent(), { timeout: 60_000 })
      .toMatch(/\/ 36h00/);
    // Leaving the field commits at once.
    await hours.fill('48');
    await hours.press('Tab');
    await expect.poll(hash, { timeout: 400 }).toMatch(/v\.hours=48(&|$)/);
    // A pause in typing commits too.
    await hours.fill('12');
    expect(await hash()).toMatch(/v\.hours=48(&|$)/);
    await expect.poll(hash, { timeout: 3000 }).toMatch(/v\.hours=12(&|$)/);
    await expect
      .poll(() => page.getByTestId('tpu-time').textContent(), { timeout: 60_000 })
      .toMatch(/\/ 12h00/);
  });

  it('changing a shared parameter in the form changes the view and its one-line note (kv workload)', async () => {
    await open('#/kv?exp=kv-memory-waste');
    await expect.poll(note, { timeout: 30_000 }).toMatch(/^following kv-memory-waste: workload sharegpt/);
    expect(await page.getByTestId('view-param-workload').isDisabled()).toBe(true);
    await page.getByTestId('param-workload').selectOption('alpaca');
    await expect.poll(note).toMatch(/^following kv-memory-waste: workload alpaca/);
    await expect
      .poll(() => page.getByTestId('kv-recorded').getAttribute('data-workload'), { timeout: 60_000 })
      .toBe('alpaca');
    // A workload the view cannot show (a trace) leaves it on its own, and the note says so.
    await page.getByTestId('param-workload').selectOption('trace');
    await expect.poll(note).toMatch(/kept its own for workload trace/);
  });

  it('mesh: the spiking region and the experiment pick the incident; the outage experiment moves the view to lla', async () => {
    await open('#/mesh');
    await expect
      .poll(note, { timeout: 30_000 })
      .toMatch(/^following mesh-spike: scenario spike, .*spikeRegion prn/);
    await page.getByTestId('param-spikeRegion').fill('eag');
    await expect.poll(note).toMatch(/spikeRegion eag/);
    await expect
      .poll(() => page.getByTestId('mesh-detail').locator('h3').textContent(), { timeout: 60_000 })
      .toMatch(/\(eag\)/);
    await page.getByTestId('experiment-picker').selectOption('mesh-outage');
    await expect.poll(note).toMatch(/^following mesh-outage: scenario outage, .*failRegion lla/);
    await expect
      .poll(() => page.getByTestId('mesh-detail').locator('h3').textContent(), { timeout: 60_000 })
      .toMatch(/\(lla\)/);
  });

  it('tpu: the form seed is the view seed', async () => {
    await open('#/tpu');
    const view = page.getByTestId('tpu-view');
    await expect.poll(() => view.getAttribute('data-view-state'), { timeout: 60_000 }).toBe('ready');
    await page.getByTestId('param-seed').fill('7');
    await expect.poll(note).toMatch(/seed 7/);
    await expect.poll(() => view.getAttribute('data-seed')).toBe('7');
    await expect.poll(() => view.getAttribute('data-view-state'), { timeout: 60_000 }).toBe('ready');
    expect(await page.locator('.tpu-title').textContent()).toMatch(/seed 7/);
  });

  it('cancelling an experiment run while the view builds does not cancel the view', async () => {
    // A long scenario keeps the view building while the experiment (a run of about 15 s in Node, auto-run on
    // open, so it is still running when Cancel is clicked) is cancelled.
    await page.goto(`${app.url}index.html#/tpu?exp=tpu-failures&days=3650&meanJobHours=2&v.hours=720`);
    const view = page.getByTestId('tpu-view');
    await view.waitFor();
    await page.evaluate(() => {
      const el = document.querySelector('[data-testid="tpu-view"]')!;
      const seen: string[] = [el.getAttribute('data-view-state') ?? ''];
      (window as unknown as { viewStates: string[] }).viewStates = seen;
      new MutationObserver(() => seen.push(el.getAttribute('data-view-state') ?? '')).observe(el, {
        attributes: true,
        attributeFilter: ['data-view-state'],
      });
    });
    const cancel = page.getByTestId('cancel-button');
    await expect.poll(() => cancel.isEnabled(), { timeout: 30_000 }).toBe(true);
    const stateAtCancel = await view.getAttribute('data-view-state');
    await cancel.click();
    await expect
      .poll(() => page.getByTestId('run-status').textContent(), { timeout: 30_000 })
      .toMatch(/ancel/);
    await expect.poll(() => view.getAttribute('data-view-state'), { timeout: 120_000 }).toBe('ready');
    const states = await page.evaluate(() => (window as unknown as { viewStates: string[] }).viewStates);
    console.log(
      `tpu view state when the run was cancelled: ${stateAtCancel}; states seen: ${states.join(' → ')}`,
    );
    expect(states).not.toContain('cancelled');
    expect(await page.getByTestId('tpu-status').count()).toBe(0);
  });

  it('Run right after Cancel runs, even while the worker is still inside the cancelled run', async () => {
    // tpu-availability at 8M trials runs each availability level as one compute launch of seconds, so the
    // worker answers the cancel late; the new run must still run (it used to be killed with the old worker).
    await page.goto(`${app.url}index.html#/tpu?exp=tpu-availability`);
    await page.getByTestId('param-trials').fill('8000000');
    await page.getByTestId('run-button').click();
    const cancel = page.getByTestId('cancel-button');
    await expect.poll(() => cancel.isEnabled(), { timeout: 30_000 }).toBe(true);
    await page.waitForTimeout(1000);
    await cancel.click();
    await page.getByTestId('param-trials').fill('20000');
    await page.getByTestId('run-button').click();
    await expect
      .poll(() => page.getByTestId('results').textContent(), { timeout: 60_000 })
      .toMatch(/tpu-availability · seed 1/);
    expect(await page.getByTestId('run-status').textContent()).not.toMatch(/stopped answering|restarted/);
  });
});
