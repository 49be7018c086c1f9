// The kv lab's live picture: a short seeded run of the paper's block manager (vllm policy) recorded frame by
// frame (one per iteration) as compact typed arrays — physical block owners, ref counts, fills, CoW copies,
// swaps, pinned prefix blocks, free-stack order, CPU swap area, block tables and a memory breakdown.
import { defineLabView } from '../experiments/types';
import type { ParamsOf, RunContext } from '../experiments/types';
import { SETUPS } from './cost';
import { simulate } from './serving/simulator';
import type { Sampling, SimState } from './serving/simulator';
import { generateWorkload } from './workloads';
import type { WorkloadId } from './workloads';

const params = {
  workload: {
    kind: 'enum',
    label: 'Workload',
    default: 'sharegpt',
    options: ['sharegpt', 'shared-prefix', 'alpaca', 'chat'],
  },
  sampling: { kind: 'enum', label: 'Decoding', default: 'parallel', options: ['single', 'parallel', 'beam'] },
  width: { kind: 'int', label: 'Samples n / beam width k', default: 2, min: 2, max: 8 },
  blocks: { kind: 'int', label: 'GPU KV blocks', default: 2048, min: 16, max: 8192, unit: 'blocks' },
  cpuBlocks: { kind: 'int', label: 'CPU swap blocks', default: 512, min: 0, max: 8192, unit: 'blocks' },
  blockSize: { kind: 'int', label: 'Block size', default: 16, min: 1, max: 256, unit: 'tokens' },
  rate: { kind: 'number', label: 'Request rate', default: 30, min: 0.1, max: 500, unit: 'req/s' },
  preemption: { kind: 'enum', label: 'Preemption', default: 'swap', options: ['swap', 'recompute'] },
  frames: { kind: 'int', label: 'Iterations recorded', default: 400, min: 10, max: 2000 },
} as const;

export type KvViewParams = ParamsOf<typeof params>;

/** Per-block flags in `blockFlags`. */
export const FLAG_PREFIX = 1;
export const FLAG_COW = 2;
export const FLAG_SWAPPED_IN = 4;
export const FLAG_NEW = 8;

/** Owner codes in `blockOwner` besides group ids (≥ 0). */
export const OWNER_FREE = -1;
export const OWNER_PREFIX = -2;

export interface KvViewModel {
  params: Record<string, number | string>;
  numBlocks: number;
  numCpuBlocks: number;
  blockSize: number;
  frames: number;
  // Per frame scalars.
  timeS: Float64Array;
  /** 0 prefill, 1 decode. */
  kind: Uint8Array;
  running: Int32Array;
  waiting: Int32Array;
  swapped: Int32Array;
  cowCopies: Int32Array;
  swapOut: Int32Array;
  swapIn: Int32Array;
  /** Token slots: tokens held, unfilled tails of used blocks (internal), free; and CPU blocks in use. */
  memTokens: Float32Array;
  memInternal: Float32Array;
  memFree: Float32Array;
  cpuUsed: Int32Array;
  // Per frame × block (frame-major).
  blockOwner: Int32Array;
  blockRef: Uint8Array;
  blockFill: Uint16Array;
  blockFlags: Uint8Array;
  /** Position of a free block in the free stack (0 = next to be allocated), −1 when in use. */
  freeRank: Int16Array;
  /** Per frame × CPU block: owning group or −1. */
  cpuOwner: Int32Array;
  // Block tables, packed: frame f's sequences are seqStart[f] .. seqStart[f+1].
  seqStart: Int32Array;
  seqGroup: Int32Array;
  seqSlot: Int32Array;
  seqTokens: Int32Array;
  seqOnCpu: Uint8Array;
  /** Sequence i's table is tableData[tableStart[i] .. tableStart[i+1]] (GPU or CPU block ids). */
  tableStart: Int32Array;
  tableData: Int16Array;
  /** Pinned shared prefixes: prefix id, its physical blocks and their chained hashes (FNV-1a over parent hash + ids). */
  prefixes: { id: number; blocks: number[]; hashes: string[] }[];
  /** Group facts for hover: input length, output length, prefix id, arrival. */
  groupInput: Int32Array;
  groupOutput: Int32Array;
  groupPrefix: Int32Array;
  summary: {
    requests: number;
    iterations: number;
    cowCopies: number;
    swapOutBlocks: number;
    preemptions: number;
  };
}

function chainHash(parent: number, prefixId: number, index: number, blockSize: number): number {
  let h = 0x811c9dc5 ^ parent;
  for (const x of [prefixId, index, blockSize]) {
    h ^= x & 0xff;
    h = Math.imul(h, 0x01000193);
    h ^= (x >>> 8) & 0xff;
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

class Growable32 {
  data: Int32Array;
  length = 0;
  constructor(cap: number) {
    this.data = new Int32Array(cap);
  }
  push(x: number): void {
    if (this.length === this.data.length) {
      const d = new Int32Array(this.data.length * 2);
      d.set(this.data);
      this.data = d;
    }
    this.data[this.length++] = x;
  }
  view(): Int32Array {
    return this.data.slice(0, this.length);
  }
}

export async function buildKvView(p: KvViewParams, ctx: RunContext): Promise<KvViewModel> {
  const frames = p.frames;
  const nB = p.blocks;
  const nC = p.cpuBlocks;
  const bs = p.blockSize;
  // Enough arrivals to keep the pool busy for the recorded iterations (≈ 40 ms each).
  const duration = Math.max(5, frames * 0.05);
  const requests = generateWorkload(
    ctx.rng.fork('view-workload'),
    p.workload as WorkloadId,
    p.rate,
    duration,
  );
  const sampling: Sampling =
    p.sampling === 'parallel'
      ? { kind: 'parallel', n: p.width }
      : p.sampling === 'beam'
        ? { kind: 'beam', k: p.width }
        : { kind: 'single' };

  const timeS = new Float64Array(frames);
  const kind = new Uint8Array(frames);
  const running = new Int32Array(frames);
  const waiting = new Int32Array(frames);
  const swapped = new Int32Array(frames);
  const cowCopies = new Int32Array(frames);
  const swapOut = new Int32Array(frames);
  const swapIn = new Int32Array(frames);
  const memTokens = new Float32Array(frames);
  const memInternal = new Float32Array(frames);
  const memFree = new Float32Array(frames);
  const cpuUsed = new Int32Array(frames);
  const blockOwner = new Int32Array(frames * nB).fill(OWNER_FREE);
  const blockRef = new Uint8Array(frames * nB);
  const blockFill = new Uint16Array(frames * nB);
  const blockFlags = new Uint8Array(frames * nB);
  const freeRank = new Int16Array(frames * nB).fill(-1);
  const cpuOwner = new Int32Array(frames * Math.max(1, nC)).fill(-1);
  const seqStart = new Int32Array(frames + 1);
  const seqGroup = new Growable32(1024);
  const seqSlot = new Growable32(1024);
  const seqTokens = new Growable32(1024);
  const seqOnCpu = new Growable32(1024);
  const tableStart = new Growable32(1024);
  const tableData = new Growable32(1 << 16);
  const prevOwner = new Int32Array(nB).fill(OWNER_FREE);
  let recorded = 0;
  let lastState: SimState | null = null;
  const pending = new Uint8Array(nB);

  const onIteration = (s: SimState) => {
    if (recorded >= frames) return;
    const f = recorded;
    const bm = s.paged!;
    bm.onCopy ??= (b, k) => {
      pending[b] = pending[b]! | (k === 'cow' ? FLAG_COW : FLAG_SWAPPED_IN);
    };
    lastState = s;
    timeS[f] = s.timeS;
    kind[f] = s.kind === 'prefill' ? 0 : 1;
    running[f] = s.running.length;
    waiting[f] = s.waiting.length;
    swapped[f] = s.swapped.length;
    cowCopies[f] = s.cowCopies;
    swapOut[f] = s.swappedOutBlocks;
    swapIn[f] = s.swappedInBlocks;
    memTokens[f] = s.memory.tokens;
    memInternal[f] = s.memory.internal;
    memFree[f] = s.memory.free;
    cpuUsed[f] = bm.numCpuBlocks - bm.nFreeCpu;
    const base = f * nB;
    const cbase = f * Math.max(1, nC);
    for (let b = 0; b < nB; b++) {
      const r = bm.gpuRef[b]!;
      blockRef[base + b] = r > 255 ? 255 : r;
      blockFill[base + b] = bm.gpuFill[b]!;
    }
    for (const blocks of bm.prefixBlockIds().values()) {
      for (const b of blocks) {
        blockOwner[base + b] = OWNER_PREFIX;
        blockFlags[base + b] = blockFlags[base + b]! | FLAG_PREFIX;
      }
    }
    // Tables of live sequences: owners come from the first sequence that maps a block.
    seqStart[f] = seqGroup.length;
    for (let slot = 0; slot < bm.slotCount; slot++) {
      if (!bm.seqAlive[slot]) continue;
      const g = bm.seqOwner[slot]!;
      const onCpu = bm.seqOnCpu[slot]!;
      seqGroup.push(g);
      seqSlot.push(slot);
      seqTokens.push(bm.seqTokens[slot]!);
      seqOnCpu.push(onCpu);
      tableStart.push(tableData.length);
      const t = bm.tables[slot]!;
      const n = bm.seqBlocks[slot]!;
      for (let i = 0; i < n; i++) {
        const b = t[i]!;
        tableData.push(b);
        if (onCpu) {
          if (nC > 0) cpuOwner[cbase + b] = g;
        } else if (blockOwner[base + b] === OWNER_FREE) blockOwner[base + b] = g;
      }
    }
    for (let i = 0; i < bm.nFreeGpu; i++) {
      const b = bm.gpuFree[bm.nFreeGpu - 1 - i]!;
      freeRank[base + b] = i;
    }
    // What changed since the previous frame: new blocks, copies (CoW) and blocks swapped back in.
    for (let b = 0; b < nB; b++) {
      const o = blockOwner[base + b]!;
      blockFlags[base + b] = blockFlags[base + b]! | pending[b]!;
      if (o >= 0 && prevOwner[b] !== o && pending[b] === 0)
        blockFlags[base + b] = blockFlags[base + b]! | FLAG_NEW;
      pending[b] = 0;
      prevOwner[b] = o;
    }
    recorded++;
    seqStart[f + 1] = seqGroup.length;
  };

  const result = await simulate(requests, {
    setup: SETUPS['opt-13b'],
    blockSize: bs,
    policy: 'vllm',
    preemption: p.preemption as 'swap' | 'recompute',
    sampling,
    gpuBlocks: nB,
    cpuBlocks: nC,
    rng: ctx.rng.fork('view-beams'),
    onIteration,
    maxIterations: frames,
    progress: (x) => ctx.progress(x, 'recording'),
  });
  await ctx.progress(1, 'recorded');
  tableStart.push(tableData.length);

  const prefixes: KvViewModel['prefixes'] = [];
  const st = lastState as SimState | null;
  if (st?.paged) {
    for (const [id, blocks] of st.paged.prefixBlockIds()) {
      const hashes: string[] = [];
      let h = 0;
      for (let i = 0; i < blocks.length; i++) {
        h = chainHash(h, id, i, bs);
        hashes.push(h.toString(16).padStart(8, '0'));
      }
      prefixes.push({ id, blocks: [...blocks], hashes });
    }
  }
  const n = requests.length;
  const groupInput = new Int32Array(n);
  const groupOutput = new Int32Array(n);
  const groupPrefix = new Int32Array(n);
  requests.forEach((r, i) => {
    groupInput[i] = r.inputLen;
    groupOutput[i] = r.outputLen;
    groupPrefix[i] = r.prefixId;
  });
  const f = recorded;
  const tableInts = tableData.view();
  return {
    params: { ...p },
    numBlocks: nB,
    numCpuBlocks: nC,
    blockSize: bs,
    frames: f,
    timeS: timeS.slice(0, f),
    kind: kind.slice(0, f),
    running: running.slice(0, f),
    waiting: waiting.slice(0, f),
    swapped: swapped.slice(0, f),
    cowCopies: cowCopies.slice(0, f),
    swapOut: swapOut.slice(0, f),
    swapIn: swapIn.slice(0, f),
    memTokens: memTokens.slice(0, f),
    memInternal: memInternal.slice(0, f),
    memFree: memFree.slice(0, f),
    cpuUsed: cpuUsed.slice(0, f),
    blockOwner: blockOwner.slice(0, f * nB),
    blockRef: blockRef.slice(0, f * nB),
    blockFill: blockFill.slice(0, f * nB),
    blockFlags: blockFlags.slice(0, f * nB),
    freeRank: freeRank.slice(0, f * nB),
    cpuOwner: cpuOwner.slice(0, f * Math.max(1, nC)),
    seqStart: seqStart.slice(0, f + 1),
    seqGroup: seqGroup.view(),
    seqSlot: seqSlot.view(),
    seqTokens: seqTokens.view(),
    seqOnCpu: Uint8Array.from(seqOnCpu.view()),
    tableStart: tableStart.view(),
    tableData: Int16Array.from(tableInts),
    prefixes,
    groupInput,
    groupOutput,
    groupPrefix,
    summary: {
      requests: n,
      iterations: result.iterations,
      cowCopies: result.cowCopies,
      swapOutBlocks: result.swapOutBlocks,
      preemptions: result.preemptions,
    },
  };
}

export const kvView = defineLabView({
  lab: 'kv',
  title: 'Block table: the paper’s KV block manager, iteration by iteration',
  description:
    'A short seeded run of the vllm policy on a small GPU pool: each physical block coloured by the request that owns ' +
    'it, reference-count badges, copy-on-write copies, pinned shared-prefix blocks, the free stack in allocation order, ' +
    'the CPU swap area and the memory breakdown over time.',
  params,
  build: buildKvView,
});
