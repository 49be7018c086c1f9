// The LLM serving lab (PagedAttention / vLLM): its experiments and live view, as registered in core.
import type { Experiment, LabModule, LabView } from '../experiments/types';
import { kvBlockSize } from './blockSizeExperiment';
import { kvMemoryWaste } from './memoryWasteExperiment';
import { gpuPagedAttention } from './pagedAttentionExperiment';
import { kvPreemption } from './preemptionExperiment';
import { kvPrefixCache } from './prefixCacheExperiment';
import { kvSharing } from './sharingExperiment';
import { kvThroughput } from './throughputExperiment';
import { kvView } from './view';

export const kvLab: LabModule = {
  id: 'kv',
  experiments: [
    kvPrefixCache as unknown as Experiment,
    kvMemoryWaste as unknown as Experiment,
    kvThroughput as unknown as Experiment,
    kvSharing as unknown as Experiment,
    kvBlockSize as unknown as Experiment,
    kvPreemption as unknown as Experiment,
    gpuPagedAttention as unknown as Experiment,
  ],
  view: kvView as unknown as LabView,
};
