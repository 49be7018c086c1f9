// vLLM V1's memory policy (policy `vllm-v1`, and kv-prefix-cache): the V1 KVCacheManager model
// (v1BlockManager.ts) with prefix caching. Each sample of a group is its own V1 request sharing the prompt
// (prefix caching shares its blocks); admission looks up cached full blocks, a running request appends one
// slot per step, and preemption frees everything for recomputation (V1 has no swapping).
import type { IterationWork } from '../cost';
import { promptLen } from '../serving/groups';
import type { Group } from '../serving/groups';
import { NO_ROOM, addPrefillWork, unsharedTotals } from './policy';
import type { MemoryPolicy, MemorySample, PolicyTotals } from './policy';
import { BlockManager } from './v1BlockManager';
import type { KVCacheConfig } from './v1BlockManager';

/** Token ids for prefix hashing: a group's prompt, and the token sequence `seq` samples next. */
export interface V1TokenSource {
  prompt(g: Group): readonly number[];
  next(g: Group, seq: number): number;
}

export interface V1PolicyOptions {
  config: KVCacheConfig;
  /** Admit only while this many GPU blocks stay free (vLLM 0.1's 1% watermark; 0 for none). */
  watermarkBlocks: number;
  tokens: V1TokenSource;
}

/** Prefix-cache statistics (kv-prefix-cache's figures). */
export interface V1CacheStats {
  /** Prompt + generated tokens found in the cache over all admissions, and tokens looked up. */
  hitTokens: number;
  lookupTokens: number;
  /** Most GPU blocks in use at any iteration. */
  peakBlocksInUse: number;
}

const NO_IDS: readonly string[] = [];

export class V1Policy implements MemoryPolicy {
  readonly blocks: BlockManager;
  readonly blockSize: number;
  readonly capacitySlots: number;
  readonly pagedKernel = true;
  readonly mixedBatches = true;
  readonly cache: V1CacheStats = { hitTokens: 0, lookupTokens: 0, peakBlocksInUse: 0 };
  private readonly gpuBlocks: number;
  private readonly watermarkBlocks: number;
  private readonly tokens: V1TokenSource;
  /** V1 request ids of each group's samples, by group id; set when the group first reaches admission. */
  private readonly ids: (readonly string[])[] = [];
  /** The head group's first-sample lookup, computed for the token budget and reused by `admit`. */
  private planned: Group | null = null;
  private plannedBlocks: number[] = [];
  private promptTokens = 0;

  constructor(o: V1PolicyOptions) {
    this.blocks = new BlockManager(o.config);
    this.blockSize = o.config.blockSize;
    this.gpuBlocks = o.config.numGpuBlocks;
    this.capacitySlots = this.gpuBlocks * this.blockSize;
    this.watermarkBlocks = o.watermarkBlocks;
    this.tokens = o.tokens;
  }

  /** The group's V1 request ids, registering its samples' prompts on first use (keeps memory to the queue head). */
  private idsOf(g: Group): readonly string[] {
    let ids = this.ids[g.id];
    if (ids === undefined) {
      const prompt = this.tokens.prompt(g);
      const fresh: string[] = [];
      for (let i = 0; i < g.width; i++) {
        fresh.push(`${g.id}.${i}`);
        this.blocks.addRequest(fresh[i]!, prompt);
      }
      ids = fresh;
      this.ids[g.id] = ids;
    }
    return ids;
  }

  private forget(g: Group): void {
    this.ids[g.id] = NO_IDS;
  }

  startIteration(): void {
    this.planned = null;
  }

  /** Cached full blocks the sample can reuse; when all of its tokens hit, the last block is recomputed. */
  private cachedBlocks(id: string, len: number): number[] {
    const cached = this.blocks.lookup(id);
    // Everything cached: the last block is recomputed so the model has a token to run on.
    return cached.length * this.blockSize >= len ? cached.slice(0, -1) : cached;
  }

  /**
   * ASSUMPTION: a group of n samples is charged its first sample's uncached tokens here; the others share its
   * prompt blocks once it is admitted (kv-prefix-cache, the one user of this budget, runs single samples).
   */
  plannedPrefillTokens(g: Group): number {
    const len = promptLen(g);
    this.plannedBlocks = this.cachedBlocks(this.idsOf(g)[0]!, len);
    this.planned = g;
    return len - this.plannedBlocks.length * this.blockSize;
  }

  admit(g: Group, work: IterationWork): number {
    const ids = this.idsOf(g);
    const len = promptLen(g);
    const bs = this.blockSize;
    let computed = 0;
    for (let i = 0; i < g.width; i++) {
      const blocks = i === 0 && this.planned === g ? this.plannedBlocks : this.cachedBlocks(ids[i]!, len);
      const hit = blocks.length * bs;
      const needBlocks = Math.ceil(len / bs) - blocks.length;
      if (
        this.blocks.numFreeBlocks - needBlocks < this.watermarkBlocks ||
        this.blocks.allocate(ids[i]!, hit, len - hit, blocks) === null
      ) {
        for (let j = 0; j < i; j++) this.blocks.free(ids[j]!, 'preempt');
        g.seqs = [];
        this.planned = null;
        return NO_ROOM;
      }
      g.seqs.push(i);
      // DEVIATION: when a later sample of the group fails to allocate, the earlier samples' prefill stays
      // counted (work and prompt tokens), though their blocks are freed and the group waits.
      addPrefillWork(work, len, hit);
      this.promptTokens += len - hit;
      this.cache.hitTokens += hit;
      this.cache.lookupTokens += len;
      computed += len - hit;
    }
    this.planned = null;
    return computed;
  }

  reject(g: Group): void {
    const ids = this.idsOf(g);
    for (let i = 0; i < g.width; i++) this.blocks.free(ids[i]!, 'finish');
    this.forget(g);
  }

  forkSamples(): number {
    return 0;
  }

  /** vLLM V1 `allocate_slots` for a running request: one new slot per sample, appended now. */
  reserveDecode(g: Group, fromSeq: number, work: IterationWork): number {
    const ids = this.ids[g.id]!;
    const len = promptLen(g);
    for (let j = fromSeq; j < g.seqs.length; j++) {
      if (this.blocks.append(ids[j]!, len - 1, 1) === null) return j;
      work.blocksRead += Math.ceil(len / this.blockSize);
      work.batchTokens++;
    }
    return g.seqs.length;
  }

  decode(): number {
    return 0;
  }

  appendToken(g: Group): void {
    const ids = this.ids[g.id]!;
    for (let j = 0; j < g.seqs.length; j++) this.blocks.appendToken(ids[j]!, this.tokens.next(g, j));
  }

  swapOut(): number {
    return -1;
  }

  swapIn(): number {
    throw new Error('vLLM V1 never swaps: it preempts by recomputation');
  }

  dropForRecompute(g: Group): boolean {
    const ids = this.ids[g.id]!;
    for (let i = 0; i < g.seqs.length; i++) this.blocks.free(ids[i]!, 'preempt');
    return false;
  }

  release(g: Group): void {
    const ids = this.ids[g.id]!;
    for (let i = 0; i < g.seqs.length; i++) this.blocks.free(ids[i]!, 'finish');
    this.forget(g);
  }

  sampleMemory(mem: MemorySample, running: readonly Group[]): void {
    const bs = this.blockSize;
    const used = this.gpuBlocks - this.blocks.numFreeBlocks;
    let stored = 0;
    for (const g of running) stored += g.seqs.length * (g.req.inputLen + g.generated);
    mem.tokens = Math.min(stored, used * bs);
    mem.reserved = 0;
    mem.internal = used * bs - mem.tokens;
    mem.external = 0;
    mem.free = this.blocks.numFreeBlocks * bs;
    this.cache.peakBlocksInUse = Math.max(this.cache.peakBlocksInUse, used);
  }

  totals(): PolicyTotals {
    return unsharedTotals(this.promptTokens);
  }
}
