// The world file: the default regions load from assets/mesh/regions.json, RTTs follow the stated
// great-circle estimate, and a user's JSON is validated with one-line errors.
import { describe, expect, it } from 'vitest';
import { defaultWorld, estimateRttMs, greatCircleKm, parseWorld, parseWorldText } from './world';

describe('the mesh world', () => {
  it('loads the default 12 regions with a full symmetric RTT matrix', () => {
    const w = defaultWorld();
    const R = w.regions.length;
    expect(R).toBe(12);
    expect(w.rttMs.length).toBe(R * R);
    for (let i = 0; i < R; i++) {
      expect(w.rttMs[i * R + i]).toBe(0.5);
      for (let j = 0; j < R; j++) expect(w.rttMs[i * R + j]).toBe(w.rttMs[j * R + i]);
    }
    expect([...w.rttMeasured].every((m) => m === 0)).toBe(true); // all estimated, and says so
  });

  it('the default matrix equals the formula 2 × distance / (2/3 c) × 1.5', () => {
    const w = defaultWorld();
    const R = w.regions.length;
    for (let i = 0; i < R; i++)
      for (let j = 0; j < R; j++)
        expect(w.rttMs[i * R + j]).toBeCloseTo(estimateRttMs(w.regions[i]!, w.regions[j]!), 6);
  });

  it('great-circle distance London–New York is about 5570 km', () => {
    expect(greatCircleKm(51.5074, -0.1278, 40.7128, -74.006)).toBeGreaterThan(5550);
    expect(greatCircleKm(51.5074, -0.1278, 40.7128, -74.006)).toBeLessThan(5590);
  });

  const two = {
    regions: [
      { id: 'a', name: 'A', lat: 0, lon: 0, continent: 'x', servers: 2 },
      { id: 'b', name: 'B', lat: 0, lon: 10, continent: 'x', servers: 3 },
    ],
  };

  it('estimates missing pairs and takes measured pairs as given', () => {
    const est = parseWorld(two);
    expect(est.rttMs[1]).toBeGreaterThan(10);
    const w = parseWorld({ ...two, measuredPairs: [{ a: 'a', b: 'b', ms: 42 }] });
    expect(w.rttMs[1]).toBe(42);
    expect(w.rttMs[2]).toBe(42);
    expect(w.rttMeasured[1]).toBe(1);
  });

  it.each([
    [{ regions: [] }, /regions: .*>=1|regions:/],
    [{ regions: [{ ...two.regions[0], lat: 200 }] }, /regions\.0\.lat/],
    [{ ...two, measuredPairs: [{ a: 'a', b: 'zz', ms: 3 }] }, /unknown region "zz"/],
    [{ regions: [two.regions[0], two.regions[0]] }, /duplicate region "a"/],
  ])('rejects a bad world with one line naming the field (%#)', (raw, pattern) => {
    let message = '';
    try {
      parseWorld(raw);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(pattern);
    expect(message).not.toContain('\n');
  });

  it('rejects text that is not JSON in one line', () => {
    expect(() => parseWorldText('{nope')).toThrow(/not valid JSON/);
  });
});
