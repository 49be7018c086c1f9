// The RPC latency tax (“RPC Latency”): an RPC's completion time split into seven components — client send queue, request
// network, server receive queue, server processing, server send queue, response network, client receive queue —
// each depending on the service category and on exogenous variables (CPU utilisation, memory bandwidth,
// wake-up time); the tax is everything but server processing. And the cycle tax (“Resource Utilization”): CPU cycles per byte and
// per call of serialization, compression, encryption and the network stack.
import type { FastRng } from '../kernel/fastRng';
import {
  CATEGORIES,
  CATEGORY_TAX,
  COMPONENTS,
  CYCLE_COMPONENTS,
  CYCLE_TAX,
  NETWORK,
  processingFactor,
  queueFactor,
} from './categories';
import type { Exogenous, CycleComponent } from './categories';
import type { Catalog, RpcSample } from './workload';

export const N_COMPONENTS = COMPONENTS.length;
/** Index of server processing in COMPONENTS (the one part that is not tax). */
export const PROCESSING = COMPONENTS.indexOf('server-processing');

/** Mean queueing times (µs) of a category at x: [client send, server recv, server send, client recv]. */
export function queueMeansUs(category: number, x: Exogenous): [number, number, number, number] {
  const q = CATEGORY_TAX[CATEGORIES[category]!].queueUs;
  const f = queueFactor(x);
  // The receive queues include waking the thread that picks the message up (the “RPC Latency” findings' wake-up time).
  return [q.clientSend * f, q.serverRecv * f + x.wakeupUs, q.serverSend * f, q.clientRecv * f + x.wakeupUs];
}

/** Processing factor of each category at x (index = category id). */
export function processingFactors(x: Exogenous): Float64Array {
  return Float64Array.from(CATEGORIES, (c) => processingFactor(CATEGORY_TAX[c], x));
}

/**
 * The seven components (µs) of RPC i of `sample` at exogenous point `x`, written into `out` (length 7); returns
 * the total. Queue times are exponential around their means (ASSUMPTION: M/M/1-like waiting), drawn from `f`,
 * so the same FastRng state gives the same queues at every x (common random numbers across a sweep).
 */
export function rpcComponentsUs(
  f: FastRng,
  catalog: Catalog,
  sample: RpcSample,
  i: number,
  x: Exogenous,
  procFactors: Float64Array,
  out: Float64Array,
): number {
  const j = sample.method[i]!;
  const c = catalog.category[j]!;
  const [cs, sr, ss, cr] = queueMeansUs(c, x);
  // DEVIATION: the paper separates RPC-stack processing (0.49% of time) from queuing (0.43%); here the four queue
  // components hold both, so the seven components of the issue add up to the whole completion time.
  const e = () => -Math.log(1 - f.float());
  out[0] = cs * e();
  out[1] = NETWORK.baseUs + sample.requestB[i]! / NETWORK.bytesPerUs;
  out[2] = sr * e();
  out[3] = sample.processingMs[i]! * 1000 * procFactors[c]!;
  out[4] = ss * e();
  out[5] = NETWORK.baseUs + sample.responseB[i]! / NETWORK.bytesPerUs;
  out[6] = cr * e();
  let total = 0;
  for (let k = 0; k < N_COMPONENTS; k++) total += out[k]!;
  return total;
}

/** Sums of each component over a set of RPCs (µs), and how many. */
export interface ComponentSums {
  sumUs: Float64Array;
  count: number;
}

export interface TaxRun {
  /** Per category (index = category id) and for the whole fleet (last entry). */
  sums: ComponentSums[];
  /** Each RPC's tax share of its own completion time. */
  taxShare: Float64Array;
}

/** Run the latency-tax model over a whole sample at x, with queue draws from `seed` (a FastRng source). */
export function taxRun(catalog: Catalog, sample: RpcSample, x: Exogenous, f: FastRng): TaxRun {
  const n = sample.method.length;
  const sums = Array.from({ length: CATEGORIES.length + 1 }, () => ({
    sumUs: new Float64Array(N_COMPONENTS),
    count: 0,
  }));
  const fleet = sums[CATEGORIES.length]!;
  const pf = processingFactors(x);
  const out = new Float64Array(N_COMPONENTS);
  const taxShare = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const total = rpcComponentsUs(f, catalog, sample, i, x, pf, out);
    const s = sums[catalog.category[sample.method[i]!]!]!;
    for (let k = 0; k < N_COMPONENTS; k++) {
      s.sumUs[k] = s.sumUs[k]! + out[k]!;
      fleet.sumUs[k] = fleet.sumUs[k]! + out[k]!;
    }
    s.count++;
    fleet.count++;
    taxShare[i] = (total - out[PROCESSING]!) / total;
  }
  return { sums, taxShare };
}

/** Tax share of total time in a set of sums (time-weighted): everything but server processing over the total. */
export function taxShareOf(s: ComponentSums): number {
  let total = 0;
  for (let k = 0; k < N_COMPONENTS; k++) total += s.sumUs[k]!;
  return total > 0 ? (total - s.sumUs[PROCESSING]!) / total : 0;
}

/** Total cycles of each cycle-tax component over a sample. */
export function cycleTax(sample: RpcSample): Record<CycleComponent, number> {
  const out = Object.fromEntries(CYCLE_COMPONENTS.map((c) => [c, 0])) as Record<CycleComponent, number>;
  let bytes = 0;
  for (let i = 0; i < sample.method.length; i++) bytes += sample.requestB[i]! + sample.responseB[i]!;
  for (const c of CYCLE_COMPONENTS)
    out[c] = CYCLE_TAX[c].perByte * bytes + CYCLE_TAX[c].perCall * sample.method.length;
  return out;
}
