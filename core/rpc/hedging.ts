// Hedged requests and the CPU they waste (“Resource Utilization”: cancelled requests are the largest CPU cost among unsuccessful
// RPCs, "likely sent because of request hedging"): a copy of an RPC still unanswered after the hedge delay (its
// method's latency at a percentile, as Dean & Barroso's "The Tail at Scale" describes hedging) goes to another
// server; the first answer wins and the loser is cancelled, having burnt CPU until the cancel reaches it. Error
// responses (not found, other) cost CPU too. The extra load raises the servers' CPU utilisation, which slows
// queues and processing (a fixed point over the utilisation).
import { FastRng } from '../kernel/fastRng';
import type { Rng } from '../kernel/rng';
import { CATEGORIES, NETWORK } from './categories';
import type { Exogenous } from './categories';
import { probit } from './families';
import { N_COMPONENTS, PROCESSING, processingFactors, queueMeansUs, rpcComponentsUs } from './tax';
import type { Catalog, RpcSample } from './workload';

export const POLICIES = ['none', 'hedged'] as const;
export type Policy = (typeof POLICIES)[number];

/** ASSUMPTION: a not-found answer costs this fraction of the method's processing (it stops at the lookup). */
export const NOT_FOUND_CPU = 0.3;
/** ASSUMPTION: fixed-point iterations of the hedged load on utilisation (the change is < 0.1% after 4). */
const LOAD_ITERATIONS = 4;

export interface HedgeConfig {
  x: Exogenous;
  hedgePercentile: number;
  notFoundRate: number;
  otherErrorRate: number;
}

export interface HedgeOutcome {
  latencyMs: Float64Array;
  /** Server CPU (ms of processing) by kind. */
  cpuMs: { useful: number; cancelled: number; notFound: number; otherError: number };
  hedges: number;
  /** The CPU utilisation the servers ran at (the exogenous one raised by hedged load). */
  cpuUtil: number;
}

/** Per-method hedge delay (µs) at x: the method's processing at the percentile plus its mean tax. */
export function hedgeDelaysUs(catalog: Catalog, x: Exogenous, percentile: number): Float64Array {
  const pf = processingFactors(x);
  const q = Math.exp(catalog.fit.latency.sigmaWithin * probit(percentile / 100));
  const taxUs = CATEGORIES.map((_, c) => queueMeansUs(c, x).reduce((a, b) => a + b, 0) + 2 * NETWORK.baseUs);
  return Float64Array.from(
    catalog.scaleMs,
    (s, j) => s * 1000 * pf[catalog.category[j]!]! * q + taxUs[catalog.category[j]!]!,
  );
}

/** The second copy's own processing draw for every RPC (same method and sizes). */
export function hedgeCopies(rng: Rng, catalog: Catalog, sample: RpcSample): RpcSample {
  const f = new FastRng(rng);
  const sw = catalog.fit.latency.sigmaWithin;
  const processingMs = Float64Array.from(sample.method, (j) => {
    const z = Math.sqrt(-2 * Math.log(1 - f.float())) * Math.cos(2 * Math.PI * f.float());
    return catalog.scaleMs[j]! * Math.exp(sw * z);
  });
  return { ...sample, processingMs };
}

function runOnce(
  rng: Rng,
  catalog: Catalog,
  s1: RpcSample,
  s2: RpcSample,
  policy: Policy,
  cfg: HedgeConfig,
  x: Exogenous,
): HedgeOutcome {
  const n = s1.method.length;
  const f1 = new FastRng(rng.fork('copy1'));
  const f2 = new FastRng(rng.fork('copy2'));
  const fe = new FastRng(rng.fork('errors'));
  const pf = processingFactors(x);
  const delay = hedgeDelaysUs(catalog, x, cfg.hedgePercentile);
  const a = new Float64Array(N_COMPONENTS);
  const b = new Float64Array(N_COMPONENTS);
  const cpu = { useful: 0, cancelled: 0, notFound: 0, otherError: 0 };
  const latencyMs = new Float64Array(n);
  let hedges = 0;
  for (let i = 0; i < n; i++) {
    const l1 = rpcComponentsUs(f1, catalog, s1, i, x, pf, a);
    const d = delay[s1.method[i]!]!;
    let t = l1;
    let winnerCpu = a[PROCESSING]!;
    if (policy === 'hedged' && l1 > d) {
      hedges++;
      const l2 = d + rpcComponentsUs(f2, catalog, s2, i, x, pf, b);
      t = Math.min(l1, l2);
      // The cancel reaches the loser's server one network hop after the winner's answer arrives. DEVIATION: the
      // loser's queue and network time cost no server CPU; only its processing until the cancel counts.
      const cancelAt = t + NETWORK.baseUs;
      const [lose, start, won] = l1 <= l2 ? [b, d + b[0]! + b[1]! + b[2]!, a] : [a, a[0]! + a[1]! + a[2]!, b];
      winnerCpu = won[PROCESSING]!;
      cpu.cancelled += Math.min(Math.max(cancelAt - start, 0), lose[PROCESSING]!) / 1000;
    }
    latencyMs[i] = t / 1000;
    const u = fe.float();
    if (u < cfg.notFoundRate) cpu.notFound += (NOT_FOUND_CPU * winnerCpu) / 1000;
    else if (u < cfg.notFoundRate + cfg.otherErrorRate) cpu.otherError += winnerCpu / 1000;
    else cpu.useful += winnerCpu / 1000;
  }
  return { latencyMs, cpuMs: cpu, hedges, cpuUtil: x.cpuUtil };
}

/**
 * Serve `sample` under `policy`: for 'hedged', the utilisation is raised by the extra (cancelled) CPU in
 * proportion to the CPU without it — u = u₀ · (all CPU) / (CPU without cancelled work) — and the run repeated
 * until it settles (ASSUMPTION: utilisation scales with CPU work; capped at 0.98).
 */
export function simulateHedging(
  rng: Rng,
  catalog: Catalog,
  sample: RpcSample,
  copies: RpcSample,
  policy: Policy,
  cfg: HedgeConfig,
): HedgeOutcome {
  let x = cfg.x;
  let out = runOnce(rng, catalog, sample, copies, policy, cfg, x);
  for (let k = 1; policy === 'hedged' && k < LOAD_ITERATIONS; k++) {
    const c = out.cpuMs;
    const base = c.useful + c.notFound + c.otherError;
    x = { ...cfg.x, cpuUtil: Math.min(0.98, (cfg.x.cpuUtil * (base + c.cancelled)) / base) };
    out = runOnce(rng, catalog, sample, copies, policy, cfg, x);
  }
  return out;
}
