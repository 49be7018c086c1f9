// The WGSL kernels in Node (the `webgpu` package) against the core CPU paths: attention within 1e-4 of the
// reference, Philox word for word, availability counts exactly. On SwiftShader (Chromium's software Vulkan
// driver) unless VK_ICD_FILENAMES names another driver; skipped, saying why, where no adapter exists.
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addAvailabilityCounts } from '../core/compute/availabilityCounts';
import { contiguousAttentionRef, maxAbsDiff, pagedAttentionRef } from '../core/compute/pagedAttentionRef';
import { philoxKey, philoxStream } from '../core/compute/philox';
import { buildProblem } from '../core/kv/attentionProblem';
import type { ProblemSpec } from '../core/kv/attentionProblem';
import { Rng } from '../core/kernel/rng';
import { availabilityProblem } from '../core/tpu/availability';
import { SHAPE_BY_SIZE, SLICE_SIZES } from '../core/tpu/slices';
import type { WebGpuBackend } from '../webgpu/backend';
import { attentionWgsl } from '../webgpu/pagedAttention/kernel';
import { philoxStreamGpu } from '../webgpu/philox/philox';
import { SWIFTSHADER_ICD, nodeWebGpuBackend } from './gpu';
import { main } from './main';

/**
 * Attention problems: many sequences and heads per dispatch, scattered blocks, several softmax tiles,
 * threads owning several output dims (headDim 200 > 64), a partly filled last block and empty contexts.
 */
const ATTENTION_PROBLEMS: ProblemSpec[] = [
  {
    sequences: 3,
    heads: 2,
    headDim: 8,
    blockSize: 4,
    meanContext: 20,
    maxContext: 64,
    samples: 1,
    slack: 0.5,
  },
  {
    sequences: 16,
    heads: 4,
    headDim: 64,
    blockSize: 16,
    meanContext: 300,
    maxContext: 512,
    samples: 2,
    slack: 1,
  },
  {
    sequences: 5,
    heads: 3,
    headDim: 200,
    blockSize: 8,
    meanContext: 90,
    maxContext: 200,
    samples: 1,
    slack: 0,
  },
];

/** Availability Monte Carlo checks: (seed, host availability, trials); counts must match the CPU exactly. */
const AVAILABILITY_CHECKS: [number, number, number][] = [
  [1, 0.99, 5_000],
  [3, 0.999, 10_000],
  [7, 0.97, 1_000],
];

let backend: WebGpuBackend | null = null;
let noAdapter = '';

beforeAll(async () => {
  if (!process.env.VK_ICD_FILENAMES && existsSync(SWIFTSHADER_ICD))
    process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
  const made = await nodeWebGpuBackend();
  if (made.backend) backend = made.backend;
  else noAdapter = made.reason;
});
afterAll(() => backend?.dispose());

/** The backend, or skip the test saying why there is none. */
function gpu(ctx: { skip: (why: string) => void }): WebGpuBackend {
  if (!backend) ctx.skip(`no WebGPU adapter in Node: ${noAdapter}`);
  return backend!;
}

describe('WebGPU kernels in Node', () => {
  it('WGSL declares the override workgroup size and the gather only in the paged variant', () => {
    expect(attentionWgsl('paged')).toMatch(/override WG: u32/);
    expect(attentionWgsl('paged')).toMatch(/indexBuf\[s \* P\.maxBlocksPerSeq \+ logical\]/);
    expect(attentionWgsl('contiguous')).not.toMatch(/maxBlocksPerSeq \+ logical/);
  });

  it('Philox4x32-10 in WGSL draws the same words as the CPU', async (ctx) => {
    const b = gpu(ctx);
    const key = philoxKey(42);
    const gpuWords = await philoxStreamGpu(b.device, key, 5, 1000);
    expect(gpuWords).toHaveLength(1000);
    expect([...gpuWords]).toEqual([...philoxStream(key, 5, 1000)]);
  });

  it.for(ATTENTION_PROBLEMS.map((spec, i) => [i, spec] as const))(
    'attention problem %i: paged and contiguous kernels agree with the CPU reference within 1e-4',
    async ([i, spec], ctx) => {
      const b = gpu(ctx);
      const p = buildProblem(spec, new Rng(100 + i));
      const paged = await b.pagedAttention(p, 0);
      const contiguous = await b.contiguousAttention(p, 0);
      const ref = pagedAttentionRef(p);
      // Not a vacuous match: the reference output is not all zeros.
      expect(ref.some((x) => Math.abs(x) > 1e-3)).toBe(true);
      expect(maxAbsDiff(paged.out, ref)).toBeLessThanOrEqual(1e-4);
      expect(maxAbsDiff(contiguous.out, contiguousAttentionRef(p))).toBeLessThanOrEqual(1e-4);
    },
  );

  it('times repeated launches (ms is a positive figure when reps > 0)', async (ctx) => {
    const b = gpu(ctx);
    const p = buildProblem(ATTENTION_PROBLEMS[0]!, new Rng(5));
    const run = await b.pagedAttention(p, 2);
    expect(run.ms).toBeGreaterThan(0);
    expect(Number.isFinite(run.ms)).toBe(true);
  });

  it.for(AVAILABILITY_CHECKS)(
    'availability Monte Carlo (seed %i, host %f, %i trials): WebGPU counts equal the CPU counts exactly',
    async ([seed, host, trials], ctx) => {
      const b = gpu(ctx);
      const shapes = SLICE_SIZES.map((s) => SHAPE_BY_SIZE[s]!);
      const problem = availabilityProblem(new Rng(seed), host, shapes, trials);
      const got = await b.availabilityCounts(problem);
      const cpuStatic = new Uint32Array(shapes.length);
      const cpuOcs = new Uint32Array(shapes.length);
      addAvailabilityCounts(problem, cpuStatic, cpuOcs);
      expect([...got.staticHits]).toEqual([...cpuStatic]);
      expect([...got.ocsHits]).toEqual([...cpuOcs]);
      // Not a vacuous match: the trials did not all land alike.
      expect(new Set([...cpuStatic, ...cpuOcs]).size).toBeGreaterThan(1);
    },
  );

  it('`lab run gpu-paged-attention` runs on WebGPU, says so, and records the backend and a max-abs-error ≤ 1e-4', async (ctx) => {
    const b = gpu(ctx);
    const dir = join(mkdtempSync(join(tmpdir(), 'lab-gpu-')), 'run');
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(
      [
        'run',
        'gpu-paged-attention',
        '--set',
        'sequences=6',
        '--set',
        'meanContext=128',
        '--set',
        'reps=1',
        '--out',
        dir,
      ],
      { out: (l) => out.push(l), err: (l) => err.push(l), tty: false },
    );
    expect(err.join('\n')).toBe('');
    expect(code).toBe(0);
    expect(out.join('\n')).toContain(`backend: webgpu · ${b.adapter}`);
    const result = JSON.parse(readFileSync(join(dir, 'result.json'), 'utf8')) as {
      environment: { backend: string; adapter: string };
      measurements: Record<string, number>;
    };
    expect(result.environment).toEqual({ backend: 'webgpu', adapter: b.adapter });
    expect(result.measurements['max-abs-error']).toBeLessThanOrEqual(1e-4);
    expect(result.measurements['paged-overhead']).toBeGreaterThan(0);
  });
});
