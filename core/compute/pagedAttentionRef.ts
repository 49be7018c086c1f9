// CPU reference for decode attention over a paged KV pool (PagedAttention §4.1) and over contiguous KV:
// the same maths, numerically stable online softmax (running max and sum, rescaled as each key arrives).
import type { AttentionProblem } from './backend';

/** Where token `t` of sequence `s`, head `h` starts in the paged pool (through the block table). */
export function pagedOffset(p: AttentionProblem, s: number, h: number, t: number): number {
  const logical = Math.floor(t / p.blockSize);
  const block = p.blockTables[s * p.maxBlocksPerSeq + logical]!;
  const slot = t - logical * p.blockSize;
  return ((block * p.numHeads + h) * p.blockSize + slot) * p.headDim;
}

/** Where token `t` of sequence `s`, head `h` starts in the contiguous buffers. */
export function contiguousOffset(p: AttentionProblem, s: number, h: number, t: number): number {
  return ((p.contStart[s]! + t) * p.numHeads + h) * p.headDim;
}

/**
 * out[s][h] = Σ_t softmax_t(q·k_t · scale) v_t, computed in one pass: m = running max, l = running
 * Σ exp(x − m), acc = running Σ exp(x − m) v; when a larger score arrives, l and acc are rescaled by
 * exp(m_old − m_new). Accumulates in float64 (JS numbers), stores fp32.
 */
function attention(
  p: AttentionProblem,
  k: Float32Array,
  v: Float32Array,
  offset: (p: AttentionProblem, s: number, h: number, t: number) => number,
): Float32Array {
  const { numSeqs, numHeads, headDim: d } = p;
  const out = new Float32Array(numSeqs * numHeads * d);
  const acc = new Float64Array(d);
  for (let s = 0; s < numSeqs; s++) {
    const len = p.contextLens[s]!;
    for (let h = 0; h < numHeads; h++) {
      const qo = (s * numHeads + h) * d;
      let m = -Infinity;
      let l = 0;
      acc.fill(0);
      for (let t = 0; t < len; t++) {
        const ko = offset(p, s, h, t);
        let x = 0;
        for (let i = 0; i < d; i++) x += p.q[qo + i]! * k[ko + i]!;
        x *= p.scale;
        const mNew = x > m ? x : m;
        const correction = Math.exp(m - mNew); // 0 on the first key (m = −∞)
        const w = Math.exp(x - mNew);
        l = l * correction + w;
        for (let i = 0; i < d; i++) acc[i] = acc[i]! * correction + w * v[ko + i]!;
        m = mNew;
      }
      for (let i = 0; i < d; i++) out[qo + i] = len > 0 ? acc[i]! / l : 0;
    }
  }
  return out;
}

/** Decode attention reading K/V through each sequence's block table. */
export function pagedAttentionRef(p: AttentionProblem): Float32Array {
  return attention(p, p.kPool, p.vPool, pagedOffset);
}

/** The same attention over contiguous per-sequence K/V. */
export function contiguousAttentionRef(p: AttentionProblem): Float32Array {
  return attention(p, p.kCont, p.vCont, contiguousOffset);
}

/** Softmax weights of one (sequence, head) by the direct two-pass formula (for tests of the online form). */
export function softmaxWeights(p: AttentionProblem, s: number, h: number): number[] {
  const d = p.headDim;
  const qo = (s * p.numHeads + h) * d;
  const scores: number[] = [];
  for (let t = 0; t < p.contextLens[s]!; t++) {
    const ko = pagedOffset(p, s, h, t);
    let x = 0;
    for (let i = 0; i < d; i++) x += p.q[qo + i]! * p.kPool[ko + i]!;
    scores.push(x * p.scale);
  }
  const m = Math.max(...scores);
  const e = scores.map((x) => Math.exp(x - m));
  const z = e.reduce((a, b) => a + b, 0);
  return e.map((x) => x / z);
}

/** Largest |a − b| over two equal-length arrays. */
export function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) throw new Error(`length mismatch: ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i]! - b[i]!);
    if (d > m || Number.isNaN(d)) m = Number.isNaN(d) ? Infinity : d;
  }
  return m;
}
