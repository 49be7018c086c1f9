// The RPC lab's live picture: the fleet's methods as a treemap by calls and by time, the request and response
// size CDFs of a sample, one sampled call tree, and the latency-tax components of a chosen category at the
// exogenous variables set by the sliders (beside the reference point).
import { defineLabView } from '../experiments/types';
import { FastRng } from '../kernel/fastRng';
import { round } from '../kernel/numbers';
import { CATEGORIES, COMPONENTS, CYCLE_COMPONENTS, REFERENCE_EXOGENOUS } from './categories';
import type { Category, Component, CycleComponent, Exogenous } from './categories';
import { cdfPoints, log2Grid, normalCdf } from './families';
import { FITTED } from './fitted';
import { RPC_PAPER, exogenous, exogenousParams } from './params';
import { cycleTax, taxRun, taxShareOf } from './tax';
import { sampleDescendants, sampleTree } from './tree';
import type { CallTree } from './tree';
import { fleetCatalog, sampleRpcWorkload } from './workload';
import type { Catalog } from './workload';

const SHOWN_METHODS = 120;

const params = {
  category: {
    kind: 'enum',
    label: 'Tax bars for',
    default: 'ssd-cache',
    options: CATEGORIES,
    group: 'Latency tax',
  },
  cpuPct: {
    kind: 'int',
    label: 'CPU utilisation',
    default: 50,
    min: 1,
    max: 95,
    unit: '%',
    group: 'Exogenous variables',
  },
  ...exogenousParams,
  tree: {
    kind: 'int',
    label: 'Call tree #',
    help: 'Draw the k-th sampled call tree with at least the minimum number of descendants.',
    default: 1,
    min: 1,
    max: 1000,
    group: 'Call tree',
  },
  minDescendants: {
    kind: 'int',
    label: 'Tree at least',
    help: 'Skip sampled trees with fewer descendants (13 is the median).',
    default: 13,
    min: 0,
    max: 500,
    unit: 'descendants',
    group: 'Call tree',
    advanced: true,
  },
  // Not named `rpcs`: the view keeps its own small sample instead of following an experiment's millions.
  viewRpcs: {
    kind: 'int',
    label: 'Sampled RPCs',
    help: 'RPCs the view samples for its size CDFs and tax bars.',
    default: 100_000,
    min: 1_000,
    max: 2_000_000,
    group: 'Workload',
    advanced: true,
  },
} as const;

export interface MethodCell {
  rank: number;
  category: Category;
  callShare: number;
  timeShare: number;
}
export interface TreeNode {
  parent: number;
  depth: number;
  method: number;
  category: Category;
}
export interface TaxBars {
  /** Mean µs of each component per RPC of the category, at the chosen point and at the reference point. */
  chosen: Record<Component, number>;
  reference: Record<Component, number>;
  taxShare: { chosen: number; reference: number };
  rpcs: number;
  exogenous: Exogenous;
}
export interface RpcViewModel {
  paper: string;
  methods: MethodCell[];
  /** Calls and time of all the other methods together. */
  rest: { methods: number; callShare: number; timeShare: number };
  sizeCdf: { kb: number[]; request: number[]; response: number[] };
  tree: { index: number; nodes: TreeNode[] };
  category: Category;
  tax: TaxBars;
  cycles: Record<CycleComponent, number>;
}

/** The catalogue's own (expected) call and time shares of the most called methods. */
function methodCells(catalog: Catalog): Pick<RpcViewModel, 'methods' | 'rest'> {
  let total = 0;
  for (let j = 0; j < catalog.prob.length; j++) total += catalog.prob[j]! * catalog.meanMs[j]!;
  const methods = Array.from({ length: SHOWN_METHODS }, (_, j) => ({
    rank: j + 1,
    category: CATEGORIES[catalog.category[j]!]!,
    callShare: round(catalog.prob[j]!, 8),
    timeShare: round((catalog.prob[j]! * catalog.meanMs[j]!) / total, 8),
  }));
  const sum = (k: 'callShare' | 'timeShare') => methods.reduce((a, m) => a + m[k], 0);
  return {
    methods,
    rest: {
      methods: catalog.prob.length - SHOWN_METHODS,
      callShare: round(1 - sum('callShare'), 8),
      timeShare: round(1 - sum('timeShare'), 8),
    },
  };
}

const MEAN_TREE = Math.exp(FITTED.descendants.mu + FITTED.descendants.sigma ** 2 / 2) + 1;
/** P(a root RPC has at least `min` descendants) under the fitted lognormal. */
const treesAtLeast = (min: number): number =>
  1 - normalCdf((Math.log(Math.max(min - 0.5, 1e-9)) - FITTED.descendants.mu) / FITTED.descendants.sigma);

/** The k-th sampled tree with at least `min` descendants (P(D ≥ 500) is about 1%, so this ends quickly). */
function pickTree(f: FastRng, catalog: Catalog, k: number, min: number): CallTree {
  for (let seen = 0; ;) {
    const d = sampleDescendants(f, catalog.fit);
    const t = sampleTree(f, d);
    if (d >= min && ++seen === k) return t;
  }
}

function meanComponents(s: { sumUs: Float64Array; count: number }): Record<Component, number> {
  return Object.fromEntries(
    COMPONENTS.map((c, k) => [c, round(s.sumUs[k]! / Math.max(1, s.count), 3)]),
  ) as Record<Component, number>;
}

export const rpcView = defineLabView({
  title: 'RPC workloads: methods, sizes, call trees and the latency tax',
  description:
    'The fleet’s methods as treemaps by calls and by time (colour: service category), request and response size CDFs of sampled RPCs, one sampled call tree, and the mean latency of each of the seven components for one category at the exogenous variables you set, beside the reference point (CPU 50%, memory bandwidth 50%, no wake-up).',
  params,
  work: (p) => ({
    units: p.viewRpcs * 3 + Math.ceil((p.tree * MEAN_TREE) / treesAtLeast(p.minDescendants)),
    what: 'RPC samples and breakdowns',
    formula: `${p.viewRpcs.toLocaleString('en-US')} RPCs × (sampling + 2 tax runs) + tree #${p.tree} of ≥ ${p.minDescendants} descendants`,
    unitCostUs: 0.6,
    lower: 'viewRpcs or tree',
  }),
  async build(p, ctx): Promise<RpcViewModel> {
    const catalog = fleetCatalog();
    const sample = sampleRpcWorkload(ctx.rng, p.viewRpcs, catalog);
    await ctx.progress(0.4, 'sizes');
    const kb = log2Grid(-4, 12);
    const cdf = (a: Float64Array) => cdfPoints(a.map((b) => b / 1000).sort(), kb).map(([, y]) => round(y, 5));
    const t = pickTree(new FastRng(ctx.rng.fork('trees')), catalog, p.tree, p.minDescendants);
    const methodPick = sampleRpcWorkload(ctx.rng.fork('tree-methods'), t.parent.length, catalog).method;
    await ctx.progress(0.6, 'latency tax');
    const c = CATEGORIES.indexOf(p.category as Category);
    const chosenX = exogenous(p.cpuPct, p);
    const chosen = taxRun(catalog, sample, chosenX, new FastRng(ctx.rng.fork('queues'))).sums[c]!;
    const reference = taxRun(catalog, sample, REFERENCE_EXOGENOUS, new FastRng(ctx.rng.fork('queues'))).sums[
      c
    ]!;
    const cyc = cycleTax(sample);
    return {
      paper: RPC_PAPER,
      ...methodCells(catalog),
      sizeCdf: { kb, request: cdf(sample.requestB), response: cdf(sample.responseB) },
      tree: {
        index: p.tree,
        nodes: Array.from(t.parent, (parent, i) => ({
          parent,
          depth: t.depth[i]!,
          method: methodPick[i]! + 1,
          category: CATEGORIES[catalog.category[methodPick[i]!]!]!,
        })),
      },
      category: p.category as Category,
      tax: {
        chosen: meanComponents(chosen),
        reference: meanComponents(reference),
        taxShare: { chosen: round(taxShareOf(chosen), 8), reference: round(taxShareOf(reference), 8) },
        rpcs: chosen.count,
        exogenous: chosenX,
      },
      cycles: Object.fromEntries(CYCLE_COMPONENTS.map((k) => [k, round(cyc[k] / p.viewRpcs, 1)])) as Record<
        CycleComponent,
        number
      >,
    };
  },
});
