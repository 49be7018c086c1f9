// kv-block-size beyond its golden: the same KV memory cut into blocks of each size, internal fragmentation
// growing with the block size (a sequence's last block is partly empty), best-block-size.<trace> the sweep's
// argmin, and on Alpaca's short sequences the cost of large blocks (padded reads, then capacity), Fig. 18b.
import { describe, expect, it } from 'vitest';
import { runExperiment } from '../labs';

describe('kv-block-size', () => {
  const sizes = [4, 16, 32, 64, 256];
  const run = () => runExperiment('kv-block-size', { duration: '30', blockSizes: sizes.join(',') }, 1);

  it('per trace: the same memory at every block size; internal fragmentation grows with it; best is the argmin', async () => {
    const r = await run();
    const t = r.tables.sweep!;
    const col = (n: string) => t.columns.indexOf(n);
    for (const w of ['sharegpt', 'alpaca']) {
      const row = (bs: number) => t.rows.find((x) => x[col('workload')] === w && x[col('blockSize')] === bs)!;
      // Token slots = blocks × block size: the same KV memory, to within one block.
      const slots = sizes.map((bs) => Number(row(bs)[col('gpuBlocks')]) * bs);
      for (let i = 0; i < sizes.length; i++)
        expect(slots[0]! - slots[i]!).toBeLessThan(sizes[i]! + sizes[0]!);
      // A sequence wastes less than one block at its end: the share grows with the block size.
      for (let i = 1; i < sizes.length; i++)
        expect(r.metrics[`internal.${w}.${sizes[i]}`]!).toBeGreaterThan(
          r.metrics[`internal.${w}.${sizes[i - 1]}`]!,
        );
      const lat = sizes.map((bs) => r.metrics[`latency.${w}.${bs}`]!);
      expect(r.metrics[`best-block-size.${w}`]).toBe(sizes[lat.indexOf(Math.min(...lat))]);
      // Tiny blocks pay a gather overhead per block: block size 4 is slower than 16.
      expect(r.metrics[`latency.${w}.4`]!).toBeGreaterThan(r.metrics[`latency.${w}.16`]!);
    }
    expect(r.comparisons.map((c) => [c.metric, c.published])).toEqual([
      ['best-block-size.sharegpt', 16],
      ['best-block-size.alpaca', 16],
    ]);
  });

  it('on Alpaca, blocks larger than its sequences cost padded reads, then capacity (§7.2)', async () => {
    const r = await run();
    const t = r.tables.sweep!;
    const col = (n: string) => t.columns.indexOf(n);
    const preemptions = (bs: number) =>
      Number(
        t.rows.find((x) => x[col('workload')] === 'alpaca' && x[col('blockSize')] === bs)![
          col('preemptions')
        ],
      );
    const lat = (bs: number) => r.metrics[`latency.alpaca.${bs}`]!;
    // With no preemption at 16, 32 or 64, only the kernel's reads of whole blocks separate them.
    for (const bs of [16, 32, 64]) expect(preemptions(bs)).toBe(0);
    expect(lat(32)).toBeGreaterThan(lat(16));
    expect(lat(64)).toBeGreaterThan(lat(32));
    // 60 blocks of 256 hold 60 sequences: far below the batch Alpaca at 30 req/s needs.
    expect(lat(256)).toBeGreaterThan(3 * lat(16));
  });

  it('refuses an empty workload list and names alpacaRate when the Alpaca trace is too long', async () => {
    await expect(runExperiment('kv-block-size', { workloads: '' }, 1)).rejects.toThrow(/^workloads: /);
    await expect(
      runExperiment('kv-block-size', { workloads: 'alpaca', alpacaRate: '30', duration: '3600' }, 1),
    ).rejects.toThrow(/^duration: alpacaRate × duration must be at most 50,000 requests/);
  });
});
