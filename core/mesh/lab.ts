// The service mesh lab (ServiceRouter, OSDI'23): its experiments and live view.
import type { LabModule } from '../experiments/types';

export const meshLab: LabModule = {
  id: 'mesh',
  experiments: [],
};
