// Tests for the serving simulator: every request finishes, memory is consistent every iteration and fully
// returned at the end, the paper's orderings come out of the mechanism, and runs are deterministic.
import { describe, expect, it } from 'vitest';
import { Rng } from '../../kernel/rng';
import { SETUPS } from '../cost';
import { generateWorkload } from '../workloads';
import type { Request } from '../workloads';
import { simulate } from './simulator';
import type { Policy, SimOptions } from './simulator';

const setup = SETUPS['opt-13b'];
const base = (policy: Policy, over: Partial<SimOptions> = {}): SimOptions => ({
  setup,
  blockSize: 16,
  policy,
  preemption: 'recompute',
  sampling: { kind: 'single' },
  rng: new Rng(9),
  ...over,
});

describe('simulate: conservation', () => {
  it.each([
    ['recompute', { kind: 'single' }],
    ['swap', { kind: 'single' }],
    ['swap', { kind: 'parallel', n: 3 }],
    ['swap', { kind: 'beam', k: 4 }],
  ] as const)(
    'vllm with %s preemption and %j sampling keeps ref counts exact and leaks nothing',
    async (mode, sampling) => {
      const reqs = generateWorkload(new Rng(1), 'alpaca', 40, 20);
      let problems = 0;
      let lastFree = -1;
      let total = 0;
      let maxSharedWrites = 0;
      const r = await simulate(reqs, {
        ...base('vllm', { preemption: mode, sampling }),
        gpuBlocks: 120,
        cpuBlocks: 200,
        onIteration: (s) => {
          const bm = s.paged!;
          if (bm.onWrite === null)
            bm.onWrite = (_b, ref) => (maxSharedWrites = Math.max(maxSharedWrites, ref));
          if (bm.check() !== null) problems++;
          lastFree = bm.nFreeGpu + (bm.nFreeCpu === bm.numCpuBlocks ? 0 : -1e9);
          total = bm.numGpuBlocks;
        },
      });
      expect(problems).toBe(0);
      expect(maxSharedWrites).toBeLessThanOrEqual(1);
      expect(r.finished + r.rejected).toBe(reqs.length);
      expect(r.rejected).toBe(0);
      expect(lastFree).toBe(total);
      expect(r.preemptions).toBeGreaterThan(0);
    },
  );

  it.each(['orca-max', 'orca-pow2', 'orca-oracle', 'vllm-v1'] as const)(
    '%s serves every request',
    async (policy) => {
      const reqs = generateWorkload(new Rng(2), 'sharegpt', 4, 30);
      const r = await simulate(reqs, base(policy));
      expect(r.finished).toBe(reqs.length);
      expect(r.generatedTokens).toBe(reqs.reduce((a, q) => a + q.outputLen, 0));
      const m = r.memory;
      expect(m.tokens + m.reserved + m.internal + m.external + m.free).toBeCloseTo(1, 6);
    },
  );

  it('is deterministic: the same inputs give the same result', async () => {
    const reqs = generateWorkload(new Rng(3), 'sharegpt', 3, 30);
    expect(await simulate(reqs, base('vllm'))).toEqual(await simulate(reqs, base('vllm')));
  });
});

describe('simulate: the paper’s effects come out of the mechanism', () => {
  it('paging keeps far more of the KV cache in token states than contiguous reservation (Fig. 2)', async () => {
    const reqs = generateWorkload(new Rng(4), 'sharegpt', 3, 120);
    const share = async (p: Policy) => {
      const m = (await simulate(reqs, base(p))).memory;
      return m.tokens / (m.tokens + m.reserved + m.internal + m.external);
    };
    const vllm = await share('vllm');
    const oracle = await share('orca-oracle');
    const pow2 = await share('orca-pow2');
    const max = await share('orca-max');
    expect(vllm).toBeGreaterThan(0.9);
    expect(vllm).toBeGreaterThan(oracle);
    expect(oracle).toBeGreaterThan(pow2);
    expect(pow2).toBeGreaterThan(max);
    expect(max).toBeLessThan(0.3);
  });

  it('beam search saves more memory than parallel sampling, and wider groups save more (Fig. 15)', async () => {
    const reqs = generateWorkload(new Rng(5), 'alpaca', 10, 30);
    const saving = async (sampling: SimOptions['sampling']) =>
      (await simulate(reqs, base('vllm', { preemption: 'swap', sampling }))).sharingSaving;
    const p2 = await saving({ kind: 'parallel', n: 2 });
    const p6 = await saving({ kind: 'parallel', n: 6 });
    const b2 = await saving({ kind: 'beam', k: 2 });
    expect(p2).toBeGreaterThan(0);
    expect(p6).toBeGreaterThan(p2);
    expect(b2).toBeGreaterThan(p6);
  });

  it('vllm batches more requests than Orca (Oracle) under load (Fig. 13)', async () => {
    const reqs = generateWorkload(new Rng(6), 'sharegpt', 3, 120);
    const v = await simulate(reqs, base('vllm'));
    const o = await simulate(reqs, base('orca-oracle'));
    expect(v.meanBatchedRequests).toBeGreaterThan(1.4 * o.meanBatchedRequests);
    expect(v.meanNormLatencyS).toBeLessThan(o.meanNormLatencyS);
  });

  it('prefix caching (vllm-v1) finds the shared few-shot prefix and recomputes less prompt', async () => {
    const reqs = generateWorkload(new Rng(7), 'shared-prefix', 4, 60);
    const v1 = await simulate(reqs, base('vllm-v1'));
    const totalPrompt = reqs.reduce((a, q) => a + q.inputLen, 0);
    expect(v1.promptTokens).toBeLessThan(0.5 * totalPrompt);
    const paged = await simulate(reqs, base('vllm'));
    expect(paged.finished).toBe(reqs.length);
  });
});

describe('simulate: Orca places its reservations with a buddy allocator (§6.1)', () => {
  const req = (i: number, input: number, output: number): Request => ({
    arrivalS: 0,
    inputLen: input,
    outputLen: output,
    prefixId: -1,
    prefixLen: 0,
    convId: i,
    contextStart: 0,
  });
  // 68 blocks × 16 = 1088 slots: buddy roots of 1024 and 64 slots.
  const peakRunning = async (input: number, output: number) => {
    let peak = 0;
    let heldSlots = 0;
    await simulate([req(0, input, output), req(1, input, output)], {
      ...base('orca-oracle'),
      gpuBlocks: 68,
      onIteration: (st) => {
        const n = st.groups.filter((g) => g.state === 'running').length;
        if (n > peak) {
          peak = n;
          heldSlots = st.memory.tokens + st.memory.reserved + st.memory.internal;
        }
      },
    });
    return { peak, heldSlots };
  };

  it('a 512-slot reservation takes a 512-slot chunk: two fit in 1088 slots', async () => {
    expect(await peakRunning(12, 500)).toEqual({ peak: 2, heldSlots: 1024 });
  });

  it('a 513-slot reservation takes a 1024-slot chunk: the second request waits though 575 slots are free', async () => {
    expect(await peakRunning(13, 500)).toEqual({ peak: 1, heldSlots: 1024 });
  });
});

describe('simulate: what limits the batch', () => {
  const reqs = generateWorkload(new Rng(8), 'sharegpt', 8, 20);

  it('a small KV pool holds admissions back on memory, not on the scheduler caps', async () => {
    const r = await simulate(reqs, { ...base('vllm'), gpuBlocks: 200 });
    expect(r.admissionStops.memory).toBeGreaterThan(0);
    expect(r.admissionStops.maxNumSeqs).toBe(0);
  });

  it('a low max_num_seqs holds them back on the cap instead', async () => {
    const r = await simulate(reqs, { ...base('vllm'), maxNumSeqs: 4 });
    expect(r.admissionStops.maxNumSeqs).toBeGreaterThan(0);
    expect(r.admissionStops.memory).toBe(0);
  });
});
