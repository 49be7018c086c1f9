// The Node side of the GPU path: a WebGPU backend through the optional `webgpu` package (Dawn), or the
// timed CPU backend when the package or a Vulkan adapter is missing. Used by the CLI, tests and benches.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { ComputeBackend } from '../core/compute/backend';
import { cpuBackend } from '../core/compute/cpuBackend';
import { createWebGpuBackend } from '../webgpu/backend';
import type { WebGpuBackend } from '../webgpu/backend';

const now = () => performance.now();

/** Where Debian's Chromium puts SwiftShader's Vulkan driver (a software GPU; tests use it). */
export const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

/**
 * On Linux Dawn runs on Vulkan: whether the Vulkan loader can find a driver manifest (VK_ICD_FILENAMES /
 * VK_DRIVER_FILES, or a *.json in the loader's standard icd.d folders). Without one, Dawn would only print
 * its own native warnings (with a C++ source location) to stderr before finding no adapter.
 */
function vulkanDriverListed(): boolean {
  if (process.platform !== 'linux') return true;
  if (process.env.VK_ICD_FILENAMES || process.env.VK_DRIVER_FILES) return true;
  const home = process.env.HOME ?? '';
  const config = (process.env.XDG_CONFIG_DIRS || '/etc/xdg').split(':');
  const data = (process.env.XDG_DATA_DIRS || '/usr/local/share:/usr/share').split(':');
  const dirs = [
    ...config.map((d) => join(d, 'vulkan/icd.d')),
    '/etc/vulkan/icd.d',
    ...data.map((d) => join(d, 'vulkan/icd.d')),
    join(process.env.XDG_DATA_HOME || join(home, '.local/share'), 'vulkan/icd.d'),
  ];
  return dirs.some((d) => {
    try {
      return readdirSync(d).some((f) => f.endsWith('.json'));
    } catch {
      return false;
    }
  });
}

/** A WebGPU backend in Node, or null with the reason (no package, no Vulkan driver, no adapter). */
export async function nodeWebGpuBackend(): Promise<
  { backend: WebGpuBackend } | { backend: null; reason: string }
> {
  if (!vulkanDriverListed())
    return { backend: null, reason: 'no Vulkan driver found (set VK_ICD_FILENAMES to a Vulkan driver)' };
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
