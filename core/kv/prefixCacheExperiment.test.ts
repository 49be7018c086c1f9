// kv-prefix-cache's scheduler terminates and accounts for every request across its parameter space.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runExperiment } from '../labs';

describe('kv-prefix-cache', () => {
  it('finishes or rejects every request for any valid small parameter set', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          blocks: fc.uniqueArray(fc.integer({ min: 8, max: 512 }), { minLength: 1, maxLength: 3 }),
          blockSize: fc.constantFrom(1, 4, 16, 32),
          prefixes: fc.integer({ min: 1, max: 6 }),
          prefixTokens: fc.integer({ min: 1, max: 300 }),
          suffixTokens: fc.integer({ min: 1, max: 100 }),
          outputTokens: fc.integer({ min: 1, max: 100 }),
          maxRunning: fc.integer({ min: 1, max: 64 }),
          preallocateTokens: fc.integer({ min: 0, max: 128 }),
          maxModelLen: fc.constantFrom(256, 512),
        }),
        fc.integer({ min: 0, max: 1000 }),
        async (p, seed) => {
          const params = { ...p, blocks: p.blocks.join(','), rate: 3, duration: 4, maxBatchTokens: 512 };
          const r = await runExperiment('kv-prefix-cache', params, seed);
          const rows = r.tables.sweep!.rows;
          const col = (name: string) => r.tables.sweep!.columns.indexOf(name);
          for (const row of rows) {
            expect(Number(row[col('finished')]) + Number(row[col('rejected')])).toBe(r.metrics.requests);
            const hit = Number(row[col('hitRate')]);
            expect(hit).toBeGreaterThanOrEqual(0);
            expect(hit).toBeLessThanOrEqual(1);
            expect(Number(row[col('peakBlocksInUse')])).toBeLessThanOrEqual(Number(row[col('gpuBlocks')]));
          }
          // The sweep is sorted and has one row per distinct size.
          const sizes = rows.map((row) => Number(row[col('gpuBlocks')]));
          expect(sizes).toEqual([...new Set(p.blocks)].sort((a, b) => a - b));
        },
      ),
      { numRuns: 25 },
    );
  });

  it('a bigger cache never lowers the hit rate much on the default workload', async () => {
    const r = await runExperiment('kv-prefix-cache', { blocks: '128,2048', duration: '30' }, 1);
    expect(r.metrics['hit-rate.2048']).toBeGreaterThan(r.metrics['hit-rate.128']!);
  });
});
