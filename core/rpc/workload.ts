// The RPC workload generator (Seemakhupt et al., SOSP'23 “Characteristics of RPCs at Hyperscale”): a method catalogue (popularity, latency scale
// correlated with popularity, service category) built from the fitted parameters (fitted.ts, written by
// scripts/fit-rpc.ts), and a fast sampler of individual RPCs (method, request and response bytes, server
// processing time) for this lab and any other lab that wants a realistic RPC mix (`sampleRpcWorkload`).
import { Rng } from '../kernel/rng';
import { FastRng } from '../kernel/fastRng';
import { CATEGORIES, CATEGORY_TAX } from './categories';
import { normalCdf, probit, zipfMandelbrot } from './families';
import { FITTED } from './fitted';

/** The fitted parameter set (the shape of fitted.ts). */
export interface RpcFit {
  methods: number;
  /** The seed of the one fleet catalogue (method latencies and categories): part of the fitted data, fixed. */
  catalogSeed: number;
  popularity: { s: number; q: number };
  /**
   * ln(median processing ms of method j) = mu + beta·(−ln p_j) + sigma·e_j with e_j ~ N(0, 1): the rarer a
   * method, the slower it tends to be (beta), with a lognormal spread around that trend (sigma).
   */
  latency: { mu: number; beta: number; sigma: number; sigmaWithin: number };
  request: { mu: number; sigma: number; minBytes: number };
  ratio: { mu: number; sigma: number };
  descendants: { mu: number; sigma: number; max: number };
}

/** The methods, by popularity rank (index 0 = most popular). */
export interface Catalog {
  fit: RpcFit;
  /** Probability of each method per call. */
  prob: Float64Array;
  /** Median server processing time of each method (ms) at the reference exogenous point. */
  scaleMs: Float64Array;
  /** Mean processing time (ms): scale · exp(sigmaWithin² / 2). */
  meanMs: Float64Array;
  category: Uint8Array;
  /** Walker/Vose alias table over `prob`. */
  keep: Float64Array;
  alias: Int32Array;
}

function aliasTable(p: Float64Array): { keep: Float64Array; alias: Int32Array } {
  const n = p.length;
  const keep = new Float64Array(n).fill(1);
  const alias = new Int32Array(n);
  const scaled = Float64Array.from(p, (x) => x * n);
  const small: number[] = [];
  const large: number[] = [];
  for (let i = 0; i < n; i++) {
    alias[i] = i;
    (scaled[i]! < 1 ? small : large).push(i);
  }
  while (small.length > 0 && large.length > 0) {
    const s = small.pop()!;
    const l = large.pop()!;
    keep[s] = scaled[s]!;
    alias[s] = l;
    scaled[l] = scaled[l]! + scaled[s]! - 1;
    (scaled[l]! < 1 ? small : large).push(l);
  }
  return { keep, alias };
}

/** Each method's ln(latency scale) − mu: beta·(−ln p_j) + sigma·e_j, e_j drawn from `rng` (one per method). */
export function latencyLogs(rng: Rng, prob: Float64Array, beta: number, sigma: number): Float64Array {
  const fast = new FastRng(rng);
  return Float64Array.from(
    prob,
    (p) => beta * -Math.log(p) + sigma * probit((fast.u32() + 0.5) / 4294967296),
  );
}

/** Each method's category: rank 1 is network disk (the most popular method is "Network Disk Write", 28% of calls). */
function categories(rng: Rng, n: number): Uint8Array {
  const fast = new FastRng(rng);
  const cum: number[] = [];
  let acc = 0;
  for (const c of CATEGORIES) cum.push((acc += CATEGORY_TAX[c].methodShare));
  const out = new Uint8Array(n);
  for (let j = 1; j < n; j++) {
    const u = fast.float() * acc;
    let k = 0;
    while (k < cum.length - 1 && u >= cum[k]!) k++;
    out[j] = k;
  }
  return out;
}

/**
 * The fleet's method catalogue: drawn once from `fit.catalogSeed` (so the fitted shares are those of this very
 * catalogue, and an experiment's seed drives only the sampled calls).
 */
export function buildCatalog(fit: RpcFit = FITTED): Catalog {
  const rng = new Rng(fit.catalogSeed);
  const n = fit.methods;
  const prob = zipfMandelbrot(n, fit.popularity.s, fit.popularity.q);
  const z = latencyLogs(rng.fork('latency'), prob, fit.latency.beta, fit.latency.sigma);
  const scaleMs = Float64Array.from(z, (x) => Math.exp(fit.latency.mu + x));
  const within = Math.exp((fit.latency.sigmaWithin * fit.latency.sigmaWithin) / 2);
  return {
    fit,
    prob,
    scaleMs,
    meanMs: Float64Array.from(scaleMs, (x) => x * within),
    category: categories(rng.fork('categories'), n),
    ...aliasTable(prob),
  };
}

let fleet: Catalog | null = null;
/** The catalogue of FITTED, built once. */
export function fleetCatalog(): Catalog {
  return (fleet ??= buildCatalog(FITTED));
}

/** n sampled RPCs, struct of arrays. */
export interface RpcSample {
  method: Int32Array;
  requestB: Float64Array;
  responseB: Float64Array;
  /** Server processing time at the reference exogenous point (ms). */
  processingMs: Float64Array;
}

const INV32 = 1 / 4294967296;
const TWO_PI = 2 * Math.PI;

/**
 * Sample `n` RPCs from the catalogue: the method by popularity (alias table), the request size lognormal with
 * a floor of one cache line, the response as request × a lognormal ratio (same floor), the server processing
 * time the method's scale × a lognormal within-method spread. One FastRng forked from `rng` drives it all,
 * so the same rng gives the same sample; about 10 M RPCs in a couple of seconds (bench/rpc.bench.ts).
 */
export function sampleRpcWorkload(rng: Rng, n: number, catalog: Catalog = fleetCatalog()): RpcSample {
  const out = emptyRpcSample(n);
  fillRpcs(new FastRng(rng.fork('rpcs')), catalog, out, n);
  return out;
}

/** Room for n sampled RPCs. */
export function emptyRpcSample(n: number): RpcSample {
  return {
    method: new Int32Array(n),
    requestB: new Float64Array(n),
    responseB: new Float64Array(n),
    processingMs: new Float64Array(n),
  };
}

/** The first `n` RPCs of `out`, sampled with `f` (sampleRpcWorkload's sampler; a stream of RPCs calls it again). */
export function fillRpcs(f: FastRng, catalog: Catalog, out: RpcSample, n: number): void {
  const { keep, alias, scaleMs, fit } = catalog;
  const m = keep.length;
  const { mu: qm, sigma: qs, minBytes } = fit.request;
  const { mu: rm, sigma: rs } = fit.ratio;
  const sw = fit.latency.sigmaWithin;
  for (let i = 0; i < n; i++) {
    const col = Math.floor(f.u32() * INV32 * m);
    const j = f.u32() * INV32 < keep[col]! ? col : alias[col]!;
    // Box–Muller: two uniforms give two normals; three normals per RPC use two pairs.
    const r1 = Math.sqrt(-2 * Math.log(1 - f.u32() * INV32));
    const t1 = TWO_PI * f.u32() * INV32;
    const r2 = Math.sqrt(-2 * Math.log(1 - f.u32() * INV32));
    const t2 = TWO_PI * f.u32() * INV32;
    // DEVIATION: sizes are continuous bytes (not whole messages) and the floor piles the lognormal's small end
    // (about 7% of requests) onto exactly one cache line.
    const req = Math.max(minBytes, Math.exp(qm + qs * r1 * Math.cos(t1)));
    out.method[i] = j;
    out.requestB[i] = req;
    out.responseB[i] = Math.max(minBytes, req * Math.exp(rm + rs * r1 * Math.sin(t1)));
    out.processingMs[i] = scaleMs[j]! * Math.exp(sw * r2 * Math.cos(t2));
  }
}

/**
 * ASSUMPTION (the one clip every lab that runs the RPC workload on its own servers uses): a call's server
 * CPU is its processing time clipped to 0.01–5 ms. The fleet's slow tail runs for seconds (the slowest
 * methods are long-lived calls: streams, scans, calls waiting on their own children), which is not CPU a
 * server spends on that call alone; a lab's servers run a few seconds of load with client timeouts of
 * 50 ms to 1 s.
 */
export const CPU_CLIP_MS = { min: 0.01, max: 5 } as const;

/**
 * The mean of min(max(X, min), max) over the catalogue's calls, where X is a call's processing time (a
 * method's scale × the lognormal within-method spread): per method a, b = the clip, lnX ~ N(m, s²),
 * E = a·Φ(α) + b·(1 − Φ(β)) + e^(m + s²/2)·(Φ(β − s) − Φ(α − s)) with α = (ln a − m)/s, β = (ln b − m)/s,
 * weighted by the methods' call shares. Exact up to Φ's 1.5e-7.
 */
export function meanClippedMs(catalog: Catalog, clip: { min: number; max: number } = CPU_CLIP_MS): number {
  const s = catalog.fit.latency.sigmaWithin;
  const la = Math.log(clip.min);
  const lb = Math.log(clip.max);
  let mean = 0;
  for (let j = 0; j < catalog.prob.length; j++) {
    const m = Math.log(catalog.scaleMs[j]!);
    const alpha = (la - m) / s;
    const beta = (lb - m) / s;
    const inside = Math.exp(m + (s * s) / 2) * (normalCdf(beta - s) - normalCdf(alpha - s));
    mean += catalog.prob[j]! * (clip.min * normalCdf(alpha) + clip.max * (1 - normalCdf(beta)) + inside);
  }
  return mean;
}
