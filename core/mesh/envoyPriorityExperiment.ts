// mesh-envoy-priority: Envoy's priority-level arithmetic for two levels (share kept at P0 as P0's
// healthy fraction falls), checked against Envoy's documented table and against the mesh simulator.
import { defineExperiment } from '../experiments/types';
import type { ChartSpec, Result } from '../experiments/types';
import { priorityShares } from './envoy';
import { meshWork, runWithProgress } from './scenario';
import { parseWorld } from './world';
import { roundScaled } from '../kernel/numbers';

const params = {
  healthyFraction: {
    kind: 'number',
    label: 'P0 healthy fraction',
    default: 0.5,
    min: 0,
    max: 1,
  },
  p1HealthyFraction: { kind: 'number', label: 'P1 healthy fraction', default: 1, min: 0, max: 1 },
  overprovisioningFactor: {
    kind: 'number',
    label: 'Overprovisioning factor',
    help: "Envoy's default is 1.4 (140%).",
    default: 1.4,
    min: 1,
    max: 5,
  },
  hostsPerLevel: {
    kind: 'int',
    label: 'Hosts per priority level',
    help: 'The healthy count is round(fraction × hosts); 100 makes fractions exact percentages.',
    default: 100,
    min: 1,
    max: 1000,
  },
  simulateS: {
    kind: 'int',
    label: 'Simulated check',
    help: 'Seconds of routed requests in a two-region mesh under envoy-priority (0 = skip).',
    default: 10,
    min: 0,
    max: 600,
    unit: 's',
  },
} as const;

/** Envoy's documentation, priority levels, two levels with P1 100% healthy. */
const DOCUMENTED: readonly [number, number][] = [
  [1, 1],
  [0.72, 1],
  [0.71, 0.99],
  [0.5, 0.7],
  [0.25, 0.35],
  [0, 0],
];

const ENVOY_DOC =
  'Envoy docs, arch_overview/upstream/load_balancing/priority (two-level table, overprovisioning 1.4)';

export const meshEnvoyPriority = defineExperiment({
  id: 'mesh-envoy-priority',
  title: "Envoy's priority levels: how much traffic stays at P0",
  paper: 'Envoy proxy documentation: load balancing, priority levels and overprovisioning factor',
  figure: 'the two-level priority-load table',
  description:
    'Two priority levels of `hostsPerLevel` hosts. Health(P) = min(100, ⌊factor × 100 × healthy / ' +
    'total⌋) in whole percent; normalized total health = min(100, Σ health); each level takes ' +
    'min(remaining, ⌊health × 100 / normalized⌋) in order and a rounding remainder goes to the first ' +
    "healthy level (Envoy's distributeLoad). share.p0 is the fraction of traffic kept at priority 0. " +
    'The sweep varies P0 health from 0 to 100%. The simulated check routes requests through the mesh ' +
    'simulator under envoy-priority in a two-region world (P0 = the local region, P1 = a region 20 ms ' +
    'away) with the same healthy counts and measures the share that lands at P0. DEVIATION: panic mode ' +
    '(below 50% total health Envoy spreads over all hosts) is not modelled.',
  params,
  work(p) {
    const total = p.hostsPerLevel;
    const healthy = Math.round(p.healthyFraction * total) + Math.round(p.p1HealthyFraction * total);
    const run = {
      durationS: p.simulateS + 1,
      demandRps: p.simulateS > 0 ? Math.max(1, healthy * 30) : 0,
      servers: 2 * total,
      regions: 2,
      scanEveryMs: [1000],
    };
    return meshWork([run], 'simulateS or hostsPerLevel');
  },
  async run(p, ctx) {
    const total = p.hostsPerLevel;
    const h0 = Math.round(p.healthyFraction * total);
    const h1 = Math.round(p.p1HealthyFraction * total);
    const shares = priorityShares(
      [
        { healthy: h0, total },
        { healthy: h1, total },
      ],
      p.overprovisioningFactor,
    );
    const metrics: Record<string, number> = {
      'share.p0': roundScaled(shares[0]!, 4),
      'share.p1': roundScaled(shares[1]!, 4),
    };
    const sweep: (string | number)[][] = [];
    for (let pctHealthy = 0; pctHealthy <= 100; pctHealthy++) {
      const s = priorityShares(
        [
          { healthy: pctHealthy, total: 100 },
          { healthy: h1, total },
        ],
        p.overprovisioningFactor,
      );
      sweep.push([pctHealthy / 100, roundScaled(s[0]!, 4), roundScaled(s[1]!, 4)]);
    }
    const comparisons = DOCUMENTED.map(([healthy, published]) => ({
      metric: `share.p0 at P0 ${Math.round(healthy * 100)}% healthy`,
      published,
      measured: roundScaled(
        priorityShares(
          [
            { healthy: Math.round(healthy * 100), total: 100 },
            { healthy: 100, total: 100 },
          ],
          p.overprovisioningFactor,
        )[0]!,
        4,
      ),
      source: ENVOY_DOC,
    }));
    if (p.simulateS > 0) {
      const world = parseWorld({
        name: 'two priority levels',
        serverCapacityRps: 100,
        regions: [
          { id: 'p0', name: 'P0 (local)', lat: 0, lon: 0, continent: 'x', servers: total },
          { id: 'p1', name: 'P1 (remote)', lat: 0, lon: 1, continent: 'x', servers: total },
        ],
        measuredPairs: [{ a: 'p0', b: 'p1', ms: 20 }],
      });
      const events = [
        { atS: 0, kind: 'fail' as const, region: 0, servers: total - h0 },
        { atS: 0, kind: 'fail' as const, region: 1, servers: total - h1 },
      ];
      const { res } = await runWithProgress(
        {
          world,
          policy: 'envoy-priority',
          overprovisioningFactor: p.overprovisioningFactor,
          ribDelayMs: 0,
          durationS: p.simulateS + 1,
          demandRps: [Math.max(1, (h0 + h1) * 30), 0],
          events,
        },
        ctx.rng.fork('sim'),
        ctx,
        0,
        1,
        'envoy-priority',
      );
      let at0 = 0;
      let all = 0;
      for (let w = 1; w < res.windows; w++) {
        at0 += res.flows[(w * 2 + 0) * 2 + 0]!;
        all += res.flows[(w * 2 + 0) * 2 + 0]! + res.flows[(w * 2 + 0) * 2 + 1]!;
      }
      metrics['share.p0.simulated'] = roundScaled(all > 0 ? at0 / all : 0, 4);
      metrics['requests.simulated'] = all;
    }
    return {
      metrics,
      tables: { sweep: { columns: ['P0 healthy fraction', 'share P0', 'share P1'], rows: sweep } },
      comparisons,
    };
  },
  charts(result: Result): ChartSpec[] {
    const sweep = result.tables.sweep;
    if (!sweep) return [];
    return [
      {
        kind: 'line',
        title: `Traffic kept at P0 (overprovisioning ${String(result.params.overprovisioningFactor)})`,
        x: { label: 'P0 healthy fraction' },
        y: { label: 'share of traffic', format: 'percent', min: 0, max: 1 },
        series: [
          { name: 'P0', points: sweep.rows.map((r) => [Number(r[0]), Number(r[1])] as [number, number]) },
          { name: 'P1', points: sweep.rows.map((r) => [Number(r[0]), Number(r[2])] as [number, number]) },
        ],
      },
    ];
  },
});
