// The compute-backend contract between core and its hosts: core states WHAT a kernel computes (the
// attention problem, CPU reference in pagedAttentionRef.ts); a host (CLI, tests, the app's worker) supplies
// HOW it runs (WebGPU via webgpu/, or the CPU) and its clock, so core itself never reads the wall clock.

/** Whether `adapter` names a software rasterizer (a CPU behind a GPU API): its timings are not GPU figures. */
export const isSoftwareAdapter = (adapter: string): boolean => /swiftshader|llvmpipe|lavapipe/i.test(adapter);

/**
 * One batch of decode attention (PagedAttention §4.1, Eq. 4): every sequence's single query token
 * attends to all of its cached keys and values, per head.
 *
 * Layouts (fp32, row-major, innermost last):
 * - `q`, output: [seq][head][dim]
 * - `kPool`, `vPool` (paged): [block][head][slot][dim] — a physical KV block holds `blockSize` token
 *   slots of every head, like vLLM's cache (its 16-byte x-packing of K aside).
 * - `blockTables`: [seq][maxBlocksPerSeq] physical block ids; entries past a sequence's last block are −1.
 * - `kCont`, `vCont` (contiguous, the Orca-style baseline): sequence s owns tokens
 *   contStart[s] .. contStart[s] + contextLens[s], laid out [token][head][dim] within that range.
 */
export interface AttentionProblem {
  numSeqs: number;
  numHeads: number;
  headDim: number;
  blockSize: number;
  numBlocks: number;
  maxBlocksPerSeq: number;
  /** 1 / sqrt(headDim) in the usual case. */
  scale: number;
  q: Float32Array;
  contextLens: Int32Array;
  blockTables: Int32Array;
  kPool: Float32Array;
  vPool: Float32Array;
  contStart: Int32Array;
  kCont: Float32Array;
  vCont: Float32Array;
}

/** A kernel's output and its host-measured time per launch (median of `reps`, upload excluded). */
export interface KernelRun {
  out: Float32Array;
  ms: number;
}

export interface ComputeBackend {
  kind: 'webgpu' | 'cpu';
  /** Human name of the device, e.g. "NVIDIA GeForce RTX 4090 (vulkan)" or "CPU (JavaScript reference)". */
  adapter: string;
  /** The host's monotonic clock in ms (performance.now): only measurements are derived from it. */
  now(): number;
  pagedAttention(problem: AttentionProblem, reps: number): Promise<KernelRun>;
  contiguousAttention(problem: AttentionProblem, reps: number): Promise<KernelRun>;
  /** Pod-availability Monte Carlo counts (optional: a backend without it leaves the CPU path to core). */
  availabilityCounts?(problem: AvailabilityProblem): Promise<AvailabilityCounts>;
}

/**
 * One batch of pod-availability Monte Carlo trials (core/tpu/availability.ts builds it): trial t draws its
 * unhealthy machines by geometric skipping on the Philox stream keyed by `key`, draw j of trial t being word
 * j mod 4 of philox4x32([j div 4, t, 0, 0], key). With U = word >>> 8 (24 bits), the gap G (healthy
 * machines before the next unhealthy one) is the number of g in 1..machines with U < gapThresholds[g], where
 * gapThresholds[g] = floor(p^g · 2^24): integer-only, so every backend counts the same events.
 */
export interface AvailabilityProblem {
  key: readonly [number, number];
  /** Trials firstTrial .. firstTrial + trials − 1 (the Philox counter's second word). */
  firstTrial: number;
  trials: number;
  /** Length machines + 1, non-increasing, gapThresholds[0] = 2^24. */
  gapThresholds: Uint32Array;
  /** Cube (0..63) of each machine; its length is the machine count. */
  cubeOfMachine: Uint32Array;
  /** Static placements of every slice size as cube masks, [lo, hi] pairs, sizes concatenated. */
  placements: Uint32Array;
  /** Size s owns placement pairs placementStart[s] .. placementStart[s + 1] − 1 (length sizes + 1). */
  placementStart: Uint32Array;
  /** Fully healthy cubes the reconfigurable rule needs per size. */
  cubesNeeded: Uint32Array;
}

/** Trials in which each size could be placed, per rule, and the host-measured kernel time. */
export interface AvailabilityCounts {
  staticHits: Uint32Array;
  ocsHits: Uint32Array;
  ms: number;
}
