// WGSL port of core/gpu/philox.ts (Philox4x32-10) and its host: thread i computes block i of the stream,
// words 4i..4i+3 = philox4x32([i, stream, 0, 0], key), with the same 16-bit-half multiply as the CPU.
/// <reference types="@webgpu/types" />

/** mulhi32 and philox4x32 in WGSL, for any kernel that draws from the same stream as core/gpu/philox.ts. */
export const PHILOX_FNS_WGSL = /* wgsl */ `
fn mulhi32(a: u32, b: u32) -> u32 {
  let aLo = a & 0xffffu;
  let aHi = a >> 16u;
  let bLo = b & 0xffffu;
  let bHi = b >> 16u;
  let lolo = aLo * bLo;
  let mid1 = aHi * bLo;
  let mid2 = aLo * bHi;
  let carry = ((lolo >> 16u) + (mid1 & 0xffffu) + (mid2 & 0xffffu)) >> 16u;
  return aHi * bHi + (mid1 >> 16u) + (mid2 >> 16u) + carry;
}

fn philox4x32(ctrIn: vec4<u32>, keyIn: vec2<u32>) -> vec4<u32> {
  var c = ctrIn;
  var k = keyIn;
  for (var r = 0u; r < 10u; r++) {
    let hi0 = mulhi32(0xd2511f53u, c.x);
    let lo0 = 0xd2511f53u * c.x;
    let hi1 = mulhi32(0xcd9e8d57u, c.z);
    let lo1 = 0xcd9e8d57u * c.z;
    c = vec4<u32>(hi1 ^ c.y ^ k.x, lo1, hi0 ^ c.w ^ k.y, lo0);
    k = k + vec2<u32>(0x9e3779b9u, 0xbb67ae85u);
  }
  return c;
}
`;

export const PHILOX_WGSL = /* wgsl */ `
override WG: u32 = 64u;

struct Params { key0: u32, key1: u32, stream: u32, blocks: u32 }
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read_write> outBuf: array<vec4<u32>>;

${PHILOX_FNS_WGSL}
@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x;
  if (i >= P.blocks) { return; }
  outBuf[i] = philox4x32(vec4<u32>(i, P.stream, 0u, 0u), vec2<u32>(P.key0, P.key1));
}
`;

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
