// Benchmark of the mesh simulator (core/mesh): routing decisions per second per policy and load signal,
// and the wall time of a 10-minute incident at 100k requests/s aggregate (the target: < 10 s).
// Prints figures and checksums (landed counts), so it doubles as a determinism check.
// Run: npx tsx bench/mesh.bench.ts [--quick]
import defaultWorldJson from '../assets/mesh/regions.json';
import { Rng } from '../core/kernel/rng';
import { FastRng } from '../core/kernel/fastRng';
import { simulate } from '../core/mesh/sim';
import type { Policy, SimConfig, Signal } from '../core/mesh/sim';
import { parseWorld } from '../core/mesh/world';

const quick = process.argv.includes('--quick');
const AGGREGATE_RPS = 100_000;

/** The default world with server capacity scaled so that base load + the spike total 100k req/s. */
function scaledWorld(baseLoad: number, spikeFactor: number) {
  const unit = parseWorld(defaultWorldJson);
  const serversTotal = unit.regions.reduce((a, r) => a + r.servers, 0);
  const prnServers = unit.regions[0]!.servers;
  const perServer = AGGREGATE_RPS / (baseLoad * (serversTotal - prnServers) + spikeFactor * prnServers);
  return parseWorld({ ...defaultWorldJson, serverCapacityRps: perServer });
}

function incident(policy: Policy, signal: Signal, durationS: number): SimConfig {
  const baseLoad = 0.5;
  const spikeFactor = 2;
  const world = scaledWorld(baseLoad, spikeFactor);
  const cap = world.regions.map((r) => r.servers * world.serverCapacityRps);
  const demand = cap.map((c, i) => c * (i === 0 ? spikeFactor : baseLoad));
  return {
    world,
    policy,
    signal,
    stalenessMs: 100,
    durationS,
    demandRps: demand.map((d, i) => (i === 0 ? cap[0]! * baseLoad : d)),
    events: [{ atS: Math.min(60, durationS / 10), kind: 'demand', region: 0, rps: demand[0]! }],
  };
}

function checksum(a: Float64Array): number {
  let h = 0;
  for (let i = 0; i < a.length; i++) h = (Math.imul(h, 31) + (a[i]! | 0)) | 0;
  return h >>> 0;
}

/** Wall and CPU seconds (the CPU figure is what the run costs when the machine is shared). */
function timeRun(cfg: SimConfig): { s: number; cpuS: number; decisions: number; sum: number } {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const res = simulate(cfg, new Rng(1));
  const s = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(c0);
  return { s, cpuS: (c.user + c.system) / 1e6, decisions: res.decisions, sum: checksum(res.landed) };
}

/**
 * Baseline measured in the same run (STYLE.md): CPU ns per uniform draw of the sfc32 generator, the
 * cheapest thing a routing decision does several times. On a quiet modern core this is about 1-2 ns; a
 * larger figure says the machine is shared or slow, and the figures below scale with it.
 */
function baselineNsPerDraw(): number {
  const rng = new FastRng(new Rng(7));
  const buf = new Float64Array(1 << 16);
  let sink = 0;
  const c0 = process.cpuUsage();
  const rounds = 400;
  for (let i = 0; i < rounds; i++) {
    rng.fill(buf);
    sink += buf[i]!;
  }
  const c = process.cpuUsage(c0);
  if (sink < 0) console.log(sink);
  return ((c.user + c.system) * 1000) / (rounds * buf.length);
}

const baseNs = baselineNsPerDraw();
console.log(`baseline: ${baseNs.toFixed(2)} CPU ns per random draw (sfc32)`);

// Warm up the JIT on a short run.
timeRun(incident('servicerouter', 'piggybacked', 5));

const shortS = quick ? 10 : 30;
console.log(
  `routing decisions per second (${shortS} s simulated at ${AGGREGATE_RPS / 1000}k req/s; full request path: ring, two choices, server queue, accounting)`,
);
const cases: [Policy, Signal][] = [
  ['servicerouter', 'piggybacked'],
  ['servicerouter', 'polled'],
  ['servicerouter', 'none'],
  ['latency-rings', 'polled'],
  ['envoy-priority', 'polled'],
  ['round-robin-global', 'none'],
];
for (const [policy, signal] of cases) {
  // Warm the JIT on this case's own branches first (a short run), so the figure is the steady rate.
  timeRun(incident(policy, signal, 3));
  const r = timeRun(incident(policy, signal, shortS));
  console.log(
    `  ${policy.padEnd(20)} ${signal.padEnd(12)} ${(r.decisions / r.s / 1e6).toFixed(2).padStart(6)} M/s wall, ` +
      `${(r.decisions / r.cpuS / 1e6).toFixed(2).padStart(6)} M/s CPU  (${r.decisions} in ${r.s.toFixed(2)} s, checksum ${r.sum})`,
  );
}

const incidentS = quick ? 60 : 600;
const modes: [string, Partial<SimConfig>][] = [
  ['every request routed', {}],
  ['one decision per group of 4 requests', { requestWeight: 4 }],
  ['every request an RPC-fleet call with its own CPU, exact outstanding counts', { workload: 'rpc' }],
];
for (const [mode, extra] of modes) {
  const r = timeRun({ ...incident('servicerouter', 'piggybacked', incidentS), ...extra });
  console.log(
    `incident: ${incidentS} s simulated at ${AGGREGATE_RPS / 1000}k req/s (servicerouter, piggybacked; ${mode}): ` +
      `${r.s.toFixed(2)} s wall, ${r.cpuS.toFixed(2)} s CPU, ${r.decisions} decisions, ` +
      `${((r.cpuS * 1e9) / r.decisions / baseNs).toFixed(0)} baseline draws of CPU per decision, checksum ${r.sum}` +
      (incidentS === 600
        ? `  [target < 10 s: wall ${r.s < 10 ? 'met' : 'NOT met'}, CPU ${r.cpuS < 10 ? 'met' : 'NOT met'}` +
          `${r.s > r.cpuS * 1.15 ? '; wall well above CPU: the machine is shared' : ''}]`
        : ''),
  );
}
console.log(
  `machine load average while running: ${(await import('node:os'))
    .loadavg()
    .map((x) => x.toFixed(1))
    .join(' ')} on ${(await import('node:os')).cpus().length} CPUs`,
);
