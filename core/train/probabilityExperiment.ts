// train-recovery-probability: the chance that k machines failing at once can still be recovered from
// CPU memory, for each checkpoint placement (Gemini §4.1), exactly and by Monte Carlo.
import { defineExperiment } from '../experiments/types';
import type { ChartSpec, Comparison, Result } from '../experiments/types';
import { round } from '../kernel/numbers';
import { clusterParams, checkReplicas } from './params';
import { placementsFor, recoveryProbabilities, recoveryProbabilityMc, replicaHolders } from './placement';
import { GEMINI_PAPER } from './setup';

const params = {
  ...clusterParams,
  failures: {
    kind: 'int',
    label: 'Machines failing at once (k)',
    help: 'Chosen uniformly at random among the N machines.',
    default: 2,
    min: 0,
    max: 1000,
    group: 'Failures',
  },
  trials: {
    kind: 'int',
    label: 'Monte Carlo trials',
    default: 100_000,
    min: 1,
    max: 10_000_000,
    group: 'Failures',
  },
} as const;

/** The k the chart sweeps: 0 … max(16, 2k), capped at N. */
function chartKs(machines: number, failures: number): number[] {
  return Array.from({ length: Math.min(machines, Math.max(16, 2 * failures)) + 1 }, (_, k) => k);
}

const binom = (n: number, r: number): number => {
  let v = 1;
  for (let i = 1; i <= r; i++) v = (v * (n - r + i)) / i;
  return v;
};

/** Gemini §4.1's bound for group placement: P ≥ 1 − N·C(N−m, k−m) / (m·C(N, k)) (1 below m failures). */
export function paperLowerBound(n: number, m: number, k: number): number {
  if (k < m) return 1;
  return Math.max(0, 1 - (n * binom(n - m, k - m)) / (m * binom(n, k)));
}

export const trainRecoveryProbability = defineExperiment({
  id: 'train-recovery-probability',
  title: 'Probability of recovering from CPU memory when k machines fail: group, ring and mixed placement',
  paper: GEMINI_PAPER,
  figure: '§4.1 (checkpoint placement, recovery probability)',
  description:
    'N machines each hold their own checkpoint shard and m − 1 other machines’ shards in CPU memory (m replicas). ' +
    'group: N/m groups of m consecutive machines replicate each other (needs m | N); ring: machine i’s shard is on i … i+m−1 (mod N); ' +
    'mixed: ⌊N/m⌋−1 groups and one ring over the remaining m + (N mod m) machines (group when m | N). ' +
    'k machines fail at once, uniformly at random; recovery from CPU memory succeeds when every shard keeps a replica. ' +
    'p-recover is exact: inclusion–exclusion over whole groups, and for a ring the count of k-subsets with no m cyclically consecutive ' +
    'machines (compositions of the failures into the gaps between survivors), convolved across the pieces in exact integers. ' +
    'p-recover-mc samples `trials` k-subsets. Group is omitted when m does not divide N.',
  comparisonNote:
    'The paper bounds group placement from below (§4.1); the comparison shows that bound beside the exact probability, which must be at least it (equal when k = m).',
  params,
  check: (p) =>
    checkReplicas(p) ??
    (p.failures > p.machines
      ? { field: 'failures', reason: `must be at most machines (${p.machines}); lower failures` }
      : undefined),
  work(p) {
    // Monte Carlo: a trial checks the shards of each failed machine; the exact counts cost about
    // K²/m BigInt terms (K = the largest k) per placement, each about 300 shard checks' time.
    const k = Math.max(p.failures, chartKs(p.machines, p.failures).length - 1);
    const mc = p.trials * Math.max(1, p.failures * p.replicas);
    return {
      units: 3 * (mc + Math.ceil((300 * k * k) / p.replicas)),
      what: 'shard checks',
      formula: `3 placements × (${p.trials.toLocaleString('en-US')} trials × ${p.failures} failures × ${p.replicas} replicas + 300 × ${k}²/${p.replicas} exact terms)`,
      unitCostUs: 0.05,
      lower: 'trials or failures',
    };
  },
  async run(p, ctx) {
    const placements = placementsFor(p.machines, p.replicas);
    const ks = chartKs(p.machines, p.failures);
    const metrics: Record<string, number> = {};
    const curves: number[][] = [];
    for (const [i, placement] of placements.entries()) {
      const exact = recoveryProbabilities(placement, p.machines, p.replicas, [...ks, p.failures]);
      curves.push(exact.slice(0, ks.length));
      await ctx.progress((i + 0.2) / placements.length, `${placement}: Monte Carlo`);
      const mc = recoveryProbabilityMc(
        replicaHolders(placement, p.machines, p.replicas),
        p.failures,
        p.trials,
        ctx.rng.fork(`mc:${placement}`),
      );
      metrics[`p-recover.${placement}`] = round(exact.at(-1)!, 9);
      metrics[`p-recover-mc.${placement}`] = round(mc, 6);
      await ctx.progress((i + 1) / placements.length);
    }
    const comparisons: Comparison[] = placements.includes('group')
      ? [
          {
            metric: 'p-recover.group',
            published: round(paperLowerBound(p.machines, p.replicas, p.failures), 9),
            measured: metrics['p-recover.group']!,
            source: `Gemini §4.1 lower bound 1 − N·C(N−m, k−m)/(m·C(N, k)) at N=${p.machines}, m=${p.replicas}, k=${p.failures}`,
          },
        ]
      : [];
    return {
      metrics,
      tables: {
        byFailures: {
          columns: ['failures k', ...placements.map((pl) => `p-recover ${pl}`)],
          rows: ks.map((k, i) => [k, ...curves.map((c) => round(c[i]!, 9))]),
        },
      },
      comparisons,
    };
  },
  charts(result: Result): ChartSpec[] {
    const t = result.tables.byFailures;
    if (!t) return [];
    return [
      {
        kind: 'line',
        title: 'Probability of recovering from CPU memory',
        x: { label: 'machines failing at once (k)' },
        y: { label: 'P(every shard keeps a replica)', format: 'percent', min: 0, max: 1 },
        // Mixed is group when m | N: its line lies on group's, so its name says so.
        series: t.columns.slice(1).map((name, i) => ({
          name:
            name === 'p-recover mixed' && t.columns.includes('p-recover group')
              ? 'mixed (= group)'
              : name.replace('p-recover ', ''),
          points: t.rows.map((r) => [Number(r[0]), Number(r[1 + i])] as [number, number]),
        })),
      },
    ];
  },
});
