// The microservice lab (Blueprint, SOSP'23): a wiring spec compiled to an IR and simulated — monolith vs
// microservices, tracing, metastable retry storms, and compiling Alibaba-scale specs.
import { defineLab } from '../experiments/lab';
import { microCompileScale } from './compileScaleExperiment';
import { microMetastable } from './metastableExperiment';
import { microMonolith } from './monolithExperiment';
import { microTracing } from './tracingExperiment';
import { microView } from './view';

export const microLab = defineLab({
  id: 'micro',
  title: 'Microservices',
  paper: 'Blueprint (SOSP’23); Metastable failures (HotOS’21, OSDI’22)',
  picture:
    'The service graph compiled from an editable wiring spec, services and caches coloured by utilisation each second, and goodput over time around a load spike.',
  activity:
    'Re-wire an app (microservices to monolith, tracing on), count the spec lines it takes, and watch naive retries turn a short spike into a lasting storm.',
  experiments: [microMetastable, microMonolith, microTracing, microCompileScale],
  view: microView,
});
