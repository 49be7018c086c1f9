// Benchmark of the RPC lab's workload generator (core/rpc): 10 million sampled RPCs (method, request and
// response bytes, processing time; the goal: within a few seconds), then the latency-tax breakdown of
// 1 million of them. Prints rates and a checksum (the same on every run: a determinism check).
// Run: npx tsx bench/rpc.bench.ts
import { FastRng } from '../core/kernel/fastRng';
import { Rng } from '../core/kernel/rng';
import { REFERENCE_EXOGENOUS } from '../core/rpc/categories';
import { taxRun } from '../core/rpc/tax';
import { fleetCatalog, sampleRpcWorkload } from '../core/rpc/workload';

const time = <T>(f: () => T): [T, number] => {
  const t0 = performance.now();
  const v = f();
  return [v, performance.now() - t0];
};

const [catalog, catalogMs] = time(() => fleetCatalog());
console.log(
  `fleet catalogue of ${catalog.prob.length.toLocaleString('en-US')} methods built in ${catalogMs.toFixed(0)} ms`,
);
for (const n of [1_000_000, 10_000_000]) {
  const [s, ms] = time(() => sampleRpcWorkload(new Rng(1), n, catalog));
  let sum = 0;
  for (let i = 0; i < n; i += 997) sum += s.method[i]! + s.requestB[i]! / 1e3;
  console.log(
    `${n.toLocaleString('en-US')} RPCs sampled in ${ms.toFixed(0)} ms (${(((n / ms) * 1000) / 1e6).toFixed(1)} M RPCs/s), checksum ${sum.toFixed(3)}`,
  );
}
const s = sampleRpcWorkload(new Rng(2), 1_000_000, catalog);
const [run, taxMs] = time(() => taxRun(catalog, s, REFERENCE_EXOGENOUS, new FastRng(new Rng(3))));
console.log(
  `latency-tax breakdown of 1,000,000 RPCs in ${taxMs.toFixed(0)} ms; fleet mean total ${(run.sums.at(-1)!.sumUs.reduce((a, b) => a + b, 0) / 1e6 / 1e3).toFixed(1)} ms per RPC`,
);
