// The Node side of the GPU path: a WebGPU backend through the optional `webgpu` package (Dawn), or the
// timed CPU backend when the package or a Vulkan adapter is missing. Used by the CLI, tests and benches.
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { AvailabilityProblem } from '../core/gpu/backend';
import type { ComputeBackend } from '../core/gpu/backend';
import { cpuBackend } from '../core/gpu/cpuBackend';
import { createWebGpuBackend } from '../renderer/gpu/backend';
import type { WebGpuBackend } from '../renderer/gpu/backend';

const now = () => performance.now();

/** Where Debian's Chromium puts SwiftShader's Vulkan driver (a software GPU; tests use it). */
export const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

/**
 * Waits out the availability kernel on SwiftShader before the read-back polls (renderer/gpu/availability
 * host.ts says why): 10 µs per expected Philox draw (several times what SwiftShader took here: 100,000
 * trials at p = 0.99, ~11 draws each, were done within 1 s), plus 300 ms for it to compile the pipeline.
 */
export function swiftShaderSettle(p: AvailabilityProblem): Promise<void> {
  const q = 1 - (p.gapThresholds[1] ?? 0) / 16777216;
  const draws = p.trials * (1 + p.cubeOfMachine.length * q);
  return sleep(300 + draws * 0.01);
}

/** A WebGPU backend in Node, or null with the reason (no package, no Vulkan driver, no adapter). */
export async function nodeWebGpuBackend(): Promise<
  { backend: WebGpuBackend } | { backend: null; reason: string }
> {
  let mod: { create: (options: string[]) => GPU; globals: object };
  try {
    mod = (await import('webgpu')) as unknown as typeof mod;
  } catch (e) {
    return {
      backend: null,
      reason: `the optional webgpu package is not installed (${(e as Error).message.split('\n')[0]})`,
    };
  }
  // The package's GPU* constants (GPUBufferUsage, GPUShaderStage, …) are globals in a browser.
  Object.assign(globalThis, mod.globals);
  const made = await createWebGpuBackend(mod.create([]), now, {
    availability: (name) => (/swiftshader/i.test(name) ? { settle: swiftShaderSettle } : {}),
  });
  if (!made.backend)
    return { backend: null, reason: `${made.reason} (set VK_ICD_FILENAMES to a Vulkan driver)` };
  return made;
}

/** The backend the CLI runs GPU-lab kernels on: WebGPU when an adapter exists, else the timed CPU path. */
export async function nodeComputeBackend(): Promise<{
  backend: ComputeBackend;
  fallbackReason?: string;
  dispose(): void;
}> {
  const made = await nodeWebGpuBackend();
  if (made.backend && /swiftshader/i.test(made.backend.adapter) && process.env.LAB_GPU_SWIFTSHADER !== '1') {
    // Measured here: Dawn (webgpu 0.6.2) on Chromium's SwiftShader crashes or hangs the Node process
    // (futex / mutex assertions) on the attention kernels, which use workgroup barriers (Philox, without
    // barriers, runs); Chromium runs the same kernels fine. So the CLI does not bet a run on it.
    made.backend.dispose();
    return {
      backend: cpuBackend(now),
      fallbackReason:
        'SwiftShader (a software Vulkan driver) crashes under Node on these kernels; set LAB_GPU_SWIFTSHADER=1 to try it anyway',
      dispose: () => {},
    };
  }
  if (made.backend) return { backend: made.backend, dispose: () => made.backend.dispose() };
  return { backend: cpuBackend(now), fallbackReason: made.reason, dispose: () => {} };
}
