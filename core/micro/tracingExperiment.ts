// micro-tracing: the same app with the tracer off and with a Zipkin-like tracer wrapping every service:
// a change of the spec's scaffolding layer only (Blueprint's evaluation: 5 lines).
import { defineExperiment } from '../experiments/types';
import { round } from '../kernel/numbers';
import { withTracing, withoutTracing } from './apps';
import { deploymentCharts } from './monolithExperiment';
import { BLUEPRINT_PAPER } from './scenario';
import { compareVariants, variantParams, variantWork } from './variants';
import type { Variants } from './variants';

const TRACING: Variants = { base: withoutTracing, variant: withTracing, names: ['off', 'on'] };

export const microTracing = defineExperiment({
  id: 'micro-tracing',
  title: 'Tracing on and off: latency, CPU overhead, lines of spec changed',
  paper: BLUEPRINT_PAPER,
  figure: 'evaluation, reconfiguration effort (adding distributed tracing: 5 lines of the wiring spec)',
  description:
    'The spec (default: the built-in social network) with its tracer off (whatever tracer it sets), and with a Zipkin-like tracer on every service: each operation pays 15 µs of CPU ' +
    'to create and report its span, and every RPC carries 250 more bytes of trace context (serialised on both ends). cpu-overhead is the expected CPU per ' +
    'request with tracing over without, minus 1; latency-overhead.p50 the same for the median latency. spec-lines-changed is the line diff of the two ' +
    'specs’ canonical texts. ASSUMPTION: the span cost and size are round figures of Zipkin-style tracers, not Blueprint’s measurements.',
  comparisonNote:
    'Blueprint reports the size of the change (5 lines of its Go wiring spec). Here the tracer is one scaffolding entry, so the JSON diff is 1 line. No latency ' +
    'or CPU overhead figure is compared.',
  params: variantParams,
  work: variantWork(TRACING),
  async run(p, ctx) {
    const { outcomes, metrics, tables } = await compareVariants(p, TRACING, ctx);
    const [off, on] = outcomes as [(typeof outcomes)[0], (typeof outcomes)[0]];
    metrics['cpu-overhead'] = round(on.cpuMsPerRequest / off.cpuMsPerRequest - 1, 6);
    metrics['latency-overhead.p50'] = round(on.p50 / off.p50 - 1, 6);
    return {
      metrics,
      tables,
      comparisons: [
        {
          metric: 'spec-lines-changed',
          published: 5,
          measured: metrics['spec-lines-changed']!,
          source: 'Blueprint evaluation (docs/reference.md): 5 lines changed to add tracing',
        },
      ],
    };
  },
  charts: deploymentCharts,
});
