// micro-compile-scale: compile a generated Alibaba-scale spec (text → checked spec → IR → simulation model)
// and report the IR's size; the wall-clock compile time is a measurement (Blueprint took ~12 minutes for
// ~3000 services, generating and building code; we compile to an in-memory model only).
import { defineExperiment } from '../experiments/types';
import { compileText } from './compile';
import { DEFAULT_SHAPE, alibabaSpec } from './generate';
import { BLUEPRINT_PAPER } from './scenario';
import { formatSpec } from './spec';

export const microCompileScale = defineExperiment({
  id: 'micro-compile-scale',
  title: 'Compiling an Alibaba-scale wiring spec: IR size and compile time',
  paper: `${BLUEPRINT_PAPER}; Luo et al. Characterizing Microservice Dependency and Performance: Alibaba Trace Analysis. SoCC 2021`,
  figure:
    'evaluation, compile time (compiling a ~3000-service app derived from Alibaba’s traces took about 12 minutes)',
  description:
    'Generates a spec of `services` services shaped like Alibaba’s deployment (13% entry, 48% middle, 39% leaf services; tree-like calls with a heavy-tailed ' +
    'out-degree and hot-spot leaves; core/micro/generate.ts cites the trace studies), writes it as text, then times parsing, checking (schema, unknown names, ' +
    'cycles) and compiling it to the IR and the simulation model. IR sizes are metrics; compile time is a wall-clock measurement from the host’s clock. ' +
    'DEVIATION: Blueprint’s 12 minutes include generating Go code, Dockerfiles and building them; this compiler stops at the in-memory model, so the ' +
    'comparison says only that the spec → IR step is not what makes large apps slow to compile.',
  comparisonNote:
    'The published compile time compares with a wall-clock measurement (not reproducible byte for byte) and covers more steps than ours.',
  wallClockComparisons: [
    {
      measurement: 'compile-ms',
      published: 720_000,
      source:
        'Blueprint evaluation (docs/reference.md): about 12 minutes for ~3000 services (code generation and builds included)',
    },
  ],
  params: {
    services: { kind: 'int', label: 'Services', default: 3000, min: 3, max: 50_000, unit: 'services' },
    fanoutAlpha: {
      kind: 'number',
      label: 'Out-degree tail α',
      help: 'Pareto α of the calls each service makes (smaller: heavier tail).',
      default: DEFAULT_SHAPE.fanoutAlpha,
      min: 1.05,
      max: 4,
      group: 'Call-graph shape',
    },
    maxFanout: {
      kind: 'int',
      label: 'Most calls per service',
      default: DEFAULT_SHAPE.maxFanout,
      min: 1,
      max: 100,
      group: 'Call-graph shape',
    },
    hotShare: {
      kind: 'number',
      label: 'Calls to hot spots',
      help: 'Share of calls that go to the hot leaves (the first 5% of them).',
      default: DEFAULT_SHAPE.hotShare,
      min: 0,
      max: 1,
      group: 'Call-graph shape',
    },
  },
  measuresWallClock: true,
  work: (p) => ({
    units: p.services * (1 + p.maxFanout / 12),
    what: 'services',
    formula: `${p.services} services × (1 + ${p.maxFanout} most calls / 12)`,
    unitCostUs: 150,
    lower: 'services or maxFanout',
  }),
  async run(p, ctx) {
    const spec = alibabaSpec(p.services, ctx.rng.fork('generate'), 64, p);
    const text = formatSpec(spec);
    await ctx.progress(0.3, 'compiling');
    const t0 = ctx.now?.();
    const { ir, model } = compileText(text);
    const t1 = ctx.now?.();
    const count = (pred: (k: { kind: string; layer: string }) => boolean): number =>
      ir.nodes.filter(pred).length;
    const metrics: Record<string, number> = {
      services: model.services.length,
      operations: model.ops.length,
      backends: model.backends.length,
      'spec-lines': text.split('\n').length - 1,
      'ir.nodes': ir.nodes.length,
      'ir.edges': ir.edges.length,
      'ir.nodes.workflow': count((n) => n.layer === 'workflow'),
      'ir.nodes.scaffolding': count((n) => n.layer === 'scaffolding'),
      'ir.nodes.instantiation': count((n) => n.layer === 'instantiation'),
      'ir.edges.calls': ir.edges.filter((e) => e.kind === 'calls').length,
    };
    return {
      metrics,
      tables: {
        ir: {
          columns: ['layer', 'nodes'],
          rows: ['workflow', 'scaffolding', 'instantiation'].map((l) => [l, metrics[`ir.nodes.${l}`]!]),
        },
      },
      comparisons: [],
      ...(t0 !== undefined && t1 !== undefined
        ? { measurements: { 'compile-ms': Math.round((t1 - t0) * 1000) / 1000 } }
        : {}),
    };
  },
});
