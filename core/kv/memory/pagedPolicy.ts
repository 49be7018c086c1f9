// The paper's memory policy (policy `vllm`, §4.2–§4.5): PagedBlockManager's block tables with pinned shared
// prefixes, forked samples and beams with copy-on-write, and all-or-nothing preemption of a group by swapping
// to CPU blocks or by recomputation, admitted under vLLM 0.1's free-block watermark.
import type { Rng } from '../../kernel/rng';
import type { IterationWork } from '../cost';
import { promptLen } from '../serving/groups';
import type { Group } from '../serving/groups';
import { BeamSearch } from './beamSearch';
import { PagedBlockManager } from './pagedBlockManager';
import { NO_ROOM, SWAP_DROP, SWAP_WAIT, addPrefillWork } from './policy';
import type { MemoryPolicy, MemorySample, PolicyTotals } from './policy';

export interface PagedPolicyOptions {
  blockSize: number;
  gpuBlocks: number;
  cpuBlocks: number;
  /** Longest sequence in tokens. */
  maxLen: number;
  /** vLLM 0.1 BlockSpaceManager watermark: admit only while this many GPU blocks stay free. */
  watermarkBlocks: number;
  /** Beam search of this width, scored with `rng` (null: samples or a single sequence). */
  beam: { width: number; rng: Rng } | null;
}

export class PagedPolicy implements MemoryPolicy {
  readonly blocks: PagedBlockManager;
  readonly blockSize: number;
  readonly capacitySlots: number;
  readonly pagedKernel = true;
  readonly mixedBatches = false;
  private readonly watermarkBlocks: number;
  private readonly beam: BeamSearch | null;
  /** Blocks the groups already checked will take in this iteration's appends. */
  private promised = 0;
  private promptTokens = 0;
  // Time-weighted logical and physical GPU blocks (Fig. 15's sharing saving).
  private logicalTime = 0;
  private physicalTime = 0;

  constructor(o: PagedPolicyOptions) {
    this.blockSize = o.blockSize;
    this.capacitySlots = o.gpuBlocks * o.blockSize;
    this.watermarkBlocks = o.watermarkBlocks;
    this.blocks = new PagedBlockManager({
      blockSize: o.blockSize,
      numGpuBlocks: o.gpuBlocks,
      numCpuBlocks: o.cpuBlocks,
      maxLen: o.maxLen,
    });
    this.beam = o.beam ? new BeamSearch(o.beam.width, o.beam.rng) : null;
  }

  startIteration(): void {
    this.promised = 0;
  }

  plannedPrefillTokens(g: Group): number {
    return promptLen(g);
  }

  admit(g: Group, work: IterationWork): number {
    const bm = this.blocks;
    const len = promptLen(g);
    // Multi-sequence groups that were restarted run their prompt once and fork again (generated = 0).
    const need = bm.blocksForPrompt(len, g.req.prefixId, g.req.prefixLen);
    if (bm.nFreeGpu - need < this.watermarkBlocks) return NO_ROOM;
    g.seqs = [bm.allocatePrompt(g.id, len, g.req.prefixId, g.req.prefixLen)];
    if (g.generated > 0 && g.width > 1) throw new Error('multi-sequence groups restart from their prompt');
    addPrefillWork(work, len, 0);
    this.promptTokens += len;
    return len;
  }

  reject(): void {}

  forkSamples(g: Group): number {
    if (g.width === 1 || g.seqs.length !== 1) return 0;
    for (let i = 1; i < g.width; i++) g.seqs.push(this.blocks.fork(g.seqs[0]!));
    return g.width - 1;
  }

  reserveDecode(g: Group): number {
    const bm = this.blocks;
    let need = 0;
    if (this.beam) need = g.seqs.length;
    else for (const s of g.seqs) need += bm.appendNeeds(s);
    if (this.promised + need > bm.nFreeGpu) return 0;
    this.promised += need;
    return g.seqs.length;
  }

  /** Beams re-select, then every sequence writes its last token's KV (copy-on-write if shared, §4.4). */
  decode(g: Group, work: IterationWork): number {
    const bm = this.blocks;
    if (this.beam) this.beam.step(g, bm);
    let copies = 0;
    for (const s of g.seqs) {
      copies += bm.appendSlot(s);
      // The paged kernel reads the sequence's blocks whole (cost.ts), its new token's included.
      work.blocksRead += bm.seqBlocks[s]!;
    }
    work.batchTokens += g.seqs.length;
    return copies;
  }

  appendToken(): void {}

  swapOut(g: Group): number {
    return this.blocks.swapOut(g.seqs);
  }

  swapIn(g: Group, nothingRunning: boolean): number {
    const bm = this.blocks;
    const need = bm.distinctBlocks(g.seqs) + g.seqs.length;
    // With nothing running the watermark is waived; a group that cannot fit even then is dropped.
    const floor = nothingRunning ? 0 : this.watermarkBlocks;
    if (bm.nFreeGpu - this.promised - need < floor) return nothingRunning ? SWAP_DROP : SWAP_WAIT;
    this.promised += g.seqs.length;
    return bm.swapIn(g.seqs);
  }

  /**
   * Recompute (§4.5): drop the blocks; the prompt and generated tokens are recomputed on re-admission.
   * DEVIATION: a multi-sequence group that cannot be swapped (swap space full) restarts from its prompt.
   */
  dropForRecompute(g: Group): boolean {
    const multi = g.seqs.length > 1;
    this.release(g);
    return multi;
  }

  release(g: Group): void {
    for (const s of g.seqs) this.blocks.free(s);
  }

  sampleMemory(mem: MemorySample, _running: readonly Group[], _head: Group | undefined, dt: number): void {
    const bm = this.blocks;
    const used = bm.usedGpuBlocks;
    mem.tokens = bm.gpuFilledTokens;
    mem.reserved = 0;
    mem.internal = used * this.blockSize - bm.gpuFilledTokens;
    mem.external = 0;
    mem.free = bm.nFreeGpu * this.blockSize;
    this.logicalTime += bm.logicalGpuBlocks * dt;
    this.physicalTime += used * dt;
  }

  totals(): PolicyTotals {
    const bm = this.blocks;
    return {
      promptTokens: this.promptTokens,
      swapOutBlocks: bm.swappedOutBlocks,
      swapInBlocks: bm.swappedInBlocks,
      cowCopies: bm.cowCopies,
      sharingSaving: this.logicalTime > 0 ? 1 - this.physicalTime / this.logicalTime : 0,
    };
  }
}
