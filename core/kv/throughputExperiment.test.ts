import { describe, expect, it } from 'vitest';
import { runExperiment } from '../labs';

const quick = { duration: '20', points: '2', rateMax: '2' };

describe('kv-throughput comparisons', () => {
  it('compares vLLM / Orca (Max) with §6.2’s 2.7–8×, not the abstract’s 2–4×', async () => {
    const r = await runExperiment('kv-throughput', { ...quick, policies: 'vllm,orca-max' }, 1);
    const rows = r.comparisons.filter((c) => c.metric.startsWith('max-rate.vllm / max-rate.orca-max'));
    expect(rows.map((c) => c.published)).toEqual([2.7, 8]);
    for (const c of rows) expect(c.source).toMatch(/§6\.2/);
    expect(r.comparisons.some((c) => /Abstract/.test(c.source))).toBe(false);
  });

  it('compares Orca (Pow2) only through its Fig. 13a bar, at OPT-13B / ShareGPT / 2 req/s', async () => {
    const r = await runExperiment('kv-throughput', { ...quick, policies: 'vllm,orca-pow2' }, 1);
    expect(r.comparisons.map((c) => [c.metric, c.published])).toEqual([
      ['mean-batched-requests.vllm', 30.42],
      ['mean-batched-requests.orca-pow2', 9.81],
    ]);
    const other = await runExperiment(
      'kv-throughput',
      { ...quick, rate: '1', policies: 'vllm,orca-pow2' },
      1,
    );
    expect(other.comparisons).toEqual([]);
  });

  it('compares nothing on Alpaca', async () => {
    const r = await runExperiment(
      'kv-throughput',
      { ...quick, workload: 'alpaca', rateMax: '20', policies: 'vllm,orca-oracle,orca-max' },
      1,
    );
    expect(r.comparisons).toEqual([]);
  });
});
