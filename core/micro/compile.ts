// The compiler (Blueprint's compiler): wiring spec → IR (a graph of workflow, scaffolding and instantiation nodes
// with call, binding and containment edges) → simulation model (flat arrays the simulator indexes).
// Semantic errors (unknown service, cycle, missing scaffolding, unknown machine) name the spec line.
import { parseSpec, specError } from './spec';
import type { LocatedSpec, Spec } from './spec';

export type IrLayer = 'workflow' | 'scaffolding' | 'instantiation';
export interface IrNode {
  id: string;
  kind:
    | 'service'
    | 'operation'
    | 'backend'
    | 'backend-impl'
    | 'rpc-server'
    | 'tracer'
    | 'process'
    | 'container'
    | 'machine';
  layer: IrLayer;
}
export interface IrEdge {
  from: string;
  to: string;
  kind: 'calls' | 'binds' | 'wraps' | 'contains';
}
export interface Ir {
  nodes: IrNode[];
  edges: IrEdge[];
}

export interface SimCall {
  /** Operation index, or backend index when `backend`. */
  target: number;
  backend: boolean;
  p: number;
  /** Crosses a process boundary: an RPC paying network and serialisation; otherwise a function call. */
  remote: boolean;
  /** CPU the caller spends on this call (serialising the request, parsing the reply, or a function call). */
  callerCpuMs: number;
}
export interface SimOp {
  name: string;
  service: number;
  /** CPU per execution: handler, tracer span, and the server side of an incoming RPC. */
  cpuMs: number;
  calls: SimCall[];
}
export interface Model {
  app: string;
  services: { name: string; process: number }[];
  processes: string[];
  /** Every replica of every process: its process, machine and worker threads (0: unbounded). */
  instances: { process: number; machine: number; threads: number }[];
  /** The instances of each process, in replica order. */
  processInstances: number[][];
  machines: { name: string; cores: number; queueLimit: number }[];
  backends: { name: string; impl: string; latencyMs: number; capacity: number }[];
  ops: SimOp[];
  /** Entry operations and their cumulative probability (the last is 1). */
  entries: { op: number; cumulative: number }[];
  networkMs: number;
  client: Spec['instantiation']['client'];
  tracing: boolean;
}

export interface Compiled {
  ir: Ir;
  model: Model;
}

type Path = (string | number)[];

interface Placement {
  process: string;
  /** Machines of the process's replicas, round-robin over the listed ones. */
  machines: string[];
  threads: number;
}

/** Where each service runs: its process (grouped, or its own) and that process's replicas and machines. */
function placement(ls: LocatedSpec): Map<string, Placement> {
  const { spec } = ls;
  const inst = spec.instantiation;
  const out = new Map<string, Placement>();
  const machineOk = (m: string, path: Path): void => {
    if (!(m in inst.machines))
      throw specError(
        ls.lines,
        path,
        `unknown machine "${m}" (machines: ${Object.keys(inst.machines).join(', ')})`,
      );
  };
  machineOk(inst.defaultMachine, ['instantiation', 'defaultMachine']);
  for (const [proc, p] of Object.entries(inst.processes)) {
    const listed = typeof p.machine === 'string' ? [p.machine] : p.machine;
    listed.forEach((m, i) =>
      machineOk(m, [
        'instantiation',
        'processes',
        proc,
        'machine',
        ...(typeof p.machine === 'string' ? [] : [i]),
      ]),
    );
    const machines = Array.from({ length: p.replicas ?? 1 }, (_, r) => listed[r % listed.length]!);
    p.services.forEach((s, i) => {
      const path = ['instantiation', 'processes', proc, 'services', i];
      if (!(s in spec.workflow.services)) throw specError(ls.lines, path, `unknown service "${s}"`);
      if (out.has(s))
        throw specError(ls.lines, path, `service "${s}" is already in process "${out.get(s)!.process}"`);
      out.set(s, { process: proc, machines, threads: p.threads ?? 0 });
    });
  }
  const defaults = Array.from({ length: inst.defaultReplicas ?? 1 }, () => inst.defaultMachine);
  for (const s of Object.keys(spec.workflow.services)) {
    if (out.has(s)) continue;
    const own = `${s}-process`;
    if (own in inst.processes)
      throw specError(
        ls.lines,
        ['instantiation', 'processes', own],
        `"${own}" is the name of the process service "${s}" gets as it is in no process: rename the process or put "${s}" in one`,
      );
    out.set(s, { process: own, machines: defaults, threads: inst.defaultThreads ?? 0 });
  }
  return out;
}

function checkBindings(ls: LocatedSpec): void {
  const { workflow, scaffolding } = ls.spec;
  for (const b of Object.keys(workflow.backends))
    if (!(b in scaffolding.backends))
      throw specError(
        ls.lines,
        ['workflow', 'backends', b],
        `missing scaffolding: backend "${b}" has no implementation in scaffolding.backends`,
      );
  for (const b of Object.keys(scaffolding.backends))
    if (!(b in workflow.backends))
      throw specError(
        ls.lines,
        ['scaffolding', 'backends', b],
        `"${b}" binds no backend of the workflow (workflow.backends)`,
      );
  for (const s of Object.keys(workflow.services))
    if (s in workflow.backends)
      throw specError(ls.lines, ['workflow', 'services', s], `"${s}" is both a service and a backend`);
}

/** Operation names `service.op` in spec order. */
function opNames(spec: Spec): string[] {
  return Object.entries(spec.workflow.services).flatMap(([s, def]) =>
    Object.keys(def.ops).map((o) => `${s}.${o}`),
  );
}

/** Refuse call cycles: a request is a tree of calls (Luo et al. SoCC'21: Alibaba's call graphs are trees). */
function checkAcyclic(
  ls: LocatedSpec,
  index: Map<string, number>,
  callees: number[][],
  paths: Path[][],
): void {
  const state = new Uint8Array(callees.length); // 0 new, 1 on the stack, 2 done
  const names = [...index.keys()];
  for (let root = 0; root < callees.length; root++) {
    if (state[root] !== 0) continue;
    const stack: [number, number][] = [[root, 0]];
    state[root] = 1;
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const [v, k] = top;
      if (k >= callees[v]!.length) {
        state[v] = 2;
        stack.pop();
        continue;
      }
      top[1]++;
      const w = callees[v]![k]!;
      if (state[w] === 1)
        throw specError(
          ls.lines,
          paths[v]![k]!,
          `call cycle: ${names[w]} → … → ${names[v]} → ${names[w]} (a request must be a tree of calls)`,
        );
      if (state[w] === 0) {
        state[w] = 1;
        stack.push([w, 0]);
      }
    }
  }
}

/** The workflow and scaffolding layers of the IR, and each operation's resolved calls. */
function buildModel(ls: LocatedSpec): Model {
  const { spec } = ls;
  checkBindings(ls);
  const place = placement(ls);
  const serviceNames = Object.keys(spec.workflow.services);
  const processes = [...new Set(serviceNames.map((s) => place.get(s)!.process))];
  const machines = Object.entries(spec.instantiation.machines).map(([name, m]) => ({ name, ...m }));
  const backends = Object.entries(spec.scaffolding.backends).map(([name, b]) => ({ name, ...b }));
  const backendIndex = new Map(backends.map((b, i) => [b.name, i]));
  const names = opNames(spec);
  const index = new Map(names.map((n, i) => [n, i]));
  const serviceIndex = new Map(serviceNames.map((s, i) => [s, i]));
  const { rpc, tracer, functionCallUs } = spec.scaffolding;
  const spanBytes = tracer.kind === 'zipkin' ? tracer.spanBytes : 0;
  const spanCpuMs = tracer.kind === 'zipkin' ? tracer.spanCpuUs / 1000 : 0;
  const rpcCpuMs = (bytes: number): number => (rpc.callCpuUs + (rpc.cpuUsPerKB * bytes) / 1024) / 1000;
  const callees: number[][] = [];
  const callPaths: Path[][] = [];
  const incomingRemote = new Array<number>(names.length).fill(0);
  const ops: SimOp[] = [];
  for (const [s, def] of Object.entries(spec.workflow.services)) {
    for (const [o, op] of Object.entries(def.ops)) {
      const myProc = place.get(s)!.process;
      const calls: SimCall[] = op.calls.map((call, k) => {
        const path = ['workflow', 'services', s, 'ops', o, 'calls', k, 'to'];
        const bytes = call.reqBytes + call.respBytes;
        const b = backendIndex.get(call.to);
        if (b !== undefined || call.to in spec.workflow.backends) {
          return { target: b!, backend: true, p: call.p ?? 1, remote: true, callerCpuMs: rpcCpuMs(bytes) };
        }
        const t = index.get(call.to);
        if (t === undefined)
          throw specError(
            ls.lines,
            path,
            `unknown service operation or backend "${call.to}" (write service.op, e.g. "${names[0]}", or a backend of workflow.backends)`,
          );
        const remote = place.get(call.to.split('.')[0]!)!.process !== myProc;
        if (remote) incomingRemote[t] = Math.max(incomingRemote[t]!, rpcCpuMs(bytes + spanBytes));
        return {
          target: t,
          backend: false,
          p: call.p ?? 1,
          remote,
          callerCpuMs: remote ? rpcCpuMs(bytes + spanBytes) : functionCallUs / 1000,
        };
      });
      callees.push(calls.filter((c) => !c.backend).map((c) => c.target));
      callPaths.push(
        op.calls
          .map((_, k) => ['workflow', 'services', s, 'ops', o, 'calls', k, 'to'])
          .filter((_, k) => !calls[k]!.backend),
      );
      ops.push({ name: `${s}.${o}`, service: serviceIndex.get(s)!, cpuMs: op.cpuMs + spanCpuMs, calls });
    }
  }
  checkAcyclic(ls, index, callees, callPaths);
  const total = spec.workflow.entries.reduce((a, e) => a + e.weight, 0);
  let acc = 0;
  const entries = spec.workflow.entries.map((e, i) => {
    const op = index.get(e.op);
    if (op === undefined)
      throw specError(
        ls.lines,
        ['workflow', 'entries', i, 'op'],
        `unknown operation "${e.op}" (write service.op, e.g. "${names[0]}")`,
      );
    acc += e.weight;
    incomingRemote[op] = Math.max(incomingRemote[op]!, rpcCpuMs(spanBytes));
    return { op, cumulative: i === spec.workflow.entries.length - 1 ? 1 : acc / total };
  });
  for (let i = 0; i < ops.length; i++) ops[i]!.cpuMs += incomingRemote[i]!;
  const machineIndex = new Map(machines.map((m, i) => [m.name, i]));
  const instances: Model['instances'] = [];
  const processInstances = processes.map((proc, pi) => {
    const where = [...place.values()].find((x) => x.process === proc)!;
    return where.machines.map(
      (m) => instances.push({ process: pi, machine: machineIndex.get(m)!, threads: where.threads }) - 1,
    );
  });
  return {
    app: spec.app,
    services: serviceNames.map((s) => ({ name: s, process: processes.indexOf(place.get(s)!.process) })),
    processes,
    instances,
    processInstances,
    machines,
    backends,
    ops,
    entries,
    networkMs: rpc.networkUs / 1000,
    client: spec.instantiation.client,
    tracing: tracer.kind !== 'none',
  };
}

/** The IR graph of a checked spec and its model (in Blueprint the IR joins the three layers). */
function buildIr(model: Model): Ir {
  const nodes: IrNode[] = [];
  const edges: IrEdge[] = [];
  for (const s of model.services) nodes.push({ id: `service:${s.name}`, kind: 'service', layer: 'workflow' });
  for (const op of model.ops) {
    nodes.push({ id: `op:${op.name}`, kind: 'operation', layer: 'workflow' });
    edges.push({
      from: `service:${model.services[op.service]!.name}`,
      to: `op:${op.name}`,
      kind: 'contains',
    });
    for (const c of op.calls)
      edges.push({
        from: `op:${op.name}`,
        to: c.backend ? `backend:${model.backends[c.target]!.name}` : `op:${model.ops[c.target]!.name}`,
        kind: 'calls',
      });
  }
  for (const b of model.backends) {
    nodes.push({ id: `backend:${b.name}`, kind: 'backend', layer: 'workflow' });
    nodes.push({ id: `impl:${b.name}`, kind: 'backend-impl', layer: 'scaffolding' });
    edges.push({ from: `backend:${b.name}`, to: `impl:${b.name}`, kind: 'binds' });
  }
  // An RPC server wraps every service called from another process (or by clients); a tracer wraps them all.
  const served = new Set<number>(model.entries.map((e) => model.ops[e.op]!.service));
  for (const op of model.ops)
    for (const c of op.calls) if (!c.backend && c.remote) served.add(model.ops[c.target]!.service);
  model.services.forEach((s, i) => {
    if (served.has(i)) {
      nodes.push({ id: `rpc:${s.name}`, kind: 'rpc-server', layer: 'scaffolding' });
      edges.push({ from: `rpc:${s.name}`, to: `service:${s.name}`, kind: 'wraps' });
    }
    if (model.tracing) {
      nodes.push({ id: `tracer:${s.name}`, kind: 'tracer', layer: 'scaffolding' });
      edges.push({ from: `tracer:${s.name}`, to: `service:${s.name}`, kind: 'wraps' });
    }
  });
  for (const m of model.machines)
    nodes.push({ id: `machine:${m.name}`, kind: 'machine', layer: 'instantiation' });
  // One container and process per replica (named p#r when a process has several).
  const instanceName = (i: number): string => {
    const { process } = model.instances[i]!;
    const all = model.processInstances[process]!;
    return all.length === 1 ? model.processes[process]! : `${model.processes[process]}#${all.indexOf(i)}`;
  };
  model.instances.forEach((inst, i) => {
    const p = instanceName(i);
    nodes.push({ id: `container:${p}`, kind: 'container', layer: 'instantiation' });
    nodes.push({ id: `process:${p}`, kind: 'process', layer: 'instantiation' });
    edges.push({
      from: `machine:${model.machines[inst.machine]!.name}`,
      to: `container:${p}`,
      kind: 'contains',
    });
    edges.push({ from: `container:${p}`, to: `process:${p}`, kind: 'contains' });
  });
  for (const s of model.services)
    for (const i of model.processInstances[s.process]!)
      edges.push({ from: `process:${instanceName(i)}`, to: `service:${s.name}`, kind: 'contains' });
  return { nodes, edges };
}

/** Compile a checked spec to IR and model. */
export function compileSpec(ls: LocatedSpec): Compiled {
  const model = buildModel(ls);
  return { ir: buildIr(model), model };
}

/** Parse, check and compile a spec's text. */
export function compileText(text: string): Compiled {
  return compileSpec(parseSpec(text));
}
