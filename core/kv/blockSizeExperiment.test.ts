// kv-block-size beyond its golden: the same KV memory cut into blocks of each size, internal fragmentation
// growing with the block size (a sequence's last block is partly empty), and best-block-size the sweep's argmin.
import { describe, expect, it } from 'vitest';
import { runExperiment } from '../labs';

describe('kv-block-size', () => {
  it('the same memory at every block size; internal fragmentation grows with it; best-block-size is the argmin', async () => {
    const sizes = [4, 16, 64, 256];
    const r = await runExperiment(
      'kv-block-size',
      { duration: '30', rate: '2', blockSizes: sizes.join(',') },
      1,
    );
    const t = r.tables.sweep!;
    const col = (n: string) => t.columns.indexOf(n);
    const row = (bs: number) => t.rows.find((x) => x[col('blockSize')] === bs)!;
    // Token slots = blocks × block size: the same KV memory, to within one block.
    const slots = sizes.map((bs) => Number(row(bs)[col('gpuBlocks')]) * bs);
    for (let i = 0; i < sizes.length; i++) expect(slots[0]! - slots[i]!).toBeLessThan(sizes[i]! + sizes[0]!);
    // A sequence wastes less than one block at its end: the share grows with the block size.
    for (let i = 1; i < sizes.length; i++)
      expect(r.metrics[`internal.${sizes[i]}`]!).toBeGreaterThan(r.metrics[`internal.${sizes[i - 1]}`]!);
    const lat = sizes.map((bs) => r.metrics[`latency.${bs}`]!);
    expect(r.metrics['best-block-size']).toBe(sizes[lat.indexOf(Math.min(...lat))]);
    // Tiny blocks pay a gather overhead per block: block size 4 is slower than 16.
    expect(r.metrics['latency.4']!).toBeGreaterThan(r.metrics['latency.16']!);
  });
});
