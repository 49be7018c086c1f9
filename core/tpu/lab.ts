// The TPU pod lab (Resiliency at Scale, NSDI'24; TPU v4, ISCA'23): its experiments and its live 3D pod.
import { defineLab } from '../experiments/lab';
import { tpuAvailability } from './availabilityExperiment';
import { tpuFailures } from './failuresExperiment';
import { tpuRouting } from './routingExperiment';
import { tpuView } from './view';

export const tpuLab = defineLab({
  id: 'tpu',
  title: 'TPU pod',
  paper: 'Resiliency at Scale (TPU v4, NSDI’24) + TPU v4 (ISCA’23)',
  picture:
    'A 3D view of a 4096-chip pod: 64 cubes of 4x4x4 chips, ICI links inside cubes, and 48 optical circuit switches joining cube faces.',
  activity:
    'Schedule slices, inject failures at the published rates, watch Pod Manager re-wire around them, and compare static with reconfigurable pods.',
  experiments: [tpuAvailability, tpuFailures, tpuRouting],
  view: tpuView,
});
