// gpu-paged-attention on the CPU backend and without one: reproducible part independent of the backend,
// wall-clock figures and the backend only in measurements, and a wrong kernel is refused.
import { describe, expect, it } from 'vitest';
import { getExperiment, runExperiment } from '../labs';
import { comparisonRows, reproducible } from '../experiments/result';
import type { ComputeBackend } from '../compute/backend';
import { cpuBackend } from '../compute/cpuBackend';

const small = { sequences: 4, heads: 2, headDim: 16, meanContext: 40, reps: 1 };
let tick = 0;
const fakeClock = () => (tick += 1);

describe('gpu-paged-attention', () => {
  it('runs the CPU reference without a backend and writes no measurements', async () => {
    const r = await runExperiment('gpu-paged-attention', small, 1);
    expect(r.measurements).toBeUndefined();
    expect(r.metrics['paged-vs-contiguous-reference-diff']).toBe(0);
    expect(r.metrics.tolerance).toBe(1e-4);
  });

  it('records backend and timings in measurements only, so the reproducible part is backend-independent', async () => {
    const plain = await runExperiment('gpu-paged-attention', small, 1);
    const withCpu = await runExperiment('gpu-paged-attention', small, 1, { compute: cpuBackend(fakeClock) });
    expect(withCpu.environment).toEqual({ backend: 'cpu', adapter: expect.any(String) });
    expect(withCpu.measurements?.['max-abs-error']).toBe(0);
    expect(withCpu.measurements?.['paged-overhead']).toBeGreaterThan(0);
    expect(reproducible(withCpu)).toEqual(reproducible(plain));
  });

  it('fails loudly when a backend’s kernel disagrees with the reference', async () => {
    const cpu = cpuBackend(fakeClock);
    const broken: ComputeBackend = {
      ...cpu,
      kind: 'webgpu',
      adapter: 'broken',
      async pagedAttention(p, reps) {
        const r = await cpu.pagedAttention(p, reps);
        r.out[0] = r.out[0]! + 1e-3;
        return r;
      },
    };
    await expect(runExperiment('gpu-paged-attention', small, 1, { compute: broken })).rejects.toThrow(
      /max-abs-error/,
    );
  });

  it('sets paged-overhead beside the paper’s GPU figure only when a hardware GPU measured it', async () => {
    const exp = getExperiment('gpu-paged-attention');
    const on = (kind: 'cpu' | 'webgpu', adapter: string): ComputeBackend => ({
      ...cpuBackend(fakeClock),
      kind,
      adapter,
    });
    const gpu = await runExperiment('gpu-paged-attention', small, 1, {
      compute: on('webgpu', 'nvidia hopper (H100)'),
    });
    const rows = comparisonRows(gpu, exp);
    expect(rows.map((r) => [r.metric, r.wallClock])).toEqual([
      ...gpu.comparisons.map((c) => [c.metric, false]),
      ['paged-overhead', true],
    ]);
    expect(rows.at(-1)!.measured).toBe(gpu.measurements!['paged-overhead']);
    expect(rows.at(-1)!.published).toBe(1.23);
    // The CPU fallback, a software rasterizer, or no timing at all: a figure about GPUs is not compared.
    for (const result of [
      await runExperiment('gpu-paged-attention', small, 1, {
        compute: on('cpu', 'CPU (JavaScript reference)'),
      }),
      await runExperiment('gpu-paged-attention', small, 1, { compute: on('webgpu', 'google swiftshader') }),
      await runExperiment('gpu-paged-attention', small, 1),
    ])
      expect(comparisonRows(result, exp).some((r) => r.wallClock)).toBe(false);
  });
});
