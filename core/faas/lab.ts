// The serverless lab (XFaaS, SOSP'23): its experiments and its live view of a day across regions.
import { defineLab } from '../experiments/lab';
import { faasBackpressure } from './backpressureExperiment';
import { faasGlobal } from './globalExperiment';
import { faasLocality } from './localityExperiment';
import { faasTimeShift } from './timeShiftExperiment';
import { faasView } from './view';

export const faasLab = defineLab({
  id: 'faas',
  title: 'Serverless',
  paper: 'XFaaS (SOSP’23)',
  picture:
    'Received vs executed vs capacity over a day per region, the queues by quota type, the traffic matrix between regions, worker pools by locality group and a downstream under AIMD.',
  activity:
    'Time-shift opportunistic calls into the trough, balance regions with the traffic matrix, shrink workers’ memory with locality groups, and protect a failing downstream with AIMD.',
  experiments: [faasTimeShift, faasBackpressure, faasLocality, faasGlobal],
  view: faasView,
});
