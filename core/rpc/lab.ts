// The RPC workloads lab (Seemakhupt et al., SOSP'23): a workload generator fitted to the paper's distributions,
// the latency and cycle tax, hedging; other labs can draw RPC mixes from `sampleRpcWorkload` (./workload).
import { defineLab } from '../experiments/lab';
import { rpcFanout } from './fanoutExperiment';
import { rpcHedging } from './hedgingExperiment';
import { rpcMethodSkew } from './skewExperiment';
import { rpcSizes } from './sizesExperiment';
import { rpcLatencyTax } from './taxExperiment';
import { rpcView } from './view';

export const rpcLab = defineLab({
  id: 'rpc',
  title: 'RPC workloads',
  paper: 'A Cloud-Scale Characterization of RPCs (SOSP’23)',
  picture:
    'The fleet’s RPC methods as treemaps by calls and by time, request and response size CDFs, a sampled call tree, and the seven latency components of a service category under the exogenous variables you set.',
  activity:
    'Sample RPCs from a generator fitted to the paper’s distributions, check it against the published figures, sweep CPU utilisation to see the latency tax move, and weigh hedging’s tail cut against its wasted CPU.',
  experiments: [rpcMethodSkew, rpcSizes, rpcFanout, rpcLatencyTax, rpcHedging],
  view: rpcView,
});
