// The TPU pod lab (Resiliency at Scale, NSDI'24; TPU v4, ISCA'23): its experiments and live view.
import type { Experiment, LabModule, LabView } from '../experiments/types';
import { tpuAvailability } from './availabilityExperiment';
import { tpuFailures } from './failuresExperiment';
import { tpuRouting } from './routingExperiment';
import { tpuView } from './view';

export const tpuLab: LabModule = {
  id: 'tpu',
  experiments: [tpuAvailability, tpuFailures, tpuRouting] as unknown as Experiment[],
  view: tpuView as unknown as LabView,
};
