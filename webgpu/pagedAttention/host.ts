// TypeScript host of the attention kernels: explicit bind-group layout, `override` workgroup size, a
// capability check against the device's limits, upload, timed launches and read-back. Takes a GPUDevice,
// so the same code serves the browser (navigator.gpu) and Node (the `webgpu` package).
/// <reference types="@webgpu/types" />
import type { AttentionProblem, KernelRun } from '../../core/compute/backend';
import { DIMS_PER_THREAD, attentionWgsl } from './kernel';
import type { AttentionVariant } from './kernel';

export const WORKGROUP_SIZE = 64;

/** Why `problem` cannot run on `device`, or undefined when it can. */
export function unsupportedReason(device: GPUDevice, p: AttentionProblem): string | undefined {
  const lim = device.limits;
  const wg = WORKGROUP_SIZE;
  if (wg > lim.maxComputeWorkgroupSizeX || wg > lim.maxComputeInvocationsPerWorkgroup)
    return `workgroup size ${wg} exceeds the device limit`;
  if (p.headDim > DIMS_PER_THREAD * wg)
    return `head dimension ${p.headDim} exceeds ${DIMS_PER_THREAD * wg} (${DIMS_PER_THREAD} dims per thread)`;
  if (p.numHeads > lim.maxComputeWorkgroupsPerDimension || p.numSeqs > lim.maxComputeWorkgroupsPerDimension)
    return `dispatch ${p.numHeads} × ${p.numSeqs} exceeds ${lim.maxComputeWorkgroupsPerDimension} per dimension`;
  const biggest = Math.max(p.kPool.byteLength, p.kCont.byteLength);
  if (biggest > lim.maxStorageBufferBindingSize)
    return `a KV buffer of ${biggest} bytes exceeds maxStorageBufferBindingSize ${lim.maxStorageBufferBindingSize}`;
  return undefined;
}

/** Built on use: the GPU* constants exist only once WebGPU is loaded (in Node, after the package's globals). */
const layoutEntries = (): GPUBindGroupLayoutEntry[] => [
  { binding: 0, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'uniform' } },
  ...[1, 2, 3, 4, 5].map((binding): GPUBindGroupLayoutEntry => ({
    binding,
    visibility: GPUShaderStage.COMPUTE,
    buffer: { type: 'read-only-storage' },
  })),
  { binding: 6, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'storage' } },
];

export class AttentionKernels {
  private readonly layout: GPUBindGroupLayout;
  private readonly pipelines = new Map<AttentionVariant, GPUComputePipeline>();

  constructor(private readonly device: GPUDevice) {
    this.layout = device.createBindGroupLayout({ label: 'attention', entries: layoutEntries() });
  }

  private async pipeline(variant: AttentionVariant): Promise<GPUComputePipeline> {
    const have = this.pipelines.get(variant);
    if (have) return have;
    const module = this.device.createShaderModule({
      label: `${variant}-attention`,
      code: attentionWgsl(variant),
    });
    const info = await module.getCompilationInfo();
    const errors = info.messages.filter((m) => m.type === 'error');
    if (errors.length > 0)
      throw new Error(
        `${variant} attention WGSL: ${errors.map((e) => `${e.lineNum}:${e.linePos} ${e.message}`).join('; ')}`,
      );
    const pipeline = this.device.createComputePipeline({
      label: `${variant}-attention`,
      layout: this.device.createPipelineLayout({ bindGroupLayouts: [this.layout] }),
      compute: { module, entryPoint: 'main', constants: { WG: WORKGROUP_SIZE } },
    });
    this.pipelines.set(variant, pipeline);
    return pipeline;
  }

  private buffer(data: ArrayBufferView, usage: number, label: string): GPUBuffer {
    const size = Math.max(16, Math.ceil(data.byteLength / 4) * 4);
    const buf = this.device.createBuffer({ label, size, usage, mappedAtCreation: true });
    new Uint8Array(buf.getMappedRange()).set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    buf.unmap();
    return buf;
  }

  /**
   * Run `variant` on `p`: upload, one launch whose output is read back, then three timed submissions of
   * `reps` launches each (host clock around submit → onSubmittedWorkDone); `ms` is the fastest
   * submission / reps (NaN when reps = 0).
   */
  async run(
    p: AttentionProblem,
    variant: AttentionVariant,
    reps: number,
    now: () => number,
  ): Promise<KernelRun> {
    const why = unsupportedReason(this.device, p);
    if (why) throw new Error(`the attention kernel cannot run on this device: ${why}`);
    const pipeline = await this.pipeline(variant);
    const dev = this.device;
    const S = GPUBufferUsage.STORAGE;
    const params = new ArrayBuffer(32);
    new Uint32Array(params, 0, 4).set([p.numHeads, p.headDim, p.blockSize, p.maxBlocksPerSeq]);
    new Float32Array(params, 16, 1)[0] = p.scale;
    const paged = variant === 'paged';
    const outBytes = p.numSeqs * p.numHeads * p.headDim * 4;
    const buffers = [
      this.buffer(new Uint8Array(params), GPUBufferUsage.UNIFORM, 'params'),
      this.buffer(p.q, S, 'q'),
      this.buffer(paged ? p.kPool : p.kCont, S, 'k'),
      this.buffer(paged ? p.vPool : p.vCont, S, 'v'),
      this.buffer(paged ? p.blockTables : p.contStart, S, 'index'),
      this.buffer(p.contextLens, S, 'context-lens'),
      dev.createBuffer({ label: 'out', size: outBytes, usage: S | GPUBufferUsage.COPY_SRC }),
    ];
    const readback = dev.createBuffer({
      label: 'readback',
      size: outBytes,
      usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
    });
    try {
      const bindGroup = dev.createBindGroup({
        layout: this.layout,
        entries: buffers.map((buffer, binding) => ({ binding, resource: { buffer } })),
      });
      const encode = (enc: GPUCommandEncoder, launches: number) => {
        for (let r = 0; r < launches; r++) {
          const pass = enc.beginComputePass();
          pass.setPipeline(pipeline);
          pass.setBindGroup(0, bindGroup);
          pass.dispatchWorkgroups(p.numHeads, p.numSeqs);
          pass.end();
        }
      };
      // First submission: one launch and the copy to the read-back buffer (the checked output).
      dev.pushErrorScope('validation');
      const first = dev.createCommandEncoder();
      encode(first, 1);
      first.copyBufferToBuffer(buffers[6]!, 0, readback, 0, outBytes);
      dev.queue.submit([first.finish()]);
      const error = await dev.popErrorScope();
      if (error) throw new Error(`attention kernel: ${error.message}`);
      await readback.mapAsync(GPUMapMode.READ);
      const out = new Float32Array(readback.getMappedRange().slice(0));
      readback.unmap();
      // Then timed submissions of `reps` launches each (none when reps = 0: a correctness-only run).
      let best = reps > 0 ? Infinity : Number.NaN;
      for (let k = 0; reps > 0 && k < 3; k++) {
        const enc = dev.createCommandEncoder();
        encode(enc, reps);
        const t0 = now();
        dev.queue.submit([enc.finish()]);
        await dev.queue.onSubmittedWorkDone();
        best = Math.min(best, (now() - t0) / reps);
      }
      return { out, ms: best };
    } finally {
      for (const b of buffers) b.destroy();
      readback.destroy();
    }
  }
}
