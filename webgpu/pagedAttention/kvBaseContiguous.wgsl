// Contiguous layout (the Orca-style baseline): sequence s owns a run of tokens from indexBuf[s].
fn kvBase(s: u32, h: u32, t: u32) -> u32 {
  return ((u32(indexBuf[s]) + t) * P.numHeads + h) * P.headDim;
}
