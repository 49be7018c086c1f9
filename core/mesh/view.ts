// The mesh lab's live picture: a seeded spike or outage run through the simulator, turned into a view
// model of plain records and typed arrays (per-second utilisation, flows, ring use, why-traces) that the
// renderer animates on the world map, plus the "why" explanation of a client region's routing.
import { defineLabView } from '../experiments/types';
import type { ParamsOf } from '../experiments/types';
import { DEFAULT_BOUNDS_MS, POLICIES, RINGS } from './sim';
import type { Policy, ScenarioEvent, WhyTrace, Workload } from './sim';
import {
  REGION_IDS,
  REGION_OPEN,
  WORLD_PARAM,
  meshWork,
  runWithProgress,
  suggestRegions,
  worldAndRegion,
  workloadParam,
} from './scenario';
import { pct } from '../kernel/numbers';

// Names match the experiments' (mesh-spike: spikeRegion, spikeFactor, spikeAtS; mesh-outage: failRegion,
// failAtS; both: baseLoad, threshold, durationS, world), so the app's view follows the experiment form on
// them. `scenario` and `policy` are the view's: which incident, and the one policy the map animates
// (meshViewFollow derives both from an experiment).
const region = (label: string, def: string) =>
  ({
    kind: 'enum',
    label,
    default: def,
    options: REGION_IDS,
    open: REGION_OPEN,
    suggest: suggestRegions,
  }) as const;
const params = {
  scenario: { kind: 'enum', label: 'Incident', default: 'spike', options: ['spike', 'outage'] },
  policy: { kind: 'enum', label: 'Policy', default: 'servicerouter', options: POLICIES },
  spikeRegion: region('Spiking region', 'prn'),
  failRegion: region('Failing region', 'lla'),
  spikeFactor: {
    kind: 'number',
    label: 'Spike demand',
    default: 2.5,
    min: 0.1,
    max: 10,
    unit: '× local capacity',
    advanced: true,
  },
  baseLoad: { kind: 'number', label: 'Base demand', default: 0.5, min: 0, max: 1.5, advanced: true },
  threshold: { kind: 'number', label: 'Spill threshold', default: 0.75, min: 0.1, max: 1, advanced: true },
  durationS: {
    kind: 'int',
    label: 'Duration',
    default: 90,
    min: 10,
    max: 600,
    unit: 's (simulated)',
    advanced: true,
  },
  spikeAtS: {
    kind: 'int',
    label: 'Spike starts at',
    default: 15,
    min: 1,
    max: 500,
    unit: 's',
    advanced: true,
  },
  failAtS: { kind: 'int', label: 'Failure at', default: 15, min: 1, max: 500, unit: 's', advanced: true },
  world: WORLD_PARAM,
  workload: workloadParam(true),
} as const;

export interface MeshViewRegion {
  id: string;
  name: string;
  lat: number;
  lon: number;
  continent: string;
  servers: number;
  capacityRps: number;
}

export interface MeshViewModel {
  scenario: 'spike' | 'outage';
  policy: Policy;
  /** What a request is: uniform work, or a call of the RPC lab's fitted fleet. */
  workload: Workload;
  threshold: number;
  boundsMs: number[];
  incidentRegion: number;
  incidentAtS: number;
  regions: MeshViewRegion[];
  windowMs: number;
  windows: number;
  /** Landed rate / full capacity per [window][region]. */
  util: Float32Array;
  /** Capacity up (req/s) per [window][region]. */
  upRps: Float32Array;
  /** Request rate (req/s) per [window][client][server region]. */
  flows: Float32Array;
  /** Ring of each [client][server region] (0..3). */
  ringOf: Int32Array;
  /** Share of a client's requests per [window][client][ring]. */
  ringShare: Float32Array;
  /**
   * Client-side ring load as the RIB published it, per [window][client][ring]: the value in force when the
   * window closed. The router routes window w on the value of window w − 1 (see `routerView`).
   */
  ringSeen: Float32Array;
  /** Keep probability per [window][client][ring]. */
  ringKeep: Float32Array;
  /** How long after the end of a measurement interval (one window) the RIB publishes ring loads. */
  ribDelayMs: number;
  p99Ms: Float32Array;
  errorRps: Float32Array;
  rttMs: Float64Array;
  rttMeasured: Uint8Array;
  /** Sampled requests' why-traces (about one per client region per second). */
  traces: WhyTrace[];
  crashed: { region: number; atS: number }[];
  events: { atS: number; label: string }[];
}

/**
 * What an experiment of this lab implies for the view beyond the parameters it shares by name: the incident
 * of mesh-spike or mesh-outage, and the first of its `policies` as the one policy the map animates.
 */
export function meshViewFollow(
  experimentId: string,
  values: Readonly<Record<string, string>>,
): Record<string, string> {
  const out: Record<string, string> = {};
  if (experimentId === 'mesh-spike') out.scenario = 'spike';
  if (experimentId === 'mesh-outage') out.scenario = 'outage';
  const first = values.policies?.split(',')[0]?.trim();
  if (first) out.policy = first;
  return out;
}

export const RING_NAMES = ['same region', 'neighbours', 'continent', 'global'] as const;

export const meshView = defineLabView({
  title: 'Where traffic goes during an incident',
  description:
    'A seeded spike or outage through the mesh simulator: every request routed by rings and two choices; ' +
    'the map shows per-second utilisation, traffic between regions, and why a client region routes as it does.',
  params,
  // One run of the simulator over the whole world (as mesh-spike / mesh-outage count theirs): the base demand
  // everywhere, plus the spike in the spiking region; RIB rounds every second over every server.
  work(p) {
    const spike = p.scenario !== 'outage';
    const regionParam = spike ? 'spikeRegion' : 'failRegion';
    const { world, cap, region } = worldAndRegion(
      p.world,
      regionParam,
      p[regionParam],
      params[regionParam].default,
    );
    let demandRps = 0;
    for (const c of cap) demandRps += c * p.baseLoad;
    if (spike) demandRps += p.spikeFactor * cap[region]!;
    const servers = world.regions.reduce((a, r) => a + r.servers, 0);
    const run = {
      durationS: p.durationS,
      demandRps,
      servers,
      regions: world.regions.length,
      scanEveryMs: [1000],
      workload: p.workload,
    };
    return meshWork([run], "durationS, baseLoad or spikeFactor, or the world's servers or serverCapacityRps");
  },
  async build(p: ParamsOf<typeof params>, ctx): Promise<MeshViewModel> {
    const scenario = p.scenario === 'outage' ? 'outage' : 'spike';
    const regionParam = scenario === 'spike' ? 'spikeRegion' : 'failRegion';
    const regionId = p[regionParam];
    const {
      world,
      R,
      cap,
      region: incident,
    } = worldAndRegion(p.world, regionParam, regionId, params[regionParam].default);
    const atS = Math.min(scenario === 'spike' ? p.spikeAtS : p.failAtS, p.durationS - 2);
    const events: ScenarioEvent[] =
      scenario === 'spike'
        ? [{ atS, kind: 'demand', region: incident, rps: p.spikeFactor * cap[incident]! }]
        : [{ atS, kind: 'fail', region: incident }];
    const ribDelayMs = scenario === 'outage' ? 2000 : 1000;
    const { res } = await runWithProgress(
      {
        world,
        policy: p.policy as Policy,
        threshold: p.threshold,
        durationS: p.durationS,
        workload: p.workload as Workload,
        demandRps: cap.map((c) => c * p.baseLoad),
        events,
        traceEveryMs: 1000,
        traceLimit: R * (p.durationS + 1),
        crashUtil: scenario === 'outage' ? 1 : 0,
        crashWindows: 5,
        ribDelayMs,
      },
      ctx.rng.fork('view'),
      ctx,
      0,
      1,
      'simulating',
    );
    const W = res.windows;
    const perS = 1000 / res.windowMs;
    const util = new Float32Array(W * R);
    const upRps = new Float32Array(W * R);
    for (let w = 0; w < W; w++)
      for (let r = 0; r < R; r++) {
        util[w * R + r] = (res.landed[w * R + r]! * perS) / cap[r]!;
        upRps[w * R + r] = res.capacityRps[w * R + r]!;
      }
    const ringShare = new Float32Array(W * R * RINGS);
    for (let w = 0; w < W; w++)
      for (let c = 0; c < R; c++) {
        let sum = 0;
        for (let j = 0; j < RINGS; j++) sum += res.ringUse[(w * R + c) * RINGS + j]!;
        for (let j = 0; j < RINGS; j++)
          ringShare[(w * R + c) * RINGS + j] = sum > 0 ? res.ringUse[(w * R + c) * RINGS + j]! / sum : 0;
      }
    const label =
      scenario === 'spike' ? `${regionId} demand → ${p.spikeFactor}× capacity` : `${regionId} servers fail`;
    return {
      scenario,
      policy: p.policy as Policy,
      workload: p.workload as Workload,
      threshold: p.threshold,
      boundsMs: DEFAULT_BOUNDS_MS.map((b) => (Number.isFinite(b) ? b : -1)),
      incidentRegion: incident,
      incidentAtS: atS,
      regions: world.regions.map((r, i) => ({ ...r, capacityRps: cap[i]! })),
      windowMs: res.windowMs,
      windows: W,
      util,
      upRps,
      flows: Float32Array.from(res.flows, (x) => x * perS),
      ringOf: res.ringOf,
      ringShare,
      ringSeen: Float32Array.from(res.ringSeen),
      ringKeep: Float32Array.from(res.ringKeep),
      ribDelayMs,
      p99Ms: Float32Array.from(res.p99PerWindow),
      errorRps: Float32Array.from(res.errors, (x) => x * perS),
      rttMs: world.rttMs,
      rttMeasured: world.rttMeasured,
      traces: res.traces,
      crashed: res.crashed,
      events: [
        { atS, label },
        ...res.crashed.map((c) => ({ atS: c.atS, label: `${world.regions[c.region]!.id} fails (overload)` })),
      ],
    };
  },
});

/** What client region c's router acts on during window w: the RIB's last published ring loads. */
export interface RouterView {
  /** Published load (offered / capacity) per ring; zeros before anything is published. */
  seen: number[];
  /** Share of each ring's traffic kept (the rest spills outward); ones before anything is published. */
  keep: number[];
  /** The published figure covers [measuredFromS, measuredToS] and reached clients at publishedAtS. */
  measuredFromS: number;
  measuredToS: number;
  publishedAtS: number;
  /** False until the first publication (the router then treats every ring as empty). */
  published: boolean;
}

/**
 * The ring loads client c routes on during window w. The RIB measures every window and publishes
 * `ribDelayMs` later (core/mesh/sim.ts `rib-measure`); the value in force while window w runs is the one
 * stored when window w − 1 closed, so at a spike's onset it still shows the load from before the spike.
 */
export function routerView(m: MeshViewModel, c: number, w: number): RouterView {
  const R = m.regions.length;
  const ws = m.windowMs / 1000;
  // Last publication at or before the start of window w: k·window + delay ≤ w·window (windows of equal length).
  const k = Math.floor((w * m.windowMs - m.ribDelayMs) / m.windowMs);
  const v = w - 1;
  if (k < 1 || v < 0) {
    return {
      seen: Array.from({ length: RINGS }, () => 0),
      keep: Array.from({ length: RINGS }, () => 1),
      measuredFromS: 0,
      measuredToS: 0,
      publishedAtS: 0,
      published: false,
    };
  }
  const base = (v * R + c) * RINGS;
  return {
    seen: Array.from({ length: RINGS }, (_, j) => m.ringSeen[base + j]!),
    keep: Array.from({ length: RINGS }, (_, j) => m.ringKeep[base + j]!),
    measuredFromS: (k - 1) * ws,
    measuredToS: k * ws,
    publishedAtS: k * ws + m.ribDelayMs / 1000,
    published: true,
  };
}

/** "the router sees 49% (RIB figure for 13–14 s, published at 15 s)", or that nothing is published yet. */
export function routerSeesText(rv: RouterView, ring: number): string {
  if (!rv.published) return 'the router sees no published load yet';
  const s = (x: number): string => String(Math.round(x * 10) / 10);
  return `the router sees ${pct(rv.seen[ring]!, 0)} (RIB figure for ${s(rv.measuredFromS)}–${s(rv.measuredToS)} s, published at ${s(rv.publishedAtS)} s)`;
}

/**
 * Why client region c's requests went where they did in window w: one line per ring, e.g.
 * "ring 1 (same region) above 75% — the router sees 200% (RIB figure for 23–24 s, published at 25 s) → kept
 * 37%, spilled to ring 2; got 37% of requests". The load named is the published one the router acts on,
 * not the true utilisation of this second.
 */
export function explainRouting(m: MeshViewModel, c: number, w: number): string[] {
  const R = m.regions.length;
  const lines: string[] = [];
  const inRing = (j: number): string[] =>
    m.regions.filter((_, r) => m.ringOf[c * R + r] === j && m.upRps[w * R + r]! > 0).map((r) => r.id);
  const base = (w * R + c) * RINGS;
  const rv = routerView(m, c, w);
  let firstUsed = -1;
  for (let j = 0; j < RINGS; j++) {
    const members = inRing(j);
    const share = m.ringShare[base + j]!;
    const name = `ring ${j + 1} (${RING_NAMES[j]})`;
    if (members.length === 0) {
      lines.push(`${name}: no server in bound`);
      continue;
    }
    const next = j + 1 < RINGS ? `ring ${j + 2}` : 'nowhere';
    if (m.policy === 'servicerouter') {
      const keep = rv.keep[j]!;
      const sees = routerSeesText(rv, j);
      if (keep < 1)
        lines.push(
          `${name} above ${pct(m.threshold, 0)} — ${sees} → kept ${pct(keep, 0)}, spilled to ${next}; got ${pct(share, 0)} of requests`,
        );
      else
        lines.push(
          `${name} not above ${pct(m.threshold, 0)} — ${sees} → keeps its traffic; got ${pct(share, 0)} of requests`,
        );
      if (keep >= 1) break;
    } else if (m.policy === 'envoy-priority') {
      lines.push(`${name} = priority ${j}: health-based share ${pct(share, 0)} (load is not a signal)`);
      if (share > 0.999) break;
    } else if (m.policy === 'latency-rings') {
      lines.push(`${name} has servers in bound → takes all traffic (${pct(share, 0)}), whatever its load`);
      break;
    } else {
      if (firstUsed < 0) lines.push('round robin over every server in the world, ignoring rings and load');
      firstUsed = j;
      lines.push(`${name}: ${pct(share, 0)} of requests`);
    }
  }
  return lines;
}
