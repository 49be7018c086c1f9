// A small, fast generator for the per-request hot path (sfc32), seeded from a kernel Rng fork so every
// draw still derives from the experiment's seed. Pure 32-bit integer arithmetic: identical on every platform.
import type { Rng } from '../kernel/rng';

const INV_2_32 = 1 / 4294967296;

export class FastRng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(rng: Rng) {
    this.a = rng.int(0, 0xffffffff) | 0;
    this.b = rng.int(0, 0xffffffff) | 0;
    this.c = rng.int(0, 0xffffffff) | 0;
    this.d = 1;
    for (let i = 0; i < 12; i++) this.u32();
  }

  /** Next 32-bit word as an unsigned integer. */
  u32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1) with 32 random bits (enough for routing draws). */
  float(): number {
    return this.u32() * INV_2_32;
  }

  /** Fill `out` with uniform draws in [0, 1): the same values, in order, as calling float() out.length times. */
  fill(out: Float64Array): void {
    let a = this.a;
    let b = this.b;
    let c = this.c;
    let d = this.d;
    for (let i = 0; i < out.length; i++) {
      const t = (((a + b) | 0) + d) | 0;
      d = (d + 1) | 0;
      a = b ^ (b >>> 9);
      b = (c + (c << 3)) | 0;
      c = (c << 21) | (c >>> 11);
      c = (c + t) | 0;
      out[i] = (t >>> 0) * INV_2_32;
    }
    this.a = a;
    this.b = b;
    this.c = c;
    this.d = d;
  }

  /** Uniform integer in [0, n). */
  below(n: number): number {
    return Math.floor(this.u32() * INV_2_32 * n);
  }
}
