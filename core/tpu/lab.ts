// The TPU pod lab (Resiliency at Scale, NSDI'24; TPU v4, ISCA'23): its experiments and live view.
import type { LabModule } from '../experiments/types';

export const tpuLab: LabModule = {
  id: 'tpu',
  experiments: [],
};
