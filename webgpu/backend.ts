// The WebGPU compute backend: finds an adapter on a GPU object (navigator.gpu in the app, the `webgpu`
// package in Node), names it for the UI and results, and runs the kernels of webgpu/ on its device.
/// <reference types="@webgpu/types" />
import type { AvailabilityCounts, AvailabilityProblem, ComputeBackend } from '../core/compute/backend';
import { AvailabilityKernel } from './availability/host';
import { AttentionKernels } from './pagedAttention/host';

/** A one-line adapter name from GPUAdapterInfo, e.g. "nvidia ampere (NVIDIA GeForce RTX 3080)". */
export function adapterName(info: GPUAdapterInfo | undefined): string {
  if (!info) return 'WebGPU adapter';
  const main = [info.vendor, info.architecture].filter(Boolean).join(' ');
  const detail = info.description || info.device;
  const name = [main, detail ? `(${detail})` : ''].filter(Boolean).join(' ');
  return name || 'WebGPU adapter';
}

export interface WebGpuBackend extends ComputeBackend {
  kind: 'webgpu';
  /**
   * Held for the backend's lifetime: in Node, the `webgpu` package tears its Dawn instance down when the
   * object `create()` returned is garbage-collected, and a device still in use then crashes the process
   * (futex / mutex assertions, SIGSEGV; the package README's "Lifetime" note).
   */
  gpu: GPU;
  device: GPUDevice;
  availabilityCounts(problem: AvailabilityProblem): Promise<AvailabilityCounts>;
  dispose(): void;
}

/** A backend on `gpu`'s first adapter, or null (with the reason) when there is none. */
export async function createWebGpuBackend(
  gpu: GPU | undefined,
  now: () => number,
): Promise<{ backend: WebGpuBackend } | { backend: null; reason: string }> {
  if (!gpu) return { backend: null, reason: 'WebGPU is not available here' };
  let adapter: GPUAdapter | null;
  try {
    adapter = await gpu.requestAdapter();
  } catch (e) {
    return { backend: null, reason: `requestAdapter failed: ${(e as Error).message}` };
  }
  if (!adapter) return { backend: null, reason: 'no WebGPU adapter' };
  const device = await adapter.requestDevice({
    requiredLimits: {
      maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
      maxBufferSize: adapter.limits.maxBufferSize,
    },
  });
  const kernels = new AttentionKernels(device);
  const name = adapterName(adapter.info);
  const availability = new AvailabilityKernel(device);
  return {
    backend: {
      kind: 'webgpu',
      gpu,
      adapter: name,
      device,
      now,
      pagedAttention: (p, reps) => kernels.run(p, 'paged', reps, now),
      contiguousAttention: (p, reps) => kernels.run(p, 'contiguous', reps, now),
      availabilityCounts: (p) => availability.run(p, now),
      dispose: () => device.destroy(),
    },
  };
}
