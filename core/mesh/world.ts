// The mesh lab's world: regions (coordinates, continent, servers) and the inter-region RTT matrix, from
// the default data file in assets/mesh/ or a user's JSON (validated with zod, one-line errors).
import { z } from 'zod';
import defaultWorldJson from '../../assets/mesh/regions.json';
import { UserError } from '../experiments/errors';

export interface Region {
  id: string;
  name: string;
  lat: number;
  lon: number;
  continent: string;
  servers: number;
}

export interface World {
  name: string;
  regions: Region[];
  /** Requests per second one server completes (service time = 1000 / capacity ms). */
  serverCapacityRps: number;
  /** Row-major R×R round-trip times in ms. */
  rttMs: Float64Array;
  /** 1 where rttMs[i] came from a measured table, 0 where it is the great-circle estimate. */
  rttMeasured: Uint8Array;
  rttModel: RttModel;
}

export interface RttModel {
  fiberSpeedKmPerMs: number;
  routeInflation: number;
  intraRegionMs: number;
}

/** The most (client region, server) pairs a world may have: 64 regions × 31,250 servers. */
export const MAX_REGION_SERVER_PAIRS = 2_000_000;

/** 2/3 c in km/ms, the usual speed of light in fibre. */
export const FIBER_KM_PER_MS = (299_792.458 * 2) / 3 / 1000;
export const DEFAULT_RTT_MODEL: RttModel = {
  fiberSpeedKmPerMs: FIBER_KM_PER_MS,
  routeInflation: 1.5,
  intraRegionMs: 0.5,
};

const EARTH_RADIUS_KM = 6371.0088;
const rad = (deg: number): number => (deg * Math.PI) / 180;

/** Great-circle distance by the haversine formula. */
export function greatCircleKm(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const dLat = rad(lat2 - lat1);
  const dLon = rad(lon2 - lon1);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(lat1)) * Math.cos(rad(lat2)) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}

/**
 * Estimated RTT: 2 × distance / (2/3 c) × route inflation (an assumption: fibre runs longer than the
 * great circle), rounded to 0.1 ms; the intra-region RTT for the same region.
 */
export function estimateRttMs(a: Region, b: Region, model: RttModel = DEFAULT_RTT_MODEL): number {
  if (a.id === b.id) return model.intraRegionMs;
  const km = greatCircleKm(a.lat, a.lon, b.lat, b.lon);
  return Math.round(((2 * km) / model.fiberSpeedKmPerMs) * model.routeInflation * 10) / 10;
}

const regionSchema = z.object({
  id: z.string().regex(/^[a-z0-9-]{1,16}$/, 'must be 1-16 of a-z, 0-9, -'),
  name: z.string().min(1).max(80),
  lat: z.number().min(-90).max(90),
  lon: z.number().min(-180).max(180),
  continent: z.string().min(1).max(40),
  servers: z.number().int().min(1).max(10_000),
});

const worldSchema = z.object({
  name: z.string().min(1).max(200).default('custom world'),
  serverCapacityRps: z.number().positive().max(1e7).default(100),
  rttModel: z
    .object({
      // Light in fibre runs at ~200 km/ms; 10..300 (c) keeps estimates physical.
      fiberSpeedKmPerMs: z.number().min(10).max(300),
      routeInflation: z.number().min(1).max(10),
      intraRegionMs: z.number().min(0).max(100),
    })
    .optional(),
  regions: z.array(regionSchema).min(1).max(64),
  /** A full matrix over `ids` (kind says whether it is measured or estimated). */
  rtt: z
    .object({
      kind: z.enum(['measured', 'estimated']),
      ids: z.array(z.string()),
      ms: z.array(z.array(z.number().min(0).max(2000))),
    })
    .optional(),
  /** Measured pairs (symmetric); they override the matrix, and missing pairs are estimated. */
  measuredPairs: z
    .array(z.object({ a: z.string(), b: z.string(), ms: z.number().min(0).max(2000) }))
    .optional(),
});

function oneLine(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid world file';
  const path = issue.path.length ? issue.path.join('.') : '(root)';
  return `${path}: ${issue.message}`;
}

/** Parse and check a world JSON (a parsed value); throws a one-line UserError naming the field. */
export function parseWorld(raw: unknown, label = 'world'): World {
  const parsed = worldSchema.safeParse(raw);
  if (!parsed.success) throw new UserError(`${label}: ${oneLine(parsed.error)}`);
  const w = parsed.data;
  const ids = w.regions.map((r) => r.id);
  const index = new Map<string, number>();
  ids.forEach((id, i) => {
    if (index.has(id)) throw new UserError(`${label}: regions.${i}.id: duplicate region "${id}"`);
    index.set(id, i);
  });
  const R = ids.length;
  let servers = 0;
  for (const r of w.regions) servers += r.servers;
  // Each client region keeps a view of every server (MeshSim's piggybacked table: 40 bytes a pair).
  if (R * servers > MAX_REGION_SERVER_PAIRS)
    throw new UserError(
      `${label}: regions × servers = ${R} × ${servers.toLocaleString('en-US')} exceeds ${MAX_REGION_SERVER_PAIRS.toLocaleString('en-US')}; use fewer servers or regions`,
    );
  const model = w.rttModel ?? DEFAULT_RTT_MODEL;
  const rttMs = new Float64Array(R * R);
  const measured = new Uint8Array(R * R);
  for (let i = 0; i < R; i++)
    for (let j = 0; j < R; j++) rttMs[i * R + j] = estimateRttMs(w.regions[i]!, w.regions[j]!, model);
  const lookup = (id: string, where: string): number => {
    const k = index.get(id);
    if (k === undefined) throw new UserError(`${label}: ${where}: unknown region "${id}"`);
    return k;
  };
  if (w.rtt) {
    const m = w.rtt;
    const seen = new Set<string>();
    m.ids.forEach((id, i) => {
      if (seen.has(id)) throw new UserError(`${label}: rtt.ids.${i}: duplicate region "${id}"`);
      seen.add(id);
    });
    if (m.ms.length !== m.ids.length)
      throw new UserError(`${label}: rtt.ms: needs ${m.ids.length} rows (got ${m.ms.length})`);
    m.ids.forEach((a, i) => {
      const row = m.ms[i]!;
      if (row.length !== m.ids.length)
        throw new UserError(`${label}: rtt.ms.${i}: needs ${m.ids.length} values (got ${row.length})`);
      const ia = lookup(a, `rtt.ids.${i}`);
      m.ids.forEach((b, j) => {
        const ib = lookup(b, `rtt.ids.${j}`);
        if (row[j] !== m.ms[j]![i])
          throw new UserError(
            `${label}: rtt.ms.${i}.${j}: ${row[j]} ms differs from rtt.ms.${j}.${i} (${m.ms[j]![i]} ms); RTTs are symmetric`,
          );
        rttMs[ia * R + ib] = row[j]!;
        measured[ia * R + ib] = m.kind === 'measured' ? 1 : 0;
      });
    });
  }
  (w.measuredPairs ?? []).forEach((p, k) => {
    const a = lookup(p.a, `measuredPairs.${k}.a`);
    const b = lookup(p.b, `measuredPairs.${k}.b`);
    if (a === b)
      throw new UserError(
        `${label}: measuredPairs.${k}: a pair of "${p.a}" with itself (set rttModel.intraRegionMs)`,
      );
    rttMs[a * R + b] = rttMs[b * R + a] = p.ms;
    measured[a * R + b] = measured[b * R + a] = 1;
  });
  return {
    name: w.name,
    regions: w.regions,
    serverCapacityRps: w.serverCapacityRps,
    rttMs,
    rttMeasured: measured,
    rttModel: model,
  };
}

/** Parse a world from JSON text (a user's file); one-line errors for bad JSON too. */
export function parseWorldText(text: string, label = 'world'): World {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new UserError(`${label}: not valid JSON (${(e as Error).message.split('\n')[0]})`);
  }
  return parseWorld(raw, label);
}

let cached: World | undefined;
/** The default world from assets/mesh/regions.json (imported, never read from disk). */
export function defaultWorld(): World {
  cached ??= parseWorld(defaultWorldJson, 'assets/mesh/regions.json');
  return cached;
}

export function regionIndex(world: World, id: string): number {
  const i = world.regions.findIndex((r) => r.id === id);
  if (i < 0)
    throw new UserError(`unknown region "${id}" (known: ${world.regions.map((r) => r.id).join(', ')})`);
  return i;
}
