// WGSL port of core/compute/availabilityCounts.ts: each invocation takes trials i, i + stride, … and for each draws
// its unhealthy machines from the same Philox stream, folds them into a 64-bit cube mask and atomically adds its static
// and reconfigurable hits per slice size. No workgroup barriers and no shared memory.
// Needs philox.wgsl in front (webgpu/philox/philox.ts: withPhilox).
override WG: u32 = 64u;

struct Params {
  key0: u32, key1: u32, firstTrial: u32, trials: u32,
  sizes: u32, machines: u32, stride: u32, pad: u32,
}
@group(0) @binding(0) var<uniform> P: Params;
// gapThresholds[g] = floor(p^g * 2^24), g = 0..machines.
@group(0) @binding(1) var<storage, read> gapThresholds: array<u32>;
@group(0) @binding(2) var<storage, read> cubeOf: array<u32>;
// Static placements as [lo, hi] cube masks, sizes concatenated.
@group(0) @binding(3) var<storage, read> placements: array<vec2<u32>>;
// placementStart[0..sizes] then cubesNeeded[0..sizes-1].
@group(0) @binding(4) var<storage, read> sizeInfo: array<u32>;
// staticHits[0..sizes-1] then ocsHits[0..sizes-1].
@group(0) @binding(5) var<storage, read_write> counts: array<atomic<u32>>;

// Number of g in 1..machines with u < gapThresholds[g] (non-increasing): core/compute gapLength.
fn gapLength(u: u32) -> u32 {
  var a = 1u;
  var b = P.machines + 1u;
  while (a < b) {
    let m = (a + b) >> 1u;
    if (gapThresholds[m] > u) { a = m + 1u; } else { b = m; }
  }
  return a - 1u;
}

// Trial firstTrial + i for one i; a grid-stride loop in main covers all of them.
fn countTrial(t: u32) {
  let key = vec2<u32>(P.key0, P.key1);
  var block = vec4<u32>(0u);
  var lo = 0u;
  var hi = 0u;
  var next = 0u;
  var j = 0u;
  loop {
    if ((j & 3u) == 0u) { block = philox4x32(vec4<u32>(j >> 2u, t, 0u, 0u), key); }
    let m = next + gapLength(block[j & 3u] >> 8u);
    j = j + 1u;
    if (m >= P.machines) { break; }
    let c = cubeOf[m];
    if (c < 32u) { lo = lo | (1u << c); } else { hi = hi | (1u << (c - 32u)); }
    next = m + 1u;
  }
  let healthy = 64u - countOneBits(lo) - countOneBits(hi);
  for (var s = 0u; s < P.sizes; s++) {
    if (healthy < sizeInfo[P.sizes + 1u + s]) { continue; }
    atomicAdd(&counts[P.sizes + s], 1u);
    for (var k = sizeInfo[s]; k < sizeInfo[s + 1u]; k++) {
      let pm = placements[k];
      if ((pm.x & lo) == 0u && (pm.y & hi) == 0u) {
        atomicAdd(&counts[s], 1u);
        break;
      }
    }
  }
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  for (var i = gid.x; i < P.trials; i += P.stride) {
    countTrial(P.firstTrial + i);
  }
}
