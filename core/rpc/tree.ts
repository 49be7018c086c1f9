// Call trees (“Characteristics”, "RPCs are wider than deep"): a root RPC's number of descendants is a discretised lognormal
// fitted to the published median and P90 (fitted.ts); the descendants attach to the tree as a random recursive
// tree — each new RPC is issued by a uniformly chosen RPC already in the tree (ASSUMPTION: the paper's tree
// shapes beyond the descendants CDF are not available here), so depth grows like ln(size): wide, not deep.
import type { FastRng } from '../kernel/fastRng';
import type { RpcFit } from './workload';

/** Descendants of one root RPC: round(LN(mu, sigma)), capped at fit.descendants.max (DEVIATION: a cap). */
export function sampleDescendants(f: FastRng, fit: RpcFit): number {
  const { mu, sigma, max } = fit.descendants;
  const z = Math.sqrt(-2 * Math.log(1 - f.float())) * Math.cos(2 * Math.PI * f.float());
  return Math.min(max, Math.round(Math.exp(mu + sigma * z)));
}

/** One call tree of `1 + descendants` RPCs: parent (−1 for the root) and depth (= ancestors) of each node. */
export interface CallTree {
  parent: Int32Array;
  depth: Int32Array;
}

/**
 * How a new RPC picks the RPC that issues it. uniform: any RPC already in the tree (a random recursive tree: a
 * node's depth is about ln n). preferential: in proportion to 1 + the RPCs it already issued (a plane-oriented
 * recursive tree: callers that fan out keep fanning out; a node's depth is about ½·ln n, wider still). Both
 * ASSUMPTIONS.
 */
export const TREE_SHAPES = ['uniform', 'preferential'] as const;
export type TreeShape = (typeof TREE_SHAPES)[number];

export function sampleTree(f: FastRng, descendants: number, shape: TreeShape = 'uniform'): CallTree {
  const n = descendants + 1;
  const parent = new Int32Array(n);
  const depth = new Int32Array(n);
  parent[0] = -1;
  // preferential: an urn holding each RPC once plus once per child it issued; a uniform draw from it.
  const urn = shape === 'preferential' ? new Int32Array(2 * n) : null;
  let urnSize = 1;
  for (let i = 1; i < n; i++) {
    const p = urn ? urn[Math.floor(f.float() * urnSize)]! : Math.floor(f.float() * i);
    parent[i] = p;
    depth[i] = depth[p]! + 1;
    if (urn) {
      urn[urnSize++] = p;
      urn[urnSize++] = i;
    }
  }
  return { parent, depth };
}

/** The tree's depth: the most ancestors any of its RPCs has. */
export function treeDepth(t: CallTree): number {
  let d = 0;
  for (let i = 0; i < t.depth.length; i++) d = Math.max(d, t.depth[i]!);
  return d;
}

/** The widest level: the most RPCs at one depth. */
export function treeWidth(t: CallTree): number {
  const perLevel = new Int32Array(treeDepth(t) + 1);
  for (let i = 0; i < t.depth.length; i++) perLevel[t.depth[i]!] = perLevel[t.depth[i]!]! + 1;
  return perLevel.reduce((a, b) => Math.max(a, b), 0);
}
