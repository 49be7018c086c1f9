// Benchmark of the training-recovery lab (core/train): the exact recovery probability at N = 1000 for every
// k and placement, and 1M Monte Carlo trials (the goal: both within a couple of seconds).
// Run: npx tsx bench/train.bench.ts
import { Rng } from '../core/kernel/rng';
import {
  PLACEMENTS,
  recoveryProbabilities,
  recoveryProbabilityMc,
  replicaHolders,
} from '../core/train/placement';

const N = 1000;
const M = 2;
const time = <T>(f: () => T): [T, number] => {
  const t0 = performance.now();
  const v = f();
  return [v, performance.now() - t0];
};

for (const placement of PLACEMENTS) {
  const ks = Array.from({ length: 33 }, (_, k) => k);
  const [probs, exactMs] = time(() => recoveryProbabilities(placement, N, M, ks));
  const [all, allMs] = time(() => recoveryProbabilities(placement, N, M, [N / 2]));
  const [mc, mcMs] = time(() =>
    recoveryProbabilityMc(replicaHolders(placement, N, M), 8, 1_000_000, new Rng(1)),
  );
  console.log(
    `${placement.padEnd(6)} N=${N} m=${M}: exact k=0..32 ${exactMs.toFixed(0)} ms (k=8: ${probs[8]!.toFixed(6)}), ` +
      `exact k=500 ${allMs.toFixed(0)} ms (${all[0]!.toExponential(3)}), 1M MC trials k=8 ${mcMs.toFixed(0)} ms (${mc.toFixed(6)})`,
  );
}
