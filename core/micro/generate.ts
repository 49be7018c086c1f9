// A generator of Alibaba-scale wiring specs for micro-compile-scale (Blueprint's evaluation compiled one derived from
// Alibaba's microservice traces, ~3000 services). The call-graph shape follows the published trace studies:
// Luo et al. (SoCC'21) find Alibaba's call graphs tree-like with heavy-tailed sizes and many hot-spot
// services; Winchester et al. (2025, Alibaba's 2022 trace, Table 1) count 13% entry, 48% middle and 39% leaf
// microservices. ASSUMPTION (defaults of GeneratorShape): out-degree drawn from a Pareto tail (α = 1.5, 1–12
// calls), 30% of calls go to a hot set (the first 5% of the leaves), one backend per 20 leaves, every call to a later service (a DAG).
import type { Rng } from '../kernel/rng';
import type { Spec } from './spec';

export const ALIBABA_SHARES = { entry: 0.13, middle: 0.48, leaf: 0.39 } as const;

/** The call-graph shape's knobs: Pareto α of the out-degree, its cap, and the share of calls to hot spots. */
export interface GeneratorShape {
  fanoutAlpha: number;
  maxFanout: number;
  hotShare: number;
}
export const DEFAULT_SHAPE: GeneratorShape = { fanoutAlpha: 1.5, maxFanout: 12, hotShare: 0.3 };

type Op = Spec['workflow']['services'][string]['ops'][string];

/** A spec of `services` services shaped like Alibaba's deployment (entry → middle → leaf) on one machine of `cores`, deterministic in rng. */
export function alibabaSpec(
  services: number,
  rng: Rng,
  cores = 64,
  shape: GeneratorShape = DEFAULT_SHAPE,
): Spec {
  const entries = Math.max(1, Math.round(services * ALIBABA_SHARES.entry));
  const leaves = Math.max(1, Math.round(services * ALIBABA_SHARES.leaf));
  const middles = Math.max(0, services - entries - leaves);
  const firstLeaf = entries + middles;
  const name = (i: number): string => (i < entries ? `entry${i}` : i < firstLeaf ? `mid${i}` : `leaf${i}`);
  const backendsN = Math.max(1, Math.ceil(leaves / 20));
  const hot = Math.max(1, Math.ceil(leaves * 0.05));
  const outDegree = (): number =>
    Math.min(shape.maxFanout, Math.floor(1 / Math.pow(1 - rng.float(), 1 / shape.fanoutAlpha)));
  const target = (from: number): number => {
    if (rng.bernoulli(shape.hotShare)) return firstLeaf + rng.int(0, hot - 1);
    const lo = Math.max(from + 1, entries);
    return rng.int(lo, services - 1);
  };
  const svc: Spec['workflow']['services'] = {};
  for (let i = 0; i < services; i++) {
    const calls: Op['calls'] = [];
    if (i >= firstLeaf) {
      calls.push({ to: `db${(i - firstLeaf) % backendsN}`, reqBytes: 256, respBytes: 1024 });
    } else {
      const seen = new Set<number>();
      for (let k = outDegree(); k > 0; k--) {
        const t = target(i);
        if (t > i && !seen.has(t)) {
          seen.add(t);
          calls.push({ to: `${name(t)}.op`, reqBytes: 512, respBytes: 1024 });
        }
      }
    }
    svc[name(i)] = { ops: { op: { cpuMs: 0.1, calls } } };
  }
  const backendNames = Array.from({ length: backendsN }, (_, b) => `db${b}`);
  return {
    app: `alibaba-${services}`,
    workflow: {
      entries: Array.from({ length: entries }, (_, i) => ({ op: `${name(i)}.op`, weight: 1 })),
      services: svc,
      backends: Object.fromEntries(backendNames.map((b) => [b, 'database' as const])),
    },
    scaffolding: {
      rpc: { kind: 'grpc', callCpuUs: 20, cpuUsPerKB: 8, networkUs: 60 },
      functionCallUs: 0.5,
      tracer: { kind: 'none' },
      backends: Object.fromEntries(
        backendNames.map((b) => [b, { impl: 'mysql' as const, latencyMs: 1, capacity: 64 }]),
      ),
    },
    instantiation: {
      machines: { m0: { cores, queueLimit: 10_000 } },
      defaultMachine: 'm0',
      processes: {},
      client: { timeoutMs: 1000, retries: 0, backoffMs: 0 },
    },
  };
}
