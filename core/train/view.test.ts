import { describe, expect, it } from 'vitest';
import { buildLabView } from '../labs';

describe('the training-recovery view model', () => {
  it('restores a failed machine from a surviving peer, from storage when its group is gone, locally after a software failure', async () => {
    const one = await buildLabView('train', { failed: '5' }, 1);
    expect(one.restores).toEqual([{ machine: 5, source: 'peer', from: 4 }]);
    const pair = await buildLabView('train', { failed: '4,5' }, 1);
    expect(pair.restores.map((r) => r.source)).toEqual(['storage', 'storage']);
    const ring = await buildLabView('train', { failed: '4,5', placement: 'ring' }, 1);
    // Machine 4's shard lived only on 4 and 5: every machine rolls back to the remote checkpoint.
    expect(ring.restores.map((r) => r.source)).toEqual(['storage', 'storage']);
    const ringApart = await buildLabView('train', { failed: '4,6', placement: 'ring' }, 1);
    expect(ringApart.restores).toEqual([
      { machine: 4, source: 'peer', from: 5 },
      { machine: 6, source: 'peer', from: 7 },
    ]);
    const sw = await buildLabView('train', { failed: '4,5', failKind: 'software' }, 1);
    expect(sw.restores.map((r) => r.source)).toEqual(['local', 'local']);
  });

  it('drops failed machine ids beyond the cluster (after machines is lowered)', async () => {
    const m = await buildLabView('train', { machines: '8', failed: '3,9' }, 1);
    expect(m.failed).toEqual([3]);
  });
});
