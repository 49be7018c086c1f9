// kv-preemption beyond its golden: the microbenchmark follows the cost model's analytic form (Fig. 19a), and
// the compared ratio is the one the sweep's rows give.
import { describe, expect, it } from 'vitest';
import { runExperiment } from '../labs';
import { MEMCPY_LAUNCH_S, OPT_13B, PCIE_BYTES_PER_S, kvBytesPerToken } from './cost';

describe('kv-preemption', () => {
  it('swap = 2 × (KV bytes / host bandwidth + one copy per block, layer and K/V); recompute does not depend on the block size', async () => {
    const tokens = 1024;
    const r = await runExperiment(
      'kv-preemption',
      { duration: '10', rate: '1', blockSizes: '4,16,64', tokens: String(tokens) },
      1,
    );
    const m = r.metrics;
    for (const bs of [4, 16, 64]) {
      const blocks = Math.ceil(tokens / bs);
      const bytes = blocks * bs * kvBytesPerToken(OPT_13B);
      const swapMs = 2 * (bytes / PCIE_BYTES_PER_S + blocks * OPT_13B.layers * 2 * MEMCPY_LAUNCH_S) * 1000;
      expect(m[`swap-ms.${bs}`]).toBeCloseTo(swapMs, 3);
    }
    expect(m['recompute-ms.16']).toBe(m['recompute-ms.4']);
    expect(m['recompute-ms.64']).toBe(m['recompute-ms.4']);
    // Smaller blocks: more copies, so swapping costs more (Fig. 19a's left side).
    expect(m['swap-ms.4']!).toBeGreaterThan(m['swap-ms.16']!);
    expect(m['swap-ms.16']!).toBeGreaterThan(m['swap-ms.64']!);
    // The compared figure is the largest recompute/swap where swapping is not slower.
    const wins = [4, 16, 64].filter((bs) => m[`swap-ms.${bs}`]! <= m[`recompute-ms.${bs}`]!);
    const expected = Math.max(0, ...wins.map((bs) => m[`recompute-ms.${bs}`]! / m[`swap-ms.${bs}`]!));
    expect(m['max-recompute-over-swap']).toBeCloseTo(expected, 3);
    expect(r.comparisons.find((c) => c.metric === 'max-recompute-over-swap')!.measured).toBe(
      m['max-recompute-over-swap'],
    );
  });
});
