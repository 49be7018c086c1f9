// micro-monolith: the same app deployed as microservices (a process and container per service) and as a
// monolith (one process): a change of the spec's instantiation layer only (Blueprint's evaluation: about 10 lines).
import { defineExperiment } from '../experiments/types';
import type { ChartSpec, Result } from '../experiments/types';
import { asMicroservices, asMonolith } from './apps';
import { BLUEPRINT_PAPER } from './scenario';
import { compareVariants, variantParams, variantWork } from './variants';
import type { Variants } from './variants';

const DEPLOYMENTS: Variants = {
  base: asMicroservices,
  variant: asMonolith,
  names: ['microservices', 'monolith'],
};

export const microMonolith = defineExperiment({
  id: 'micro-monolith',
  title: 'The same app as microservices and as a monolith: latency, throughput, lines of spec changed',
  paper: BLUEPRINT_PAPER,
  figure:
    'evaluation, reconfiguration effort (re-wiring an app: microservices to monolith, about 10 lines of the wiring spec)',
  description:
    'The spec (default: the built-in social network) is compiled twice: with each service in its own process and container (the spec’s own process groups undone, so a monolith spec is not compared with itself; every call between ' +
    'services an RPC paying 60 µs of network each way and serialisation CPU on both ends) and with one process holding every service (calls become ' +
    'function calls; caches and databases stay RPCs). spec-lines-changed is the line diff of the two specs’ canonical texts (a modified line counted once). ' +
    'Latency is from a run at `load` × the microservice deployment’s CPU capacity with patient clients; throughput is requests completed per second under ' +
    '`overload` (default 1.5) × that capacity. ASSUMPTION: the RPC and function-call costs of core/micro/apps.ts. Both deployments run on the same hardware: every process on the spec’s default machine (`cores` cores) with its defaultReplicas and defaultThreads; per-process machines, replicas and threads the spec sets are not used.',
  comparisonNote:
    'Blueprint reports the size of the change (~10 lines of its Go wiring spec), not a latency or throughput figure we compare with. Our JSON spec lists the ' +
    'monolith’s services one per line (the line is too long to keep on one), so the count grows with the number of services: 12 services give 19 changed lines here.',
  params: variantParams,
  work: variantWork(DEPLOYMENTS),
  async run(p, ctx) {
    const { metrics, tables } = await compareVariants(p, DEPLOYMENTS, ctx);
    return {
      metrics,
      tables,
      comparisons: [
        {
          metric: 'spec-lines-changed',
          published: 10,
          measured: metrics['spec-lines-changed']!,
          source:
            'Blueprint evaluation (docs/reference.md): about 10 lines changed to turn microservices into a monolith',
        },
      ],
    };
  },
  charts: (result: Result): ChartSpec[] => deploymentCharts(result),
});

/** Latency and throughput bars per deployment (micro-monolith, micro-tracing). */
export function deploymentCharts(result: Result): ChartSpec[] {
  const t = result.tables.deployments;
  if (!t) return [];
  const cats = t.rows.map((r) => String(r[0]));
  return [
    {
      kind: 'bar',
      title: 'Latency at the moderate load',
      y: { label: 'ms', format: 'number' },
      stacked: false,
      categories: cats,
      segments: [
        { name: 'p50', values: t.rows.map((r) => Number(r[1])) },
        { name: 'p99', values: t.rows.map((r) => Number(r[2])) },
      ],
    },
    {
      kind: 'bar',
      title: 'Throughput under overload',
      y: { label: 'requests per second', format: 'number' },
      stacked: false,
      categories: cats,
      segments: [{ name: 'throughput', values: t.rows.map((r) => Number(r[3])) }],
    },
  ];
}
