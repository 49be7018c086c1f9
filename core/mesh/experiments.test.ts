// The mesh experiments end to end through the registry: the "done means" (spike, Envoy's
// arithmetic), the outage domino, the balance sweep, and one-line errors for bad parameters.
import { describe, expect, it } from 'vitest';
import { runExperiment } from '../labs';
import { meshOutage } from './outageExperiment';
import { suggestRegions } from './scenario';
import { meshSpike } from './spikeExperiment';

describe('mesh experiments', () => {
  it('mesh-spike: servicerouter keeps the busiest region near 75% while latency-rings overloads it', async () => {
    const r = await runExperiment('mesh-spike', { durationS: '30', spikeAtS: '10' }, 4);
    expect(r.metrics['utilization.max.servicerouter']).toBeLessThan(0.82);
    expect(r.metrics['utilization.max.servicerouter']).toBeGreaterThan(0.7);
    expect(r.metrics['utilization.max.latency-rings']).toBeGreaterThan(1.9);
    expect(r.metrics['cross-region-fraction.latency-rings']).toBe(0);
    expect(r.metrics['cross-region-fraction.servicerouter']).toBeGreaterThan(0.1);
    for (const p of ['servicerouter', 'latency-rings', 'envoy-priority', 'round-robin-global'])
      for (const m of ['utilization.max', 'cross-region-fraction', 'latency.p50', 'latency.p99'])
        expect(r.metrics[`${m}.${p}`]).toBeTypeOf('number');
    // The law keeps threshold/load of the spiking region's ring-1 traffic: it spills about 1 − 0.75/2.
    expect(Math.abs(r.metrics['spill-fraction.servicerouter']! - (1 - 0.75 / 2))).toBeLessThan(0.05);
    expect(r.metrics['spill-fraction.latency-rings']).toBe(0);
    expect(r.metrics['time-above-threshold.latency-rings']).toBe(1);
    // Compared: a share of time the mechanism produces, against the paper's "kept below", never the threshold.
    expect(r.comparisons.map((c) => [c.metric, c.published])).toEqual([
      ['time-above-threshold.servicerouter', 0],
    ]);
  });

  it('mesh-spike: the compared figure is not the threshold input; while ring 2 stays under it, spill = 1 − threshold/spike', async () => {
    const args = { durationS: '30', spikeAtS: '10', policies: 'servicerouter' };
    const low = await runExperiment('mesh-spike', { ...args, threshold: '0.7' }, 4);
    const high = await runExperiment('mesh-spike', { ...args, threshold: '0.9' }, 4);
    expect(low.comparisons[0]!.published).toBe(high.comparisons[0]!.published);
    expect(low.metrics['spill-fraction.servicerouter']!).toBeGreaterThan(
      high.metrics['spill-fraction.servicerouter']!,
    );
    for (const [r, th] of [
      [low, 0.7],
      [high, 0.9],
    ] as const) {
      expect(Math.abs(r.metrics['spill-fraction.servicerouter']! - (1 - th / 2))).toBeLessThan(0.05);
      const share = r.metrics['time-above-threshold.servicerouter']!;
      expect(share).toBeGreaterThanOrEqual(0);
      expect(share).toBeLessThanOrEqual(1);
    }
  });

  it('mesh-envoy-priority: share.p0 follows the documented table and the simulated mesh agrees', async () => {
    const r = await runExperiment('mesh-envoy-priority', { healthyFraction: '0.71', simulateS: '3' }, 1);
    expect(r.metrics['share.p0']).toBe(0.99);
    for (const c of r.comparisons) expect(c.measured).toBe(c.published);
    const half = await runExperiment('mesh-envoy-priority', { healthyFraction: '0.5', simulateS: '4' }, 1);
    expect(half.metrics['share.p0']).toBe(0.7);
    expect(Math.abs(half.metrics['share.p0.simulated']! - 0.7)).toBeLessThan(0.03);
  });

  it('mesh-envoy-priority: a larger overprovisioning factor keeps more traffic at P0', async () => {
    const r = await runExperiment(
      'mesh-envoy-priority',
      { healthyFraction: '0.5', overprovisioningFactor: '1.8', simulateS: '0' },
      1,
    );
    expect(r.metrics['share.p0']).toBe(0.9);
  });

  it('mesh-outage: latency rings cascade into the neighbours, servicerouter does not', async () => {
    const r = await runExperiment('mesh-outage', { durationS: '30', failAtS: '8' }, 2);
    expect(r.metrics['cascade.regions.latency-rings']).toBeGreaterThan(0);
    expect(r.metrics['cascade.regions.servicerouter']).toBe(0);
  });

  it('mesh-balance: fresh power-of-two beats random, and staleness erodes it', async () => {
    const r = await runExperiment(
      'mesh-balance',
      { stalenessMs: '0,1000', servers: '20', durationS: '5' },
      1,
    );
    expect(r.metrics['cv.power-of-two.0ms']).toBeLessThan(r.metrics['cv.random.0ms']! * 0.8);
    expect(r.metrics['cv.power-of-two.1000ms']).toBeGreaterThan(r.metrics['cv.power-of-two.0ms']!);
  });

  it('rejects an unknown region and an out-of-range threshold in one line', async () => {
    await expect(runExperiment('mesh-spike', { spikeRegion: 'mars' }, 1)).rejects.toThrow(/spikeRegion/);
    await expect(runExperiment('mesh-spike', { threshold: '2' }, 1)).rejects.toThrow(/threshold/);
  });

  const ownWorld = JSON.stringify({
    name: 'two coasts',
    serverCapacityRps: 100,
    regions: [
      { id: 'east', name: 'East', lat: 39, lon: -77.5, continent: 'na', servers: 10 },
      { id: 'west', name: 'West', lat: 45.6, lon: -121.2, continent: 'na', servers: 30 },
    ],
    measuredPairs: [{ a: 'east', b: 'west', ms: 62 }],
  });

  it('runs on a user world file: its regions, its RTTs, the default region falling to its first', async () => {
    const r = await runExperiment(
      'mesh-spike',
      { world: ownWorld, durationS: '20', spikeAtS: '6', policies: 'servicerouter,latency-rings' },
      1,
    );
    const world = Object.fromEntries(r.tables.world!.rows.map(([k, v]) => [k, v]));
    expect(world).toMatchObject({ name: 'two coasts', regions: 2, servers: 40, 'spiking region': 'east' });
    expect(r.tables.utilization!.rows.map((row) => row[0])).toEqual(['east', 'west']);
    // 62 ms apart: west is in east's ring 3 (< 80 ms, same continent), so only servicerouter spills there.
    expect(r.metrics['cross-region-fraction.latency-rings']).toBe(0);
    expect(r.metrics['cross-region-fraction.servicerouter']).toBeGreaterThan(0.1);
    expect(r.metrics['utilization.max.latency-rings']).toBeGreaterThan(1.5);
    expect(r.params.world).toBe(ownWorld);
    const outage = await runExperiment('mesh-outage', { world: ownWorld, durationS: '12', failAtS: '4' }, 1);
    expect(outage.tables.world!.rows).toContainEqual(['failing region', 'east']);
    // Charts name the region the run used, not the parameter's default from the built-in world.
    expect(meshSpike.charts!(r).map((c) => c.title)).toContain('Utilisation of east over time');
    expect(meshOutage.charts!(outage).map((c) => c.title)).toContain(
      "Where east's clients' requests go after the failure",
    );
  });

  it('region parameters name any region of a user world file, and only of the world in use', async () => {
    const args = { world: ownWorld, durationS: '20', spikeAtS: '6', policies: 'servicerouter' };
    const r = await runExperiment('mesh-spike', { ...args, spikeRegion: 'west' }, 1);
    expect(r.tables.world!.rows).toContainEqual(['spiking region', 'west']);
    const outage = await runExperiment(
      'mesh-outage',
      { world: ownWorld, durationS: '12', failAtS: '4', failRegion: 'west' },
      1,
    );
    expect(outage.tables.world!.rows).toContainEqual(['failing region', 'west']);
    await expect(runExperiment('mesh-spike', { ...args, spikeRegion: 'lla' }, 1)).rejects.toThrow(
      /^spikeRegion: region "lla" is not in the world file \(its regions: east, west\)/,
    );
    await expect(runExperiment('mesh-spike', { spikeRegion: 'west' }, 1)).rejects.toThrow(
      /^spikeRegion: region "west" is not in the world \(its regions: prn, /,
    );
  });

  it('offers the loaded world file’s region ids for region parameters (the built-in ones without a file)', () => {
    expect(suggestRegions({ world: ownWorld })).toEqual(['east', 'west']);
    expect(suggestRegions({ world: '' })).toContain('prn');
    expect(suggestRegions({ world: '{"regions": [' })).toEqual([]);
  });

  it('rejects a bad world file in one line naming the problem', async () => {
    const bad = ownWorld.replace('"lat":39', '"lat":139');
    await expect(runExperiment('mesh-spike', { world: bad }, 1)).rejects.toThrow(
      /^world: regions\.0\.lat: .*90/,
    );
    await expect(runExperiment('mesh-spike', { world: '{"regions": [' }, 1)).rejects.toThrow(
      /^world: not valid JSON/,
    );
    await expect(runExperiment('mesh-outage', { world: ownWorld, failRegion: 'prn' }, 1)).rejects.toThrow(
      'failRegion: region "prn" is not in the world file (its regions: east, west)',
    );
    for (const text of [bad, '{"regions": [']) {
      const message = await runExperiment('mesh-spike', { world: text }, 1).catch((e: Error) => e.message);
      expect(message).not.toContain('\n');
    }
  });
});
