import { Rng } from './core/kernel/rng';
import { simulate, histPercentile, POLICIES, CHOICES, SIGNALS } from './core/mesh/sim';
import type { SimConfig } from './core/mesh/sim';
import { defaultWorld, parseWorld } from './core/mesh/world';
import { fleetCatalog, meanClippedMs, sampleRpcWorkload, CPU_CLIP_MS } from './core/rpc/workload';
import { RpcCalls } from './core/mesh/rpcCalls';

function check(name: string, cfg: SimConfig, seed = 1) {
  const a = simulate(cfg, new Rng(seed));
  const b = simulate(cfg, new Rng(seed));
  const bal = a.sent - (a.completed + a.failed + a.outstanding);
  const same = JSON.stringify([a.sent, a.completed, a.failed, a.outstanding, Array.from(a.latencyHist), a.cvStats]) ===
    JSON.stringify([b.sent, b.completed, b.failed, b.outstanding, Array.from(b.latencyHist), b.cvStats]);
  console.log(name, { sent: a.sent, comp: a.completed, failed: a.failed, out: a.outstanding, bal, same,
    p50: histPercentile(a.latencyHist, 50).toFixed(2), p99: histPercentile(a.latencyHist, 99).toFixed(2), cv: a.cvStats.mean.toFixed(3) });
}
const one = (servers: number, cap = 100) => parseWorld({ name: 'one', serverCapacityRps: cap, regions: [{ id: 'r', name: 'r', lat: 0, lon: 0, continent: 'x', servers }] });
const w1 = one(1);
for (const wl of ['uniform', 'rpc'] as const) {
  check(`1srv load0.99 ${wl}`, { world: w1, policy: 'servicerouter', durationS: 30, demandRps: [99], workload: wl, cvSampleMs: 10 });
  check(`1srv load0.99 polled0 ${wl}`, { world: w1, policy: 'servicerouter', signal: 'polled', stalenessMs: 0, durationS: 30, demandRps: [99], workload: wl });
  check(`50srv load0.99 rr ${wl}`, { world: one(50), policy: 'latency-rings', choice: 'round-robin', durationS: 60, demandRps: [4950], workload: wl, stepMs: 1 });
  check(`50srv load0.99 p2live ${wl}`, { world: one(50), policy: 'latency-rings', signal: 'polled', stalenessMs: 0, durationS: 60, demandRps: [4950], workload: wl, stepMs: 1 });
  check(`50srv load1.2 p2 ${wl}`, { world: one(50), policy: 'latency-rings', durationS: 20, demandRps: [6000], workload: wl, stepMs: 1 });
}
const world = defaultWorld();
const cap = world.regions.map((r) => r.servers * world.serverCapacityRps);
for (const wl of ['uniform', 'rpc'] as const) {
  check(`shards ${wl}`, { world, policy: 'servicerouter', durationS: 20, demandRps: cap.map((c) => 0.5 * c), shards: { count: 50, replicaRegions: 3, serversPerReplica: 2, zipf: 1 }, workload: wl });
  check(`fail+recover+crash ${wl}`, { world, policy: 'latency-rings', durationS: 20, demandRps: cap.map((c) => 0.7 * c), crashUtil: 1.0, crashWindows: 2,
    events: [{ atS: 3, kind: 'fail', region: 0 }, { atS: 8, kind: 'recover', region: 0 }, { atS: 5, kind: 'fail', region: 2, servers: 3 }], workload: wl });
  check(`proxy polled50 ${wl}`, { world, policy: 'envoy-priority', deployment: 'proxy', signal: 'polled', stalenessMs: 50, durationS: 10, demandRps: cap.map((c) => 0.6 * c), workload: wl });
}
// stats of the mix
const cat = fleetCatalog();
const m = meanClippedMs(cat);
const s = sampleRpcWorkload(new Rng(3), 1_000_000);
let at5 = 0, atMin = 0, sum = 0, sq = 0, raw = 0;
for (const p of s.processingMs) { const c = Math.min(5, Math.max(0.01, p)); if (p >= 5) at5++; if (p <= 0.01) atMin++; sum += c; sq += c * c; raw += p; }
const mean = sum / s.processingMs.length; const scv = (sq / s.processingMs.length - mean * mean) / (mean * mean);
console.log({ meanClipped: m, sampledMean: mean, at5: at5 / 1e6, atMin: atMin / 1e6, scv, rawMean: raw / 1e6 });
let bytes = 0; for (let i = 0; i < s.requestB.length; i++) bytes += s.requestB[i]! + s.responseB[i]!;
console.log('mean bytes', bytes / 1e6, 'mean transfer ms', bytes / 1e6 / 12.5e6);
const rc = new RpcCalls(new Rng(1)); rc.next(1_000_000); let mx = 0, mxT = 0; for (let i = 0; i < 1e6; i++) { mx = Math.max(mx, rc.cost[i]!); mxT = Math.max(mxT, rc.transferMs[i]!); }
console.log('max cost', mx, 'max transferMs', mxT, 'clip', CPU_CLIP_MS);
