// The mesh simulator's invariants and mechanisms: requests are conserved, rings are used in order (§3),
// load-aware spill holds the threshold, outages move traffic after the RIB delay, shards stay on replicas.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Rng } from '../kernel/rng';
import {
  MeshSim,
  POLICIES,
  RINGS,
  WORKLOADS,
  computeRings,
  histBucket,
  histPercentile,
  simulate,
} from './sim';
import type { Policy, ScenarioEvent, SimConfig, SimResult } from './sim';
import { defaultWorld } from './world';

const world = defaultWorld();
const R = world.regions.length;
const cap = world.regions.map((r) => r.servers * world.serverCapacityRps);
const base = (f: number): number[] => cap.map((c) => c * f);
const PRN = 0;

function steadyUtil(res: SimResult, fromW: number, toW: number): number[] {
  const util = new Array<number>(R).fill(0);
  for (let w = fromW; w < toW; w++)
    for (let r = 0; r < R; r++) util[r]! += res.landed[w * R + r]! / cap[r]! / (toW - fromW);
  return util;
}

const spike = (policy: Policy, extra: Partial<SimConfig> = {}): SimResult =>
  simulate(
    {
      world,
      policy,
      durationS: 40,
      demandRps: base(0.5),
      events: [{ atS: 10, kind: 'demand', region: PRN, rps: 2 * cap[PRN]! }],
      ...extra,
    },
    new Rng(3),
  );

describe('the mesh simulator', () => {
  it('conserves requests: sent = completed + failed + outstanding, for any policy, signal, incident and workload', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...POLICIES),
        fc.constantFrom('piggybacked', 'polled', 'none'),
        fc.constantFrom('power-of-two', 'random', 'round-robin'),
        fc.double({ min: 0.1, max: 1.5, noNaN: true }),
        fc.integer({ min: 0, max: R - 1 }),
        fc.boolean(),
        fc.boolean(),
        fc.integer({ min: 0, max: 1000 }),
        fc.integer({ min: 1, max: 4 }),
        fc.constantFrom(...WORKLOADS),
        (policy, signal, choice, load, region, fail, sharded, seed, weight, workload) => {
          const events: ScenarioEvent[] = [{ atS: 1, kind: 'demand', region, rps: 3 * cap[region]! }];
          if (fail) events.push({ atS: 2, kind: 'fail', region }, { atS: 3.5, kind: 'recover', region });
          const res = simulate(
            {
              world,
              policy,
              signal: signal as SimConfig['signal'],
              choice: choice as SimConfig['choice'],
              stalenessMs: 50,
              durationS: 4,
              demandRps: base(load),
              events,
              shards: sharded ? { count: 20, replicaRegions: 3, serversPerReplica: 2, zipf: 1 } : undefined,
              crashUtil: 1.2,
              crashWindows: 1,
              // The rpc workload routes every call on its own.
              requestWeight: workload === 'rpc' ? 1 : weight,
              workload,
            },
            new Rng(seed),
          );
          expect(res.sent).toBeGreaterThan(0);
          const balance = res.sent - res.completed - res.failed - res.outstanding;
          expect(Math.abs(balance)).toBeLessThan(1e-6 * res.sent);
          let landed = 0;
          res.landed.forEach((x) => (landed += x));
          let errors = 0;
          res.errors.forEach((x) => (errors += x));
          expect(landed + errors).toBe(res.sent);
        },
      ),
      { numRuns: 25 },
    );
  });

  it('uses a ring only when every inner ring has no server in bound or is over the threshold', () => {
    const ringOf = computeRings(world);
    fc.assert(
      fc.property(
        fc.constantFrom<Policy>('servicerouter', 'latency-rings'),
        fc.double({ min: 1, max: 4, noNaN: true }),
        fc.double({ min: 0.3, max: 0.9, noNaN: true }),
        fc.integer({ min: 0, max: 1000 }),
        (policy, factor, threshold, seed) => {
          const res = simulate(
            {
              world,
              policy,
              threshold,
              durationS: 8,
              demandRps: base(0.5),
              events: [{ atS: 1, kind: 'demand', region: PRN, rps: factor * cap[PRN]! }],
              traceEveryMs: 5,
              traceLimit: 3000,
            },
            new Rng(seed),
          );
          expect(res.traces.length).toBeGreaterThan(100);
          for (const tr of res.traces) {
            for (let j = 0; j < tr.ring; j++) {
              const inBound = world.regions.some((_, r) => ringOf[tr.client * R + r] === j);
              if (!inBound) continue;
              const step = tr.rings.find((s) => s.ring === j);
              expect(step).toBeDefined();
              expect(step!.spilled).toBe(true);
              expect(policy).toBe('servicerouter');
              expect(step!.seen).toBeGreaterThan(threshold);
            }
          }
        },
      ),
      { numRuns: 12 },
    );
  });

  it('puts ring1 = same region, ring2 = neighbours within 35 ms, ring3 = same continent, ring4 = the rest', () => {
    const ringOf = computeRings(world);
    const ids = (c: number, j: number): string[] =>
      world.regions.filter((_, r) => ringOf[c * R + r] === j).map((r) => r.id);
    expect(ids(PRN, 0)).toEqual(['prn']);
    expect(ids(PRN, 1)).toEqual(['eag', 'lln', 'alt']);
    expect(ids(PRN, 2)).toEqual(['ftw', 'nao', 'frc', 'hen']);
    expect(ids(PRN, 3)).toEqual(['cln', 'ode', 'lla', 'sin']);
  });

  it('during a 2x spike, servicerouter holds the spiking region near 75% while latency-rings overloads it', () => {
    const sr = steadyUtil(spike('servicerouter'), 25, 40);
    const lr = steadyUtil(spike('latency-rings'), 25, 40);
    expect(Math.max(...sr)).toBeLessThan(0.82);
    expect(sr[PRN]).toBeGreaterThan(0.68);
    expect(lr[PRN]).toBeGreaterThan(1.9);
  });

  it('envoy-priority keeps the spike local (its health ignores load) and round-robin-global spreads it', () => {
    expect(steadyUtil(spike('envoy-priority'), 25, 40)[PRN]).toBeGreaterThan(1.9);
    const rr = steadyUtil(spike('round-robin-global'), 25, 40);
    expect(Math.max(...rr) - Math.min(...rr)).toBeLessThan(0.05);
  });

  it('routing requests in groups of 4 (one decision each) gives the same steady utilisation within 3 points', () => {
    const one = steadyUtil(spike('servicerouter'), 25, 40);
    const grouped = spike('servicerouter', { requestWeight: 4 });
    expect(grouped.decisions).toBeLessThan(grouped.sent / 3.9);
    steadyUtil(grouped, 25, 40).forEach((u, r) => expect(Math.abs(u - one[r]!)).toBeLessThan(0.03));
  });

  it('is deterministic: the same seed gives the same per-window record', () => {
    const a = spike('servicerouter');
    const b = spike('servicerouter');
    expect(Array.from(a.landed)).toEqual(Array.from(b.landed));
    expect(a.sent).toBe(b.sent);
  });

  it('moves a failed region’s clients to other regions once the RIB learns of it, with errors only before', () => {
    const res = simulate(
      {
        world,
        policy: 'servicerouter',
        durationS: 12,
        demandRps: base(0.5),
        ribDelayMs: 1000,
        events: [{ atS: 4, kind: 'fail', region: PRN }],
      },
      new Rng(5),
    );
    const flowTo = (w: number, c: number, r: number): number => res.flows[(w * R + c) * R + r]!;
    expect(flowTo(2, PRN, PRN)).toBeGreaterThan(0);
    expect(res.errors[3]).toBe(0);
    expect(res.errors[4]! + res.errors[5]!).toBeGreaterThan(0);
    for (let w = 7; w < 12; w++) {
      expect(flowTo(w, PRN, PRN)).toBe(0);
      expect(res.errors[w]).toBe(0);
    }
  });

  it('keeps each request of a sharded service on its shard’s replicas, and hot shards get more', () => {
    const sim = new MeshSim(
      {
        world,
        policy: 'servicerouter',
        durationS: 3,
        demandRps: base(0.3),
        shards: { count: 30, replicaRegions: 3, serversPerReplica: 2, zipf: 1.2 },
        traceEveryMs: 2,
      },
      new Rng(9),
    );
    const res = sim.run();
    const perShard = new Array<number>(30).fill(0);
    for (const tr of res.traces) {
      expect(sim.shardServers(tr.shard)).toContain(tr.chosen);
      perShard[tr.shard]!++;
    }
    expect(perShard[0]!).toBeGreaterThan(perShard[29]! * 5);
  });

  it('a proxy deployment adds its hop to every request and costs more than 2x the CPU of the library', () => {
    const lib = spike('latency-rings', { durationS: 5 });
    const proxy = spike('latency-rings', { durationS: 5, deployment: 'proxy', proxyHopMs: 1 });
    expect(proxy.cpuUnits / proxy.sent).toBeGreaterThan(2 * (lib.cpuUnits / lib.sent));
    expect(histPercentile(proxy.latencyHist, 50) - histPercentile(lib.latencyHist, 50)).toBeCloseTo(2, 0);
  });

  it('power-of-two on fresh loads balances outstanding requests better than a random pick', () => {
    const cv = (choice: SimConfig['choice']): number =>
      simulate(
        {
          world,
          policy: 'latency-rings',
          choice,
          signal: 'polled',
          stalenessMs: 0,
          durationS: 5,
          stepMs: 1,
          demandRps: base(0.9),
          cvSampleMs: 5,
        },
        new Rng(2),
      ).cvStats.mean;
    expect(cv('power-of-two')).toBeLessThan(cv('random') * 0.8);
  });

  it('draws two distinct candidates from the chosen ring, each server about equally often', () => {
    // One region of 10 servers; 1 ms trace interval: a why-trace (both candidates) for most decisions.
    const one = {
      ...world,
      regions: [{ ...world.regions[0]!, servers: 10 }],
      rttMs: new Float64Array([0.5]),
    };
    const res = simulate(
      {
        world: one,
        policy: 'latency-rings',
        signal: 'none',
        durationS: 20,
        demandRps: [200],
        traceEveryMs: 1,
        traceLimit: 5000,
      },
      new Rng(11),
    );
    expect(res.traces.length).toBe(4000);
    const first = new Array<number>(10).fill(0);
    const second = new Array<number>(10).fill(0);
    const pairs = new Set<string>();
    for (const t of res.traces) {
      const [a, b] = t.candidates;
      expect(a!.server).not.toBe(b!.server);
      // No load signal: nothing to compare, so the first pick stands.
      expect(t.chosen).toBe(a!.server);
      first[a!.server]!++;
      second[b!.server]!++;
      pairs.add(`${a!.server},${b!.server}`);
    }
    expect(pairs.size).toBe(90);
    for (let s = 0; s < 10; s++) {
      expect(Math.abs(first[s]! - 400)).toBeLessThan(80);
      expect(Math.abs(second[s]! - 400)).toBeLessThan(80);
    }
  });

  it('records ring use per client in the ring order', () => {
    const res = spike('servicerouter');
    let ring2 = 0;
    for (let w = 25; w < 40; w++) ring2 += res.ringUse[(w * R + PRN) * RINGS + 1]!;
    expect(ring2).toBeGreaterThan(0);
  });

  it('histogram percentiles land inside the right 0.1 ms bucket', () => {
    const h = new Float64Array(11_000);
    for (let i = 1; i <= 100; i++) h[histBucket(i)]!++;
    expect(histPercentile(h, 50)).toBeGreaterThanOrEqual(50);
    expect(histPercentile(h, 50)).toBeLessThanOrEqual(50.1);
    expect(histBucket(5000)).toBeGreaterThan(histBucket(999));
  });
});
