// The mesh lab's traffic as an RPC workload (issue 17): each request a call of the fitted RPC fleet with its
// own CPU; exact outstanding counts; the same routing draws as the uniform workload; what it does to balance.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Rng } from '../kernel/rng';
import { runExperiment } from '../labs';
import { percentileSorted } from '../rpc/families';
import { CPU_CLIP_MS, fleetCatalog, meanClippedMs, sampleRpcWorkload } from '../rpc/workload';
import { FinishTimes } from './finishTimes';
import { RpcCalls } from './rpcCalls';
import { histPercentile, simulate } from './sim';
import type { SimConfig } from './sim';
import { defaultWorld, parseWorld } from './world';

const clip = (x: number) => Math.min(CPU_CLIP_MS.max, Math.max(CPU_CLIP_MS.min, x));

/** Clipped processing times (ms) of n sampled fleet calls, sorted. */
function clippedSample(n: number, seed: number): Float64Array {
  return Float64Array.from(sampleRpcWorkload(new Rng(seed), n).processingMs, clip).sort();
}

describe('the RPC workload in the mesh', () => {
  it('meanClippedMs is the sampled mean of the clipped call CPU (within 4.5 standard errors)', () => {
    const xs = clippedSample(1_000_000, 5);
    let sum = 0;
    let sq = 0;
    for (const x of xs) {
      sum += x;
      sq += x * x;
    }
    const mean = sum / xs.length;
    const se = Math.sqrt((sq / xs.length - mean * mean) / xs.length);
    expect(Math.abs(meanClippedMs(fleetCatalog()) - mean)).toBeLessThan(4.5 * se);
  });

  it("a call's cost averages one request of capacity, and its bytes take at least two cache lines' time", () => {
    const calls = new RpcCalls(new Rng(9));
    let sum = 0;
    let sq = 0;
    let n = 0;
    let minTransfer = Infinity;
    for (let step = 0; step < 50; step++) {
      calls.next(10_000);
      for (let i = 0; i < 10_000; i++) {
        const c = calls.cost[i]!;
        sum += c;
        sq += c * c;
        n++;
        minTransfer = Math.min(minTransfer, calls.transferMs[i]!);
      }
    }
    // 64 B request + 64 B response at 100 Gb/s: 1.024e-5 ms at least, and sizes at the floor do occur.
    expect(minTransfer).toBeCloseTo(128 / 12.5e6, 12);
    const mean = sum / n;
    const se = Math.sqrt((sq / n - mean * mean) / n);
    expect(Math.abs(mean - 1)).toBeLessThan(4.5 * se);
  });

  it('FinishTimes counts exactly what a plain list of finish times holds, through growth and failures', () => {
    type Op =
      { kind: 'push'; s: number; dt: number } | { kind: 'clear'; s: number } | { kind: 'at'; dt: number };
    const op = fc.oneof(
      fc.record({
        kind: fc.constant('push' as const),
        s: fc.integer({ min: 0, max: 2 }),
        dt: fc.double({ min: 0, max: 5, noNaN: true }),
      }),
      fc.record({ kind: fc.constant('clear' as const), s: fc.integer({ min: 0, max: 2 }) }),
      fc.record({ kind: fc.constant('at' as const), dt: fc.double({ min: 0, max: 3, noNaN: true }) }),
    );
    fc.assert(
      fc.property(fc.array(op as fc.Arbitrary<Op>, { maxLength: 300 }), (ops) => {
        const ft = new FinishTimes(3);
        const plain: number[][] = [[], [], []];
        const lastFinish = [0, 0, 0];
        let t = 0;
        let done = 0;
        const drainPlain = (s: number) => {
          const keep = plain[s]!.filter((f) => f > t);
          done += plain[s]!.length - keep.length;
          plain[s] = keep;
        };
        for (const o of ops) {
          if (o.kind === 'at') t += o.dt;
          else if (o.kind === 'clear') {
            drainPlain(o.s);
            ft.outstanding(o.s, t);
            expect(ft.clear(o.s)).toBe(plain[o.s]!.length);
            plain[o.s] = [];
          } else {
            drainPlain(o.s);
            expect(ft.outstanding(o.s, t)).toBe(plain[o.s]!.length);
            const finish = Math.max(t, lastFinish[o.s]!) + o.dt;
            lastFinish[o.s] = finish;
            ft.push(o.s, finish);
            plain[o.s]!.push(finish);
          }
        }
        for (let s = 0; s < 3; s++) {
          drainPlain(s);
          expect(ft.outstanding(s, t)).toBe(plain[s]!.length);
        }
        expect(ft.done).toBe(done);
      }),
      { numRuns: 200 },
    );
  });

  it('routes with the same draws as the uniform workload (same seed: the same flows), only the work differs', () => {
    const world = defaultWorld();
    const cap = world.regions.map((r) => r.servers * world.serverCapacityRps);
    const cfg: SimConfig = {
      world,
      policy: 'latency-rings',
      choice: 'random',
      signal: 'none',
      durationS: 10,
      demandRps: cap.map((c) => 0.6 * c),
    };
    const uniform = simulate(cfg, new Rng(4));
    const rpc = simulate({ ...cfg, workload: 'rpc' }, new Rng(4));
    expect(Array.from(rpc.flows)).toEqual(Array.from(uniform.flows));
    expect(histPercentile(rpc.latencyHist, 99)).not.toBe(histPercentile(uniform.latencyHist, 99));
  });

  it('at a light load a call takes the RTT plus its own CPU: the median is 0.5 ms + the median clipped cost / capacity', () => {
    const world = parseWorld({
      name: 'one',
      serverCapacityRps: 100,
      regions: [{ id: 'r', name: 'r', lat: 0, lon: 0, continent: 'x', servers: 1000 }],
    });
    const res = simulate(
      {
        world,
        policy: 'latency-rings',
        choice: 'round-robin',
        durationS: 20,
        demandRps: [2000],
        workload: 'rpc',
      },
      new Rng(2),
    );
    // Round robin over 1000 servers at 2% load: a server sees a call every 0.5 s, about 10 ms of work apart.
    const medianCost = percentileSorted(clippedSample(1_000_000, 6), 50) / meanClippedMs(fleetCatalog());
    const expected = 0.5 + medianCost * 10;
    expect(Math.abs(histPercentile(res.latencyHist, 50) - expected)).toBeLessThan(0.02 * expected);
  });

  it('mesh-balance with rpc calls: round robin loses its edge, and a fresh two-choice pick has the shortest tail', async () => {
    const params = { stalenessMs: '0', servers: '20', durationS: '20' };
    const uniform = await runExperiment('mesh-balance', params, 1);
    const rpc = await runExperiment('mesh-balance', { ...params, workload: 'rpc' }, 1);
    const m = rpc.metrics;
    expect(uniform.metrics['latency.p99.round-robin.0ms']).toBeLessThan(
      uniform.metrics['latency.p99.power-of-two.0ms']!,
    );
    expect(m['latency.p99.power-of-two.0ms']).toBeLessThan(m['latency.p99.round-robin.0ms']! * 0.7);
    expect(m['latency.p99.round-robin.0ms']).toBeLessThan(m['latency.p99.random.0ms']!);
    expect(m['cv.round-robin.0ms']).toBeGreaterThan(uniform.metrics['cv.round-robin.0ms']! + 0.1);
  });
});
