// Why requests wait: the counters line names the scheduler's limit from the recorded frame.
import { describe, expect, it } from 'vitest';
import type { KvViewModel } from '../../../core/kv/view';
import { DEFAULT_MAX_NUM_SEQS, waitReason } from './waiting';

/** One recorded frame with `seqs` GPU sequences and `free` free blocks of a 2048-block pool. */
function frame(o: {
  waiting: number;
  swapped?: number;
  seqs: number;
  free: number;
  kind?: 0 | 1;
}): KvViewModel {
  const blockSize = 16;
  return {
    params: { sampling: 'parallel', width: 2 },
    numBlocks: 2048,
    blockSize,
    waiting: Int32Array.of(o.waiting),
    swapped: Int32Array.of(o.swapped ?? 0),
    kind: Uint8Array.of(o.kind ?? 1),
    memFree: Float32Array.of(o.free * blockSize),
    seqStart: Int32Array.of(0, o.seqs),
    seqOnCpu: new Uint8Array(o.seqs),
  } as unknown as KvViewModel;
}

describe('waitReason', () => {
  it('is null when nothing waits', () => {
    expect(waitReason(frame({ waiting: 0, seqs: 10, free: 100 }), 0)).toBeNull();
  });

  it('names max-num-seqs when the running sequences leave no room, however many blocks are free', () => {
    expect(waitReason(frame({ waiting: 377, seqs: 255, free: 1000 }), 0)).toBe(
      `max-num-seqs ${DEFAULT_MAX_NUM_SEQS} reached`,
    );
  });

  it('names free blocks when the pool is down to its watermark', () => {
    expect(waitReason(frame({ waiting: 5, seqs: 40, free: 3 }), 0)).toBe('no free blocks');
  });

  it('puts swapped requests first, as the scheduler does', () => {
    expect(waitReason(frame({ waiting: 5, swapped: 2, seqs: 255, free: 0 }), 0)).toBe(
      'swapped requests go first',
    );
  });

  it('names the prompt-token budget in a prefill step with blocks to spare', () => {
    expect(waitReason(frame({ waiting: 5, seqs: 40, free: 900, kind: 0 }), 0)).toMatch(/token budget/);
  });
});
