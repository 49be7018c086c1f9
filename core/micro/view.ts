// The microservice lab's live picture: the spec compiled to its service graph (services and backends in
// call-depth layers, each coloured per second by its CPU or server utilisation), and one run of the
// metastable scenario under a client policy: goodput, attempts and p99 per second with the trigger marked.
import { defineLabView } from '../experiments/types';
import type { ParamsOf, RunContext } from '../experiments/types';
import { round } from '../kernel/numbers';
import { POLICY_NAMES, withPolicy } from './apps';
import type { PolicyName } from './apps';
import type { Model } from './compile';
import { checkTrigger, recoveryOf, triggerParams, workloadOf } from './metastableExperiment';
import { SIM_UNIT_US, capacityRps, compileBuilt, loadParams, simulatedCalls, specParam } from './scenario';
import { simulate } from './sim';
import type { RequestTrace } from './sim';
import { parseSpec } from './spec';
import type { Spec } from './spec';
import { alibabaSpec } from './generate';
import { Rng } from '../kernel/rng';

const params = {
  ...specParam,
  generated: {
    kind: 'int',
    label: 'Generated app',
    help: '0: the wiring spec. N: instead, an Alibaba-shaped app of N services (micro-compile-scale’s generator, seed 1) on one 8-core machine (ASSUMPTION: so thousands of services simulate in a couple of seconds), beyond what a spec text can hold.',
    default: 0,
    min: 0,
    max: 5000,
    unit: 'services',
    group: 'App',
    advanced: true,
  },
  policy: { kind: 'enum', label: 'Client policy', default: 'retry', options: POLICY_NAMES, group: 'Clients' },
  ...loadParams,
  ...triggerParams,
  // A shorter default run than the experiment's, so the view opens within a second or two.
  load: { ...loadParams.load, default: 0.5 },
  durationS: { ...triggerParams.durationS, default: 14 },
  spikeAtS: { ...triggerParams.spikeAtS, default: 4 },
  spikeForS: { ...triggerParams.spikeForS, default: 3 },
} as const;
type Params = ParamsOf<typeof params>;

/** Requests traced per simulated second (the first to arrive in each half second). */
const TRACES_PER_S = 2;

export interface GraphNode {
  name: string;
  kind: 'service' | 'backend';
  /** Call depth: entry services 0, each callee one deeper than its deepest caller. */
  depth: number;
  /** The process (services) or the implementation (backends), e.g. "frontend-process", "memcached". */
  where: string;
}
export interface GraphEdge {
  from: number;
  to: number;
  /** Calls per second over the run. */
  rate: number;
  /** Calls in each second of the run. */
  perSecond: number[];
  /** An RPC (across processes) rather than a function call. */
  remote: boolean;
}
export interface MicroViewModel {
  app: string;
  policy: PolicyName;
  nodes: GraphNode[];
  edges: GraphEdge[];
  /** Utilisation of node i in second t at `util[i * seconds + t]`: CPU share of its replicas' machines, or busy servers of a backend. */
  util: Float32Array;
  /** Most calls waiting at node i in second t (for CPU, or for a backend's servers), same layout as util. */
  waiting: Float32Array;
  seconds: number;
  goodput: number[];
  attempts: number[];
  p99Ms: number[];
  /** Largest CPU queue (jobs) of the busiest machine per second. */
  queue: number[];
  spike: { atS: number; forS: number; factor: number };
  rps: number;
  recovered: boolean;
  goodputAfter: number;
  processes: number;
  /** The client's timeout, ms (drawn on traces). */
  timeoutMs: number;
  /** Operation names (`service.op`) and the graph node each runs on, for the traces' spans. */
  ops: { name: string; node: number }[];
  /** Sampled requests, two per second, each with every attempt's spans. */
  traces: RequestTrace[];
}

/** Services then backends, with call depths (the spec is acyclic, so depths are finite). */
function graphOf(model: Model): {
  nodes: GraphNode[];
  serviceEdges: Map<string, { remote: boolean; calls: [number, number][] }>;
} {
  const ns = model.services.length;
  const nodes: GraphNode[] = [
    ...model.services.map((s) => ({
      name: s.name,
      kind: 'service' as const,
      depth: 0,
      where: `${model.processes[s.process]!}${model.processInstances[s.process]!.length > 1 ? ` ×${model.processInstances[s.process]!.length}` : ''}`,
    })),
    ...model.backends.map((b) => ({ name: b.name, kind: 'backend' as const, depth: 0, where: b.impl })),
  ];
  const serviceEdges = new Map<string, { remote: boolean; calls: [number, number][] }>();
  model.ops.forEach((op, i) =>
    op.calls.forEach((c, k) => {
      const to = c.backend ? ns + c.target : model.ops[c.target]!.service;
      const key = `${op.service}>${to}`;
      const e = serviceEdges.get(key) ?? { remote: c.remote, calls: [] };
      e.calls.push([i, k]);
      serviceEdges.set(key, e);
    }),
  );
  // Longest-path depths by relaxation (at most nodes rounds on a DAG).
  for (let round = 0; round < nodes.length; round++) {
    let changed = false;
    for (const key of serviceEdges.keys()) {
      const [a, b] = key.split('>').map(Number) as [number, number];
      if (nodes[b]!.depth < nodes[a]!.depth + 1 && a !== b) {
        nodes[b]!.depth = nodes[a]!.depth + 1;
        changed = true;
      }
    }
    if (!changed) break;
  }
  return { nodes, serviceEdges };
}

/** The app the view runs: the generated one when `generated` > 0, else the wiring spec. */
function specOf(p: Params): Spec {
  return p.generated > 0 ? alibabaSpec(p.generated, new Rng(1), GENERATED_CORES) : parseSpec(p.spec).spec;
}
const GENERATED_CORES = 8;

async function buildModel(p: Params, ctx: RunContext): Promise<MicroViewModel> {
  const bad = checkTrigger(p);
  if (bad) throw new Error(`${bad.field} ${bad.reason}`);
  const policy = p.policy as PolicyName;
  const { model } = compileBuilt(withPolicy(specOf(p), policy));
  const w = workloadOf(p, capacityRps(model));
  await ctx.progress(0.1, 'simulating');
  const r = simulate(model, w, ctx.rng.fork('arrivals'), TRACES_PER_S);
  const { nodes, serviceEdges } = graphOf(model);
  const T = r.buckets.length;
  const ns = model.services.length;
  const util = new Float32Array(nodes.length * T);
  // A service's CPU is shared by the machines its replicas run on.
  const serviceCores = model.services.map((sv) =>
    [...new Set(model.processInstances[sv.process]!.map((k) => model.instances[k]!.machine))].reduce(
      (a, m) => a + model.machines[m]!.cores,
      0,
    ),
  );
  for (let i = 0; i < nodes.length; i++)
    for (let t = 0; t < T; t++) {
      const denom = i < ns ? 1000 * serviceCores[i]! : 1000 * model.backends[i - ns]!.capacity;
      const busy = i < ns ? r.serviceCpuMs[i * T + t]! : r.backendBusyMs[(i - ns) * T + t]!;
      util[i * T + t] = Math.min(1, busy / denom);
    }
  const waiting = new Float32Array(nodes.length * T);
  waiting.set(r.serviceQueue, 0);
  waiting.set(r.backendQueue, ns * T);
  const edges: GraphEdge[] = [...serviceEdges.entries()].map(([key, e]) => {
    const [from, to] = key.split('>').map(Number) as [number, number];
    const calls = e.calls.reduce((a, [op, k]) => a + r.callCounts[op]![k]!, 0);
    const perSecond = Array.from({ length: T }, (_, t) =>
      e.calls.reduce((a, [op, k]) => a + r.callsByBucket[(r.callBase[op]! + k) * T + t]!, 0),
    );
    return { from, to, rate: round(calls / w.durationS, 2), perSecond, remote: e.remote };
  });
  const rec = recoveryOf(r, w);
  return {
    app: model.app,
    policy,
    nodes,
    edges,
    util,
    waiting,
    seconds: T,
    goodput: r.buckets.map((b) => b.goodput),
    attempts: r.buckets.map((b) => b.attempts),
    p99Ms: r.buckets.map((b) => round(b.p99Ms, 3)),
    queue: r.buckets.map((_, t) => Math.max(0, ...model.machines.map((__, m) => r.maxQueue[m * T + t]!))),
    spike: w.spike,
    rps: round(w.rps, 1),
    recovered: rec.recovered,
    goodputAfter: round(rec.after, 4),
    processes: model.processes.length,
    timeoutMs: model.client.timeoutMs,
    ops: model.ops.map((o) => ({ name: o.name, node: o.service })),
    traces: r.traces,
  };
}

export const microView = defineLabView({
  title: 'A wiring spec compiled to a service graph, and a retry storm through it',
  description:
    'The spec’s services and backends in call-depth layers, coloured each second by utilisation, with the calls between them; below, goodput and ' +
    'attempts per second with the load spike (the trigger) marked. Edit the spec: it is compiled and simulated again.',
  params,
  work(p) {
    const { model } = compileBuilt(specOf(p));
    const w = workloadOf(p, capacityRps(model));
    return {
      units: simulatedCalls(model, w, 4),
      what: 'simulated calls',
      formula: `${round(w.rps, 0)} req/s × ${p.durationS} s (+ spike) × up to 4 attempts × calls per request`,
      unitCostUs: SIM_UNIT_US,
      lower: 'durationS, load or the spec’s cores',
    };
  },
  build: buildModel,
});
