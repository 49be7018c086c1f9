// Paged layout: token t of sequence s, head h is found through the block table (PagedAttention §4.1).
fn kvBase(s: u32, h: u32, t: u32) -> u32 {
  let logical = t / P.blockSize;
  let block = u32(indexBuf[s * P.maxBlocksPerSeq + logical]);
  let slot = t - logical * P.blockSize;
  return ((block * P.numHeads + h) * P.blockSize + slot) * P.headDim;
}
