// Roofline cost model for one engine iteration (batch tokens, KV bytes read) and the KV-cache capacity
// of the paper's setups (§6.1, Table 1). Every constant names its public source or is marked ASSUMPTION.

/** A model's shape, from its public model card / paper. */
export interface ModelSpec {
  name: string;
  /** Parameter count (weights), from the model's paper. */
  params: number;
  layers: number;
  hidden: number;
  /** Bytes per element of weights and KV cache (fp16). */
  bytesPerElement: number;
}

export interface GpuSpec {
  name: string;
  /** Dense fp16/bf16 tensor-core peak, FLOP/s (NVIDIA A100 datasheet: 312 TFLOPS). */
  peakFlops: number;
  /** HBM bandwidth, bytes/s (A100 datasheet: 40GB SXM 1,555 GB/s; 80GB SXM 2,039 GB/s). */
  hbmBytesPerS: number;
  /** HBM capacity, bytes (the "40GB" / "80GB" parts have 40 / 80 GiB). */
  memoryBytes: number;
}

export interface Setup {
  id: SetupId;
  label: string;
  model: ModelSpec;
  gpu: GpuSpec;
  numGpus: number;
  /** The paper's published KV slot count for this setup (Table 1), or null where none is published. */
  publishedSlots: number | null;
}

export type SetupId = 'opt-13b' | 'opt-66b' | 'opt-175b' | 'llama-13b';
export const SETUP_IDS: readonly SetupId[] = ['opt-13b', 'opt-66b', 'opt-175b', 'llama-13b'];

const GiB = 1024 ** 3;

/** NVIDIA A100 Tensor Core GPU datasheet (2021): 312 TFLOPS fp16 dense, 1,555 GB/s (40GB SXM). */
export const A100_40GB: GpuSpec = {
  name: 'A100-40GB',
  peakFlops: 312e12,
  hbmBytesPerS: 1555e9,
  memoryBytes: 40 * GiB,
};
/** Same datasheet: the 80GB SXM part has 2,039 GB/s. */
export const A100_80GB: GpuSpec = {
  name: 'A100-80GB',
  peakFlops: 312e12,
  hbmBytesPerS: 2039e9,
  memoryBytes: 80 * GiB,
};

/** Zhang et al., "OPT: Open Pre-trained Transformer Language Models" (2022), Table 1. */
export const OPT_13B: ModelSpec = {
  name: 'OPT-13B',
  params: 13e9,
  layers: 40,
  hidden: 5120,
  bytesPerElement: 2,
};
export const OPT_66B: ModelSpec = {
  name: 'OPT-66B',
  params: 66e9,
  layers: 64,
  hidden: 9216,
  bytesPerElement: 2,
};
export const OPT_175B: ModelSpec = {
  name: 'OPT-175B',
  params: 175e9,
  layers: 96,
  hidden: 12288,
  bytesPerElement: 2,
};
/** Touvron et al., "LLaMA: Open and Efficient Foundation Language Models" (2023), Table 2 (13.0B, 40 layers, d=5120). */
export const LLAMA_13B: ModelSpec = {
  name: 'LLaMA-13B',
  params: 13e9,
  layers: 40,
  hidden: 5120,
  bytesPerElement: 2,
};

/** §6.1, Table 1 of the paper: model sizes and servers. */
export const SETUPS: Readonly<Record<SetupId, Setup>> = {
  'opt-13b': {
    id: 'opt-13b',
    label: 'OPT-13B, 1×A100-40GB',
    model: OPT_13B,
    gpu: A100_40GB,
    numGpus: 1,
    publishedSlots: 15.7e3,
  },
  'opt-66b': {
    id: 'opt-66b',
    label: 'OPT-66B, 4×A100-40GB',
    model: OPT_66B,
    gpu: A100_40GB,
    numGpus: 4,
    publishedSlots: 9.7e3,
  },
  'opt-175b': {
    id: 'opt-175b',
    label: 'OPT-175B, 8×A100-80GB',
    model: OPT_175B,
    gpu: A100_80GB,
    numGpus: 8,
    publishedSlots: 60.1e3,
  },
  // ASSUMPTION: the paper runs LLaMA-13B for shared prefixes (§6.4) on one A100-80GB; no slot count is published.
  'llama-13b': {
    id: 'llama-13b',
    label: 'LLaMA-13B, 1×A100-80GB',
    model: LLAMA_13B,
    gpu: A100_80GB,
    numGpus: 1,
    publishedSlots: null,
  },
};

/**
 * Share of GPU memory the engine may use: vLLM's `gpu_memory_utilization` default (0.9, vllm/config.py);
 * the rest covers activations, the CUDA context and workspace.
 */
export const GPU_MEMORY_UTILIZATION = 0.9;
/** ASSUMPTION: achievable fraction of peak tensor FLOPs in large GEMMs (typical cuBLAS fp16 on A100). */
export const FLOPS_EFFICIENCY = 0.6;
/** ASSUMPTION: achievable fraction of HBM bandwidth for streaming reads (STREAM-like on A100 ≈ 80–90%). */
export const HBM_EFFICIENCY = 0.8;
/**
 * Per-iteration CPU time the GPU waits for, seconds: vLLM's engine loop is synchronous (schedule, prepare inputs and
 * block tables in Python, run, copy the sampled tokens to the host, turn them into Python objects), so this adds to
 * every iteration. Measured: ~4 ms of GPU bubble per decode step in profiler traces of vLLM 0.5.x (Llama-3-8B, H100;
 * "5–13 ms" over the RFC's runs) — vLLM RFC #6854 (github.com/vllm-project/vllm/issues/6854), the motivation for
 * multi-step scheduling; the vLLM v0.6.0 blog (blog.vllm.ai/2024/09/05/perf-update.html) puts 29% of v0.5.3's time
 * in scheduling and input preparation. ASSUMPTION: vLLM 0.1 (the paper's engine: the same synchronous single-step
 * loop, no CUDA graphs, Python sampling) pays at least that, the low end, 4 ms; its batch-dependent part (per-sequence
 * sampling and bookkeeping) is not modelled: no per-sequence measurement of vLLM 0.1 is published that we found
 * (vLLM PR #818, Aug 2023, gives only shares for Llama-70B on 4×A100: sampler 8.5%, detokenizer 1.3%, other
 * scheduling 1.1% of the run).
 */
export const ITERATION_OVERHEAD_S = 4e-3;
/** ASSUMPTION: per-layer tensor-parallel all-reduce latency (2 per layer, Megatron-LM) over NVLink, seconds. */
export const ALLREDUCE_S = 15e-6;
/**
 * Host-link bandwidth one cudaMemcpyAsync of a KV block reaches once its per-copy cost is paid: the measured peak of
 * PCIe 4.0 x16 on an A100, 25 GB/s (Qureshi et al., "GPU-Initiated On-Demand High-Throughput Storage Access in the BaM
 * System Architecture", ASPLOS 2023; the authors confirm it is measured, not nominal: github.com/ZaidQureshi/bam
 * issue #54). vLLM 0.1 swapped with the DMA engine, block by block (below), not with a copy kernel.
 * Not used: the 12.5 GB/s of vLLM PR #11531 (github.com/vllm-project/vllm/pull/11531), which is a later batched copy
 * kernel (one launch for all blocks); the same PR measured vLLM's per-block cudaMemcpyAsync path at 3.11 GB/s in and
 * 3.12 GB/s out for 1250 pages on an A100-40GB-SXM (page shape not stated).
 */
export const PCIE_BYTES_PER_S = 25e9;
/**
 * Cost of one cudaMemcpyAsync beyond its bytes, seconds. vLLM 0.1 swaps a block with one cudaMemcpyAsync per layer for
 * K and for V (csrc/cache_kernels.cu `swap_blocks` loops over the block mapping, one copy per pair; it is called per
 * layer, key and value, by vllm/worker/cache_engine.py `_swap`), so a swap of n blocks issues n × layers × 2 copies.
 * Measured: a loop of cudaMemcpyAsync costs 3.55 µs per call at 1 B and 3.45 µs at 128 B (bytes negligible) on an
 * x86 H100 host, CUDA 12.8 (meta-pytorch/torchcomms PR #2195); FlexKV measured ~2.3 µs per call on an H20
 * (taco-project/FlexKV PR #193). ASSUMPTION: an A100 host of 2023 pays about the same, 3.5 µs; the copy's issue cost
 * and its transfer add up (no overlap): time per copy = overhead + bytes / bandwidth.
 * Cross-check with PR #11531's 3.11 GB/s for the per-block path: 3.5 µs + bytes / 25 GB/s gives 3.11 GB/s for ~12 KB
 * copies; a 32 KB copy (block 16 of an 8-KV-head, 128-dim model) would need ~9 µs per copy. The per-copy cost on
 * that host may thus be up to ~2.6× ours; kv-preemption's description gives the ratio at both.
 */
export const MEMCPY_LAUNCH_S = 3.5e-6;
/** vLLM's default CPU swap space: 4 GiB per GPU (`swap_space`, vllm/config.py). */
export const SWAP_SPACE_BYTES_PER_GPU = 4 * GiB;
/** §5 / Fig. 18: the paged kernel's attention overhead vs a contiguous kernel is 20–26%; default the low end. */
export const DEFAULT_PAGED_OVERHEAD = 0.2;
/**
 * ASSUMPTION: per-block gather cost of the paged kernel, in token-equivalents of KV read. It makes tiny blocks slow
 * (Fig. 18: block sizes below 16 cannot use the GPU's parallelism when reading and processing KV) and is normalised
 * so the total overhead at block size 16 equals `pagedOverhead` (Fig. 18a measures 20–26% at context lengths 64–256,
 * i.e. on whole 16-token blocks, so no padded slot is in that figure).
 */
export const BLOCK_GATHER_TOKENS = 4;

/** 2 (K and V) × layers × hidden × bytes (REFERENCE: OPT-13B = 800 KB per token). */
export function kvBytesPerToken(m: ModelSpec): number {
  return 2 * m.layers * m.hidden * m.bytesPerElement;
}

export function weightBytes(m: ModelSpec): number {
  return m.params * m.bytesPerElement;
}

/** KV-cache bytes left once the weights are loaded: total × utilization − weights. */
export function kvCacheBytes(s: Setup): number {
  return s.numGpus * s.gpu.memoryBytes * GPU_MEMORY_UTILIZATION - weightBytes(s.model);
}

/**
 * KV token slots of a setup (§6.1, Table 1: 15.7K, 9.7K, 60.1K). Table 1's slots are its KV memory in GiB / bytes per
 * token (13B: 12 GiB / 800 KiB = 15.7K). OPT-175B here gets 56.9K, 5.3% under 60.1K: we leave 250 GiB (268 GB) for
 * KV; the published 264 GB is within 2% of ours in decimal GB, but 60.1K = 264 GiB / 4.5 MiB, so that row divides a
 * decimal figure as if it were GiB. Not corrected here (we model bytes, not the table's units).
 */
export function kvSlots(s: Setup): number {
  return Math.floor(kvCacheBytes(s) / kvBytesPerToken(s.model));
}

export function gpuBlocks(s: Setup, blockSize: number): number {
  return Math.floor(kvSlots(s) / blockSize);
}

export function cpuBlocks(s: Setup, blockSize: number): number {
  return Math.floor((SWAP_SPACE_BYTES_PER_GPU * s.numGpus) / (kvBytesPerToken(s.model) * blockSize));
}

/** What one iteration does, summed over the batch. */
export interface IterationWork {
  /** Tokens that go through the model this iteration (prompt tokens of prefills + one per decoding sequence). */
  batchTokens: number;
  /**
   * KV entries (tokens) read by contiguous attention, summed over the batch: a prefill over its own prompt (§4.3: the
   * prompt phase uses a conventional attention kernel over the fresh K/V, Fig. 6 step 1) and Orca's decode.
   */
  kvTokensRead: number;
  /** Query×key pairs of that contiguous attention (for FLOPs): decode ctx per token, prefill n(n+1)/2. */
  attentionPairs: number;
  /**
   * Blocks the paged decode kernel reads, summed over the batch's sequences (§4.3, §5). The kernel reads each block
   * whole, its unfilled tail included (see `costModel`), so this alone fixes the paged attention's bytes and pairs.
   */
  blocksRead: number;
}

export interface CostModel {
  readonly setup: Setup;
  /** Seconds for one iteration: contiguous attention from kvTokensRead, the paged kernel's from blocksRead. */
  iterationS(w: IterationWork): number;
  /** Seconds to move `blocks` blocks of `blockSize` over PCIe (swap-out or swap-in). */
  swapS(blocks: number): number;
  /**
   * Seconds to recompute the KV of `tokens` tokens alone: one prompt iteration. The prompt's attention runs over
   * its own fresh K/V, not through the block table, so the cost does not depend on the block size (§7.3).
   */
  recomputeS(tokens: number): number;
}

/**
 * Roofline per phase: the dense part (QKV/out projections and MLP, 2 FLOPs per parameter per token) costs
 * max(FLOPs / peak, weight bytes / bandwidth); attention costs max(4·layers·hidden FLOPs per query-key pair,
 * KV bytes / bandwidth). Tensor parallelism divides both across GPUs and adds two all-reduces per layer. §6.1.
 *
 * The paged decode kernel (§5; vLLM 0.1 csrc/attention/attention_kernels.cu, `single_query_cached_kv_attention_
 * kernel`) gives each block of a sequence to one warp, which loads the keys of all BLOCK_SIZE slots of the block
 * (`NUM_TOKENS_PER_THREAD_GROUP = ceil(BLOCK_SIZE / WARP_SIZE)` per thread group) and computes their dot products,
 * masking the slots at or past the context length only when it stores the logits; the value loop reads whole block
 * rows the same way. So a sequence of n tokens costs ceil(n / B)·B slots of KV reads and pairs: a block's unfilled
 * tail is read as if full. That is negligible where sequences span many blocks and dominant where a sequence is
 * shorter than one block (§7.2: on Alpaca "larger block sizes significantly degrade the performance since the
 * sequences become shorter than the block sizes"). On top, the paged kernel's overhead from §7.1 / Fig. 18a and the
 * per-block gather cost (BLOCK_GATHER_TOKENS) multiply its time.
 * Not modelled: the kernel also runs only as many warps of its 4 (NUM_THREADS 128) as the sequence has blocks, so
 * short sequences in large blocks leave warps idle; how much of the HBM bandwidth that loses depends on occupancy,
 * for which we have no measurement. It would make large blocks on Alpaca slower still.
 */
export function costModel(
  setup: Setup,
  blockSize: number,
  pagedOverhead = DEFAULT_PAGED_OVERHEAD,
): CostModel {
  const m = setup.model;
  const flops = setup.numGpus * setup.gpu.peakFlops * FLOPS_EFFICIENCY;
  const bw = setup.numGpus * setup.gpu.hbmBytesPerS * HBM_EFFICIENCY;
  const wBytes = weightBytes(m);
  const kvPerToken = kvBytesPerToken(m);
  const attnFlopsPerPair = 4 * m.layers * m.hidden;
  const tpS = setup.numGpus > 1 ? 2 * m.layers * ALLREDUCE_S : 0;
  // The paged kernel's factor per slot read: (1 + overhead) × (B + gather) / B, exactly 1 + overhead at B = 16.
  const pagedFactor =
    (1 + pagedOverhead) * ((blockSize + BLOCK_GATHER_TOKENS) / blockSize) * (16 / (16 + BLOCK_GATHER_TOKENS));
  const blockBytes = kvPerToken * blockSize;
  const copiesPerBlock = 2 * m.layers; // K and V, one copy per layer (vLLM's swap_blocks)
  const attentionS = (pairs: number, kvTokens: number) =>
    Math.max((attnFlopsPerPair * pairs) / flops, (kvPerToken * kvTokens) / bw);
  return {
    setup,
    iterationS(w) {
      const dense = Math.max((2 * m.params * w.batchTokens) / flops, wBytes / bw);
      const contiguous = attentionS(w.attentionPairs, w.kvTokensRead);
      const pagedSlots = w.blocksRead * blockSize;
      const paged = attentionS(pagedSlots, pagedSlots) * pagedFactor;
      return ITERATION_OVERHEAD_S + tpS + dense + contiguous + paged;
    },
    recomputeS(tokens) {
      const work = {
        batchTokens: tokens,
        kvTokensRead: tokens,
        attentionPairs: (tokens * (tokens + 1)) / 2,
        blocksRead: 0,
      };
      return tokens > 0 ? this.iterationS(work) : 0;
    },
    swapS(blocks) {
      if (blocks <= 0) return 0;
      // vLLM 0.1's path: blocks × layers × 2 (K, V) cudaMemcpyAsync calls, each paying MEMCPY_LAUNCH_S plus its
      // bytes at PCIE_BYTES_PER_S. Copies of different GPUs run in parallel; each GPU holds 1/numGpus of every block.
      return (
        (blocks * blockBytes) / (PCIE_BYTES_PER_S * setup.numGpus) + blocks * copiesPerBlock * MEMCPY_LAUNCH_S
      );
    },
  };
}
