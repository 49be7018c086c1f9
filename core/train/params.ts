// Parameters the training-recovery experiments and view share, declared once (names match, so the app's
// view follows the experiment form on them).
import type { ParamsOf } from '../experiments/types';
import { MACHINE, shardBytes } from './setup';
import type { TrainSetup } from './setup';

export const clusterParams = {
  machines: {
    kind: 'int',
    label: 'Machines (N)',
    help: `GPU machines of ${MACHINE.gpus}x A100-40GB and 400 Gbps each; the paper evaluated 16 (§7).`,
    default: 16,
    min: 1,
    max: 1000,
    group: 'Cluster',
  },
  replicas: {
    kind: 'int',
    label: 'Replicas (m)',
    help: 'Copies of each machine’s checkpoint shard in CPU memory, its own included (Gemini §4.1).',
    default: 2,
    min: 1,
    max: 1000,
    group: 'Cluster',
  },
} as const;

export const modelParams = {
  paramsB: {
    kind: 'number',
    label: 'Model size',
    help: 'Parameters; 12 checkpointed bytes each (FP32 weights and Adam states, ZeRO §3.1). ASSUMPTION: 100B.',
    default: 100,
    min: 0.1,
    max: 2000,
    unit: 'B params',
    group: 'Model',
  },
  layers: {
    kind: 'int',
    label: 'Layers',
    help: 'ASSUMPTION: 80 (a 100B GPT-style model: 12 × 80 × 10240² ≈ 100B).',
    default: 80,
    min: 1,
    max: 512,
    group: 'Model',
    advanced: true,
  },
  tokensPerIter: {
    kind: 'int',
    label: 'Tokens per iteration',
    help: 'Global batch. ASSUMPTION: 512 sequences × 2048 tokens (GPT-3 used 0.5M–3.2M, Brown et al. 2020 Table 2.1).',
    default: 1048576,
    min: 1024,
    max: 100_000_000,
    group: 'Model',
    advanced: true,
  },
  mfu: {
    kind: 'number',
    label: 'GPU utilisation (MFU)',
    help: 'Fraction of A100 peak (312 TFLOPS) training achieves. ASSUMPTION: 0.4.',
    default: 0.4,
    min: 0.01,
    max: 1,
    group: 'Model',
    advanced: true,
  },
  storageGBps: {
    kind: 'number',
    label: 'Remote storage bandwidth',
    help: 'Aggregate, for writing and reading checkpoints. ASSUMPTION: 20 Gbps = 2.5 GB/s.',
    default: 2.5,
    min: 0.01,
    max: 1000,
    unit: 'GB/s',
    group: 'Cluster',
    advanced: true,
  },
} as const;

export const bufferParams = {
  bufferMB: {
    kind: 'number',
    label: 'GPU receive buffer',
    help: 'Per GPU, for interleaved (and blocking) checkpoint chunks. ASSUMPTION: 128 MB.',
    default: 128,
    min: 1,
    max: 40000,
    unit: 'MB',
    group: 'Checkpoint traffic',
  },
  gpuSpareGB: {
    kind: 'number',
    label: 'Spare GPU memory',
    help: 'Per GPU, left free by training for receiving checkpoints. ASSUMPTION: 2 GB of 40 GB.',
    default: 2,
    min: 0,
    max: 40,
    unit: 'GB',
    group: 'Checkpoint traffic',
    advanced: true,
  },
} as const;

export type SetupParams = ParamsOf<typeof clusterParams & typeof modelParams>;

export function setupOf(p: SetupParams): TrainSetup {
  return {
    machines: p.machines,
    paramsB: p.paramsB,
    layers: p.layers,
    tokensPerIter: p.tokensPerIter,
    mfu: p.mfu,
    storageGBps: p.storageGBps,
  };
}

/** m ≤ N: a machine cannot hold more replicas than there are machines. */
export function checkReplicas(p: {
  machines: number;
  replicas: number;
}): { field: 'replicas'; reason: string } | undefined {
  if (p.replicas > p.machines)
    return {
      field: 'replicas',
      reason: `must be at most machines (${p.machines}); lower replicas or raise machines`,
    };
  return undefined;
}

/** Every machine keeps m shards in CPU memory (its own and m − 1 peers'): they must fit the host's memory. */
export function checkHostMemory(p: SetupParams): { field: 'replicas'; reason: string } | undefined {
  const needGB = (p.replicas * shardBytes(setupOf(p))) / 1e9;
  if (needGB <= MACHINE.cpuMemGB) return undefined;
  return {
    field: 'replicas',
    reason: `${p.replicas} × the ${(shardBytes(setupOf(p)) / 1e9).toFixed(0)} GB shard = ${needGB.toFixed(0)} GB per machine exceeds its ${MACHINE.cpuMemGB.toFixed(0)} GB of CPU memory; lower replicas or paramsB, or raise machines`,
  };
}
