// The GPU lab (kernels shown on the LLM serving page): its experiments as registered in core.
import type { Experiment, LabModule } from '../experiments/types';
import { gpuPagedAttention } from './pagedAttentionExperiment';

export const gpuLab: LabModule = {
  id: 'gpu',
  experiments: [gpuPagedAttention as unknown as Experiment],
};
