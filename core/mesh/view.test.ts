// The mesh lab's view model: built from a seeded spike, structured-cloneable, deterministic, and its
// "why" lines say which ring spilled where.
import { describe, expect, it } from 'vitest';
import { buildLabView } from '../labs';
import { explainRouting, routerView } from './view';
import type { MeshViewModel } from './view';

async function build(raw: Record<string, string>, seed = 1): Promise<MeshViewModel> {
  return (await buildLabView(
    'mesh',
    { durationS: '30', spikeAtS: '5', failAtS: '5', ...raw },
    seed,
  )) as MeshViewModel;
}

describe('the mesh view model', () => {
  it('builds on a user world file, and rejects a bad one in one line', async () => {
    const world = JSON.stringify({
      regions: [
        { id: 'a', name: 'A', lat: 10, lon: 10, continent: 'x', servers: 8 },
        { id: 'b', name: 'B', lat: 10, lon: 11, continent: 'x', servers: 8 },
      ],
    });
    const m = await build({ world, durationS: '10' });
    expect(m.regions.map((r) => r.id)).toEqual(['a', 'b']);
    await expect(build({ world: world.replace('"servers":8', '"servers":0') })).rejects.toThrow(
      /^world: regions\.0\.servers: /,
    );
  });

  it('shows the spike region spilling under servicerouter, with a why line naming the rings', async () => {
    const m = await build({});
    const w = 25;
    const c = m.incidentRegion;
    const lines = explainRouting(m, c, w);
    expect(lines[0]).toMatch(/^ring 1 \(same region\) above 75% .* spilled to ring 2/);
    const R = m.regions.length;
    let cross = 0;
    for (let r = 0; r < R; r++) if (r !== c) cross += m.flows[(w * R + c) * R + r]!;
    expect(cross).toBeGreaterThan(0);
    expect(m.traces.length).toBeGreaterThan(100);
    const spilled = m.traces.find((t) => t.client === c && t.ring > 0);
    expect(spilled?.rings[0]?.spilled).toBe(true);
    expect(spilled?.candidates.length).toBe(2);
  });

  it('at the spike onset names the stale published load the router acts on next to the true utilisation', async () => {
    const m = await build({});
    const c = m.incidentRegion;
    const R = m.regions.length;
    const w = m.incidentAtS; // the first second of the spike (incident at 5 s, one-second windows)
    expect(m.util[w * R + c]).toBeGreaterThan(2);
    const rv = routerView(m, c, w);
    // Published 1 s after the interval it measured, so at 5 s the router still acts on 3–4 s: before the spike.
    expect([rv.measuredFromS, rv.measuredToS, rv.publishedAtS]).toEqual([3, 4, 5]);
    expect(rv.seen[0]).toBeLessThan(0.75);
    expect(explainRouting(m, c, w)[0]).toMatch(
      /^ring 1 \(same region\) not above 75% — the router sees \d+% \(RIB figure for 3–4 s, published at 5 s\)/,
    );
    expect(routerView(m, c, 0).published).toBe(false);
  });

  it('under latency-rings the spike region keeps everything local, and says why', async () => {
    const m = await build({ policy: 'latency-rings' });
    expect(explainRouting(m, m.incidentRegion, 25)[0]).toMatch(/whatever its load/);
    expect(m.util[25 * m.regions.length + m.incidentRegion]).toBeGreaterThan(2);
  });

  it('explains envoy-priority by priority shares and round robin as ignoring rings', async () => {
    const envoy = await build({ policy: 'envoy-priority' });
    expect(explainRouting(envoy, envoy.incidentRegion, 25)[0]).toMatch(/priority 0: health-based share 100%/);
    const rr = await build({ policy: 'round-robin-global' });
    expect(explainRouting(rr, rr.incidentRegion, 25)[0]).toMatch(/round robin over every server/);
  });

  it('is structured-cloneable and deterministic', async () => {
    const a = await build({ scenario: 'outage', failRegion: 'lla' }, 3);
    const b = await build({ scenario: 'outage', failRegion: 'lla' }, 3);
    const clone = structuredClone(a);
    expect(Array.from(clone.util)).toEqual(Array.from(b.util));
    expect(a.events[0]?.label).toMatch(/lla servers fail/);
  });
});
