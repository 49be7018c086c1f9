// Why requests wait in a recorded iteration of the kv view, worded from what the view model holds (the frame's
// counters, its sequences and free blocks), so the counters line can say "waiting 377 (max-num-seqs 256 reached)".
import { VLLM_MAX_NUM_SEQS, VLLM_WATERMARK } from '../../../core/kv/serving/simulator';
import type { KvViewModel } from '../../../core/kv/view';

/**
 * The recording runs with the simulator's defaults (core/kv/view.ts passes no `maxNumSeqs` or watermark); a
 * `maxNumSeqs` in the recording's params, if one is ever added, wins.
 */
export const DEFAULT_MAX_NUM_SEQS = VLLM_MAX_NUM_SEQS;
const WATERMARK = VLLM_WATERMARK;

/** The max_num_seqs cap the recorded run was scheduled under. */
export function maxNumSeqs(v: Pick<KvViewModel, 'params'>): number {
  const cap = v.params.maxNumSeqs;
  return typeof cap === 'number' && cap > 0 ? cap : DEFAULT_MAX_NUM_SEQS;
}

/** Sequences a request of this run decodes (max_num_seqs counts sequences, not requests). */
function groupWidth(v: Pick<KvViewModel, 'params'>): number {
  const w = Number(v.params.width);
  return v.params.sampling === 'single' || !(w >= 1) ? 1 : w;
}

/** GPU-resident sequences of `frame` (running ones; swapped-out sequences sit on the CPU). */
export function gpuSeqs(v: KvViewModel, frame: number): number {
  let n = 0;
  for (let i = v.seqStart[frame]!; i < v.seqStart[frame + 1]!; i++) if (!v.seqOnCpu[i]) n++;
  return n;
}

/**
 * The reason the head of the waiting queue was not admitted in `frame`, or null when nothing waits. In the
 * scheduler's order (core/kv/serving/scheduler.ts): swapped groups resume before any admission, then the
 * sequence cap, then KV memory; in a prefill step that admitted some, the step's prompt-token budget.
 */
export function waitReason(v: KvViewModel, frame: number): string | null {
  if (v.waiting[frame]! <= 0) return null;
  if (v.swapped[frame]! > 0) return 'swapped requests go first';
  const cap = maxNumSeqs(v);
  const seqs = gpuSeqs(v, frame);
  if (seqs + groupWidth(v) > cap) return `max-num-seqs ${cap} reached`;
  const freeBlocks = Math.round(v.memFree[frame]! / v.blockSize);
  const reserve = Math.floor(WATERMARK * v.numBlocks);
  if (freeBlocks <= reserve) return 'no free blocks';
  // A decode step admitted nothing though the cap had room, and its token budget (≥ any prompt) was unused:
  // the head's prompt needed more blocks than were free above the watermark.
  if (v.kind[frame] === 1) return `too few free blocks for the next prompt`;
  // A prefill step admitted some; with blocks to spare, its prompt-token budget is what stopped it.
  return 'this step’s prompt-token budget spent';
}
