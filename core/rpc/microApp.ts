// An RPC workload as a microservice app (issue 17: "the microservice lab's apps can take an RPC workload"):
// the fleet's most popular methods as services of a wiring spec (core/micro/spec.ts), each entered with its
// fitted share of calls, paying its method's fitted processing time, sending and receiving the median sizes
// of its sampled RPCs, and fanning out as the fitted call trees' roots do. Storage methods end at a backend
// of their category (caches for ssd-cache, databases for the others).
import { FastRng } from '../kernel/fastRng';
import type { Rng } from '../kernel/rng';
import type { Spec } from '../micro/spec';
import { CATEGORIES, STORAGE } from './categories';
import { sampleDescendants, sampleTree } from './tree';
import { CPU_CLIP_MS, fleetCatalog, sampleRpcWorkload } from './workload';
import type { Catalog } from './workload';

/**
 * ASSUMPTIONS: a method's CPU is its fitted mean processing time, clipped by CPU_CLIP_MS; the
 * more popular half of the methods call up to 3 methods of the less popular half, as many as a fitted call
 * tree's root issues (capped), and those make no further method calls: two levels, wide rather than deep.
 */
const MAX_FANOUT = 3;

/** The `methods` most popular methods of the catalogue, most popular first. */
function topMethods(catalog: Catalog, methods: number): number[] {
  return Array.from(catalog.prob.keys())
    .sort((a, b) => catalog.prob[b]! - catalog.prob[a]! || a - b)
    .slice(0, methods);
}

/** Median request and response bytes of each of `methods` among `n` sampled RPCs (64 B when none sampled). */
function medianSizes(rng: Rng, catalog: Catalog, methods: readonly number[], n: number) {
  const s = sampleRpcWorkload(rng, n, catalog);
  const index = new Map(methods.map((m, i) => [m, i]));
  const req: number[][] = methods.map(() => []);
  const resp: number[][] = methods.map(() => []);
  for (let i = 0; i < n; i++) {
    const k = index.get(s.method[i]!);
    if (k === undefined) continue;
    req[k]!.push(s.requestB[i]!);
    resp[k]!.push(s.responseB[i]!);
  }
  const median = (xs: number[]) => (xs.length ? xs.sort((a, b) => a - b)[xs.length >> 1]! : 64);
  return methods.map((_, k) => ({
    reqBytes: Math.round(median(req[k]!)),
    respBytes: Math.round(median(resp[k]!)),
  }));
}

type Service = Spec['workflow']['services'][string];

export function rpcWorkloadSpec(rng: Rng, methods = 24): Spec {
  const catalog = fleetCatalog();
  const top = topMethods(catalog, methods);
  const sizes = medianSizes(rng.fork('sizes'), catalog, top, 200_000);
  const f = new FastRng(rng.fork('fanout'));
  const name = (k: number) => `m${k + 1}`;
  const backendOf = (k: number) => CATEGORIES[catalog.category[top[k]!]!]!;
  const services: Record<string, Service> = {};
  top.forEach((_, k) => {
    const category = backendOf(k);
    const calls: Service['ops'][string]['calls'] = [];
    if (STORAGE.has(category)) calls.push({ to: category, ...sizes[k]! });
    const tree = sampleTree(f, sampleDescendants(f, catalog.fit));
    const rootChildren = tree.parent.filter((p) => p === 0).length;
    const half = Math.ceil(top.length / 2);
    const fanout = k < half && half < top.length ? Math.min(MAX_FANOUT, rootChildren) : 0;
    for (let c = 0; c < fanout; c++) {
      const child = half + Math.floor(f.float() * (top.length - half));
      if (!calls.some((x) => x.to === `${name(child)}.call`))
        calls.push({ to: `${name(child)}.call`, ...sizes[child]! });
    }
    const cpuMs = Math.min(CPU_CLIP_MS.max, Math.max(CPU_CLIP_MS.min, catalog.meanMs[top[k]!]!));
    services[name(k)] = { ops: { call: { cpuMs: Number(cpuMs.toPrecision(3)), calls } } };
  });
  const storage = [...STORAGE];
  return {
    app: `rpc-workload-${methods}`,
    workflow: {
      entries: top.map((m, k) => ({
        op: `${name(k)}.call`,
        weight: Number(catalog.prob[m]!.toPrecision(4)),
      })),
      services,
      backends: Object.fromEntries(
        storage.map((c) => [c, c === 'ssd-cache' ? 'cache' : 'database'] as const),
      ),
    },
    scaffolding: {
      rpc: { kind: 'grpc', callCpuUs: 20, cpuUsPerKB: 8, networkUs: 60 },
      functionCallUs: 0.5,
      tracer: { kind: 'none' },
      backends: Object.fromEntries(
        storage.map((c) => [
          c,
          c === 'ssd-cache'
            ? { impl: 'memcached' as const, latencyMs: 0.15, capacity: 64 }
            : { impl: 'mysql' as const, latencyMs: 1.5, capacity: 64 },
        ]),
      ),
    },
    instantiation: {
      machines: { m0: { cores: 8, queueLimit: 10_000 } },
      defaultMachine: 'm0',
      processes: {},
      client: { timeoutMs: 1000, retries: 0, backoffMs: 0 },
    },
  };
}
