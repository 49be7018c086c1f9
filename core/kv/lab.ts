// The LLM serving lab (PagedAttention / vLLM): its experiments and live view, as registered in core.
import type { Experiment, LabModule } from '../experiments/types';
import { kvPrefixCache } from './prefixCacheExperiment';

export const kvLab: LabModule = {
  id: 'kv',
  experiments: [kvPrefixCache as unknown as Experiment],
};
