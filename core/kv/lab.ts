// The LLM serving lab (PagedAttention / vLLM, SOSP'23): its experiments and its live view, the block table.
import { defineLab } from '../experiments/lab';
import { kvBlockSize } from './blockSizeExperiment';
import { kvMemoryWaste } from './memoryWasteExperiment';
import { gpuPagedAttention } from './pagedAttentionExperiment';
import { kvPreemption } from './preemptionExperiment';
import { kvPrefixCache } from './prefixCacheExperiment';
import { kvSharing } from './sharingExperiment';
import { kvThroughput } from './throughputExperiment';
import { kvView } from './view';

export const kvLab = defineLab({
  id: 'kv',
  title: 'LLM serving',
  paper: 'PagedAttention / vLLM (SOSP’23)',
  picture:
    'An animated block table: logical blocks of each sequence mapped to physical KV blocks, with reference counts, copy-on-write, prefix sharing and the free queue.',
  activity:
    'Run a serving trace, see memory waste by kind, compare vLLM with Orca-style contiguous reservation, and run the paged-attention kernel on the GPU.',
  experiments: [
    kvPrefixCache,
    kvMemoryWaste,
    kvThroughput,
    kvSharing,
    kvBlockSize,
    kvPreemption,
    gpuPagedAttention,
  ],
  view: kvView,
});
