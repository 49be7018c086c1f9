// The Node side of the GPU path: a WebGPU backend through the optional `webgpu` package (Dawn), or the
// timed CPU backend when the package or a Vulkan adapter is missing. Used by the CLI, tests and benches.
import { performance } from 'node:perf_hooks';
import type { ComputeBackend } from '../core/gpu/backend';
import { cpuBackend } from '../core/gpu/cpuBackend';
import { createWebGpuBackend } from '../renderer/gpu/backend';
import type { WebGpuBackend } from '../renderer/gpu/backend';

const now = () => performance.now();

/** Where Debian's Chromium puts SwiftShader's Vulkan driver (a software GPU; tests use it). */
export const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

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
  const made = await createWebGpuBackend(mod.create([]), now);
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
  if (made.backend) return { backend: made.backend, dispose: () => made.backend.dispose() };
  return { backend: cpuBackend(now), fallbackReason: made.reason, dispose: () => {} };
}
