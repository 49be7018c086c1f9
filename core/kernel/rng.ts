// The one source of randomness in core: a seeded, forkable generator (xoroshiro128+ from pure-rand).
// Every draw in a simulation comes from an Rng built from the experiment's seed (DESIGN.md rule 2).
import { xoroshiro128plusFromState } from 'pure-rand/generator/xoroshiro128plus';
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import type { JumpableRandomGenerator } from 'pure-rand/types/JumpableRandomGenerator';

/** FNV-1a over a label, so `fork('arrivals')` gives a stream that is stable across code changes elsewhere. */
function hashLabel(label: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < label.length; i++) {
    h ^= label.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** MurmurHash3's 32-bit finalizer: a bijection on int32 that spreads every input bit over the output. */
function fmix32(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) | 0;
}

/**
 * The 128-bit xoroshiro state for a seed, from a SplitMix-style counter.
 * Why not pure-rand's `xoroshiro128plus(seed)`: it sets the state to (-1, ~seed, seed, 0), so the first
 * output is `~seed` and the first `float()` of every small seed is ~0.99999, with the next draws nearly
 * linear in the seed. Both 32-bit halves of the seed go in, so seeds 1 and 2**32 + 1 differ too.
 */
function seedState(seed: number): number[] {
  const lo = seed | 0;
  const hi = fmix32((Math.floor(seed / 0x100000000) | 0) ^ 0x5bd1e995);
  let counter = lo;
  const next = (): number => {
    counter = (counter + 0x9e3779b9) | 0;
    return fmix32(counter ^ hi);
  };
  const state = [next(), next(), next(), next()];
  if (state.every((w) => w === 0)) return [0, 0, 0, 1]; // xoroshiro's one forbidden state
  return state;
}

/**
 * Invariants: the same seed gives the same sequence of draws on every platform; `fork(label)` depends only
 * on this Rng's seed and the label, never on how many draws were made before it.
 */
export class Rng {
  private readonly gen: JumpableRandomGenerator;
  readonly seed: number;

  constructor(seed: number) {
    if (!Number.isInteger(seed)) throw new Error(`seed must be an integer (got ${seed})`);
    this.seed = seed;
    this.gen = xoroshiro128plusFromState(seedState(seed));
  }

  /** Uniform in [0, 1) with 53 random bits. */
  float(): number {
    return uniformFloat64(this.gen);
  }

  /** Uniform integer in [min, max], both included. */
  int(min: number, max: number): number {
    if (!Number.isSafeInteger(min) || !Number.isSafeInteger(max) || min > max) {
      throw new Error(`int(min, max) needs safe integers with min <= max (got min=${min}, max=${max})`);
    }
    return uniformInt(this.gen, min, max);
  }

  /** True with probability p. */
  bernoulli(p: number): boolean {
    return this.float() < p;
  }

  /** An independent stream named by `label`; the same seed and label always give the same stream. */
  fork(label: string): Rng {
    // The high half of the seed is folded in so seeds 1 and 2**32 + 1 fork apart; it is 0 for 32-bit seeds.
    const hi = fmix32(Math.floor(this.seed / 0x100000000) | 0);
    return new Rng((Math.imul(this.seed ^ 0x9e3779b9, 0x85ebca6b) ^ hi ^ hashLabel(label)) | 0);
  }
}
