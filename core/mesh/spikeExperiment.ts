// mesh-spike: demand in one region rises to a multiple of its local capacity; the four routing
// policies side by side (ServiceRouter's load-aware rings, plain latency rings, Envoy priorities, global RR).
import { defineExperiment } from '../experiments/types';
import type { ChartSpec, Result, Table } from '../experiments/types';
import { POLICIES, SIGNALS } from './sim';
import type { Deployment, Policy, Signal, Workload } from './sim';
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
import { roundScaled } from '../kernel/numbers';

export const SERVICE_ROUTER_PAPER =
  'Shi et al., "ServiceRouter: Hyperscale and Minimal Cost Service Mesh at Meta", OSDI 2023';

const params = {
  policies: {
    kind: 'enum-list',
    label: 'Policies',
    default: POLICIES,
    options: POLICIES,
  },
  spikeRegion: {
    kind: 'enum',
    label: 'Spiking region',
    default: 'prn',
    options: REGION_IDS,
    open: REGION_OPEN,
    suggest: suggestRegions,
  },
  spikeFactor: {
    kind: 'number',
    label: 'Spike demand',
    help: "The spiking region's clients' demand, as a multiple of that region's own capacity.",
    default: 2,
    min: 0.1,
    max: 10,
    unit: '× local capacity',
  },
  world: WORLD_PARAM,
  baseLoad: {
    kind: 'number',
    label: 'Base demand',
    help: "Every other region's demand as a fraction of its own capacity.",
    default: 0.5,
    min: 0,
    max: 1.5,
  },
  threshold: {
    kind: 'number',
    label: 'Spill threshold',
    help: 'Load-aware rings spill to the next ring above this load (ServiceRouter; the paper’s incident: 75%).',
    default: 0.75,
    min: 0.1,
    max: 1,
  },
  durationS: { kind: 'int', label: 'Duration', default: 120, min: 10, max: 3600, unit: 's (simulated)' },
  spikeAtS: { kind: 'int', label: 'Spike starts at', default: 30, min: 1, max: 3000, unit: 's' },
  signal: {
    advanced: true,
    kind: 'enum',
    label: 'Load signal',
    help: 'How clients learn servers’ outstanding requests for the two-choice pick.',
    default: 'piggybacked',
    options: SIGNALS,
  },
  stalenessMs: {
    advanced: true,
    kind: 'int',
    label: 'Poll interval',
    help: 'Polled signal only: the age of the load values (0 = live).',
    default: 100,
    min: 0,
    max: 60000,
    unit: 'ms',
  },
  ribDelayMs: {
    advanced: true,
    kind: 'int',
    label: 'RIB update delay',
    help: 'Time from the RIB measuring ring loads and health to clients acting on them.',
    default: 1000,
    min: 0,
    max: 60000,
    unit: 'ms',
  },
  shards: {
    advanced: true,
    kind: 'int',
    label: 'Shards',
    help: 'A sharded service (§5): each request targets one shard, served only by its replicas (0 = unsharded).',
    default: 0,
    min: 0,
    max: 2000,
  },
  shardReplicaRegions: {
    advanced: true,
    kind: 'int',
    label: 'Regions per shard',
    help: 'Each shard has replicas in this many regions, chosen at random.',
    default: 3,
    min: 1,
    max: 12,
  },
  shardZipf: {
    advanced: true,
    kind: 'number',
    label: 'Shard popularity skew',
    help: 'Zipf exponent of shard popularity: hot shards (0 = uniform).',
    default: 1,
    min: 0,
    max: 3,
  },
  workload: workloadParam(true),
  deployment: {
    advanced: true,
    kind: 'enum',
    label: 'Deployment',
    help: 'SRLib (in the client) or SRProxy (an extra hop and > 2× CPU per request).',
    default: 'library',
    options: ['library', 'proxy'],
  },
} as const;

export const meshSpike = defineExperiment({
  id: 'mesh-spike',
  title: 'A regional demand spike under four routing policies',
  paper: SERVICE_ROUTER_PAPER,
  figure: 'the cross-region incident in the global load-balancing evaluation (spill kept load below 75%)',
  description:
    "Twelve regions (Meta's data-center sites, RTTs estimated from great-circle distance × 1.5; see " +
    'assets/mesh/regions.json; or your own `world` file, validated), 100 req/s per server, every region at `baseLoad` of its capacity. At ' +
    '`spikeAtS` the clients of one region raise their demand to `spikeFactor` × that region’s capacity. ' +
    'Every request is routed individually: ring by latency bound (5/35/80/∞ ms, §3), then the less ' +
    'loaded of two random servers by the load value the client holds (piggybacked on responses, polled, ' +
    'or none); latency-rings is that alone (like Istio locality failover, which also ignores load). ' +
    'servicerouter adds load-aware rings: the RIB publishes each ring’s offered load every ' +
    'second, after `ribDelayMs`, and a client keeps threshold/load of a ring’s traffic when that load ' +
    'is over the threshold, spilling the rest to the next ring. Servers are fluid queues draining at ' +
    'capacity; latency = RTT + (proxy hops) + queue wait. Steady state = the second half of the spike. ' +
    'With `shards` > 0 the service is sharded: a request draws a shard by Zipf popularity and only ' +
    'that shard’s replicas (4 servers in each of `shardReplicaRegions` regions) are candidates, so rings ' +
    'are computed per shard. DEVIATION: the RIB publishes ring load per region, not per shard, so a ' +
    "hot shard's replicas can overload while their ring looks fine. " +
    'DEVIATION: the paper gives no spill control law; "keep threshold/offered load" is ours. It aims at the threshold, so with a spiking region at spikeFactor × capacity it spills about 1 − threshold/spikeFactor of that region\'s requests (spill-fraction; 0.625 at the defaults) and its load hovers around the threshold rather than below it. ' +
    "What the mechanism produces, and what is compared: time-above-threshold = share of 1-s windows from the spike on in which the spiking region's load exceeds the threshold (the RIB's reaction delay included), compared with the paper's statement that SR kept load below the 75% threshold in the incident (docs/reference.md), i.e. 0. " +
    "Where it misses: our law rides at the threshold (measurement noise of 1-s Poisson windows and the RIB delay put the load above it in most windows), while the paper's production law evidently keeps a margin below it; the paper does not publish that law, so we do not fit one. " +
    "spill-fraction = share of the spiking region's clients' requests sent beyond ring 1 (steady state); the paper publishes no spill fraction or latency for the incident, so these are reported, not compared. " +
    'DEVIATION: no retries or timeouts; with `workload` uniform (the default) every request has the same ' +
    'deterministic service time (fluid drain); with `workload` rpc each is a call of the fitted RPC fleet ' +
    'with its own CPU and bytes (RPC lab), and the load signals count outstanding calls exactly. ' +
    'Assumptions: server counts and capacity are illustrative, not Meta figures.',
  comparisonNote:
    "Compared: only time-above-threshold.servicerouter, against the paper's one statement about the incident (load kept below the 75% locality threshold, read as 0). " +
    'Not compared: utilisation against 75% (the threshold is our input, so that would compare the input with itself), spill-fraction and latency (the paper publishes no number for them).',
  params,
  check(p) {
    return incidentInRun('spikeAtS', p.spikeAtS, p.durationS, 2);
  },
  work(p) {
    const { world, cap, region } = worldAndRegion(
      p.world,
      'spikeRegion',
      p.spikeRegion,
      params.spikeRegion.default,
    );
    let demand = 0;
    for (const c of cap) demand += c * p.baseLoad;
    demand += p.spikeFactor * cap[region]!;
    const servers = world.regions.reduce((a, r) => a + r.servers, 0);
    const polled = p.signal === 'polled' ? p.stalenessMs : 0;
    const run = {
      durationS: p.durationS,
      demandRps: demand,
      servers,
      regions: world.regions.length,
      scanEveryMs: [polled, 1000],
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
      region: spikeIdx,
    } = worldAndRegion(p.world, 'spikeRegion', p.spikeRegion, params.spikeRegion.default);
    const spikeAtS = p.spikeAtS; // check: at most durationS − 2
    const fromW = Math.floor((spikeAtS + p.durationS) / 2);
    const policies = p.policies as readonly Policy[];
    const metrics: Record<string, number> = {};
    const summaryRows: (string | number)[][] = [];
    const utilRows: (string | number)[][] = world.regions.map((r, i) => [r.id, roundScaled(cap[i]!, 4)]);
    const ringRows: (string | number)[][] = [];
    const series: Record<string, [number, number][]> = {};
    for (let k = 0; k < policies.length; k++) {
      const policy = policies[k]!;
      const demand = cap.map((c) => c * p.baseLoad);
      const { res } = await runWithProgress(
        {
          world,
          policy,
          threshold: p.threshold,
          signal: p.signal as Signal,
          stalenessMs: p.stalenessMs,
          ribDelayMs: p.ribDelayMs,
          deployment: p.deployment as Deployment,
          shards:
            p.shards > 0
              ? {
                  count: p.shards,
                  replicaRegions: p.shardReplicaRegions,
                  serversPerReplica: 4,
                  zipf: p.shardZipf,
                }
              : undefined,
          durationS: p.durationS,
          workload: p.workload as Workload,
          demandRps: demand,
          measureFromS: fromW,
          events: [{ atS: spikeAtS, kind: 'demand', region: spikeIdx, rps: p.spikeFactor * cap[spikeIdx]! }],
        },
        ctx.rng.fork(`sim:${policy}`),
        ctx,
        k / policies.length,
        (k + 1) / policies.length,
        policy,
      );
      const st = steady(res, fromW, res.windows);
      metrics[`utilization.max.${policy}`] = roundScaled(st.maxUtil, 4);
      metrics[`utilization.spike-region.${policy}`] = roundScaled(st.util[spikeIdx]!, 4);
      metrics[`cross-region-fraction.${policy}`] = roundScaled(st.crossFraction, 4);
      metrics[`latency.p50.${policy}`] = roundScaled(st.p50Ms, 4);
      metrics[`latency.p99.${policy}`] = roundScaled(st.p99Ms, 4);
      const rings = st.ringShare(spikeIdx);
      // What the spill mechanism produces (not its input): the share of the spiking region's clients'
      // requests sent beyond ring 1, and the share of 1-s windows from the spike on in which the spiking
      // region's load exceeds the threshold (the RIB's reaction delay included).
      const spill = 1 - rings[0]!;
      const spikeW = Math.floor((spikeAtS * 1000) / res.windowMs);
      let above = 0;
      for (let w = spikeW; w < res.windows; w++)
        if (res.landed[w * R + spikeIdx]! > (p.threshold * cap[spikeIdx]! * res.windowMs) / 1000) above++;
      const aboveFraction = res.windows > spikeW ? above / (res.windows - spikeW) : 0;
      metrics[`spill-fraction.${policy}`] = roundScaled(spill, 4);
      metrics[`time-above-threshold.${policy}`] = roundScaled(aboveFraction, 4);
      summaryRows.push([
        policy,
        roundScaled(st.maxUtil, 4),
        world.regions[st.maxRegion]!.id,
        roundScaled(st.util[spikeIdx]!, 4),
        roundScaled(st.crossFraction, 4),
        roundScaled(st.p50Ms, 4),
        roundScaled(st.p99Ms, 4),
        roundScaled(spill, 4),
        roundScaled(aboveFraction, 4),
      ]);
      ringRows.push([policy, ...rings.map((x) => roundScaled(x, 4))]);
      st.util.forEach((u, r) => utilRows[r]!.push(roundScaled(u, 4)));
      series[policy] = Array.from({ length: res.windows }, (_, w): [number, number] => [
        ((w + 1) * res.windowMs) / 1000,
        roundScaled(res.landed[w * R + spikeIdx]! / ((cap[spikeIdx]! * res.windowMs) / 1000), 4),
      ]);
    }
    const tables: Record<string, Table> = {
      summary: {
        columns: [
          'policy',
          'max utilisation',
          'busiest region',
          'spike-region utilisation',
          'cross-region',
          'p50 ms',
          'p99 ms',
          'spill fraction',
          'time above threshold',
        ],
        rows: summaryRows,
      },
      utilization: { columns: ['region', 'capacity req/s', ...policies], rows: utilRows },
      'spike-region-rings': {
        columns: ['policy', 'ring1 share', 'ring2 share', 'ring3 share', 'ring4 share'],
        rows: ringRows,
      },
      'spike-region-timeline': {
        columns: ['t (s)', ...policies],
        rows: (series[policies[0]!] ?? []).map(([t], w) => [t, ...policies.map((q) => series[q]![w]![1])]),
      },
      world: worldTable(world, custom, [['spiking region', world.regions[spikeIdx]!.id]]),
    };
    // Compared: what the spill produces, not the threshold it is given (the paper's 75% is our input).
    const comparisons = policies.includes('servicerouter')
      ? [
          {
            metric: 'time-above-threshold.servicerouter',
            published: 0,
            measured: metrics['time-above-threshold.servicerouter']!,
            source:
              "ServiceRouter (OSDI'23) global load-balancing evaluation, the cross-region incident (docs/reference.md): SR kept load below the 75% locality threshold; 0 is that statement as a share of time (the paper gives a figure, no number). Ours: share of 1-s windows from the spike on with the spiking region above the threshold",
          },
        ]
      : [];
    return { metrics, tables, comparisons };
  },
  charts(result: Result): ChartSpec[] {
    const policies = (result.params.policies as readonly string[]) ?? [];
    const util = result.tables.utilization;
    const timeline = result.tables['spike-region-timeline'];
    const rings = result.tables['spike-region-rings'];
    const charts: ChartSpec[] = [];
    if (util)
      charts.push({
        kind: 'bar',
        title: 'Steady-state utilisation per region',
        y: { label: 'utilisation', format: 'percent' },
        stacked: false,
        categories: util.rows.map((r) => String(r[0])),
        segments: policies.map((p, i) => ({ name: p, values: util.rows.map((r) => Number(r[2 + i])) })),
      });
    if (timeline)
      charts.push({
        kind: 'line',
        title: `Utilisation of ${worldValue(result, 'spiking region', result.params.spikeRegion)} over time`,
        x: { label: 'time (s)' },
        y: { label: 'utilisation', format: 'percent', min: 0 },
        series: policies.map((p, i) => ({
          name: p,
          points: timeline.rows.map((r) => [Number(r[0]), Number(r[1 + i])] as [number, number]),
        })),
      });
    if (rings)
      charts.push({
        kind: 'bar',
        title: `Where ${worldValue(result, 'spiking region', result.params.spikeRegion)}'s clients' requests go, by ring`,
        y: { label: 'share of requests', format: 'percent' },
        stacked: true,
        categories: rings.rows.map((r) => String(r[0])),
        segments: ['ring1', 'ring2', 'ring3', 'ring4'].map((name, j) => ({
          name,
          values: rings.rows.map((r) => Number(r[1 + j])),
        })),
      });
    return charts;
  },
});
