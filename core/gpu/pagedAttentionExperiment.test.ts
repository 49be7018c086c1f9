// gpu-paged-attention on the CPU backend and without one: reproducible part independent of the backend,
// wall-clock figures and the backend only in measurements, and a wrong kernel is refused.
import { describe, expect, it } from 'vitest';
import { getExperiment, runExperiment } from '../experiments/registry';
import { comparisonRows, reproducible } from '../experiments/result';
import type { ComputeBackend } from './backend';
import { cpuBackend } from './cpuBackend';

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

  it('reports paged-overhead beside the paper’s figure as a wall-clock comparison, only when it was measured', async () => {
    const exp = getExperiment('gpu-paged-attention');
    const timed = await runExperiment('gpu-paged-attention', small, 1, { compute: cpuBackend(fakeClock) });
    const rows = comparisonRows(timed, exp);
    expect(rows.map((r) => [r.metric, r.wallClock])).toEqual([
      ...timed.comparisons.map((c) => [c.metric, false]),
      ['paged-overhead', true],
    ]);
    expect(rows.at(-1)!.measured).toBe(timed.measurements!['paged-overhead']);
    expect(rows.at(-1)!.published).toBe(1.23);
    const untimed = await runExperiment('gpu-paged-attention', small, 1);
    expect(comparisonRows(untimed, exp).some((r) => r.wallClock)).toBe(false);
  });
});
