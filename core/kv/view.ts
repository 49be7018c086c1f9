// The kv lab's live picture: a short seeded run of the paper's block manager (vllm policy) recorded frame by
// frame (one per iteration) as compact typed arrays — physical block owners, ref counts, fills, CoW copies,
// swaps, pinned prefix blocks, free-stack order, CPU swap area, block tables and a memory breakdown. The
// recording streams in chunks of iterations as the simulation produces them; KvRecording puts them together.
import { defineStreamingLabView } from '../experiments/types';
import type { ParamsOf, RunContext, WorkEstimate } from '../experiments/types';
import { formatCount } from '../experiments/run';
import { SETUPS, SETUP_IDS } from './cost';
import type { SetupId } from './cost';
import type { PagedBlockManager } from './memory/pagedBlockManager';
import { simulate } from './serving/simulator';
import type { Sampling, SimState } from './serving/simulator';
import { generateWorkload } from './workloads';
import type { Request, WorkloadId } from './workloads';

// Names match the experiments' where the meaning is the same (workload, model, blockSize, preemption), so the
// app's view follows the experiment form on them; the rest are the view's own (a small pool, a busy burst).
const params = {
  workload: {
    kind: 'enum',
    label: 'Workload',
    default: 'sharegpt',
    options: ['sharegpt', 'shared-prefix', 'alpaca', 'chat'],
  },
  sampling: { kind: 'enum', label: 'Decoding', default: 'parallel', options: ['single', 'parallel', 'beam'] },
  model: {
    kind: 'enum',
    label: 'Model and GPUs',
    help: 'Sets the iteration time of the recorded run (§6.1, Table 1).',
    default: 'opt-13b',
    options: SETUP_IDS,
  },
  width: { kind: 'int', label: 'Samples n / beam width k', default: 2, min: 2, max: 8, advanced: true },
  blocks: {
    kind: 'int',
    label: 'GPU KV blocks',
    default: 2048,
    min: 16,
    max: 8192,
    unit: 'blocks',
    advanced: true,
  },
  cpuBlocks: {
    kind: 'int',
    label: 'CPU swap blocks',
    default: 512,
    min: 0,
    max: 8192,
    unit: 'blocks',
    advanced: true,
  },
  blockSize: { kind: 'int', label: 'Block size', default: 16, min: 1, max: 256, unit: 'tokens' },
  // Not the experiments' `rate`: the view records a few seconds, so it needs a burst to fill the pool.
  burstRate: {
    kind: 'number',
    label: 'Burst rate',
    help: 'Arrivals during the few recorded seconds (the experiments’ rate spreads over minutes).',
    default: 30,
    min: 0.1,
    max: 500,
    unit: 'req/s',
    advanced: true,
  },
  preemption: {
    kind: 'enum',
    label: 'Preemption',
    default: 'swap',
    options: ['swap', 'recompute'],
    advanced: true,
  },
  frames: { kind: 'int', label: 'Iterations recorded', default: 400, min: 10, max: 2000, advanced: true },
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

/** The run's totals, known once the simulation has ended. */
export interface KvViewSummary {
  requests: number;
  iterations: number;
  cowCopies: number;
  swapOutBlocks: number;
  preemptions: number;
}

/** A pinned shared prefix: its id, physical blocks and their chained hashes (FNV-1a over parent hash + ids). */
export interface KvPrefix {
  id: number;
  blocks: number[];
  hashes: string[];
}

/** What is known before the first iteration: the pool, the requests and how many iterations to record. */
export interface KvViewHeader {
  part: 'header';
  params: Record<string, number | string>;
  numBlocks: number;
  numCpuBlocks: number;
  blockSize: number;
  /** Iterations the run records (params.frames) unless it runs out of requests first. */
  plannedFrames: number;
  /** Group facts for hover: input length, output length, prefix id. */
  groupInput: Int32Array;
  groupOutput: Int32Array;
  groupPrefix: Int32Array;
}

/** The recorded iterations' arrays; in a chunk they cover its frames only. */
interface KvFrameArrays {
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
  /** Per frame × CPU block (stride max(1, numCpuBlocks)): owning group or −1. */
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
}

/**
 * Frames `first .. first + frames − 1`. `seqStart` has frames + 1 entries and `tableStart` one per sequence
 * plus one; both hold offsets into the whole recording's sequence and table arrays, so chunks concatenate.
 */
export interface KvViewChunk extends KvFrameArrays {
  part: 'frames';
  first: number;
  frames: number;
  /** Pinned prefixes as of the chunk's last frame. */
  prefixes: KvPrefix[];
}

/** The last message of a recording. */
export interface KvViewEnd {
  part: 'end';
  summary: KvViewSummary;
}

/** A recording as it streams: one header, chunks of frames in order, one end. */
export type KvViewMessage = KvViewHeader | KvViewChunk | KvViewEnd;

/** The recording so far (all of it once `complete`), as the renderer draws it. */
export interface KvViewModel extends KvFrameArrays {
  params: Record<string, number | string>;
  numBlocks: number;
  numCpuBlocks: number;
  blockSize: number;
  plannedFrames: number;
  /** Iterations recorded so far. */
  frames: number;
  /** True once the run has ended: `frames` is then the final count (≤ plannedFrames). */
  complete: boolean;
  /** Pinned shared prefixes as of the last recorded frame. */
  prefixes: KvPrefix[];
  groupInput: Int32Array;
  groupOutput: Int32Array;
  groupPrefix: Int32Array;
  /** The run's totals once complete, else null. */
  summary: KvViewSummary | null;
}

/** Iterations per streamed chunk: a few tens of ms of worker time at the default pool size (2048 blocks). */
export const KV_CHUNK_FRAMES = 25;

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

type IntArray = Int32Array | Int16Array | Uint8Array;

/** A typed array that grows by doubling; `take()` copies out what it holds, `view()` shares it. */
class Column<A extends IntArray> {
  data: A;
  length = 0;
  constructor(
    private readonly make: (n: number) => A,
    capacity: number,
  ) {
    this.data = make(Math.max(1, capacity));
  }
  private reserve(n: number): void {
    if (n <= this.data.length) return;
    let cap = this.data.length * 2;
    while (cap < n) cap *= 2;
    const d = this.make(cap);
    d.set(this.data.subarray(0, this.length));
    this.data = d;
  }
  push(x: number): void {
    this.reserve(this.length + 1);
    this.data[this.length++] = x;
  }
  append(src: ArrayLike<number>): void {
    this.reserve(this.length + src.length);
    this.data.set(src, this.length);
    this.length += src.length;
  }
  view(): A {
    return this.data.subarray(0, this.length) as A;
  }
  take(): A {
    return this.data.slice(0, this.length) as A;
  }
}

const int32 = (n: number) => new Int32Array(n);
const int16 = (n: number) => new Int16Array(n);
const uint8 = (n: number) => new Uint8Array(n);

/** Fresh per-frame arrays for `frames` iterations (each chunk owns its buffers, so they can be transferred). */
function frameArrays(frames: number, nB: number, cpuStride: number) {
  return {
    timeS: new Float64Array(frames),
    kind: new Uint8Array(frames),
    running: new Int32Array(frames),
    waiting: new Int32Array(frames),
    swapped: new Int32Array(frames),
    cowCopies: new Int32Array(frames),
    swapOut: new Int32Array(frames),
    swapIn: new Int32Array(frames),
    memTokens: new Float32Array(frames),
    memInternal: new Float32Array(frames),
    memFree: new Float32Array(frames),
    cpuUsed: new Int32Array(frames),
    blockOwner: new Int32Array(frames * nB).fill(OWNER_FREE),
    blockRef: new Uint8Array(frames * nB),
    blockFill: new Uint16Array(frames * nB),
    blockFlags: new Uint8Array(frames * nB),
    freeRank: new Int16Array(frames * nB).fill(-1),
    cpuOwner: new Int32Array(frames * cpuStride).fill(-1),
  };
}

/** Fields with one value per frame, and with one per frame × GPU block (cpuOwner, per CPU block, goes apart). */
const PER_FRAME = [
  'timeS',
  'kind',
  'running',
  'waiting',
  'swapped',
  'cowCopies',
  'swapOut',
  'swapIn',
  'memTokens',
  'memInternal',
  'memFree',
  'cpuUsed',
] as const;
const PER_BLOCK = ['blockOwner', 'blockRef', 'blockFill', 'blockFlags', 'freeRank'] as const;

/** The block tables of the chunk being filled: offsets into its own sequence and table arrays. */
class ChunkTables {
  readonly seqStart: number[] = [0];
  readonly seqGroup = new Column(int32, 256);
  readonly seqSlot = new Column(int32, 256);
  readonly seqTokens = new Column(int32, 256);
  readonly seqOnCpu = new Column(uint8, 256);
  readonly tableStart = new Column(int32, 256);
  readonly tableData = new Column(int16, 4096);
}

interface RecorderShape {
  frames: number;
  nB: number;
  nC: number;
  blockSize: number;
  chunkFrames: number;
}

/**
 * Turns simulator iterations into frames and emits them in chunks. The state that spans frames (last owners,
 * pending copy flags, sequence and table offsets) lives here, outside the chunks, so what the chunks add up
 * to does not depend on the chunk size.
 */
class FrameRecorder {
  private readonly cpuStride: number;
  private readonly prevOwner: Int32Array;
  private readonly pending: Uint8Array;
  private recorded = 0;
  private seqBase = 0;
  private tableBase = 0;
  private lastState: SimState | null = null;
  // The chunk being filled.
  private first = 0;
  private a: ReturnType<typeof frameArrays>;
  private t = new ChunkTables();

  constructor(
    private readonly shape: RecorderShape,
    private readonly emit: (message: KvViewMessage) => void,
  ) {
    this.cpuStride = Math.max(1, shape.nC);
    this.prevOwner = new Int32Array(shape.nB).fill(OWNER_FREE);
    this.pending = new Uint8Array(shape.nB);
    this.a = frameArrays(Math.min(shape.chunkFrames, shape.frames), shape.nB, this.cpuStride);
  }

  /** The simulator's `onIteration`: one frame per iteration until `frames` are recorded. */
  readonly onIteration = (s: SimState): void => {
    if (this.recorded >= this.shape.frames) return;
    const f = this.recorded - this.first;
    const bm = s.paged!;
    bm.onCopy ??= (b, k) => {
      this.pending[b] = this.pending[b]! | (k === 'cow' ? FLAG_COW : FLAG_SWAPPED_IN);
    };
    this.lastState = s;
    this.recordScalars(s, bm, f);
    this.recordBlocks(bm, f);
    this.recordTables(bm, f);
    this.recordFreeRanks(bm, f);
    this.markChanges(f);
    this.recorded++;
    this.t.seqStart.push(this.t.seqGroup.length);
    if (this.recorded - this.first >= this.shape.chunkFrames) this.flush();
  };

  private recordScalars(s: SimState, bm: PagedBlockManager, f: number): void {
    const a = this.a;
    a.timeS[f] = s.timeS;
    a.kind[f] = s.kind === 'prefill' ? 0 : 1;
    a.running[f] = s.running.length;
    a.waiting[f] = s.waiting.length;
    a.swapped[f] = s.swapped.length;
    a.cowCopies[f] = s.cowCopies;
    a.swapOut[f] = s.swappedOutBlocks;
    a.swapIn[f] = s.swappedInBlocks;
    a.memTokens[f] = s.memory.tokens;
    a.memInternal[f] = s.memory.internal;
    a.memFree[f] = s.memory.free;
    a.cpuUsed[f] = bm.numCpuBlocks - bm.nFreeCpu;
  }

  /** Ref counts and fills of every GPU block; pinned prefix blocks are owned by the prefix. */
  private recordBlocks(bm: PagedBlockManager, f: number): void {
    const { blockOwner, blockRef, blockFill, blockFlags } = this.a;
    const nB = this.shape.nB;
    const base = f * nB;
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
  }

  /** Tables of live sequences: owners come from the first sequence that maps a block. */
  private recordTables(bm: PagedBlockManager, f: number): void {
    const { blockOwner, cpuOwner } = this.a;
    const t = this.t;
    const base = f * this.shape.nB;
    const cbase = f * this.cpuStride;
    for (let slot = 0; slot < bm.slotCount; slot++) {
      if (!bm.seqAlive[slot]) continue;
      const g = bm.seqOwner[slot]!;
      const onCpu = bm.seqOnCpu[slot]!;
      t.seqGroup.push(g);
      t.seqSlot.push(slot);
      t.seqTokens.push(bm.seqTokens[slot]!);
      t.seqOnCpu.push(onCpu);
      t.tableStart.push(t.tableData.length);
      const table = bm.tables[slot]!;
      const n = bm.seqBlocks[slot]!;
      for (let i = 0; i < n; i++) {
        const b = table[i]!;
        t.tableData.push(b);
        if (onCpu) {
          if (this.shape.nC > 0) cpuOwner[cbase + b] = g;
        } else if (blockOwner[base + b] === OWNER_FREE) blockOwner[base + b] = g;
      }
    }
  }

  private recordFreeRanks(bm: PagedBlockManager, f: number): void {
    const freeRank = this.a.freeRank;
    const base = f * this.shape.nB;
    for (let i = 0; i < bm.nFreeGpu; i++) {
      const b = bm.gpuFree[bm.nFreeGpu - 1 - i]!;
      freeRank[base + b] = i;
    }
  }

  /** What changed since the previous frame: new blocks, copies (CoW) and blocks swapped back in. */
  private markChanges(f: number): void {
    const { blockOwner, blockFlags } = this.a;
    const { prevOwner, pending } = this;
    const nB = this.shape.nB;
    const base = f * nB;
    for (let b = 0; b < nB; b++) {
      const o = blockOwner[base + b]!;
      blockFlags[base + b] = blockFlags[base + b]! | pending[b]!;
      if (o >= 0 && prevOwner[b] !== o && pending[b] === 0)
        blockFlags[base + b] = blockFlags[base + b]! | FLAG_NEW;
      pending[b] = 0;
      prevOwner[b] = o;
    }
  }

  /** Emits the frames recorded since the last chunk (if any) and starts a fresh chunk. */
  flush(): void {
    const k = this.recorded - this.first;
    if (k === 0) return;
    const chunk = this.chunk(k);
    this.seqBase += this.t.seqGroup.length;
    this.tableBase += this.t.tableData.length;
    this.first = this.recorded;
    this.emit(chunk);
    const { chunkFrames, frames, nB } = this.shape;
    this.a = frameArrays(Math.min(chunkFrames, frames - this.recorded), nB, this.cpuStride);
    this.t = new ChunkTables();
  }

  private chunk(k: number): KvViewChunk {
    const { a, t, seqBase, tableBase } = this;
    const chunk: KvViewChunk = {
      part: 'frames',
      first: this.first,
      frames: k,
      ...a,
      seqStart: Int32Array.from(t.seqStart, (x) => seqBase + x),
      seqGroup: t.seqGroup.take(),
      seqSlot: t.seqSlot.take(),
      seqTokens: t.seqTokens.take(),
      seqOnCpu: t.seqOnCpu.take(),
      tableStart: Int32Array.from([...t.tableStart.view(), t.tableData.length], (x) => tableBase + x),
      tableData: t.tableData.take(),
      prefixes: prefixesOf(this.lastState, this.shape.blockSize),
    };
    // A short last chunk: trim the per-frame arrays to the frames it holds.
    if (k < a.timeS.length) {
      for (const key of PER_FRAME)
        (chunk[key] as IntArray | Float64Array | Float32Array) = a[key].slice(0, k);
      for (const key of PER_BLOCK)
        (chunk[key] as IntArray | Uint16Array) = a[key].slice(0, k * this.shape.nB);
      chunk.cpuOwner = a.cpuOwner.slice(0, k * this.cpuStride);
    }
    return chunk;
  }
}

/** The pinned shared prefixes of the paged block manager, with their chained block hashes. */
function prefixesOf(s: SimState | null, blockSize: number): KvPrefix[] {
  const out: KvPrefix[] = [];
  if (!s?.paged) return out;
  for (const [id, blocks] of s.paged.prefixBlockIds()) {
    const hashes: string[] = [];
    let h = 0;
    for (let i = 0; i < blocks.length; i++) {
      h = chainHash(h, id, i, blockSize);
      hashes.push(h.toString(16).padStart(8, '0'));
    }
    out.push({ id, blocks: [...blocks], hashes });
  }
  return out;
}

function viewSampling(p: KvViewParams): Sampling {
  return p.sampling === 'parallel'
    ? { kind: 'parallel', n: p.width }
    : p.sampling === 'beam'
      ? { kind: 'beam', k: p.width }
      : { kind: 'single' };
}

/** The view's header: the pool and, for hover, each group's input and output lengths and prefix. */
function viewHeader(p: KvViewParams, requests: readonly Request[]): KvViewHeader {
  const n = requests.length;
  const groupInput = new Int32Array(n);
  const groupOutput = new Int32Array(n);
  const groupPrefix = new Int32Array(n);
  requests.forEach((r, i) => {
    groupInput[i] = r.inputLen;
    groupOutput[i] = r.outputLen;
    groupPrefix[i] = r.prefixId;
  });
  return {
    part: 'header',
    params: { ...p },
    numBlocks: p.blocks,
    numCpuBlocks: p.cpuBlocks,
    blockSize: p.blockSize,
    plannedFrames: p.frames,
    groupInput,
    groupOutput,
    groupPrefix,
  };
}

/**
 * Record a seeded run, emitting a header, chunks of at most `chunkFrames` iterations as the simulation
 * produces them, and an end. What the chunks add up to does not depend on `chunkFrames`: the state that
 * spans frames (last owners, pending copy flags, sequence and table offsets) lives outside the chunks.
 */
export async function recordKvView(
  p: KvViewParams,
  ctx: RunContext,
  chunkFrames: number,
  emit: (message: KvViewMessage) => void,
): Promise<void> {
  if (!(chunkFrames >= 1)) throw new Error(`chunkFrames must be ≥ 1 (got ${chunkFrames})`);
  const frames = p.frames;
  // Enough arrivals to keep the pool busy for the recorded iterations (≈ 40 ms each).
  const duration = Math.max(5, frames * 0.05);
  const requests = generateWorkload(
    ctx.rng.fork('view-workload'),
    p.workload as WorkloadId,
    p.burstRate,
    duration,
  );
  emit(viewHeader(p, requests));
  const recorder = new FrameRecorder(
    { frames, nB: p.blocks, nC: p.cpuBlocks, blockSize: p.blockSize, chunkFrames },
    emit,
  );
  const result = await simulate(requests, {
    setup: SETUPS[p.model as SetupId],
    blockSize: p.blockSize,
    policy: 'vllm',
    preemption: p.preemption as 'swap' | 'recompute',
    sampling: viewSampling(p),
    gpuBlocks: p.blocks,
    cpuBlocks: p.cpuBlocks,
    rng: ctx.rng.fork('view-beams'),
    onIteration: recorder.onIteration,
    maxIterations: frames,
    progress: (x) => ctx.progress(x, 'recording'),
    progressEvery: chunkFrames,
  });
  recorder.flush();
  emit({
    part: 'end',
    summary: {
      requests: requests.length,
      iterations: result.iterations,
      cowCopies: result.cowCopies,
      swapOutBlocks: result.swapOutBlocks,
      preemptions: result.preemptions,
    },
  });
  // After the end, not before: this yield lets queued work (an experiment run) take the worker.
  await ctx.progress(1, 'recorded');
}

/**
 * Collects a streamed recording for drawing: per-frame arrays are allocated for the planned frames once,
 * sequences and tables grow. `add` checks that each chunk continues the frames and tables recorded so far
 * (a chunk out of order, or one after the end, throws); `model()` shares the buffers (views of what has
 * been recorded so far).
 */
export class KvRecording {
  private frames = 0;
  private complete = false;
  private summary: KvViewSummary | null = null;
  private prefixes: KvPrefix[] = [];
  private readonly cpuStride: number;
  private readonly arrays: ReturnType<typeof frameArrays>;
  private readonly seqStart: Int32Array;
  private readonly seqGroup = new Column(int32, 1024);
  private readonly seqSlot = new Column(int32, 1024);
  private readonly seqTokens = new Column(int32, 1024);
  private readonly seqOnCpu = new Column(uint8, 1024);
  private readonly tableStart = new Column(int32, 1024);
  private readonly tableData = new Column(int16, 1 << 16);

  constructor(readonly header: KvViewHeader) {
    this.cpuStride = Math.max(1, header.numCpuBlocks);
    this.arrays = frameArrays(header.plannedFrames, header.numBlocks, this.cpuStride);
    this.seqStart = new Int32Array(header.plannedFrames + 1);
    this.tableStart.push(0);
  }

  get recorded(): number {
    return this.frames;
  }

  /** Add the next message of the stream (a chunk of frames or the end). */
  add(message: KvViewChunk | KvViewEnd): void {
    if (this.complete) throw new Error('the recording has already ended');
    if (message.part === 'end') {
      this.complete = true;
      this.summary = message.summary;
      return;
    }
    const c = message;
    const { numBlocks: nB, plannedFrames } = this.header;
    if (c.first !== this.frames || c.first + c.frames > plannedFrames)
      throw new Error(`chunk of frames ${c.first}+${c.frames} does not follow frame ${this.frames}`);
    if (c.seqStart[0] !== this.seqGroup.length || c.tableStart[0] !== this.tableData.length)
      throw new Error(`chunk at frame ${c.first} does not continue the recorded block tables`);
    const a = this.arrays;
    for (const key of PER_FRAME) a[key].set(c[key], c.first);
    for (const key of PER_BLOCK) a[key].set(c[key], c.first * nB);
    a.cpuOwner.set(c.cpuOwner, c.first * this.cpuStride);
    this.seqStart.set(c.seqStart, c.first);
    this.seqGroup.append(c.seqGroup);
    this.seqSlot.append(c.seqSlot);
    this.seqTokens.append(c.seqTokens);
    this.seqOnCpu.append(c.seqOnCpu);
    // The chunk's first entry repeats the end of the tables so far.
    this.tableStart.length--;
    this.tableStart.append(c.tableStart);
    this.tableData.append(c.tableData);
    this.frames += c.frames;
    this.prefixes = c.prefixes;
  }

  /** What has been recorded so far (shares this recording's buffers). */
  model(): KvViewModel {
    const h = this.header;
    const a = this.arrays;
    const f = this.frames;
    const nB = h.numBlocks;
    return {
      params: h.params,
      numBlocks: nB,
      numCpuBlocks: h.numCpuBlocks,
      blockSize: h.blockSize,
      plannedFrames: h.plannedFrames,
      frames: f,
      complete: this.complete,
      timeS: a.timeS.subarray(0, f),
      kind: a.kind.subarray(0, f),
      running: a.running.subarray(0, f),
      waiting: a.waiting.subarray(0, f),
      swapped: a.swapped.subarray(0, f),
      cowCopies: a.cowCopies.subarray(0, f),
      swapOut: a.swapOut.subarray(0, f),
      swapIn: a.swapIn.subarray(0, f),
      memTokens: a.memTokens.subarray(0, f),
      memInternal: a.memInternal.subarray(0, f),
      memFree: a.memFree.subarray(0, f),
      cpuUsed: a.cpuUsed.subarray(0, f),
      blockOwner: a.blockOwner.subarray(0, f * nB),
      blockRef: a.blockRef.subarray(0, f * nB),
      blockFill: a.blockFill.subarray(0, f * nB),
      blockFlags: a.blockFlags.subarray(0, f * nB),
      freeRank: a.freeRank.subarray(0, f * nB),
      cpuOwner: a.cpuOwner.subarray(0, f * this.cpuStride),
      seqStart: this.seqStart.subarray(0, f + 1),
      seqGroup: this.seqGroup.view(),
      seqSlot: this.seqSlot.view(),
      seqTokens: this.seqTokens.view(),
      seqOnCpu: this.seqOnCpu.view(),
      tableStart: this.tableStart.view(),
      tableData: this.tableData.view(),
      prefixes: this.prefixes,
      groupInput: h.groupInput,
      groupOutput: h.groupOutput,
      groupPrefix: h.groupPrefix,
      summary: this.summary,
    };
  }
}

/**
 * The whole recording in one chunk: the single-shot model that a stream's chunks must add up to (tests and
 * Node-side tools use it; the app streams through `kvView`).
 */
export async function buildKvView(p: KvViewParams, ctx: RunContext): Promise<KvViewModel> {
  let recording: KvRecording | null = null;
  await recordKvView(p, ctx, Infinity, (m) => {
    if (m.part === 'header') recording = new KvRecording(m);
    else recording!.add(m);
  });
  return (recording as KvRecording | null)!.model();
}

/**
 * Microseconds per recorded block-frame: each recorded iteration walks every GPU and CPU block (ref counts,
 * fills, owners, the free stack) and the live tables, and the simulation's own step is smaller than that walk
 * (measured ≤ 0.03 µs at the largest pool, 8 beams and 1-token blocks; 0.1 leaves room for slower machines).
 */
const BLOCK_FRAME_US = 0.1;

/** The recording's work: every recorded iteration walks the whole GPU and CPU pool. */
export function kvViewWork(p: KvViewParams): WorkEstimate {
  const pool = p.blocks + p.cpuBlocks;
  return {
    units: p.frames * pool,
    what: 'block-frames',
    formula: `${p.frames} iterations × ${formatCount(pool)} GPU + CPU blocks`,
    unitCostUs: BLOCK_FRAME_US,
    lower: 'frames, blocks or cpuBlocks',
  };
}

export const kvView = defineStreamingLabView({
  title: 'Block table: the paper’s KV block manager, iteration by iteration',
  description:
    'A short seeded run of the vllm policy on a small GPU pool: each physical block coloured by the request that owns ' +
    'it, reference-count badges, copy-on-write copies, pinned shared-prefix blocks, the free stack in allocation order, ' +
    'the CPU swap area and the memory breakdown over time.',
  params,
  work: kvViewWork,
  stream: (p: KvViewParams, ctx: RunContext, emit: (m: KvViewMessage) => void) =>
    recordKvView(p, ctx, KV_CHUNK_FRAMES, emit),
});
