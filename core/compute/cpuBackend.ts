// The CPU compute backend: runs the core reference kernels, timed with a clock the host passes in (core
// has no clock of its own). Hosts use it when no WebGPU adapter exists.
import { addAvailabilityCounts } from './availabilityCounts';
import type { AttentionProblem, AvailabilityProblem, ComputeBackend } from './backend';
import { contiguousAttentionRef, pagedAttentionRef } from './pagedAttentionRef';

/** `f` run once to warm up, then `reps` times on the host's clock: its last output and the median time. */
export function timed<T>(now: () => number, reps: number, f: () => T): { out: T; ms: number } {
  let out = f(); // warm-up, also the returned output
  const times: number[] = [];
  for (let r = 0; r < reps; r++) {
    const t0 = now();
    out = f();
    times.push(now() - t0);
  }
  times.sort((a, b) => a - b);
  return { out, ms: times[Math.floor(times.length / 2)] ?? 0 };
}

export function cpuBackend(now: () => number): ComputeBackend {
  return {
    kind: 'cpu',
    adapter: 'CPU (JavaScript reference)',
    now,
    pagedAttention: (p: AttentionProblem, reps: number) =>
      Promise.resolve(timed(now, reps, () => pagedAttentionRef(p))),
    contiguousAttention: (p: AttentionProblem, reps: number) =>
      Promise.resolve(timed(now, reps, () => contiguousAttentionRef(p))),
    availabilityCounts(p: AvailabilityProblem) {
      const staticHits = new Uint32Array(p.cubesNeeded.length);
      const ocsHits = new Uint32Array(p.cubesNeeded.length);
      const t0 = now();
      addAvailabilityCounts(p, staticHits, ocsHits);
      return Promise.resolve({ staticHits, ocsHits, ms: now() - t0 });
    },
  };
}
