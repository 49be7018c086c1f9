// The mesh lab's traffic as an RPC workload (issue 17: "the mesh lab's traffic can take an RPC workload"):
// each routed request is one call sampled from the RPC lab's fitted fleet (core/rpc/workload.ts, Seemakhupt et
// al., SOSP'23): its method by the fleet's popularity, its server CPU from that method's fitted processing time,
// and its request and response sizes. The mesh's servers then drain work, not a count of identical requests.
import { FastRng } from '../kernel/fastRng';
import type { Rng } from '../kernel/rng';
import { NETWORK } from '../rpc/categories';
import { CPU_CLIP_MS, emptyRpcSample, fillRpcs, fleetCatalog, meanClippedMs } from '../rpc/workload';
import type { Catalog, RpcSample } from '../rpc/workload';

/**
 * The calls of one step, sampled ahead of the routing loop from a stream of their own, so that the routing
 * draws (client, ring, server) are the same as with the uniform workload under the same seed.
 *
 * - cost: the call's server CPU (processing time clipped by CPU_CLIP_MS, the RPC lab's assumption) over the
 *   mix's mean clipped CPU (meanClippedMs, exact): the mean call costs 1, so a server's capacity in req/s
 *   stays what the world file says, counted in mean calls.
 * - transferMs: request and response bytes on the wire at the RPC lab's NETWORK bandwidth (100 Gb/s;
 *   ASSUMPTION, the tax model's), added to the call's latency.
 * DEVIATION: a call's fan-out (its children) is not routed here: the mesh models one service hop; the
 * microservice lab's 'rpc workload' app carries the fitted fan-out.
 */
export class RpcCalls {
  private readonly f: FastRng;
  private readonly catalog: Catalog;
  private readonly invMeanMs: number;
  private sample: RpcSample = emptyRpcSample(0);
  cost = new Float64Array(0);
  transferMs = new Float64Array(0);

  constructor(rng: Rng, catalog: Catalog = fleetCatalog()) {
    this.f = new FastRng(rng);
    this.catalog = catalog;
    this.invMeanMs = 1 / meanClippedMs(catalog);
  }

  /** Sample the next n calls into cost[0..n) and transferMs[0..n). */
  next(n: number): void {
    if (this.cost.length < n) {
      const size = Math.max(n, 2 * this.cost.length);
      this.sample = emptyRpcSample(size);
      this.cost = new Float64Array(size);
      this.transferMs = new Float64Array(size);
    }
    const s = this.sample;
    fillRpcs(this.f, this.catalog, s, n);
    const { min, max } = CPU_CLIP_MS;
    const msPerByte = 1 / (NETWORK.bytesPerUs * 1000);
    for (let i = 0; i < n; i++) {
      const p = s.processingMs[i]!;
      this.cost[i] = (p < min ? min : p > max ? max : p) * this.invMeanMs;
      this.transferMs[i] = (s.requestB[i]! + s.responseB[i]!) * msPerByte;
    }
  }
}
