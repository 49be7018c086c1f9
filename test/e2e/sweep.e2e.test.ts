// The app's sweep panel in Chromium: a two-parameter grid × seeds on a pool of Web Workers, the chart filling
// in, a re-run check, and an exported sweep.json equal byte for byte to the one a Node-side sweep writes.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { reproducible, serializeResult } from '../../core/experiments/result';
import { getExperiment, runExperiment } from '../../core/labs';
import { planSweep, serializeSweep, sharedPublished, sweepDoc, sweepRun } from '../../core/sweep/sweep';
import { appForSuite, OUT } from './harness';

const suite = appForSuite('sweep');

/** The sweep.json the CLI writes for the same grid (core + Node's SHA-256). */
async function nodeSweep(): Promise<string> {
  const plan = planSweep(getExperiment('train-recovery-probability'), ['failures=1,2,3', 'replicas=2,4'], 2, {
    trials: '3000',
  });
  const results = [];
  for (const r of plan.runs) results.push(await runExperiment(plan.experiment.id, r.params, r.seed));
  const hash = (t: string) => createHash('sha256').update(t).digest('hex');
  const runs = results.map((r) => sweepRun(r, hash(serializeResult(reproducible(r)))));
  return serializeSweep(sweepDoc(plan, runs, sharedPublished(results)));
}

describe('the sweep panel', () => {
  it('runs a grid × seeds on workers, charts it, re-runs it identically and exports the CLI’s sweep.json', async () => {
    await suite.page.goto(`${suite.app.url}index.html#/train`);
    await suite.page.getByTestId('experiment-panel').waitFor();
    await suite.page.getByTestId('param-trials').fill('3000');
    await suite.page.getByTestId('pane-sweep').click();
    await suite.page.getByTestId('sweep-param-0').selectOption('failures');
    await suite.page.getByTestId('sweep-values-0').fill('1,2,3');
    await suite.page.getByText('+ second parameter').click();
    await suite.page.getByTestId('sweep-param-1').selectOption('replicas');
    await suite.page.getByTestId('sweep-values-1').fill('2,4');
    await suite.page.getByTestId('sweep-seeds').fill('2');
    await suite.page.getByTestId('sweep-run').click();
    await expect
      .poll(() => suite.page.getByTestId('sweep-status').textContent(), { timeout: 60_000 })
      .toMatch(/done: 12 runs/);
    expect(await suite.page.locator('[data-testid="sweep-charts"] svg.chart').count()).toBeGreaterThan(0);
    // The panel says how many of the metrics it charts (the rest are a choice away, and all in sweep.csv).
    const charted = await suite.page.locator('[data-testid="sweep-charts"] svg.chart').count();
    expect(await suite.page.getByTestId('sweep-metric-count').textContent()).toMatch(
      new RegExp(`^charting ${charted} of \\d+ metrics:$`),
    );
    await suite.page.getByTestId('sweep-recheck').click();
    await expect
      .poll(() => suite.page.getByTestId('sweep-status').textContent(), { timeout: 60_000 })
      .toMatch(/byte-identical on re-run ✓/);
    const [download] = await Promise.all([
      suite.page.waitForEvent('download', (d) => d.suggestedFilename() === 'sweep.json'),
      suite.page.getByTestId('sweep-export').click(),
    ]);
    const file = join(OUT, 'app-sweep.json');
    await download.saveAs(file);
    expect(readFileSync(file, 'utf8')).toBe(await nodeSweep());
  });

  it('keeps the sweep across tabs, and Cancel says cancelled (not an error)', async () => {
    await suite.page.getByTestId('pane-result').click();
    await suite.page.getByTestId('pane-sweep').click();
    expect(await suite.page.getByTestId('sweep-status').textContent()).toMatch(/saved report\.html/);
    expect(await suite.page.locator('[data-testid="sweep-charts"] svg.chart').count()).toBeGreaterThan(0);
    await suite.page.getByTestId('param-trials').fill('3000000');
    await suite.page.getByTestId('sweep-run').click();
    await suite.page.getByTestId('sweep-cancel').click();
    await expect
      .poll(() => suite.page.getByTestId('sweep-status').textContent(), { timeout: 30_000 })
      .toMatch(/^cancelled after \d+\/12 runs$/);
    expect(await suite.page.getByTestId('sweep-error').count()).toBe(0);
    await suite.page.getByTestId('param-trials').fill('3000');
  });

  it('refuses a bad grid with one line naming the run', async () => {
    await suite.page.getByTestId('sweep-values-1').fill('2,40');
    await suite.page.getByTestId('sweep-run').click();
    expect(await suite.page.getByTestId('sweep-error').textContent()).toMatch(
      /^run trials=3000 failures=1 replicas=40 seed=1: replicas: must be at most machines \(16\)/,
    );
    // A value out of the parameter's range is named by this panel's terms, not the CLI's --grid flag.
    await suite.page.getByTestId('sweep-values-1').fill('2,99999');
    await suite.page.getByTestId('sweep-run').click();
    expect(await suite.page.getByTestId('sweep-error').textContent()).toMatch(/^sweep of replicas=99999: /);
  });
});
