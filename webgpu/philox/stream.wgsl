// Thread i writes block i of the Philox stream: philox4x32([i, stream, 0, 0], key). Needs philox.wgsl.
override WG: u32 = 64u;

struct Params { key0: u32, key1: u32, stream: u32, blocks: u32 }
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read_write> outBuf: array<vec4<u32>>;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x;
  if (i >= P.blocks) { return; }
  outBuf[i] = philox4x32(vec4<u32>(i, P.stream, 0u, 0u), vec2<u32>(P.key0, P.key1));
}
