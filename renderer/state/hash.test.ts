// parseHash/formatHash: the URL hash round-trips the lab and query as readable text.
import { describe, expect, it } from 'vitest';
import { formatHash, parseHash, queryMap } from './hash';

describe('hash', () => {
  it('formatHash keeps comma lists readable and parseHash reads them back', () => {
    const hash = formatHash('kv', [
      ['exp', 'kv-prefix-cache'],
      ['seed', '1'],
      ['blocks', '64,128,256'],
    ]);
    expect(hash).toBe('#/kv?exp=kv-prefix-cache&seed=1&blocks=64,128,256');
    const route = parseHash(hash);
    expect(route.path).toBe('kv');
    expect(queryMap(route.query).get('blocks')).toBe('64,128,256');
    expect(route.problems).toEqual([]);
  });

  it('escapes separators inside values and keeps "+" literal', () => {
    const hash = formatHash('kv', [['note', 'a&b=c d+e']]);
    expect(queryMap(parseHash(hash).query).get('note')).toBe('a&b=c d+e');
    expect(queryMap(parseHash('#/kv?rate=1e+2').query).get('rate')).toBe('1e+2');
  });

  it('an empty or bare hash has an empty path', () => {
    expect(parseHash('').path).toBe('');
    expect(parseHash('#').path).toBe('');
    expect(parseHash('#/tpu/').path).toBe('tpu');
  });

  it('undecodable parts become problems, not exceptions', () => {
    const route = parseHash('#/kv?seed=%E0%A4%A&exp=x');
    expect(route.problems).toHaveLength(1);
    expect(queryMap(route.query).get('exp')).toBe('x');
  });
});
