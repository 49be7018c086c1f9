// Seeded attention problems for the GPU lab: a serving-like batch of decode sequences whose KV blocks sit
// scattered over a paged pool (as after allocator churn), with parallel-sampling groups sharing prompt blocks.
import { lognormalFromMean } from '../kernel/distributions';
import type { Rng } from '../kernel/rng';
import type { AttentionProblem } from '../compute/backend';

export interface ProblemSpec {
  sequences: number;
  heads: number;
  headDim: number;
  blockSize: number;
  /** Mean context length (lognormal, σ = 0.5), tokens. */
  meanContext: number;
  maxContext: number;
  /**
   * Sequences per parallel-sampling group (§4.4): the group's full prompt blocks are one set of physical
   * blocks mapped by every member's table (ref count n); each member has its own tail.
   */
  samples: number;
  /** Free blocks left in the pool, as a fraction of the blocks in use (they stay unread). */
  slack: number;
}

/** Uniform fp32 values in [−1, 1) from a 32-bit counter hash (fast; the stream is fixed by `seed`). */
function fillUniform(out: Float32Array, seed: number): void {
  let x = seed | 0;
  for (let i = 0; i < out.length; i++) {
    x = (x + 0x9e3779b9) | 0;
    let z = x;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    z ^= z >>> 16;
    out[i] = (z >>> 8) / 8388608 - 1;
  }
}

/**
 * Build the problem. Physical ids come from a seeded shuffle of the pool, so a sequence's blocks are
 * scattered (the case PagedAttention's block table exists for); K/V of a shared block are identical in
 * every member's contiguous copy, so paged and contiguous attention compute the same numbers.
 */
export function buildProblem(spec: ProblemSpec, rng: Rng): AttentionProblem {
  const { sequences: S, heads: H, headDim: D, blockSize: B } = spec;
  const lenRng = rng.fork('context-lengths');
  const groups = Math.ceil(S / spec.samples);
  // Per group: prompt length; per sequence: generated tokens after the prompt.
  const contextLens = new Int32Array(S);
  const promptLens: number[] = [];
  for (let g = 0; g < groups; g++) {
    const total = Math.round(lognormalFromMean(lenRng, spec.meanContext, 0.5));
    const prompt = Math.max(1, Math.min(spec.maxContext - 1, Math.round(total * 0.75)));
    promptLens.push(prompt);
    for (let m = 0; m < spec.samples; m++) {
      const s = g * spec.samples + m;
      if (s >= S) break;
      const gen = Math.max(1, Math.round(total * 0.25 * (0.5 + lenRng.float())));
      contextLens[s] = Math.min(spec.maxContext, prompt + gen);
    }
  }
  const maxBlocksPerSeq = Math.max(1, ...Array.from(contextLens, (l) => Math.ceil(l / B)));
  // Count blocks: shared full prompt blocks once per group, the rest per sequence.
  const sharedCount = promptLens.map((p) => (spec.samples > 1 ? Math.floor(p / B) : 0));
  let used = 0;
  for (let s = 0; s < S; s++) {
    const g = Math.floor(s / spec.samples);
    used += Math.ceil(contextLens[s]! / B) - sharedCount[g]!;
  }
  for (let g = 0; g < groups; g++) used += sharedCount[g]!;
  const numBlocks = used + Math.ceil(used * spec.slack);
  // A seeded permutation of the pool: the order the allocator hands blocks out.
  const ids = Array.from({ length: numBlocks }, (_, i) => i);
  const permRng = rng.fork('pool-order');
  for (let i = numBlocks - 1; i > 0; i--) {
    const j = permRng.int(0, i);
    [ids[i], ids[j]] = [ids[j]!, ids[i]!];
  }
  let next = 0;
  const blockTables = new Int32Array(S * maxBlocksPerSeq).fill(-1);
  for (let g = 0; g < groups; g++) {
    const shared = Array.from({ length: sharedCount[g]! }, () => ids[next++]!);
    for (let m = 0; m < spec.samples; m++) {
      const s = g * spec.samples + m;
      if (s >= S) break;
      const n = Math.ceil(contextLens[s]! / B);
      for (let i = 0; i < n; i++) {
        blockTables[s * maxBlocksPerSeq + i] = i < shared.length ? shared[i]! : ids[next++]!;
      }
    }
  }
  const dataRng = rng.fork('values');
  const q = new Float32Array(S * H * D);
  fillUniform(q, dataRng.int(0, 0x7fffffff));
  const kPool = new Float32Array(numBlocks * H * B * D);
  const vPool = new Float32Array(numBlocks * H * B * D);
  fillUniform(kPool, dataRng.int(0, 0x7fffffff));
  fillUniform(vPool, dataRng.int(0, 0x7fffffff));
  // Contiguous copies of exactly the KV each sequence reads.
  const contStart = new Int32Array(S);
  let total = 0;
  for (let s = 0; s < S; s++) {
    contStart[s] = total;
    total += contextLens[s]!;
  }
  const kCont = new Float32Array(total * H * D);
  const vCont = new Float32Array(total * H * D);
  for (let s = 0; s < S; s++) {
    for (let t = 0; t < contextLens[s]!; t++) {
      const block = blockTables[s * maxBlocksPerSeq + Math.floor(t / B)]!;
      const slot = t % B;
      for (let h = 0; h < H; h++) {
        const src = ((block * H + h) * B + slot) * D;
        const dst = ((contStart[s]! + t) * H + h) * D;
        kCont.set(kPool.subarray(src, src + D), dst);
        vCont.set(vPool.subarray(src, src + D), dst);
      }
    }
  }
  return {
    numSeqs: S,
    numHeads: H,
    headDim: D,
    blockSize: B,
    numBlocks,
    maxBlocksPerSeq,
    scale: 1 / Math.sqrt(D),
    q,
    contextLens,
    blockTables,
    kPool,
    vPool,
    contStart,
    kCont,
    vCont,
  };
}

/** Physical blocks sequence `s` reads, in the kernel's order (logical block 0 first). */
export function blocksRead(p: AttentionProblem, s: number): number[] {
  const n = Math.ceil(p.contextLens[s]! / p.blockSize);
  return Array.from(p.blockTables.subarray(s * p.maxBlocksPerSeq, s * p.maxBlocksPerSeq + n));
}
