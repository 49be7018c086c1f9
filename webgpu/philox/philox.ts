// WGSL port of core/compute/philox.ts (Philox4x32-10) and its host: thread i computes block i of the stream,
// words 4i..4i+3 = philox4x32([i, stream, 0, 0], key), with the same 16-bit-half multiply as the CPU.
/// <reference types="@webgpu/types" />
import philoxFns from './philox.wgsl?raw';
import streamWgsl from './stream.wgsl?raw';

/** A kernel's WGSL with mulhi32 and philox4x32 (philox.wgsl) in front of it. */
export function withPhilox(kernel: string): string {
  return `${philoxFns}\n${kernel}`;
}

const PHILOX_WGSL = withPhilox(streamWgsl);

/** The first `words` words of the Philox stream (key, stream), computed on `device`. */
export async function philoxStreamGpu(
  device: GPUDevice,
  key: readonly [number, number],
  stream: number,
  words: number,
): Promise<Uint32Array> {
  const blocks = Math.ceil(words / 4);
  const layout = device.createBindGroupLayout({
    entries: [
      { binding: 0, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'uniform' } },
      { binding: 1, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'storage' } },
    ],
  });
  const pipeline = device.createComputePipeline({
    layout: device.createPipelineLayout({ bindGroupLayouts: [layout] }),
    compute: {
      module: device.createShaderModule({ code: PHILOX_WGSL }),
      entryPoint: 'main',
      constants: { WG: 64 },
    },
  });
  const params = device.createBuffer({ size: 16, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
  device.queue.writeBuffer(params, 0, new Uint32Array([key[0], key[1], stream, blocks]));
  const bytes = blocks * 16;
  const out = device.createBuffer({ size: bytes, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC });
  const readback = device.createBuffer({
    size: bytes,
    usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
  });
  try {
    const enc = device.createCommandEncoder();
    const pass = enc.beginComputePass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(
      0,
      device.createBindGroup({
        layout,
        entries: [
          { binding: 0, resource: { buffer: params } },
          { binding: 1, resource: { buffer: out } },
        ],
      }),
    );
    pass.dispatchWorkgroups(Math.ceil(blocks / 64));
    pass.end();
    enc.copyBufferToBuffer(out, 0, readback, 0, bytes);
    device.queue.submit([enc.finish()]);
    await readback.mapAsync(GPUMapMode.READ);
    const words32 = new Uint32Array(readback.getMappedRange().slice(0, words * 4));
    readback.unmap();
    return words32;
  } finally {
    params.destroy();
    out.destroy();
    readback.destroy();
  }
}
