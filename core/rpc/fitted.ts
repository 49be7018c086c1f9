// WRITTEN BY scripts/fit-rpc.ts (npx tsx scripts/fit-rpc.ts): do not edit by hand.
// Sources, per field: popularity — top-10 58% and top-100 91% of calls (“Characteristics”, via the paper review);
// latency — the slowest 1000 methods are 1.1% of calls and 89% of RPC time (“Characteristics”, via the review), call-weighted
// median 1 ms and within-method sigma 0.8 ASSUMED; request — median ~1.5 KB (secondary: study notes), P99
// 196 KB (“Characteristics”, via the review), floor 64 B; ratio — median 0.5 ASSUMED, spread from the response P99 563 KB;
// descendants — median 13 and P90 ~105 per root RPC (secondary: study notes), capped at 10,000.
import type { RpcFit } from './workload';

export const FITTED: RpcFit = {
  methods: 10000,
  catalogSeed: 1,
  popularity: {
    s: 1.77734984,
    q: 4.386605751,
  },
  latency: {
    mu: -0.5491984157,
    beta: 0.3772520021,
    sigma: 3.706498867,
    sigmaWithin: 0.8,
  },
  request: {
    mu: 7.313220387,
    sigma: 2.094548973,
    minBytes: 64,
  },
  ratio: {
    mu: -0.6931471806,
    sigma: 1.926917325,
  },
  descendants: {
    mu: 2.564949357,
    sigma: 1.630063941,
    max: 10000,
  },
};
