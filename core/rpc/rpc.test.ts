import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FastRng } from '../kernel/fastRng';
import { Rng } from '../kernel/rng';
import { buildLabView, runExperiment } from '../labs';
import { CATEGORIES, COMPONENTS, queueFactor } from './categories';
import { headShare, percentileSorted, probit, normalCdf, zipfMandelbrot } from './families';
import { FITTED } from './fitted';
import { hedgeCopies, simulateHedging } from './hedging';
import { N_COMPONENTS, PROCESSING, processingFactors, rpcComponentsUs, taxRun, taxShareOf } from './tax';
import { TREE_SHAPES, sampleDescendants, sampleTree, treeDepth, treeWidth } from './tree';
import { fleetCatalog, sampleRpcWorkload } from './workload';

const catalog = fleetCatalog();

describe('the fitted parameters (core/rpc/fitted.ts)', () => {
  it('reproduce the figures they were fitted to: top-10 58% and top-100 91% of calls', () => {
    const p = zipfMandelbrot(FITTED.methods, FITTED.popularity.s, FITTED.popularity.q);
    expect(headShare(p, 10)).toBeCloseTo(0.58, 6);
    expect(headShare(p, 100)).toBeCloseTo(0.91, 6);
  });

  it('put the slowest 1000 methods of the fleet catalogue at about 1.1% of calls and 89% of time', () => {
    const bySlow = Array.from(catalog.meanMs.keys()).sort((a, b) => catalog.meanMs[b]! - catalog.meanMs[a]!);
    let calls = 0;
    let time = 0;
    let all = 0;
    for (let j = 0; j < catalog.prob.length; j++) all += catalog.prob[j]! * catalog.meanMs[j]!;
    for (const j of bySlow.slice(0, 1000)) {
      calls += catalog.prob[j]!;
      time += catalog.prob[j]! * catalog.meanMs[j]!;
    }
    expect(Math.abs(calls - 0.011)).toBeLessThan(0.0005);
    expect(Math.abs(time / all - 0.89)).toBeLessThan(0.001);
  });

  it('give lognormal sizes and descendants at the published percentiles', () => {
    const z99 = probit(0.99);
    expect(Math.exp(FITTED.request.mu + FITTED.request.sigma * z99)).toBeCloseTo(196_000, -1);
    const resp = Math.hypot(FITTED.request.sigma, FITTED.ratio.sigma);
    expect(Math.exp(FITTED.request.mu + FITTED.ratio.mu + resp * z99)).toBeCloseTo(563_000, -1);
    expect(Math.exp(FITTED.descendants.mu + FITTED.descendants.sigma * probit(0.9))).toBeCloseTo(105, 6);
  });

  it('probit and normalCdf invert each other', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.001, max: 0.999, noNaN: true }),
        (u) => Math.abs(normalCdf(probit(u)) - u) < 1e-6,
      ),
    );
  });
});

describe('sampleRpcWorkload', () => {
  it('is deterministic: the same rng seed gives the same RPCs', () => {
    const a = sampleRpcWorkload(new Rng(7), 1000, catalog);
    const b = sampleRpcWorkload(new Rng(7), 1000, catalog);
    expect(Array.from(a.requestB)).toEqual(Array.from(b.requestB));
    expect(Array.from(a.method)).toEqual(Array.from(b.method));
  });

  it('sampled call shares converge to the fitted ones: each of the 20 most popular methods within 5 standard errors', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000_000 }), (seed) => {
        const n = 200_000;
        const s = sampleRpcWorkload(new Rng(seed), n, catalog);
        const counts = new Float64Array(catalog.prob.length);
        for (let i = 0; i < n; i++) counts[s.method[i]!]!++;
        for (let j = 0; j < 20; j++) {
          const p = catalog.prob[j]!;
          if (Math.abs(counts[j]! / n - p) > 5 * Math.sqrt((p * (1 - p)) / n)) return false;
        }
        return true;
      }),
      { numRuns: 8 },
    );
  });

  it('never draws a request or response below one 64-byte cache line', () => {
    const s = sampleRpcWorkload(new Rng(3), 50_000, catalog);
    expect(Math.min(...s.requestB, ...s.responseB)).toBe(64);
    expect(percentileSorted(s.requestB.slice().sort(), 50)).toBeGreaterThan(1300);
  });
});

describe('the latency tax', () => {
  const sample = sampleRpcWorkload(new Rng(11), 2000, catalog);
  const exo = fc.record({
    cpuUtil: fc.double({ min: 0.01, max: 0.98, noNaN: true }),
    memBwUtil: fc.double({ min: 0, max: 1, noNaN: true }),
    wakeupUs: fc.double({ min: 0, max: 1000, noNaN: true }),
  });

  it('the seven components add up to the total, and the tax is the total less server processing', () => {
    fc.assert(
      fc.property(exo, fc.integer({ min: 0, max: 1999 }), (x, i) => {
        const out = new Float64Array(N_COMPONENTS);
        const total = rpcComponentsUs(
          new FastRng(new Rng(i)),
          catalog,
          sample,
          i,
          x,
          processingFactors(x),
          out,
        );
        const sum = out.reduce((a, b) => a + b, 0);
        return (
          out.every((v) => v >= 0) && Math.abs(total - sum) <= 1e-9 * sum && total - out[PROCESSING]! >= 0
        );
      }),
    );
  });

  it('the fleet sums are the sums of the categories, and each share lies in [0, 1]', () => {
    fc.assert(
      fc.property(exo, (x) => {
        const run = taxRun(catalog, sample, x, new FastRng(new Rng(1)));
        const fleet = run.sums[CATEGORIES.length]!;
        for (let k = 0; k < N_COMPONENTS; k++) {
          const byCat = run.sums.slice(0, -1).reduce((a, s) => a + s.sumUs[k]!, 0);
          if (Math.abs(byCat - fleet.sumUs[k]!) > 1e-6 * fleet.sumUs[k]!) return false;
        }
        return run.sums.every((s) => taxShareOf(s) >= 0 && taxShareOf(s) <= 1) && fleet.count === 2000;
      }),
      { numRuns: 20 },
    );
  });

  it('queues lengthen with CPU utilisation (common random numbers: every queue component grows)', () => {
    expect(queueFactor({ cpuUtil: 0.5, memBwUtil: 0.5, wakeupUs: 0 })).toBe(1);
    const at = (u: number) =>
      taxRun(catalog, sample, { cpuUtil: u, memBwUtil: 0.5, wakeupUs: 5 }, new FastRng(new Rng(2))).sums;
    const lo = at(0.3);
    const hi = at(0.9);
    for (const c of [0, 2, 4, 6])
      expect(hi[CATEGORIES.length]!.sumUs[c]!).toBeGreaterThan(lo[CATEGORIES.length]!.sumUs[c]!);
    expect(COMPONENTS[PROCESSING]).toBe('server-processing');
  });
});

describe('call trees', () => {
  it('every RPC but the root has an earlier parent one level up; depth and width bound the size', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 400 }),
        fc.integer({ min: 1, max: 1e6 }),
        fc.constantFrom(...TREE_SHAPES),
        (d, seed, shape) => {
          const t = sampleTree(new FastRng(new Rng(seed)), d, shape);
          for (let i = 1; i < t.parent.length; i++)
            if (!(t.parent[i]! < i && t.depth[i] === t.depth[t.parent[i]!]! + 1)) return false;
          return t.parent.length === d + 1 && treeWidth(t) * (treeDepth(t) + 1) >= d + 1;
        },
      ),
    );
  });

  it('preferential attachment makes shallower trees than uniform attachment (mean depth over many trees)', () => {
    const meanDepth = (shape: (typeof TREE_SHAPES)[number]) => {
      const f = new FastRng(new Rng(4));
      let sum = 0;
      for (let i = 0; i < 300; i++) sum += treeDepth(sampleTree(f, 200, shape));
      return sum / 300;
    };
    expect(meanDepth('preferential')).toBeLessThan(meanDepth('uniform'));
  });

  it('descendants are capped at the fitted maximum', () => {
    const f = new FastRng(new Rng(5));
    for (let i = 0; i < 10_000; i++)
      expect(sampleDescendants(f, FITTED)).toBeLessThanOrEqual(FITTED.descendants.max);
  });
});

describe('hedging', () => {
  const rng = new Rng(9);
  const sample = sampleRpcWorkload(rng, 20_000, catalog);
  const copies = hedgeCopies(rng.fork('copies'), catalog, sample);
  const cfg = {
    x: { cpuUtil: 0.3, memBwUtil: 0.5, wakeupUs: 5 },
    hedgePercentile: 95,
    notFoundRate: 0.02,
    otherErrorRate: 0.005,
  };

  it('without hedging no CPU is cancelled; with it, some is, and about 5–15% of RPCs are hedged at P95', () => {
    const none = simulateHedging(rng.fork('serve'), catalog, sample, copies, 'none', cfg);
    const hedged = simulateHedging(rng.fork('serve'), catalog, sample, copies, 'hedged', cfg);
    expect(none.cpuMs.cancelled).toBe(0);
    expect(none.hedges).toBe(0);
    expect(hedged.cpuMs.cancelled).toBeGreaterThan(0);
    expect(hedged.hedges / 20_000).toBeGreaterThan(0.03);
    expect(hedged.hedges / 20_000).toBeLessThan(0.15);
    expect(hedged.cpuUtil).toBeGreaterThan(0.3);
  });
});

describe('the rpc experiments and view', () => {
  it('rpc-hedging cuts the per-method tail at low utilisation and spends CPU on it', async () => {
    const r = await runExperiment('rpc-hedging', { rpcs: 50_000, cpuPct: 20 }, 1);
    expect(r.metrics['over-hedge-delay.p999.hedged']!).toBeLessThan(r.metrics['over-hedge-delay.p999.none']!);
    expect(r.metrics['cpu-waste.hedged']!).toBeGreaterThan(0);
    expect(r.metrics['cpu-waste.none']).toBe(0);
  });

  it('rpc-latency-tax: the fleet tax share grows with CPU utilisation', async () => {
    const r = await runExperiment('rpc-latency-tax', { rpcs: 20_000, cpuPcts: '30,60,90' }, 1);
    expect(r.metrics['tax-share.fleet.cpu90']!).toBeGreaterThan(r.metrics['tax-share.fleet.cpu60']!);
    expect(r.metrics['tax-share.fleet.cpu60']!).toBeGreaterThan(r.metrics['tax-share.fleet.cpu30']!);
    expect(r.metrics['cycle-share.compression']!).toBeGreaterThan(0.5);
  });

  it('the view draws a tree with at least the minimum descendants and the chosen category’s bars', async () => {
    const v = await buildLabView(
      'rpc',
      { viewRpcs: '5000', minDescendants: '40', tree: '3', category: 'f1-database' },
      1,
    );
    expect(v.tree.nodes.length).toBeGreaterThan(40);
    expect(v.category).toBe('f1-database');
    expect(v.tax.chosen['client-recv-queue']).toBeGreaterThan(v.tax.chosen['client-send-queue']);
    expect(v.methods[0]!.category).toBe('network-disk');
  });
});
