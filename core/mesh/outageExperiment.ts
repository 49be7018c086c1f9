// mesh-outage: one region's servers fail; where its clients' traffic goes under each policy, and
// whether the regions that absorb it overload and fail in turn (the domino effect).
import { defineExperiment } from '../experiments/types';
import type { ChartSpec, Result, Table } from '../experiments/types';
import { POLICIES } from './sim';
import type { Policy, Workload } from './sim';
import {
  REGION_IDS,
  REGION_OPEN,
  suggestRegions,
  WORLD_PARAM,
  worldAndRegion,
  meshWork,
  runWithProgress,
  steady,
  worldTable,
  worldValue,
  incidentInRun,
  workloadParam,
} from './scenario';
import { SERVICE_ROUTER_PAPER } from './spikeExperiment';
import { roundScaled } from '../kernel/numbers';

const params = {
  policies: { kind: 'enum-list', label: 'Policies', default: POLICIES, options: POLICIES },
  failRegion: {
    kind: 'enum',
    label: 'Failing region',
    default: 'lla',
    options: REGION_IDS,
    open: REGION_OPEN,
    suggest: suggestRegions,
  },
  world: WORLD_PARAM,
  baseLoad: {
    kind: 'number',
    label: 'Base demand',
    help: "Every region's demand as a fraction of its own capacity.",
    default: 0.7,
    min: 0.05,
    max: 1.5,
  },
  threshold: { kind: 'number', label: 'Spill threshold', default: 0.75, min: 0.1, max: 1 },
  crashUtil: {
    kind: 'number',
    label: 'Overload failure at',
    help: 'A region whose utilisation stays above this for `crashWindows` seconds fails too (0 = never).',
    default: 1,
    min: 0,
    max: 10,
  },
  crashWindows: {
    advanced: true,
    kind: 'int',
    label: 'Overload tolerated for',
    default: 5,
    min: 1,
    max: 600,
    unit: 's',
  },
  ribDelayMs: {
    advanced: true,
    kind: 'int',
    label: 'Failure detection + RIB delay',
    help: 'Until the RIB marks the failed servers down, requests sent to them fail.',
    default: 2000,
    min: 0,
    max: 60000,
    unit: 'ms',
  },
  workload: workloadParam(true),
  durationS: { kind: 'int', label: 'Duration', default: 90, min: 10, max: 3600, unit: 's (simulated)' },
  failAtS: { kind: 'int', label: 'Failure at', default: 20, min: 1, max: 3000, unit: 's' },
} as const;

export const meshOutage = defineExperiment({
  id: 'mesh-outage',
  title: "A region's servers fail: where its traffic goes, and the domino effect",
  paper: SERVICE_ROUTER_PAPER,
  figure: 'none (the locality-ring mechanism of §3 under a regional outage)',
  description:
    'The default world (or your own `world` file, validated) at `baseLoad` of capacity everywhere. At `failAtS` every server of `failRegion` ' +
    'fails; requests sent there fail until the RIB marks them down (`ribDelayMs`). Its clients then ' +
    'route by each policy: latency rings send everything to the next ring that has servers, Envoy ' +
    'shifts traffic by its priority health (all of P0 is down: everything to P1), servicerouter fills ' +
    'each ring only to the threshold and spills the rest, round robin spreads globally. A region whose ' +
    'utilisation stays above `crashUtil` for `crashWindows` seconds fails as well (its queues grow ' +
    'without bound), so an overload can cascade. DEVIATION: the overload-failure rule is ours; the ' +
    'paper reports no outage experiment, so there is nothing published to compare with. `workload` rpc ' +
    'makes each request a call of the fitted RPC fleet (its own CPU and bytes) instead of a uniform request.',
  comparisonNote:
    'ServiceRouter publishes no regional-outage experiment; the run shows the mechanism, and the domino count is a model outcome.',
  params,
  check(p) {
    return incidentInRun('failAtS', p.failAtS, p.durationS, 5);
  },
  work(p) {
    const { world, cap } = worldAndRegion(p.world, 'failRegion', p.failRegion, params.failRegion.default);
    let demand = 0;
    for (const c of cap) demand += c * p.baseLoad;
    const servers = world.regions.reduce((a, r) => a + r.servers, 0);
    const run = {
      durationS: p.durationS,
      demandRps: demand,
      servers,
      regions: world.regions.length,
      scanEveryMs: [1000],
      workload: p.workload,
    };
    return meshWork(
      p.policies.map(() => run),
      "durationS, the world's servers or serverCapacityRps, or policies",
    );
  },
  async run(p, ctx) {
    const {
      world,
      custom,
      R,
      cap,
      region: failIdx,
    } = worldAndRegion(p.world, 'failRegion', p.failRegion, params.failRegion.default);
    const failAtS = p.failAtS; // check: at most durationS − 5
    const fromW = Math.floor((failAtS + p.durationS) / 2);
    const policies = p.policies as readonly Policy[];
    const metrics: Record<string, number> = {};
    const summary: (string | number)[][] = [];
    const dest: (string | number)[][] = world.regions.map((r) => [r.id]);
    const cascades: (string | number)[][] = [];
    for (let k = 0; k < policies.length; k++) {
      const policy = policies[k]!;
      const { res } = await runWithProgress(
        {
          world,
          policy,
          threshold: p.threshold,
          ribDelayMs: p.ribDelayMs,
          durationS: p.durationS,
          workload: p.workload as Workload,
          demandRps: cap.map((c) => c * p.baseLoad),
          crashUtil: p.crashUtil,
          crashWindows: p.crashWindows,
          measureFromS: fromW,
          events: [{ atS: failAtS, kind: 'fail', region: failIdx }],
        },
        ctx.rng.fork(`sim:${policy}`),
        ctx,
        k / policies.length,
        (k + 1) / policies.length,
        policy,
      );
      const st = steady(res, fromW, res.windows);
      const share = st.flowShare(failIdx);
      let sent = 0;
      let errors = 0;
      for (let w = 0; w < res.windows; w++) {
        errors += res.errors[w]!;
        for (let r = 0; r < R; r++) sent += res.landed[w * R + r]!;
      }
      sent += errors;
      const dominoes = res.crashed.length;
      metrics[`cascade.regions.${policy}`] = dominoes;
      metrics[`errors.fraction.${policy}`] = roundScaled(sent > 0 ? errors / sent : 0, 4);
      metrics[`utilization.max.${policy}`] = roundScaled(st.maxUtil, 4);
      metrics[`cross-region-fraction.${policy}`] = roundScaled(st.crossFraction, 4);
      metrics[`latency.p99.${policy}`] = roundScaled(st.p99Ms, 4);
      share.forEach((s, r) => dest[r]!.push(roundScaled(s, 4)));
      summary.push([
        policy,
        dominoes,
        roundScaled(sent > 0 ? errors / sent : 0, 4),
        st.maxUtil > 0 ? roundScaled(st.maxUtil, 4) : 0,
        roundScaled(st.crossFraction, 4),
        roundScaled(st.p99Ms, 4),
      ]);
      for (const c of res.crashed)
        cascades.push([policy, world.regions[c.region]!.id, roundScaled(c.atS, 4)]);
      if (dominoes === 0) cascades.push([policy, '(none)', 0]);
      await ctx.progress((k + 1) / policies.length, policy);
    }
    const tables: Record<string, Table> = {
      summary: {
        columns: [
          'policy',
          'regions failed by overload',
          'failed requests',
          'max utilisation (steady)',
          'cross-region',
          'p99 ms',
        ],
        rows: summary,
      },
      [`${world.regions[failIdx]!.id}-clients-go-to`]: { columns: ['region', ...policies], rows: dest },
      cascade: { columns: ['policy', 'region failed by overload', 'at (s)'], rows: cascades },
      world: worldTable(world, custom, [['failing region', world.regions[failIdx]!.id]]),
    };
    return { metrics, tables, comparisons: [] };
  },
  charts(result: Result): ChartSpec[] {
    const policies = (result.params.policies as readonly string[]) ?? [];
    const failed = worldValue(result, 'failing region', result.params.failRegion);
    const dest = result.tables[`${failed}-clients-go-to`];
    const charts: ChartSpec[] = [
      {
        kind: 'bar',
        title: 'Regions that failed by overload (domino)',
        y: { label: 'regions', format: 'number' },
        stacked: false,
        categories: [...policies],
        segments: [
          {
            name: 'regions failed',
            values: policies.map((p) => result.metrics[`cascade.regions.${p}`] ?? 0),
          },
        ],
      },
    ];
    if (dest)
      charts.push({
        kind: 'bar',
        title: `Where ${failed}'s clients' requests go after the failure`,
        y: { label: 'share', format: 'percent' },
        stacked: true,
        categories: [...policies],
        segments: dest.rows
          .map((r) => ({ name: String(r[0]), values: policies.map((_, i) => Number(r[1 + i])) }))
          .filter((s) => s.values.some((v) => v > 0.001)),
      });
    return charts;
  },
});
