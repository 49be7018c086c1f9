// The compute-backend contract between core and its hosts: core states WHAT a kernel computes (the
// attention problem, CPU reference in pagedAttentionRef.ts); a host (CLI, tests, the app's worker) supplies
// HOW it runs (WebGPU via renderer/gpu, or the CPU) and its clock, so core itself never reads the wall clock.

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
}
