// Shared pieces of the mesh experiments and view: the default world's region options, running a
// simulation in chunks with progress, and steady-state summaries of a run's per-window record.
import { formatCount } from '../experiments/run';
import type { Result, RunContext, WorkEstimate } from '../experiments/types';
import { MeshSim, RINGS, WORKLOADS, histPercentile } from './sim';
import type { SimConfig, SimResult } from './sim';
import { UserError } from '../experiments/errors';
import { defaultWorld, parseWorldText } from './world';
import type { World } from './world';
import type { Rng } from '../kernel/rng';

export const REGION_IDS: readonly string[] = defaultWorld().regions.map((r) => r.id);
/** Region parameters take the built-in ids, or a region of the user's world file (resolveRegion checks it). */
export const REGION_OPEN = 'a region id of your world file';

/** The region ids to offer for a region parameter: the loaded world file's (none while it is invalid), else the built-in ones. */
export function suggestRegions(values: Readonly<Record<string, string>>): readonly string[] {
  const text = values.world ?? '';
  if (text.trim() === '') return REGION_IDS;
  try {
    return parseWorldText(text, 'world').regions.map((r) => r.id);
  } catch {
    return [];
  }
}

/**
 * The `world` parameter (issue item 1: "users can load their own JSON, validated"): a world file's text,
 * '' for the built-in world (assets/mesh/regions.json). Checked by world.ts's zod schema.
 */
export const WORLD_PARAM = {
  kind: 'text',
  label: 'World file',
  advanced: true,
  help:
    'Your own regions and RTTs as JSON (the format of assets/mesh/regions.json: regions with id, name, lat, ' +
    'lon, continent, servers; optional rtt matrix or measuredPairs, missing pairs estimated by great circle). ' +
    'Empty = the built-in twelve regions. Region parameters name a region of this world.',
  default: '',
  maxLength: 1_000_000,
} as const;

/**
 * The `workload` parameter of the mesh experiments and view (issue 17): what a request is. `advanced` hides
 * it behind the form's advanced fold where the experiment is about something else.
 */
export function workloadParam(advanced: boolean) {
  return {
    kind: 'enum',
    label: 'Requests',
    help:
      'uniform: every request costs the same server work (the paper publishes no request mix). rpc: each ' +
      'request is a call of the RPC lab’s fitted fleet (SOSP’23): method by popularity, server CPU from its ' +
      'method (clipped to 0.01–5 ms; the mean call costs one request of capacity), its bytes on the wire.',
    default: 'uniform',
    options: WORKLOADS,
    advanced,
  } as const;
}

/** The world a run uses: the built-in one for '', else the user's file (one-line UserError when invalid). */
export function loadWorld(text: string): World {
  return text.trim() === '' ? defaultWorld() : parseWorldText(text, 'world');
}

/**
 * The index of the region a region parameter names. In the built-in world every option exists; in a
 * user's world the id must be one of the file's regions (a one-line error lists them otherwise), except
 * that the parameter's default falls to the file's first region, so a file with its own ids runs as is.
 */
export function resolveRegion(
  world: World,
  param: string,
  id: string,
  defaultId: string,
  custom: boolean,
): number {
  const i = world.regions.findIndex((r) => r.id === id);
  if (i >= 0) return i;
  if (custom && id === defaultId) return 0;
  const known = world.regions.map((r) => r.id);
  const list = known.length > 12 ? `${known.slice(0, 12).join(', ')}, …` : known.join(', ');
  throw new UserError(
    `${param}: region "${id}" is not in the ${custom ? 'world file' : 'world'} (its regions: ${list})`,
  );
}

/**
 * The world a run uses (`worldText`: '' = built in), each region's capacity, and the region a region
 * parameter names (`param` = `id`, its default `defaultId`), checked against that world.
 */
export function worldAndRegion(
  worldText: string,
  param: string,
  id: string,
  defaultId: string,
): { world: World; custom: boolean; R: number; cap: number[]; region: number } {
  const custom = worldText.trim() !== '';
  const world = loadWorld(worldText);
  const region = resolveRegion(world, param, id, defaultId, custom);
  return { world, custom, R: world.regions.length, cap: capacityRps(world), region };
}

/** A result table naming the world a run used. */
export function worldTable(
  world: World,
  custom: boolean,
  extra: (string | number)[][] = [],
): { columns: string[]; rows: (string | number)[][] } {
  let servers = 0;
  for (const r of world.regions) servers += r.servers;
  return {
    columns: ['property', 'value'],
    rows: [
      ['source', custom ? 'world file (the world parameter)' : 'assets/mesh/regions.json (built in)'],
      ['name', world.name],
      ['regions', world.regions.length],
      ['servers', servers],
      ['server capacity (req/s)', world.serverCapacityRps],
      ...extra,
    ],
  };
}

export function capacityRps(world: World): number[] {
  return world.regions.map((r) => r.servers * world.serverCapacityRps);
}

/** Routing decisions between two progress calls: about 100 ms of work. */
const DECISIONS_PER_CHUNK = 500_000;

/** Run `config` in `chunks` pieces, reporting progress in [from, to] between them. */
export async function runWithProgress(
  config: SimConfig,
  rng: Rng,
  ctx: Pick<RunContext, 'progress'>,
  from: number,
  to: number,
  label: string,
  chunks = 10,
): Promise<{ sim: MeshSim; res: SimResult }> {
  const sim = new MeshSim(config, rng);
  const endMs = config.durationS * 1000;
  // Progress (and cancellation) at least every ~100 ms of work: one chunk per DECISIONS_PER_CHUNK decisions
  // (the steps a chunk covers do not change what is simulated).
  let demand = 0;
  for (const d of config.demandRps) demand += d;
  for (const e of config.events ?? []) if (e.kind === 'demand') demand += e.rps;
  const steps = Math.ceil(endMs / (config.stepMs ?? 10));
  chunks = Math.min(steps, Math.max(chunks, Math.ceil((demand * config.durationS) / DECISIONS_PER_CHUNK)));
  await ctx.progress(from, label);
  for (let i = 1; i <= chunks; i++) {
    sim.advance((endMs * i) / chunks);
    await ctx.progress(from + ((to - from) * i) / chunks, label);
  }
  return { sim, res: sim.finish() };
}

export interface Steady {
  /** Landed rate / live capacity per region, averaged over the window range (NaN where no capacity). */
  util: number[];
  maxUtil: number;
  maxRegion: number;
  crossFraction: number;
  p50Ms: number;
  p99Ms: number;
  errorFraction: number;
  /** Where client c's requests went: share per server region. */
  flowShare(c: number): number[];
  /** Share of client c's requests per ring. */
  ringShare(c: number): number[];
}

/** Summaries over windows [fromW, toW) of a run. */
export function steady(res: SimResult, fromW: number, toW: number): Steady {
  const R = res.regions;
  const landed = new Array<number>(R).fill(0);
  const capSum = new Array<number>(R).fill(0);
  let total = 0;
  let cross = 0;
  let errors = 0;
  for (let w = fromW; w < toW; w++) {
    errors += res.errors[w]!;
    for (let r = 0; r < R; r++) {
      landed[r]! += res.landed[w * R + r]!;
      capSum[r]! += (res.capacityRps[w * R + r]! * res.windowMs) / 1000;
    }
    for (let c = 0; c < R; c++)
      for (let r = 0; r < R; r++) {
        const f = res.flows[(w * R + c) * R + r]!;
        total += f;
        if (c !== r) cross += f;
      }
  }
  const util = landed.map((l, r) => (capSum[r]! > 0 ? l / capSum[r]! : NaN));
  let maxUtil = 0;
  let maxRegion = 0;
  util.forEach((u, r) => {
    if (u > maxUtil) {
      maxUtil = u;
      maxRegion = r;
    }
  });
  const sumRange = (
    arr: Float64Array,
    stride: number,
    offset: (w: number) => number,
    n: number,
  ): number[] => {
    const out = new Array<number>(n).fill(0);
    for (let w = fromW; w < toW; w++) for (let k = 0; k < n; k++) out[k]! += arr[offset(w) + k * stride]!;
    const sum = out.reduce((a, b) => a + b, 0);
    return out.map((x) => (sum > 0 ? x / sum : 0));
  };
  return {
    util,
    maxUtil,
    maxRegion,
    crossFraction: total > 0 ? cross / total : 0,
    p50Ms: histPercentile(res.latencyHist, 50),
    p99Ms: histPercentile(res.latencyHist, 99),
    errorFraction: total + errors > 0 ? errors / (total + errors) : 0,
    flowShare: (c) => sumRange(res.flows, 1, (w) => (w * R + c) * R, R),
    ringShare: (c) => sumRange(res.ringUse, 1, (w) => (w * R + c) * RINGS, RINGS),
  };
}

/** A value of a result's world table (e.g. the region a run used), or `fallback` for results without one. */
export function worldValue(result: Result, property: string, fallback: unknown): string {
  const row = result.tables.world?.rows.find((r) => r[0] === property);
  return String(row ? row[1] : fallback);
}

/**
 * An incident time must leave `tailS` seconds of the run after it (it is refused, never clamped): the
 * `check` of mesh-spike (spikeAtS) and mesh-outage (failAtS).
 */
export function incidentInRun<F extends string>(
  field: F,
  atS: number,
  durationS: number,
  tailS: number,
): { field: F; reason: string } | undefined {
  if (atS <= durationS - tailS) return undefined;
  return { field, reason: `must be at most durationS − ${tailS} = ${durationS - tailS} s (got ${atS})` };
}

/** Microseconds per routing decision of the mesh simulator (bench/work.bench.ts); scans cost as much per server. */
export const DECISION_US = 0.25;

/** A decision with the rpc workload costs about this many uniform ones (bench/mesh.bench.ts: 49 vs 16 draws' CPU). */
const RPC_DECISION_COST = 3;

/** What one mesh simulation does, for its work estimate. */
export interface MeshRunShape {
  durationS: number;
  /** Aggregate requests per second (routing decisions at request weight 1). */
  demandRps: number;
  servers: number;
  regions: number;
  stepMs?: number;
  /** Periods (ms) of the passes over every server: polls, CV samples, RIB measurements; 0 = none. */
  scanEveryMs: readonly number[];
  /** The rpc workload: sampling each call and keeping its finish time (RPC_DECISION_COST decisions each). */
  workload?: string;
}

/**
 * The work of `runs` mesh simulations: every routing decision, every step, every pass over the servers
 * (polls, CV samples, RIB rounds) and each client's view of every server (the piggybacked table).
 */
export function meshWork(runs: readonly MeshRunShape[], lower: string): WorkEstimate {
  let units = 0;
  let decisions = 0;
  for (const r of runs) {
    const ms = r.durationS * 1000;
    let scans = 0;
    for (const every of r.scanEveryMs) if (every > 0) scans += Math.ceil(ms / every);
    decisions += r.durationS * r.demandRps;
    const perDecision = r.workload === 'rpc' ? RPC_DECISION_COST : 1;
    units +=
      perDecision * r.durationS * r.demandRps +
      ms / (r.stepMs ?? 10) +
      scans * r.servers +
      r.regions * r.servers;
  }
  const r0 = runs[0]!;
  const rpc = r0.workload === 'rpc';
  const calls = rpc ? ` × ${RPC_DECISION_COST} (work of an rpc call, in uniform decisions)` : '';
  const extra = units > decisions * (rpc ? RPC_DECISION_COST : 1) * 1.01 ? ' (+ steps and server scans)' : '';
  return {
    units,
    what: 'routing decisions',
    formula: `${runs.length} run${runs.length === 1 ? '' : 's'} × ${r0.durationS} s × ${formatCount(r0.demandRps)} req/s${calls}${extra}`,
    unitCostUs: DECISION_US,
    lower: rpc ? `${lower}, or set workload to uniform` : lower,
  };
}
