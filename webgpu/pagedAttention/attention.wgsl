// Decode attention, one workgroup per (head, sequence). The host puts `const DPT` and one kvBase
// (kvBasePaged.wgsl or kvBaseContiguous.wgsl) in front: webgpu/pagedAttention/kernel.ts.
// Bindings (group 0): 0 params (uniform), 1 q, 2 k, 3 v, 4 index (block tables | contiguous starts),
// 5 context lengths, 6 out. Layouts as core/compute/backend.ts states.
//
// Per tile of WG tokens: thread i scores token (tile + i) against q (one dot product, K read through
// `kvBase`), the scores go to workgroup memory; every thread then takes the tile max, rescales its running
// sum and its output dims by exp(m_old − m_new) (online softmax) and accumulates w_t · v_t for its dims.
override WG: u32 = 64u;
const NEG_BIG: f32 = -3.0e38;

struct Params {
  numHeads: u32,
  headDim: u32,
  blockSize: u32,
  maxBlocksPerSeq: u32,
  scale: f32,
}

@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> q: array<f32>;
@group(0) @binding(2) var<storage, read> kBuf: array<f32>;
@group(0) @binding(3) var<storage, read> vBuf: array<f32>;
@group(0) @binding(4) var<storage, read> indexBuf: array<i32>;
@group(0) @binding(5) var<storage, read> contextLens: array<i32>;
@group(0) @binding(6) var<storage, read_write> outBuf: array<f32>;

var<workgroup> scores: array<f32, WG>;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let h = wg.x;
  let s = wg.y;
  let i = lid.x;
  let d = P.headDim;
  let len = u32(contextLens[s]);
  let qBase = (s * P.numHeads + h) * d;
  var m: f32 = NEG_BIG;
  var l: f32 = 0.0;
  var acc: array<f32, DPT>;
  for (var j = 0u; j < DPT; j++) { acc[j] = 0.0; }

  for (var tile = 0u; tile < len; tile += WG) {
    let t = tile + i;
    var x: f32 = NEG_BIG;
    if (t < len) {
      let kb = kvBase(s, h, t);
      var dot: f32 = 0.0;
      for (var e = 0u; e < d; e++) { dot += q[qBase + e] * kBuf[kb + e]; }
      x = dot * P.scale;
    }
    scores[i] = x;
    workgroupBarrier();
    let n = min(WG, len - tile);
    var tileMax: f32 = NEG_BIG;
    for (var u = 0u; u < n; u++) { tileMax = max(tileMax, scores[u]); }
    let mNew = max(m, tileMax);
    let correction = exp(m - mNew);
    l *= correction;
    for (var j = 0u; j < DPT; j++) { acc[j] *= correction; }
    for (var u = 0u; u < n; u++) {
      let w = exp(scores[u] - mNew);
      l += w;
      let vb = kvBase(s, h, tile + u);
      for (var j = 0u; j < DPT; j++) {
        let e = i + j * WG;
        if (e < d) { acc[j] += w * vBuf[vb + e]; }
      }
    }
    m = mNew;
    workgroupBarrier();
  }
  for (var j = 0u; j < DPT; j++) {
    let e = i + j * WG;
    if (e < d) { outBuf[qBase + e] = select(0.0, acc[j] / l, len > 0u); }
  }
}
