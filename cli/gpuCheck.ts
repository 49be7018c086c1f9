// Runs both attention kernels on Node's WebGPU adapter for a few small seeded problems and prints, as one
// JSON line, the adapter and each problem's max |GPU − CPU reference|. Spawned by the GPU tests so a
// crash in a software Vulkan driver cannot take the test runner down with it.
import { buildProblem } from '../core/gpu/problem';
import type { ProblemSpec } from '../core/gpu/problem';
import { contiguousAttentionRef, maxAbsDiff, pagedAttentionRef } from '../core/gpu/pagedAttentionRef';
import { philoxKey, philoxStream } from '../core/gpu/philox';
import { addAvailabilityCounts } from '../core/gpu/availabilityCounts';
import { Rng } from '../core/kernel/rng';
import { availabilityProblem } from '../core/tpu/availability';
import { SHAPE_BY_SIZE, SLICE_SIZES } from '../core/tpu/slices';
import { philoxStreamGpu } from '../renderer/gpu/philox/philox';
import { nodeWebGpuBackend } from './gpu';

/**
 * One workgroup per dispatch (1 sequence × 1 head): Dawn on SwiftShader in Node crashes once a dispatch
 * spreads over SwiftShader's worker threads, so many-sequence batches are checked in Chromium instead
 * (test/e2e/gpu.e2e.test.ts). These still cover the gather through scattered blocks, several softmax
 * tiles and threads that own several output dims.
 */
export const CHECK_PROBLEMS: ProblemSpec[] = [
  {
    sequences: 1,
    heads: 1,
    headDim: 8,
    blockSize: 4,
    meanContext: 20,
    maxContext: 64,
    samples: 1,
    slack: 0.5,
  },
  {
    sequences: 1,
    heads: 1,
    headDim: 64,
    blockSize: 16,
    meanContext: 300,
    maxContext: 512,
    samples: 1,
    slack: 1,
  },
  {
    sequences: 1,
    heads: 1,
    headDim: 200,
    blockSize: 8,
    meanContext: 90,
    maxContext: 200,
    samples: 1,
    slack: 0,
  },
];

/**
 * Availability Monte Carlo checks: (seed, host availability, trials); counts must match the CPU exactly.
 * `availability N` runs only check N: Dawn on SwiftShader under Node crashes at random on a second launch
 * in one process (and now and then on a first), so the test gives each check its own process.
 */
export const AVAILABILITY_CHECKS: [number, number, number][] = [
  [1, 0.99, 5_000],
  [3, 0.999, 10_000],
  [7, 0.97, 1_000],
];

/**
 * `philox`, `attention`, `availability` or all (no argument): each check alone, so one crashing does not
 * hide the others.
 */
const only = process.argv[2];
const made = await nodeWebGpuBackend();
if (!made.backend) {
  process.stdout.write(`${JSON.stringify({ adapter: null, reason: made.reason })}\n`);
} else {
  const b = made.backend;
  // The adapter first, on its own line: if a driver crashes below, the parent still knows which one.
  process.stdout.write(`${JSON.stringify({ adapter: b.adapter })}\n`);
  // Philox: the GPU stream must equal the CPU stream word for word.
  if (only === 'philox' || only === undefined) {
    const key = philoxKey(42);
    const gpuWords = await philoxStreamGpu(b.device, key, 5, 1000);
    const cpuWords = philoxStream(key, 5, 1000);
    const philoxMismatches = gpuWords.reduce((n, w, i) => n + (w === cpuWords[i] ? 0 : 1), 0);
    process.stdout.write(
      `${JSON.stringify({ adapter: b.adapter, philoxWords: gpuWords.length, philoxMismatches })}\n`,
    );
  }
  // Availability Monte Carlo: GPU and CPU counts must be identical for the same key.
  if (only === 'availability' || only === undefined) {
    const shapes = SLICE_SIZES.map((s) => SHAPE_BY_SIZE[s]!);
    const availability = [];
    const pick = process.argv[3] === undefined ? undefined : Number(process.argv[3]);
    for (const [seed, host, trials] of AVAILABILITY_CHECKS.filter(
      (_, i) => pick === undefined || i === pick,
    )) {
      const problem = availabilityProblem(new Rng(seed), host, shapes, trials);
      const gpu = await b.availabilityCounts(problem);
      const cpuStatic = new Uint32Array(shapes.length);
      const cpuOcs = new Uint32Array(shapes.length);
      addAvailabilityCounts(problem, cpuStatic, cpuOcs);
      availability.push({
        seed,
        host,
        trials,
        gpu: [...gpu.staticHits, ...gpu.ocsHits],
        cpu: [...cpuStatic, ...cpuOcs],
      });
    }
    process.stdout.write(`${JSON.stringify({ adapter: b.adapter, availability })}\n`);
  }
  const errors: { paged: number; contiguous: number }[] = [];
  for (const [i, spec] of (only === 'philox' || only === 'availability' ? [] : CHECK_PROBLEMS).entries()) {
    const p = buildProblem(spec, new Rng(100 + i));
    const paged = await b.pagedAttention(p, 0);
    const contiguous = await b.contiguousAttention(p, 0);
    errors.push({
      paged: maxAbsDiff(paged.out, pagedAttentionRef(p)),
      contiguous: maxAbsDiff(contiguous.out, contiguousAttentionRef(p)),
    });
  }
  b.dispose();
  if (only === 'attention' || only === undefined)
    process.stdout.write(`${JSON.stringify({ adapter: b.adapter, errors })}\n`);
  process.exit(0);
}
