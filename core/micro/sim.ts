// The simulator: a discrete-event queueing network run from a compiled model. Machines are FCFS CPUs
// with `cores` servers and a bounded admission queue; backends (caches, databases) are queues with
// `capacity` servers; an RPC pays network latency each way plus serialisation CPU on both ends, an
// in-process call a function call. Clients send requests open-loop (Poisson, with a load spike as the
// trigger), time out, and retry by their policy (Bronson et al. HotOS'21; Huang et al. OSDI'22).
// ASSUMPTION: a handler's CPU (its own work, its span, its calls' serialisation) runs before its calls,
// which it makes one after another; a timed-out attempt is not cancelled downstream (its work is wasted,
// which is the retry storm's sustaining effect); only a request's first frame is refused when its
// machine's queue is full. Processes may bound their worker threads (a thread is held while its calls run).
import { EventQueue } from '../kernel/queue';
import { FastRng } from '../kernel/fastRng';
import type { Rng } from '../kernel/rng';
import type { Model } from './compile';

export interface Workload {
  /** Requests per second outside the spike. */
  rps: number;
  durationS: number;
  /** The trigger: the rate is multiplied by `factor` over [atS, atS + forS). */
  spike: { atS: number; forS: number; factor: number };
}

interface Request {
  arrivedMs: number;
  /** The entry operation, drawn once on arrival: every attempt (retries too) calls it. */
  op: number;
  attempts: number;
  /** 0 outstanding, 1 succeeded, 2 failed. */
  state: 0 | 1 | 2;
  /** Recorded when the request is sampled for tracing. */
  trace: RequestTrace | null;
}
interface Attempt {
  req: Request;
  /** The attempt's number (0 = the first try). */
  n: number;
  over: boolean;
  rec: AttemptTrace | null;
}

/** One operation's execution in a traced attempt, ms since the start of the run. */
export interface Span {
  op: number;
  /** Index of the calling span in the attempt's spans, −1 for the first. */
  parent: number;
  /** When the call reached the operation's process, when its CPU work began (after the queue), when it returned. */
  startMs: number;
  cpuMs: number;
  endMs: number;
}
export interface AttemptTrace {
  n: number;
  sentMs: number;
  /** When the client got the reply or gave up; −1 while pending at the end of the run. */
  endMs: number;
  outcome: 'ok' | 'timeout' | 'refused' | 'pending';
  /** Spans may end after the client gave up: work nobody waits for. `endMs` −1: still running at the end. */
  spans: Span[];
}
export interface RequestTrace {
  arrivedMs: number;
  attempts: AttemptTrace[];
}
interface Frame {
  op: number;
  attempt: Attempt;
  parent: Frame | null;
  /** Calls drawn at the frame's start (indices into the op's calls), and the next one to make. */
  made: number[];
  next: number;
  /** Its span in a traced attempt, else −1. */
  span: number;
  /** Arrived over RPC (or from the client), so it holds a worker thread of its process until it returns. */
  thread: boolean;
  /** The process replica it runs in (model.instances). */
  instance: number;
}

type Ev =
  | { k: 'arrive' }
  | { k: 'send'; req: Request }
  | { k: 'start'; frame: Frame }
  | { k: 'cpu'; frame: Frame; machine: number }
  | { k: 'backend'; frame: Frame; backend: number }
  | { k: 'backend-done'; frame: Frame; backend: number }
  | { k: 'resume'; frame: Frame }
  | { k: 'reply'; attempt: Attempt; ok: boolean }
  | { k: 'timeout'; attempt: Attempt };

export interface Bucket {
  /** Start of the bucket, s. */
  t: number;
  requests: number;
  attempts: number;
  /** Requests answered within the timeout. */
  goodput: number;
  failed: number;
  p50Ms: number;
  p99Ms: number;
}

export interface SimResult {
  buckets: Bucket[];
  totals: {
    requests: number;
    succeeded: number;
    failed: number;
    outstanding: number;
    attempts: number;
    rejected: number;
    /** Requests failed at the client by an open circuit breaker, never sent. */
    shed: number;
  };
  /** Latencies of the requests that succeeded, ms, in completion order. */
  latenciesMs: number[];
  /** CPU ms each service used, per bucket (services × buckets, row-major). */
  serviceCpuMs: Float64Array;
  /** Busy server-ms of each backend per bucket. */
  backendBusyMs: Float64Array;
  /** Largest machine queue per bucket (machines × buckets). */
  maxQueue: Float64Array;
  /** Calls made per (op, call index): `callCounts[op][k]`. */
  callCounts: number[][];
  /** The same per bucket: calls of (op, k) in bucket t at `callsByBucket[(callBase[op] + k) * buckets + t]`. */
  callsByBucket: Float64Array;
  callBase: number[];
  /** Most calls of each service waiting for CPU per bucket (services × buckets). */
  serviceQueue: Float64Array;
  /** Most calls waiting for each backend's servers per bucket (backends × buckets). */
  backendQueue: Float64Array;
  events: number;
  /** The sampled requests' traces (`tracesPerSecond` per second), in arrival order. */
  traces: RequestTrace[];
}

class Server {
  busy = 0;
  readonly waiting: Frame[] = [];
  head = 0;
  constructor(readonly servers: number) {}
  get queued(): number {
    return this.waiting.length - this.head;
  }
  push(f: Frame): void {
    this.waiting.push(f);
  }
  shift(): Frame {
    const f = this.waiting[this.head++]!;
    if (this.head > 4096 && this.head * 2 > this.waiting.length) {
      this.waiting.splice(0, this.head);
      this.head = 0;
    }
    return f;
  }
}

/**
 * Run `model` under `load`; deterministic for a given rng. `tracesPerSecond` requests per second (the first
 * to arrive in each slice of the second) are traced span by span; tracing draws nothing from the rng.
 */
export function simulate(model: Model, load: Workload, rng: Rng, tracesPerSecond = 0): SimResult {
  const sim = new Simulation(model, load, rng, tracesPerSecond);
  return sim.run();
}

class Simulation {
  private readonly q = new EventQueue<Ev>();
  private readonly r: FastRng;
  /** Calls of each service waiting for CPU now. */
  private readonly waitingBySvc: Int32Array;
  private readonly machines: Server[];
  private readonly backends: Server[];
  /** Each process replica's worker threads (servers 0: unbounded). */
  private readonly threads: Server[];
  /** Round-robin position of each process's load balancer. */
  private readonly nextReplica: number[];
  private readonly nb: number;
  private readonly bucketLat: number[][];
  private readonly out: SimResult;
  private readonly endMs: number;
  private tokens = 0;
  /** The circuit breaker: open until this time; the current window's start and its finished attempts. */
  private breakerOpenUntil = -Infinity;
  private windowStart = 0;
  private windowAttempts = 0;
  private windowFailures = 0;
  private tracedSlice = -1;
  private readonly requests: Request[] = [];

  constructor(
    private readonly m: Model,
    private readonly load: Workload,
    rng: Rng,
    private readonly tracesPerSecond: number,
  ) {
    this.r = new FastRng(rng.fork('sim'));
    this.machines = m.machines.map((x) => new Server(x.cores));
    this.backends = m.backends.map((b) => new Server(b.capacity));
    this.threads = m.instances.map((x) => new Server(x.threads));
    this.nextReplica = m.processes.map(() => 0);
    this.endMs = load.durationS * 1000;
    this.nb = Math.ceil(load.durationS);
    this.bucketLat = Array.from({ length: this.nb }, () => []);
    // Where each op's calls start in callsByBucket (a prefix sum; the last entry is the total).
    const callBase = [0];
    for (const op of m.ops) callBase.push(callBase.at(-1)! + op.calls.length);
    this.waitingBySvc = new Int32Array(m.services.length);
    this.out = {
      buckets: Array.from({ length: this.nb }, (_, t) => ({
        t,
        requests: 0,
        attempts: 0,
        goodput: 0,
        failed: 0,
        p50Ms: 0,
        p99Ms: 0,
      })),
      totals: { requests: 0, succeeded: 0, failed: 0, outstanding: 0, attempts: 0, rejected: 0, shed: 0 },
      latenciesMs: [],
      serviceCpuMs: new Float64Array(m.services.length * this.nb),
      backendBusyMs: new Float64Array(m.backends.length * this.nb),
      maxQueue: new Float64Array(m.machines.length * this.nb),
      callCounts: m.ops.map((op) => op.calls.map(() => 0)),
      callsByBucket: new Float64Array(callBase.at(-1)! * this.nb),
      callBase: callBase.slice(0, -1),
      serviceQueue: new Float64Array(m.services.length * this.nb),
      backendQueue: new Float64Array(m.backends.length * this.nb),
      events: 0,
      traces: [],
    };
  }

  private bucket(tMs: number): number {
    return Math.min(this.nb - 1, Math.floor(tMs / 1000));
  }

  private rate(tMs: number): number {
    const { spike, rps } = this.load;
    const s = tMs / 1000;
    return s >= spike.atS && s < spike.atS + spike.forS ? rps * spike.factor : rps;
  }

  run(): SimResult {
    const maxRate = this.load.rps * Math.max(1, this.load.spike.factor);
    let t = 0;
    // Arrivals by thinning a Poisson process of the peak rate (exact for a piecewise-constant rate).
    for (;;) {
      t += (-Math.log(1 - this.r.float()) / maxRate) * 1000;
      if (t >= this.endMs) break;
      if (this.r.float() * maxRate < this.rate(t)) this.q.schedule(t, { k: 'arrive' });
    }
    this.out.events = this.q.run((ev, now) => this.handle(ev, now), { until: this.endMs });
    this.finish();
    return this.out;
  }

  private handle(ev: Ev, now: number): void {
    switch (ev.k) {
      case 'arrive':
        return this.arrive(now);
      case 'send':
        return this.send(ev.req, now);
      case 'start':
        return this.start(ev.frame, now);
      case 'cpu':
        return this.cpuDone(ev.frame, ev.machine, now);
      case 'backend':
        return this.backendArrive(ev.frame, ev.backend, now);
      case 'backend-done':
        return this.backendDone(ev.frame, ev.backend, now);
      case 'resume':
        return this.nextCall(ev.frame, now);
      case 'reply':
        return this.reply(ev.attempt, ev.ok, now);
      case 'timeout':
        return this.timeout(ev.attempt, now);
    }
  }

  private arrive(now: number): void {
    const u = this.r.float();
    const entry = this.m.entries.find((e) => u < e.cumulative) ?? this.m.entries[this.m.entries.length - 1]!;
    const req: Request = { arrivedMs: now, op: entry.op, attempts: 0, state: 0, trace: null };
    const slice = Math.floor((now / 1000) * this.tracesPerSecond);
    if (this.tracesPerSecond > 0 && slice !== this.tracedSlice) {
      this.tracedSlice = slice;
      req.trace = { arrivedMs: now, attempts: [] };
      this.out.traces.push(req.trace);
    }
    this.requests.push(req);
    this.out.totals.requests++;
    this.out.buckets[this.bucket(now)]!.requests++;
    const budget = this.m.client.retryBudget;
    if (budget !== undefined) this.tokens = Math.min(10, this.tokens + budget);
    this.send(req, now);
  }

  private send(req: Request, now: number): void {
    if (now < this.breakerOpenUntil) return this.fail(req, now, true);
    const rec: AttemptTrace | null = req.trace
      ? { n: req.attempts, sentMs: now, endMs: -1, outcome: 'pending', spans: [] }
      : null;
    req.trace?.attempts.push(rec!);
    const attempt: Attempt = { req, n: req.attempts++, over: false, rec };
    this.out.totals.attempts++;
    this.out.buckets[this.bucket(now)]!.attempts++;
    this.q.schedule(now + this.m.client.timeoutMs, { k: 'timeout', attempt });
    const instance = this.replicaOf(req.op);
    const frame: Frame = {
      op: req.op,
      attempt,
      parent: null,
      made: [],
      next: 0,
      span: -1,
      thread: true,
      instance,
    };
    const machine = this.m.instances[instance]!.machine;
    if (this.machines[machine]!.queued >= this.m.machines[machine]!.queueLimit) {
      this.out.totals.rejected++;
      this.q.schedule(now + 2 * this.m.networkMs, { k: 'reply', attempt, ok: false });
      return;
    }
    this.q.schedule(now + this.m.networkMs, { k: 'start', frame });
  }

  /** The replica of `op`'s process a new call goes to: round-robin (no draw, so one replica changes nothing). */
  private replicaOf(op: number): number {
    const proc = this.m.services[this.m.ops[op]!.service]!.process;
    const all = this.m.processInstances[proc]!;
    const k = this.nextReplica[proc]!;
    this.nextReplica[proc] = (k + 1) % all.length;
    return all[k]!;
  }

  private start(frame: Frame, now: number): void {
    const rec = frame.attempt.rec;
    if (rec) {
      frame.span = rec.spans.length;
      rec.spans.push({ op: frame.op, parent: frame.parent?.span ?? -1, startMs: now, cpuMs: -1, endMs: -1 });
    }
    const pool = this.threads[frame.instance]!;
    if (frame.thread && pool.servers > 0) {
      if (pool.busy >= pool.servers) return pool.push(frame);
      pool.busy++;
    }
    this.begin(frame, now);
  }

  /** A frame with its thread: draw which calls it makes and queue its CPU work. */
  private begin(frame: Frame, now: number): void {
    const op = this.m.ops[frame.op]!;
    for (let k = 0; k < op.calls.length; k++) {
      const p = op.calls[k]!.p;
      if (p >= 1 || this.r.float() < p) frame.made.push(k);
    }
    const machine = this.m.instances[frame.instance]!.machine;
    const cpu = this.machines[machine]!;
    if (cpu.busy < cpu.servers) this.runCpu(frame, machine, now);
    else {
      cpu.push(frame);
      const qi = machine * this.nb + this.bucket(now);
      if (cpu.queued > this.out.maxQueue[qi]!) this.out.maxQueue[qi] = cpu.queued;
      const svc = this.m.ops[frame.op]!.service;
      const si = svc * this.nb + this.bucket(now);
      const waiting = ++this.waitingBySvc[svc]!;
      if (waiting > this.out.serviceQueue[si]!) this.out.serviceQueue[si] = waiting;
    }
  }

  private cpuCost(frame: Frame): number {
    const op = this.m.ops[frame.op]!;
    let ms = op.cpuMs;
    for (const k of frame.made) ms += op.calls[k]!.callerCpuMs;
    return ms;
  }

  private runCpu(frame: Frame, machine: number, now: number): void {
    this.machines[machine]!.busy++;
    if (frame.span >= 0) frame.attempt.rec!.spans[frame.span]!.cpuMs = now;
    const ms = this.cpuCost(frame);
    this.addSpread(this.out.serviceCpuMs, this.m.ops[frame.op]!.service, now, ms);
    this.q.schedule(now + ms, { k: 'cpu', frame, machine });
  }

  /** Add `ms` of busy time starting at `now` to row `row` of a per-bucket array, split at bucket edges. */
  private addSpread(arr: Float64Array, row: number, now: number, ms: number): void {
    let t = now;
    let left = ms;
    while (left > 0 && t < this.endMs) {
      const b = this.bucket(t);
      const edge = (b + 1) * 1000;
      const part = Math.min(left, edge - t);
      arr[row * this.nb + b] = arr[row * this.nb + b]! + part;
      left -= part;
      t = edge;
    }
  }

  private cpuDone(frame: Frame, machine: number, now: number): void {
    const cpu = this.machines[machine]!;
    cpu.busy--;
    if (cpu.queued > 0) {
      const next = cpu.shift();
      this.waitingBySvc[this.m.ops[next.op]!.service]!--;
      this.runCpu(next, machine, now);
    }
    this.nextCall(frame, now);
  }

  private nextCall(frame: Frame, now: number): void {
    if (frame.next >= frame.made.length) return this.finishFrame(frame, now);
    const op = this.m.ops[frame.op]!;
    const k = frame.made[frame.next++]!;
    const call = op.calls[k]!;
    this.out.callCounts[frame.op]![k]!++;
    this.out.callsByBucket[(this.out.callBase[frame.op]! + k) * this.nb + this.bucket(now)]!++;
    if (call.backend) {
      this.q.schedule(now + this.m.networkMs, { k: 'backend', frame, backend: call.target });
      return;
    }
    const child: Frame = {
      op: call.target,
      attempt: frame.attempt,
      parent: frame,
      made: [],
      next: 0,
      span: -1,
      thread: call.remote,
      instance: call.remote ? this.replicaOf(call.target) : frame.instance,
    };
    if (call.remote) this.q.schedule(now + this.m.networkMs, { k: 'start', frame: child });
    else this.start(child, now);
  }

  private backendArrive(frame: Frame, b: number, now: number): void {
    const s = this.backends[b]!;
    if (s.busy < s.servers) this.serveBackend(frame, b, now);
    else {
      s.push(frame);
      const bi = b * this.nb + this.bucket(now);
      if (s.queued > this.out.backendQueue[bi]!) this.out.backendQueue[bi] = s.queued;
    }
  }

  private serveBackend(frame: Frame, b: number, now: number): void {
    this.backends[b]!.busy++;
    const ms = -Math.log(1 - this.r.float()) * this.m.backends[b]!.latencyMs;
    this.addSpread(this.out.backendBusyMs, b, now, ms);
    this.q.schedule(now + ms, { k: 'backend-done', frame, backend: b });
  }

  private backendDone(frame: Frame, b: number, now: number): void {
    const s = this.backends[b]!;
    s.busy--;
    if (s.queued > 0) this.serveBackend(s.shift(), b, now);
    this.q.schedule(now + this.m.networkMs, { k: 'resume', frame });
  }

  /** A frame returns; up a chain of in-process callers that have no call left, a loop (chains may be deep). */
  private finishFrame(frame: Frame, now: number): void {
    for (let f = frame; ;) {
      if (f.span >= 0) f.attempt.rec!.spans[f.span]!.endMs = now;
      const pool = this.threads[f.instance]!;
      // The thread passes to the next waiting call, or goes back to the pool.
      if (f.thread && pool.servers > 0) {
        if (pool.queued > 0) this.begin(pool.shift(), now);
        else pool.busy--;
      }
      const parent = f.parent;
      if (parent === null) {
        this.q.schedule(now + this.m.networkMs, { k: 'reply', attempt: f.attempt, ok: true });
        return;
      }
      const call = this.m.ops[parent.op]!.calls[parent.made[parent.next - 1]!]!;
      if (call.remote) {
        this.q.schedule(now + this.m.networkMs, { k: 'resume', frame: parent });
        return;
      }
      if (parent.next < parent.made.length) return this.nextCall(parent, now);
      f = parent;
    }
  }

  private reply(attempt: Attempt, ok: boolean, now: number): void {
    if (attempt.over) return; // the client gave up on this attempt: its work was wasted
    attempt.over = true;
    if (attempt.rec) Object.assign(attempt.rec, { endMs: now, outcome: ok ? 'ok' : 'refused' });
    this.noteOutcome(ok, now);
    const req = attempt.req;
    if (!ok) return this.retryOrFail(req, now);
    req.state = 1;
    const ms = now - req.arrivedMs;
    this.out.totals.succeeded++;
    this.out.latenciesMs.push(ms);
    const b = this.bucket(now);
    this.out.buckets[b]!.goodput++;
    this.bucketLat[b]!.push(ms);
  }

  private timeout(attempt: Attempt, now: number): void {
    if (attempt.over) return;
    attempt.over = true;
    if (attempt.rec) Object.assign(attempt.rec, { endMs: now, outcome: 'timeout' });
    this.noteOutcome(false, now);
    this.retryOrFail(attempt.req, now);
  }

  /** Count a finished attempt in the breaker's window; at a window's end, open the breaker if too many failed. */
  private noteOutcome(ok: boolean, now: number): void {
    const cb = this.m.client.circuitBreaker;
    if (cb === undefined) return;
    if (now - this.windowStart >= cb.windowMs) {
      const trip =
        this.windowAttempts >= cb.minAttempts && this.windowFailures >= cb.failureRatio * this.windowAttempts;
      if (trip) this.breakerOpenUntil = now + cb.openMs;
      this.windowStart = now;
      this.windowAttempts = 0;
      this.windowFailures = 0;
    }
    this.windowAttempts++;
    if (!ok) this.windowFailures++;
  }

  private fail(req: Request, now: number, shed: boolean): void {
    req.state = 2;
    this.out.totals.failed++;
    if (shed) this.out.totals.shed++;
    this.out.buckets[this.bucket(now)]!.failed++;
  }

  private retryOrFail(req: Request, now: number): void {
    const c = this.m.client;
    const canRetry = req.attempts <= c.retries && (c.retryBudget === undefined || this.tokens >= 1);
    if (!canRetry) return this.fail(req, now, false);
    if (c.retryBudget !== undefined) this.tokens -= 1;
    // Exponential backoff with full jitter: uniform in [0, backoff · 2^(retry − 1)).
    const delay = c.backoffMs > 0 ? this.r.float() * c.backoffMs * 2 ** (req.attempts - 1) : 0;
    if (now + delay < this.endMs) this.q.schedule(now + delay, { k: 'send', req });
  }

  private finish(): void {
    const t = this.out.totals;
    // Requests neither answered nor failed: still in flight (or waiting to retry) at the end of the run.
    t.outstanding = this.requests.filter((r) => r.state === 0).length;
    this.out.buckets.forEach((b, i) => {
      const lat = this.bucketLat[i]!.sort((x, y) => x - y);
      b.p50Ms = lat.length > 0 ? lat[Math.floor(0.5 * (lat.length - 1))]! : 0;
      b.p99Ms = lat.length > 0 ? lat[Math.floor(0.99 * (lat.length - 1))]! : 0;
    });
  }
}
