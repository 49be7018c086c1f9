// The training-recovery lab as a user meets it in Chromium: open #/train, fail machines by clicking them
// and see where their shards come back from, switch placement, play the failure trace, check the view idles
// when paused, and run train-recovery-probability from the panel into a report equal to a Node-side run.

import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

import {
  appForSuite,
  expectIdleWhenPaused,
  OUT,
  ROOT,
  expectExportEqualsNodeRun,
  runFromPanel,
} from './harness';

const SMALL = { machines: '12', replicas: '3', failures: '4', trials: '5000' };
const shot = (name: string) =>
  process.env.UPDATE_SCREENSHOT && name === 'train' ? join(ROOT, 'docs/train.png') : join(OUT, `${name}.png`);

const suite = appForSuite('train');

const sources = async () =>
  suite.page
    .locator('[data-testid^="train-restore-"]')
    .evaluateAll((els) =>
      els.map((e) => `${e.getAttribute('data-testid')}:${e.getAttribute('data-source')}`),
    );

describe('the training-recovery lab in Chromium', () => {
  it('opens #/train on 16 machines with machine 5 failed and restored from its group peer', async () => {
    await suite.page.goto(`${suite.app.url}index.html#/train`);
    await suite.page.getByTestId('train-view').waitFor();
    await suite.page.getByTestId('train-grid').waitFor({ timeout: 60_000 });
    expect(await suite.page.locator('[data-testid^="train-machine-"]').count()).toBe(16);
    expect(await sources()).toEqual(['train-restore-5:peer']);
    expect(await suite.page.getByTestId('train-restores').textContent()).toMatch(
      /1 machine failed \(hardware\): shards fetched from peers’ CPU memory \(1\.5 s\): 5←4/,
    );
    expect(await suite.page.locator('[data-testid^="train-scheme-"]').count()).toBe(3);
    expect(await suite.page.getByTestId('train-scheme-naive').textContent()).toMatch(/out of GPU memory/);
  });

  it('failing the whole group sends both machines to remote storage; the link goes into the URL', async () => {
    await suite.page.getByTestId('train-machine-4').click();
    await expect
      .poll(sources, { timeout: 30_000 })
      .toEqual(['train-restore-4:storage', 'train-restore-5:storage']);
    expect(decodeURIComponent(suite.page.url())).toMatch(/v\.failed=4,5/);
    expect(await suite.page.getByTestId('train-restores').textContent()).toMatch(
      /all 16 machines roll back to the last remote checkpoint/,
    );
    // Ring placement: machine 4's shard lives on 4 and 5 only, so the cluster still rolls back; with 4 and 6
    // failed instead, each fetches its shard from its ring neighbour.
    await suite.page.getByTestId('view-param-placement').selectOption('ring');
    await expect
      .poll(() => suite.page.locator('.train-col h3').first().textContent(), { timeout: 30_000 })
      .toMatch(/ring placement/);
    expect(await sources()).toEqual(['train-restore-4:storage', 'train-restore-5:storage']);
    await suite.page.getByTestId('train-machine-5').click();
    await suite.page.getByTestId('train-machine-6').click();
    await expect.poll(sources, { timeout: 30_000 }).toEqual(['train-restore-4:peer', 'train-restore-6:peer']);
    await suite.page.screenshot({ path: shot('train') });
  });

  it('plays the failure trace: the wasted-time counters grow, gemini least', async () => {
    await suite.page.getByTestId('train-play').click();
    await expect
      .poll(
        async () =>
          Number((await suite.page.getByTestId('train-time').textContent())?.match(/day ([\d.]+)/)?.[1]),
        {
          timeout: 30_000,
        },
      )
      .toBeGreaterThanOrEqual(30);
    const hours = async (p: string) =>
      Number((await suite.page.getByTestId(`train-wasted-${p}`).textContent())?.match(/([\d.]+) h/)?.[1]);
    expect(await hours('strawman')).toBeGreaterThan(await hours('highfreq'));
    expect(await hours('highfreq')).toBeGreaterThan(await hours('gemini'));
    // At the end of the run the clock stops by itself.
    await expect.poll(() => suite.page.getByTestId('train-view').getAttribute('data-playing')).toBe('false');
  });

  it('draws nothing while paused and idle', async () => {
    await expectIdleWhenPaused(suite.page, suite.page.getByTestId('train-view'), 'train view');
  });

  it('runs train-recovery-probability and exports a report equal to a Node-side run', async () => {
    const results = await runFromPanel(suite.page, SMALL, 3);
    expect(await results.textContent()).toMatch(/p-recover\.group/);
    await expectExportEqualsNodeRun(suite.page, 'train', 'train-recovery-probability', SMALL, 3);
  });
});
