// rpc-fanout (“Characteristics”, "RPCs are wider than deep"): call trees sampled from the fitted descendants distribution and a
// random recursive tree shape; the descendants per root RPC, the depth of each tree and the ancestors of every RPC.
import { defineExperiment } from '../experiments/types';
import type { ChartSpec, Comparison, Result } from '../experiments/types';
import { FastRng } from '../kernel/fastRng';
import { round } from '../kernel/numbers';
import { cdfPoints, log2Grid, percentileSorted, tableSeries } from './families';
import { FITTED } from './fitted';
import { RPC_PAPER, SOURCES } from './params';
import { TREE_SHAPES, sampleDescendants, sampleTree, treeDepth, treeWidth } from './tree';
import type { TreeShape } from './tree';

/** ASSUMPTION for the work estimate: a tree has about 50 RPCs on average (the fitted lognormal's mean). */
const MEAN_TREE = Math.exp(FITTED.descendants.mu + FITTED.descendants.sigma ** 2 / 2) + 1;

export const rpcFanout = defineExperiment({
  id: 'rpc-fanout',
  title: 'RPC call trees: wider than deep',
  paper: RPC_PAPER,
  figure: '“Characteristics” (descendants and ancestors CDFs)',
  description:
    'Each root RPC gets round(LN(mu, sigma)) descendants (fitted by scripts/fit-rpc.ts to a median of 13 and a P90 of about 105, both from a ' +
    'secondary source; ASSUMPTION that they count a root RPC’s descendants; capped at 10,000, a DEVIATION for memory). The descendants form a ' +
    'random recursive tree: each new RPC is issued by an RPC chosen uniformly among those already in the tree (shape=uniform), or in proportion to 1 + ' +
    'the RPCs it already issued (shape=preferential) (ASSUMPTIONS: the paper’s tree shapes beyond the descendants CDF are not available here). Depth is a tree’s most ancestors; ancestors are counted for every RPC in every tree. ' +
    'A tree is wider than deep when its widest level holds more RPCs than the tree has levels below the root.',
  comparisonNote:
    'The descendants rows are fit checks (the lognormal was fitted to them). Depth and ancestors are predictions of the assumed tree shape; ' +
    'no published values for them were available to this project, so they are reported, not compared.',
  params: {
    trees: {
      kind: 'int',
      label: 'Sampled call trees',
      help: 'Root RPCs whose whole call tree is sampled (about 50 RPCs each on average).',
      default: 20_000,
      min: 100,
      max: 2_000_000,
      group: 'Workload',
    },
    shape: {
      kind: 'enum',
      label: 'Tree shape',
      help: 'Who issues each new RPC: uniform (any RPC already in the tree) or preferential (callers that already fan out). Both ASSUMPTIONS.',
      default: 'uniform',
      options: TREE_SHAPES,
      group: 'Call trees',
    },
    maxDescendants: {
      kind: 'int',
      label: 'Largest tree',
      help: 'Descendants above this are cut (DEVIATION: a cap for memory; P(> 10,000) ≈ 0.002%).',
      default: 10_000,
      min: 1,
      max: 100_000,
      unit: 'descendants',
      group: 'Call trees',
    },
  },
  work: (p) => ({
    units: Math.ceil(p.trees * MEAN_TREE),
    what: 'RPCs in call trees',
    formula: `${p.trees.toLocaleString('en-US')} trees × ${MEAN_TREE.toFixed(0)} RPCs`,
    unitCostUs: 0.2,
    lower: 'trees',
  }),
  async run(p, ctx) {
    const f = new FastRng(ctx.rng.fork('trees'));
    const capped = { ...FITTED, descendants: { ...FITTED.descendants, max: p.maxDescendants } };
    const desc = new Float64Array(p.trees);
    const depth = new Float64Array(p.trees);
    const ancestors: Float64Array[] = [];
    let wide = 0;
    for (let t = 0; t < p.trees; t++) {
      const tree = sampleTree(f, sampleDescendants(f, capped), p.shape as TreeShape);
      desc[t] = tree.parent.length - 1;
      depth[t] = treeDepth(tree);
      ancestors.push(Float64Array.from(tree.depth));
      if (treeWidth(tree) > depth[t]!) wide++;
      if (t % 5000 === 4999) await ctx.progress(t / p.trees, 'sampling call trees');
    }
    const anc = new Float64Array(ancestors.reduce((n, a) => n + a.length, 0));
    ancestors.reduce((off, a) => (anc.set(a, off), off + a.length), 0);
    desc.sort();
    depth.sort();
    anc.sort();
    const metrics = {
      'descendants.p50': round(percentileSorted(desc, 50), 3),
      'descendants.p90': round(percentileSorted(desc, 90), 3),
      'depth.p50': round(percentileSorted(depth, 50), 3),
      'depth.p90': round(percentileSorted(depth, 90), 3),
      'ancestors.p90': round(percentileSorted(anc, 90), 3),
      'wider-than-deep.share': round(wide / p.trees, 6),
    };
    const fit = `fit check (fitted to this figure by scripts/fit-rpc.ts): ${SOURCES.notes}`;
    const comparisons: Comparison[] = [
      { metric: 'descendants.p50', published: 13, measured: metrics['descendants.p50'], source: fit },
      { metric: 'descendants.p90', published: 105, measured: metrics['descendants.p90'], source: fit },
    ];
    const maxDepth = depth[depth.length - 1]!;
    const levels = Array.from({ length: maxDepth + 1 }, (_, d) => d);
    const depthCdf = cdfPoints(depth, levels);
    const ancCdf = cdfPoints(anc, levels);
    return {
      metrics,
      tables: {
        descendantsCdf: {
          columns: ['descendants', 'root RPCs ≤ descendants'],
          rows: cdfPoints(desc, log2Grid(0, 13)).map(([x, y]) => [round(x, 4), round(y, 6)]),
        },
        depthCdf: {
          columns: ['levels', 'trees with depth ≤ levels', 'RPCs with ancestors ≤ levels'],
          rows: levels.map((d, i) => [d, round(depthCdf[i]![1], 6), round(ancCdf[i]![1], 6)]),
        },
      },
      comparisons,
    };
  },
  charts(result: Result): ChartSpec[] {
    const d = result.tables.descendantsCdf;
    const a = result.tables.depthCdf;
    if (!d || !a) return [];
    return [
      {
        kind: 'line',
        title: 'CDF of descendants per root RPC',
        x: { label: 'descendants', scale: 'log2' },
        y: { label: 'share of root RPCs', format: 'percent', min: 0, max: 1 },
        series: [{ name: 'descendants', points: tableSeries(d, 1) }],
      },
      {
        kind: 'line',
        title: 'CDF of tree depth and of ancestors per RPC',
        x: { label: 'levels' },
        y: { label: 'share', format: 'percent', min: 0, max: 1 },
        series: [
          { name: 'tree depth', points: tableSeries(a, 1) },
          { name: 'ancestors of an RPC', points: tableSeries(a, 2) },
        ],
      },
    ];
  },
});
