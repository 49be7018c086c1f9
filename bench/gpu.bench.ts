// Times the paged and contiguous attention kernels on Node's compute backend (WebGPU through the `webgpu`
// package when an adapter exists, cli/gpu.ts) against the CPU reference over a range of batch sizes, and
// prints paged/contiguous and CPU/kernel ratios. Figures, not pass/fail. Run: npx tsx bench/gpu.bench.ts
import { performance } from 'node:perf_hooks';
import { nodeComputeBackend } from '../cli/gpu';
import { isSoftwareAdapter } from '../core/compute/backend';
import { maxAbsDiff, pagedAttentionRef } from '../core/compute/pagedAttentionRef';
import { buildProblem } from '../core/kv/attentionProblem';
import { Rng } from '../core/kernel/rng';

const SIZES = [
  { sequences: 8, meanContext: 256 },
  { sequences: 32, meanContext: 512 },
  { sequences: 64, meanContext: 1024 },
  { sequences: 128, meanContext: 1024 },
];
const REPS = 5;

const { backend, fallbackReason, dispose } = await nodeComputeBackend();
console.log(
  `backend: ${backend.kind} · ${backend.adapter}${fallbackReason ? ` (fallback: ${fallbackReason})` : ''}`,
);
// A software GPU (SwiftShader) is slow: it gets the two small sizes, and its figures say nothing about GPUs.
const software = isSoftwareAdapter(backend.adapter);
if (software) console.log(`(${backend.adapter} is a software rasterizer: figures below are not GPU figures)`);
console.log('seqs  ctx   tokens   paged ms  contig ms  paged/contig  cpu ms   cpu/paged  max-abs-err');
for (const size of software ? SIZES.slice(0, 2) : SIZES) {
  const p = buildProblem(
    { ...size, heads: 8, headDim: 64, blockSize: 16, maxContext: 4096, samples: 2, slack: 0.25 },
    new Rng(7),
  );
  const paged = await backend.pagedAttention(p, REPS);
  const contiguous = await backend.contiguousAttention(p, REPS);
  const t0 = performance.now();
  const ref = pagedAttentionRef(p);
  const cpuMs = performance.now() - t0;
  const tokens = p.contextLens.reduce((a, b) => a + b, 0);
  console.log(
    [
      String(size.sequences).padEnd(5),
      String(size.meanContext).padEnd(5),
      String(tokens).padEnd(8),
      paged.ms.toFixed(2).padStart(8),
      contiguous.ms.toFixed(2).padStart(10),
      (paged.ms / contiguous.ms).toFixed(3).padStart(13),
      cpuMs.toFixed(1).padStart(7),
      (cpuMs / paged.ms).toFixed(2).padStart(10),
      maxAbsDiff(paged.out, ref).toExponential(2).padStart(12),
    ].join(' '),
  );
}
dispose();
if (backend.kind === 'cpu')
  console.log('GPU figures: not measured (no usable WebGPU adapter on this machine).');
