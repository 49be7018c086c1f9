// Two deployments of one app compared under the same offered load (micro-monolith, micro-tracing): the
// latency at a moderate load and the throughput at an overload, each from its own simulation.
// ASSUMPTION: latency is measured with patient clients (10 s timeout, no retries) so it is the queueing
// network's and not the client policy's; throughput is requests completed per second over the second half
// of a run offered `overload` (default 1.5) x the first deployment's CPU capacity (the same load for both).
import { UserError } from '../experiments/errors';
import type { ParamsOf, RunContext, Table } from '../experiments/types';
import { round } from '../kernel/numbers';
import type { Model } from './compile';
import { simulate } from './sim';
import {
  SIM_UNIT_US,
  capacityRps,
  compileBuilt,
  cpuMsPerRequest,
  latencyMs,
  loadParams,
  simulatedCalls,
  specParam,
} from './scenario';
import { formatSpec, parseSpec } from './spec';
import type { Spec } from './spec';
import { diffLines } from './json';

export const variantParams = {
  ...specParam,
  ...loadParams,
  load: { ...loadParams.load, default: 0.5 },
  overload: {
    kind: 'number',
    label: 'Overload for throughput',
    help: 'Throughput is measured under this multiple of the first deployment’s CPU capacity.',
    default: 1.5,
    min: 1.05,
    max: 4,
    group: 'Load',
  },
  // Not `durationS`: the live view's run length (with its trigger) does not follow this one.
  runS: { kind: 'int', label: 'Run length', default: 10, min: 4, max: 300, unit: 's', group: 'Load' },
  cores: {
    kind: 'int',
    label: 'Cores per machine',
    help: 'Sets every machine of the spec to this many cores (a grid sweep can vary it; the spec text cannot be swept).',
    default: 2,
    min: 1,
    max: 16,
    unit: 'cores',
    group: 'Load',
  },
} as const;
export type VariantParams = ParamsOf<typeof variantParams>;

const PATIENT = { timeoutMs: 10_000, retries: 0, backoffMs: 0 };

function patient(spec: Spec): Model {
  return compileBuilt({ ...spec, instantiation: { ...spec.instantiation, client: PATIENT } }).model;
}

export interface VariantOutcome {
  name: string;
  p50: number;
  p99: number;
  throughput: number;
  cpuMsPerRequest: number;
}

/**
 * The two deployments an experiment compares: `base` turns the input into the first (so an input that is
 * already the second, e.g. traced or a monolith, is not compared with itself), `variant` the base into the
 * second.
 */
export interface Variants {
  base(s: Spec): Spec;
  variant(s: Spec): Spec;
  names: readonly [string, string];
}

/** The first deployment: the spec's text made the base, with every machine set to `cores`. */
function baseSpec(p: VariantParams, v: Variants): Spec {
  const spec = v.base(parseSpec(p.spec).spec);
  const machines = Object.fromEntries(
    Object.entries(spec.instantiation.machines).map(([n, m]) => [n, { ...m, cores: p.cores }]),
  );
  return { ...spec, instantiation: { ...spec.instantiation, machines } };
}

/** Run both variants: latency, throughput and CPU per request of each, and `spec-lines-changed` (the line diff of their canonical texts). */
export async function compareVariants(
  p: VariantParams,
  v: Variants,
  ctx: RunContext,
): Promise<{ outcomes: VariantOutcome[]; metrics: Record<string, number>; tables: Record<string, Table> }> {
  const { names } = v;
  const base = baseSpec(p, v);
  const specs = [base, v.variant(base)] as const;
  const rps = capacityRps(patient(base));
  const outcomes: VariantOutcome[] = [];
  for (const [i, spec] of specs.entries()) {
    await ctx.progress(i / 2, `simulating ${names[i]}`);
    const model = patient(spec);
    const calm = simulate(
      model,
      { rps: p.load * rps, durationS: p.runS, spike: { atS: 0, forS: 0, factor: 1 } },
      ctx.rng.fork('calm'),
    );
    const busy = simulate(
      model,
      { rps: p.overload * rps, durationS: p.runS, spike: { atS: 0, forS: 0, factor: 1 } },
      ctx.rng.fork('busy'),
    );
    if (calm.latenciesMs.length === 0)
      throw new UserError(
        `no request of the ${names[i]} deployment finished within ${p.runS} s at load ${p.load}: raise runS or lower the spec's costs`,
      );
    const half = busy.buckets.slice(Math.floor(p.runS / 2));
    outcomes.push({
      name: names[i]!,
      p50: latencyMs(calm, 50),
      p99: latencyMs(calm, 99),
      throughput: round(half.reduce((a, b) => a + b.goodput, 0) / half.length, 2),
      cpuMsPerRequest: round(cpuMsPerRequest(model), 6),
    });
  }
  const diff = diffLines(formatSpec(specs[0]), formatSpec(specs[1]));
  const tables = {
    deployments: {
      columns: ['deployment', 'p50 ms', 'p99 ms', 'throughput req/s', 'CPU ms per request'],
      rows: outcomes.map((o) => [o.name, o.p50, o.p99, o.throughput, o.cpuMsPerRequest]),
    },
    'spec-diff': {
      columns: ['lines added', 'lines removed', 'lines changed'],
      rows: [[diff.added, diff.removed, diff.changed]],
    },
  };
  const metrics: Record<string, number> = {};
  for (const o of outcomes) {
    metrics[`latency.p50.${o.name}`] = o.p50;
    metrics[`latency.p99.${o.name}`] = o.p99;
    metrics[`throughput.${o.name}`] = o.throughput;
    metrics[`cpu-ms-per-request.${o.name}`] = o.cpuMsPerRequest;
  }
  metrics['spec-lines-changed'] = diff.changed;
  return { outcomes, metrics, tables };
}

export const variantWork = (v: Variants) => (p: VariantParams) => {
  const model = patient(baseSpec(p, v));
  const rps = capacityRps(model);
  const w = (f: number) => ({ rps: f * rps, durationS: p.runS, spike: { atS: 0, forS: 0, factor: 1 } });
  return {
    units: 2 * (simulatedCalls(model, w(p.load), 1) + simulatedCalls(model, w(p.overload), 1)),
    what: 'simulated calls',
    formula: `2 deployments × (${p.load} + ${p.overload}) × ${round(rps, 0)} req/s × ${p.runS} s × calls per request`,
    unitCostUs: SIM_UNIT_US,
    lower: 'runS, load, overload or cores',
  };
};
