// routeFromHash: links over the size limit are refused unread (default state and a notice), fast.
import { describe, expect, it } from 'vitest';
import { DEFAULT_LAB, MAX_HASH_CHARS, routeFromHash } from './route';

describe('routeFromHash', () => {
  it('reads a small link', () => {
    const route = routeFromHash('#/tpu');
    expect(route.lab).toBe('tpu');
    expect(route.refused).toBeUndefined();
    expect(route.notices).toEqual([]);
  });

  it('refuses a 1 MB hash in well under a second: the default state and a notice naming the limit', () => {
    const huge = `#/tpu?exp=tpu-failures&${'x=1&'.repeat(256 * 1024)}`;
    expect(huge.length).toBeGreaterThan(1_000_000);
    const t0 = performance.now();
    const route = routeFromHash(huge);
    expect(performance.now() - t0).toBeLessThan(200);
    expect(route.refused).toBe(true);
    expect(route.lab).toBe(DEFAULT_LAB);
    const plain = routeFromHash('');
    expect({ form: route.form, view: route.view }).toEqual({ form: plain.form, view: plain.view });
    expect(route.notices).toHaveLength(1);
    expect(route.notices[0]).toMatch(
      /^this link is 1\.0 MB, over the 64 KB limit for links; it was not read/,
    );
  });

  it('reads a hash at the limit and refuses one character more', () => {
    const pad = (n: number) => `#/tpu?pad=${'a'.repeat(n - '#/tpu?pad='.length)}`;
    expect(routeFromHash(pad(MAX_HASH_CHARS)).lab).toBe('tpu');
    expect(routeFromHash(pad(MAX_HASH_CHARS + 1)).refused).toBe(true);
  });
});
