// What the microservice lab's experiments and view share: the paper citations, the spec parameter (the
// built-in social network by default), the load parameters, and the model's CPU capacity that load is
// a fraction of.
import { UserError } from '../experiments/errors';
import type { ParamsOf } from '../experiments/types';
import { round } from '../kernel/numbers';
import { socialNetwork } from './apps';
import { compileSpec } from './compile';
import type { Compiled, Model, SimCall, SimOp } from './compile';
import { formatSpec, parseSpec } from './spec';
import type { Spec } from './spec';
import type { SimResult, Workload } from './sim';

export const BLUEPRINT_PAPER =
  'Anand, Garg, Kaufmann, Mace. Blueprint: A Toolchain for Highly-Reconfigurable Microservice Applications. SOSP 2023';
export const METASTABLE_PAPERS =
  `${BLUEPRINT_PAPER}; Bronson, Aghayev, Charapko, Zhu. Metastable Failures in Distributed Systems. HotOS 2021; ` +
  'Huang et al. Metastable Failures in the Wild. OSDI 2022';

export const DEFAULT_SPEC = formatSpec(socialNetwork());

export const specParam = {
  spec: {
    kind: 'text',
    label: 'Wiring spec',
    help: 'The app as a JSON wiring spec (workflow, scaffolding, instantiation); default: the built-in social network.',
    default: DEFAULT_SPEC,
    maxLength: 400_000,
    group: 'App',
  },
} as const;

export const loadParams = {
  load: {
    kind: 'number',
    label: 'Offered load',
    help: 'Requests per second as a fraction of the deployment’s CPU capacity (cores ÷ mean CPU per request).',
    default: 0.6,
    min: 0.05,
    max: 0.95,
    group: 'Load',
  },
} as const;

/** Compile a spec built in code (it went through parseSpec as text first, so its lines are not needed). */
export function compileBuilt(spec: Spec): Compiled {
  return compileSpec(parseSpec(formatSpec(spec)));
}

/**
 * The expectation of a quantity summed over a request's call tree, over the entry mix: each operation adds
 * `own(op)` and, per call made (with its probability), `perCall(call)` plus the callee's tree.
 */
function perRequest(model: Model, own: (op: SimOp) => number, perCall: (c: SimCall) => number): number {
  // Post-order over the call DAG with an explicit stack (call chains may be thousands deep).
  const memo = new Float64Array(model.ops.length).fill(NaN);
  const tree = (root: number): number => {
    const stack = [root];
    while (stack.length > 0) {
      const op = stack[stack.length - 1]!;
      if (!Number.isNaN(memo[op]!)) {
        stack.pop();
        continue;
      }
      const o = model.ops[op]!;
      const todo = o.calls.filter((c) => !c.backend && Number.isNaN(memo[c.target]!));
      if (todo.length > 0) {
        for (const c of todo) stack.push(c.target);
        continue;
      }
      memo[op] = o.calls.reduce((a, c) => a + c.p * (perCall(c) + (c.backend ? 0 : memo[c.target]!)), own(o));
      stack.pop();
    }
    return memo[root]!;
  };
  let prev = 0;
  return model.entries.reduce((acc, e) => {
    const share = e.cumulative - prev;
    prev = e.cumulative;
    return acc + share * tree(e.op);
  }, 0);
}

/** Expected CPU ms one request costs. */
export function cpuMsPerRequest(model: Model): number {
  return perRequest(
    model,
    (o) => o.cpuMs,
    (c) => c.callerCpuMs,
  );
}

/** Expected calls (RPCs, function calls, backend requests) per request. */
export function callsPerRequest(model: Model): number {
  return perRequest(
    model,
    () => 0,
    () => 1,
  );
}

/** Requests per second the cores serve at full CPU (the cores of the machines that run replicas, over the mean cost). */
export function capacityRps(model: Model): number {
  const used = new Set(model.instances.map((x) => x.machine));
  const cores = [...used].reduce((a, m) => a + model.machines[m]!.cores, 0);
  const ms = cpuMsPerRequest(model);
  // Load is a fraction of this capacity: with no CPU per request it would be infinite.
  if (!(ms > 0)) throw new UserError('requests cost no CPU: give an operation cpuMs > 0');
  return (cores * 1000) / ms;
}

/** Latency percentiles of a run's successful requests, ms (0 when none succeeded). */
export function latencyMs(r: SimResult, p: number): number {
  const sorted = [...r.latenciesMs].sort((a, b) => a - b);
  return sorted.length === 0 ? 0 : round(sorted[Math.floor((p / 100) * (sorted.length - 1))]!, 4);
}

/**
 * Work units (simulated calls) of a run, for the budgets: the calls of every request the CPUs can serve in the
 * run (an overloaded machine serves no more) plus one unit per attempt sent (a refused attempt costs one).
 */
export function simulatedCalls(model: Model, w: Workload, attemptsPerRequest: number): number {
  const attempts = w.rps * (w.durationS + w.spike.forS * (w.spike.factor - 1)) * attemptsPerRequest;
  const served = Math.min(attempts, capacityRps(model) * w.durationS);
  return Math.ceil(served * callsPerRequest(model) + attempts);
}

/** What the simulator costs per simulated call on the reference machine (bench/micro.bench.ts). */
export const SIM_UNIT_US = 4;

export type LoadParams = ParamsOf<typeof loadParams>;
