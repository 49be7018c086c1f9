import { describe, expect, it } from 'vitest';
import { pct, round, roundScaled } from './numbers';

describe('number helpers', () => {
  it('round keeps `digits` decimals by decimal rounding', () => {
    expect(round(1 / 3)).toBe(0.333333);
    expect(round(2.5, 0)).toBe(3);
    expect(round(1234.56789, 2)).toBe(1234.57);
  });
  it('roundScaled rounds the scaled binary value and stores non-finite values as 0', () => {
    expect(roundScaled(0.00035, 4)).toBe(0.0004);
    expect(round(0.00035, 4)).toBe(0.0003);
    expect(roundScaled(Number.NaN, 4)).toBe(0);
    expect(roundScaled(0.123456, 4)).toBe(0.1235);
  });
  it('pct formats a fraction', () => {
    expect(pct(0.1234)).toBe('12.3%');
    expect(pct(0.1234, 0)).toBe('12%');
    expect(pct(1)).toBe('100.0%');
  });
});
