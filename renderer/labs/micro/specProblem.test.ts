import { describe, expect, it } from 'vitest';
import { alibabaSpec } from '../../../core/micro/generate';
import { DEFAULT_SPEC } from '../../../core/micro/scenario';
import { formatSpec } from '../../../core/micro/spec';
import { Rng } from '../../../core/kernel/rng';
import { specProblem } from './specProblem';

describe('the spec editor’s check', () => {
  it('accepts the default spec and refuses one longer than the spec parameter takes, in one line', () => {
    expect(specProblem(DEFAULT_SPEC)).toBe('');
    const big = formatSpec(alibabaSpec(3000, new Rng(1)));
    expect(big.length).toBeGreaterThan(400_000);
    expect(specProblem(big)).toMatch(
      /^the spec is [\d,]+ characters, over the 400,000 it may have: shorten it/,
    );
  });
});
