// The status-line badge naming the WebGPU adapter GPU-lab kernels run on, or saying they fall back to the
// CPU. Probes navigator.gpu once per page (the worker makes its own device from the same browser GPU).
/// <reference types="@webgpu/types" />
import { useEffect, useState } from 'react';
import { isSoftwareAdapter } from '../../core/compute/backend';
import { adapterName } from '../../webgpu/backend';
import './gpu.css';

export type AdapterState =
  { kind: 'probing' } | { kind: 'webgpu'; name: string } | { kind: 'cpu'; reason: string };

let probe: Promise<AdapterState> | null = null;

/** What the page's GPU offers: an adapter's name, or why there is none. */
export function probeAdapter(): Promise<AdapterState> {
  probe ??= (async (): Promise<AdapterState> => {
    const gpu = (navigator as Navigator & { gpu?: GPU }).gpu;
    if (!gpu) return { kind: 'cpu', reason: 'this browser has no WebGPU' };
    try {
      const adapter = await gpu.requestAdapter();
      if (!adapter) return { kind: 'cpu', reason: 'no WebGPU adapter' };
      return { kind: 'webgpu', name: adapterName(adapter.info) };
    } catch (e) {
      return { kind: 'cpu', reason: `WebGPU failed: ${(e as Error).message}` };
    }
  })();
  return probe;
}

export function GpuBadge() {
  const [state, setState] = useState<AdapterState>({ kind: 'probing' });
  useEffect(() => {
    let live = true;
    void probeAdapter().then((s) => live && setState(s));
    return () => {
      live = false;
    };
  }, []);
  const text =
    state.kind === 'probing'
      ? 'GPU: probing…'
      : state.kind === 'webgpu'
        ? `GPU kernels: WebGPU · ${state.name}${isSoftwareAdapter(state.name) ? ' (software rasterizer)' : ''}`
        : `CPU fallback — ${state.reason}`;
  return (
    <span
      className={`gpu-badge gpu-badge-${state.kind}`}
      data-testid="gpu-badge"
      data-backend={state.kind}
      title="Where the GPU lab's kernels (gpu-paged-attention) run"
    >
      {text}
    </span>
  );
}
