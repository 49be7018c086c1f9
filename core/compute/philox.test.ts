// Philox4x32-10 against the Random123 known-answer vectors, its 32-bit multiply against BigInt, and the
// stream's counter property (any word can be drawn alone).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mulhi32, philox4x32, philoxStream, toUnit24 } from './philox';

const hex = (a: Uint32Array) => Array.from(a, (x) => x.toString(16).padStart(8, '0')).join(' ');

describe('Philox4x32-10', () => {
  // Random123 kat_vectors (philox4x32 10 rounds): counter, key → output.
  it.each([
    [[0, 0, 0, 0], [0, 0], '6627e8d5 e169c58d bc57ac4c 9b00dbd8'],
    [
      [0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff],
      [0xffffffff, 0xffffffff],
      '408f276d 41c83b0e a20bc7c6 6d5451fd',
    ],
    [
      [0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344],
      [0xa4093822, 0x299f31d0],
      'd16cfe09 94fdcceb 5001e420 24126ea1',
    ],
  ])('matches the published vector for counter %j, key %j', (ctr, key, expected) => {
    expect(hex(philox4x32(ctr, key))).toBe(expected);
  });

  it('computes the high word of a 32×32-bit product exactly', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 0xffffffff }),
        fc.integer({ min: 0, max: 0xffffffff }),
        (a, b) => {
          expect(mulhi32(a, b)).toBe(Number((BigInt(a) * BigInt(b)) >> 32n));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('draws word i from counter i alone, so a GPU thread per block reproduces the stream', () => {
    const s = philoxStream([7, 9], 3, 40);
    expect(Array.from(philox4x32([5, 3, 0, 0], [7, 9]))).toEqual(Array.from(s.subarray(20, 24)));
  });

  it('gives 24-bit uniforms in [0, 1) with a plausible mean', () => {
    const s = philoxStream([1, 2], 0, 40000);
    const u = Array.from(s, toUnit24);
    expect(Math.min(...u)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...u)).toBeLessThan(1);
    expect(Math.abs(u.reduce((a, b) => a + b, 0) / u.length - 0.5)).toBeLessThan(0.01);
  });
});
