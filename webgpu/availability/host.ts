// TypeScript host of the availability Monte Carlo kernel: uploads one AvailabilityProblem, launches one
// invocation per trial up to MAX_WORKGROUPS × 64 (then each loops), one submit, reads the counters back.
// Takes a GPUDevice, so the same code serves the browser (navigator.gpu) and Node (the `webgpu` package).
/// <reference types="@webgpu/types" />
import type { AvailabilityCounts, AvailabilityProblem } from '../../core/compute/backend';
import { AVAILABILITY_WGSL } from './kernel';

export const WORKGROUP_SIZE = 64;
/** Cap on workgroups per launch; invocations then loop over the remaining trials. */
export const MAX_WORKGROUPS = 4096;

export class AvailabilityKernel {
  private built: { layout: GPUBindGroupLayout; pipeline: GPUComputePipeline } | null = null;

  constructor(private readonly device: GPUDevice) {}

  private pipeline(): { layout: GPUBindGroupLayout; pipeline: GPUComputePipeline } {
    if (this.built) return this.built;
    const storage = (binding: number, type: GPUBufferBindingType): GPUBindGroupLayoutEntry => ({
      binding,
      visibility: GPUShaderStage.COMPUTE,
      buffer: { type },
    });
    const layout = this.device.createBindGroupLayout({
      label: 'availability',
      entries: [
        storage(0, 'uniform'),
        storage(1, 'read-only-storage'),
        storage(2, 'read-only-storage'),
        storage(3, 'read-only-storage'),
        storage(4, 'read-only-storage'),
        storage(5, 'storage'),
      ],
    });
    // Built synchronously; run() reads any compile or validation error from its error scope.
    const module = this.device.createShaderModule({ label: 'availability', code: AVAILABILITY_WGSL });
    const pipeline = this.device.createComputePipeline({
      label: 'availability',
      layout: this.device.createPipelineLayout({ bindGroupLayouts: [layout] }),
      compute: { module, entryPoint: 'main', constants: { WG: WORKGROUP_SIZE } },
    });
    this.built = { layout, pipeline };
    return this.built;
  }

  private buffer(data: Uint32Array, usage: number, label: string): GPUBuffer {
    const size = Math.max(16, Math.ceil(data.byteLength / 16) * 16);
    const buf = this.device.createBuffer({ label, size, usage, mappedAtCreation: true });
    new Uint32Array(buf.getMappedRange()).set(data);
    buf.unmap();
    return buf;
  }

  /** Counts for `p` from one submit; `ms` is host time from submit to the mapped counters. */
  async run(p: AvailabilityProblem, now: () => number): Promise<AvailabilityCounts> {
    const sizes = p.cubesNeeded.length;
    const machines = p.cubeOfMachine.length;
    this.device.pushErrorScope('validation');
    const { layout, pipeline } = this.pipeline();
    const groups = Math.max(
      1,
      Math.min(
        Math.ceil(p.trials / WORKGROUP_SIZE),
        MAX_WORKGROUPS,
        this.device.limits.maxComputeWorkgroupsPerDimension,
      ),
    );
    const S = GPUBufferUsage.STORAGE;
    const params = this.buffer(
      new Uint32Array([
        p.key[0],
        p.key[1],
        p.firstTrial,
        p.trials,
        sizes,
        machines,
        groups * WORKGROUP_SIZE,
        0,
      ]),
      GPUBufferUsage.UNIFORM,
      'availability-params',
    );
    const meta = new Uint32Array(2 * sizes + 1);
    meta.set(p.placementStart, 0);
    meta.set(p.cubesNeeded, sizes + 1);
    const bufs = [
      params,
      this.buffer(p.gapThresholds, S, 'gap-thresholds'),
      this.buffer(p.cubeOfMachine, S, 'cube-of-machine'),
      this.buffer(p.placements, S, 'placements'),
      this.buffer(meta, S, 'meta'),
      this.buffer(new Uint32Array(2 * sizes), S | GPUBufferUsage.COPY_SRC, 'counts'),
    ];
    const countBytes = 2 * sizes * 4;
    const readback = this.device.createBuffer({
      label: 'availability-readback',
      size: bufs[5]!.size,
      usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
    });
    try {
      const enc = this.device.createCommandEncoder();
      const pass = enc.beginComputePass();
      pass.setPipeline(pipeline);
      pass.setBindGroup(
        0,
        this.device.createBindGroup({
          layout,
          entries: bufs.map((buffer, binding) => ({ binding, resource: { buffer } })),
        }),
      );
      pass.dispatchWorkgroups(groups);
      pass.end();
      enc.copyBufferToBuffer(bufs[5]!, 0, readback, 0, bufs[5]!.size);
      const t0 = now();
      this.device.queue.submit([enc.finish()]);
      const error = await this.device.popErrorScope();
      if (error) throw new Error(`availability kernel: ${error.message}`);
      await readback.mapAsync(GPUMapMode.READ);
      const ms = now() - t0;
      const counts = new Uint32Array(readback.getMappedRange().slice(0, countBytes));
      readback.unmap();
      return { staticHits: counts.slice(0, sizes), ocsHits: counts.slice(sizes), ms };
    } finally {
      for (const b of bufs) b.destroy();
      readback.destroy();
    }
  }
}
