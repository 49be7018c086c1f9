// mesh-outage beyond its golden: where the failed region's clients go follows from the mechanism
// (round robin: by server count; nobody: to the dead region), and the cascade table matches its metric.
import { describe, expect, it } from 'vitest';
import { runExperiment } from '../labs';
import { defaultWorld } from './world';

describe('mesh-outage', () => {
  it('round robin sends the failed region’s clients to the live regions in proportion to their servers', async () => {
    const r = await runExperiment('mesh-outage', { durationS: '30', failAtS: '8' }, 2);
    const world = defaultWorld();
    const failed = 'lla';
    const live = world.regions.filter((g) => g.id !== failed);
    const liveServers = live.reduce((a, g) => a + g.servers, 0);
    const policies = r.params.policies as readonly string[];
    const rows = r.tables['lla-clients-go-to']!.rows;
    const col = 1 + policies.indexOf('round-robin-global');
    for (const g of live) {
      const share = Number(rows.find((row) => row[0] === g.id)![col]);
      expect(Math.abs(share - g.servers / liveServers)).toBeLessThan(0.02);
    }
    // Cross-region share of all requests under global round robin: 1 − Σ_c d_c·S_c/S' / Σ_c d_c, with
    // every region's demand d_c proportional to its servers (uniform baseLoad) and S' the live servers.
    const total = world.regions.reduce((a, g) => a + g.servers, 0);
    const same = live.reduce((a, g) => a + (g.servers * g.servers) / liveServers, 0) / total;
    expect(Math.abs(r.metrics['cross-region-fraction.round-robin-global']! - (1 - same))).toBeLessThan(0.01);
  });

  it('once the RIB marks it down, no policy sends to the failed region; each policy’s shares sum to 1', async () => {
    const r = await runExperiment('mesh-outage', { durationS: '30', failAtS: '8' }, 3);
    const policies = r.params.policies as readonly string[];
    const rows = r.tables['lla-clients-go-to']!.rows;
    policies.forEach((_, k) => {
      expect(Number(rows.find((row) => row[0] === 'lla')![1 + k])).toBe(0);
      const sum = rows.reduce((a, row) => a + Number(row[1 + k]), 0);
      expect(Math.abs(sum - 1)).toBeLessThan(0.01);
    });
    // The cascade table lists exactly cascade.regions.<policy> regions per policy.
    for (const policy of policies) {
      const failed = r.tables.cascade!.rows.filter((row) => row[0] === policy && row[1] !== '(none)');
      expect(failed).toHaveLength(r.metrics[`cascade.regions.${policy}`]!);
    }
  });
});
