// The training-recovery lab (Gemini, SOSP'23): in-memory checkpoints, their placement, recovery and traffic.
import { defineLab } from '../experiments/lab';
import { trainInterleaving } from './interleavingExperiment';
import { trainRecoveryProbability } from './probabilityExperiment';
import { trainView } from './view';
import { trainWastedTime } from './wastedTimeExperiment';

export const trainLab = defineLab({
  id: 'train',
  title: 'Training recovery',
  paper: 'Gemini (SOSP’23)',
  picture:
    'A grid of GPU machines with the replica links of their in-memory checkpoints, where failed machines restore from, and one training iteration’s network timeline with checkpoint chunks in its gaps.',
  activity:
    'Fail machines and see whether CPU-memory replicas survive, compare group, ring and mixed placement, and replay a failure trace under remote-storage and in-memory checkpointing.',
  experiments: [trainRecoveryProbability, trainWastedTime, trainInterleaving],
  view: trainView,
});
