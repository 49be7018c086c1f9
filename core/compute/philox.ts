// Philox4x32-10 (Salmon et al., "Parallel Random Numbers: As Easy as 1, 2, 3", SC'11): a counter-based RNG
// whose i-th output depends only on (key, counter i), so CPU and GPU paths draw identical numbers in any
// order. Integer-only maths; webgpu/philox holds the WGSL port of the same function.

const M0 = 0xd2511f53;
const M1 = 0xcd9e8d57;
const W0 = 0x9e3779b9;
const W1 = 0xbb67ae85;
export const PHILOX_ROUNDS = 10;

/** High 32 bits of the 64-bit product a·b (both uint32), from 16-bit halves (exact in float64). */
export function mulhi32(a: number, b: number): number {
  const aLo = a & 0xffff;
  const aHi = a >>> 16;
  const bLo = b & 0xffff;
  const bHi = b >>> 16;
  const lolo = aLo * bLo;
  const mid1 = aHi * bLo;
  const mid2 = aLo * bHi;
  const carry = ((lolo >>> 16) + (mid1 & 0xffff) + (mid2 & 0xffff)) >>> 16;
  return (aHi * bHi + (mid1 >>> 16) + (mid2 >>> 16) + carry) >>> 0;
}

/** One Philox4x32 block: 10 rounds on counter (c0..c3) under key (k0, k1); four uint32 outputs. */
export function philox4x32(
  ctr: readonly number[],
  key: readonly number[],
  out = new Uint32Array(4),
): Uint32Array {
  let c0 = ctr[0]! >>> 0;
  let c1 = ctr[1]! >>> 0;
  let c2 = ctr[2]! >>> 0;
  let c3 = ctr[3]! >>> 0;
  let k0 = key[0]! >>> 0;
  let k1 = key[1]! >>> 0;
  for (let r = 0; r < PHILOX_ROUNDS; r++) {
    const hi0 = mulhi32(M0, c0);
    const lo0 = Math.imul(M0, c0) >>> 0;
    const hi1 = mulhi32(M1, c2);
    const lo1 = Math.imul(M1, c2) >>> 0;
    c0 = (hi1 ^ c1 ^ k0) >>> 0;
    c1 = lo1;
    c2 = (hi0 ^ c3 ^ k1) >>> 0;
    c3 = lo0;
    k0 = (k0 + W0) >>> 0;
    k1 = (k1 + W1) >>> 0;
  }
  out[0] = c0;
  out[1] = c1;
  out[2] = c2;
  out[3] = c3;
  return out;
}

/**
 * The stream a GPU thread per block reproduces: words 4i..4i+3 are philox4x32([i, stream, 0, 0], key).
 * `stream` separates independent uses of one key (e.g. one per Monte Carlo trial batch).
 */
export function philoxStream(key: readonly [number, number], stream: number, words: number): Uint32Array {
  const out = new Uint32Array(words);
  const block = new Uint32Array(4);
  for (let i = 0; i * 4 < words; i++) {
    philox4x32([i, stream, 0, 0], key, block);
    for (let j = 0; j < 4 && i * 4 + j < words; j++) out[i * 4 + j] = block[j]!;
  }
  return out;
}

/**
 * A uint32 as a uniform in [0, 1) with 24 bits: exactly representable in fp32 and float64, so a CPU and a
 * GPU compare it with the same threshold and count the same events.
 */
export function toUnit24(x: number): number {
  return (x >>> 8) / 16777216;
}

/** The key for an experiment seed: two words from a seed-derived SplitMix-style mix. */
export function philoxKey(seed: number): [number, number] {
  const mix = (z: number) => {
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
  return [mix((seed + 0x9e3779b9) | 0), mix((seed + 0x3c6ef372) | 0)];
}
