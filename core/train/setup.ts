// The training cluster and model of the training-recovery lab (Gemini, SOSP'23): the hardware the paper
// evaluated on, the model whose states are checkpointed, and the sizes and times derived from them.
// Sources are named per constant; what no source gives is marked ASSUMPTION.

export const GEMINI_PAPER =
  'Wang et al., "GEMINI: Fast Failure Recovery in Distributed Training with In-Memory Checkpoints", SOSP 2023';

/** One GPU machine of the paper's evaluation (§7 setup: 16 instances of 8x A100-40GB, 400 Gbps network). */
export const MACHINE = {
  gpus: 8,
  gpuMemGB: 40,
  /** p4d.24xlarge: 4 x 100 Gbps EFA = 400 Gbps = 50 GB/s per machine (the paper's setup; AWS EC2 docs). */
  networkGBps: 50,
  /** p4d.24xlarge host memory: 1152 GiB (AWS EC2 instance types). */
  cpuMemGB: 1152 * 1.073741824,
  /** A100 dense FP16/BF16 tensor-core peak: 312 TFLOPS (NVIDIA A100 datasheet). */
  gpuPeakTflops: 312,
  /** PCIe 4.0 x16 host↔GPU, ~25 GB/s usable per GPU (the figure vLLM's swap model uses too; docs/reference.md). */
  pcieGBps: 25,
} as const;

/**
 * Checkpointed bytes per parameter: mixed-precision Adam keeps an FP32 copy of the weights, momentum and
 * variance, 4 + 4 + 4 = 12 bytes per parameter (ZeRO, Rajbhandari et al. SC'20 §3.1, "K = 12"); the FP16
 * weights and gradients are derived from them and not saved.
 */
export const CHECKPOINT_BYTES_PER_PARAM = 12;
/** ZeRO-3 moves FP16 parameters and gradients: 2 bytes per parameter per collective (ZeRO §5, §7.2.2). */
export const COLLECTIVE_BYTES_PER_PARAM = 2;

export interface TrainSetup {
  /** Machines N. */
  machines: number;
  /** Model parameters, billions. */
  paramsB: number;
  /** Transformer layers (the iteration timeline has one forward and one backward phase per layer). */
  layers: number;
  /** Tokens per iteration (global batch). */
  tokensPerIter: number;
  /** Model FLOPs utilisation of the GPUs' peak. */
  mfu: number;
  /** Aggregate bandwidth of the remote persistent storage, GB/s. */
  storageGBps: number;
}

export const GB = 1e9;

/** Whole checkpoint (all model states), bytes. */
export function checkpointBytes(s: TrainSetup): number {
  return s.paramsB * 1e9 * CHECKPOINT_BYTES_PER_PARAM;
}

/** One machine's shard of the checkpoint (ZeRO-3 partitions the states evenly), bytes. */
export function shardBytes(s: TrainSetup): number {
  return checkpointBytes(s) / s.machines;
}

/**
 * Compute seconds of one iteration: 6 FLOPs per parameter per token (2 forward, 4 backward; Kaplan et al.
 * 2020 §2.1) over all GPUs at `mfu` of peak.
 */
export function computeSeconds(s: TrainSetup): number {
  const flops = 6 * s.paramsB * 1e9 * s.tokensPerIter;
  return flops / (s.machines * MACHINE.gpus * MACHINE.gpuPeakTflops * 1e12 * s.mfu);
}

/**
 * Network seconds of one ZeRO-3 collective over the whole model on one machine's NIC: a ring over N
 * machines moves (N − 1)/N of the FP16 bytes through each machine (ZeRO §7.2.2; intra-machine NVLink
 * traffic is not on the NIC).
 */
export function collectiveSeconds(s: TrainSetup): number {
  const bytes = s.paramsB * 1e9 * COLLECTIVE_BYTES_PER_PARAM * ((s.machines - 1) / s.machines);
  return bytes / (MACHINE.networkGBps * GB);
}

/** Seconds to write (or read back) the whole checkpoint at the remote storage's aggregate bandwidth. */
export function storageSeconds(s: TrainSetup): number {
  return checkpointBytes(s) / (s.storageGBps * GB);
}

/** Seconds for a replaced machine to fetch its shard from a peer's CPU memory over the network. */
export function peerFetchSeconds(s: TrainSetup): number {
  return shardBytes(s) / (MACHINE.networkGBps * GB);
}

/** Seconds for a machine to load its shard from its own CPU memory into its GPUs (8 PCIe links in parallel). */
export function localLoadSeconds(s: TrainSetup): number {
  return shardBytes(s) / (MACHINE.gpus * MACHINE.pcieGBps * GB);
}
