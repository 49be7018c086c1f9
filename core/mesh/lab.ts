// The service mesh lab (ServiceRouter, OSDI'23): its experiments and live view.
import type { Experiment, LabModule, LabView } from '../experiments/types';
import { meshBalance } from './balanceExperiment';
import { meshEnvoyPriority } from './envoyPriorityExperiment';
import { meshOutage } from './outageExperiment';
import { meshSpike } from './spikeExperiment';
import { meshView } from './view';

export const meshLab: LabModule = {
  id: 'mesh',
  experiments: [
    meshSpike as unknown as Experiment,
    meshOutage as unknown as Experiment,
    meshEnvoyPriority as unknown as Experiment,
    meshBalance as unknown as Experiment,
  ],
  view: meshView as unknown as LabView,
};
