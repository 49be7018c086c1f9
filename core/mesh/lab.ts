// The service mesh lab (ServiceRouter, OSDI'23): its experiments and its live world map.
import { defineLab } from '../experiments/lab';
import { meshBalance } from './balanceExperiment';
import { meshEnvoyPriority } from './envoyPriorityExperiment';
import { meshOutage } from './outageExperiment';
import { meshSpike } from './spikeExperiment';
import { meshView } from './view';

export const meshLab = defineLab({
  id: 'mesh',
  title: 'Service mesh',
  paper: 'ServiceRouter (OSDI’23)',
  picture:
    'A world map of regions with locality rings around a client region, and animated traffic arcs between them.',
  activity:
    'Replay a load spike or a region outage, watch traffic spill ring by ring, and compare ServiceRouter’s rings with Envoy/Istio-style policies.',
  experiments: [meshSpike, meshOutage, meshEnvoyPriority, meshBalance],
  view: meshView,
});
