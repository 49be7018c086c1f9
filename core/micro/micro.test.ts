import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildLabView, runExperiment } from '../labs';
import { Rng } from '../kernel/rng';
import { POLICY_NAMES, asMonolith, hotelReservation, socialNetwork, withPolicy, withTracing } from './apps';
import { compileText } from './compile';
import { alibabaSpec } from './generate';
import { diffLines, parseLocated } from './json';
import { recoveryOf } from './metastableExperiment';
import { capacityRps, compileBuilt, cpuMsPerRequest } from './scenario';
import { simulate } from './sim';
import { formatSpec, parseSpec } from './spec';
import type { Spec } from './spec';

const SOCIAL = formatSpec(socialNetwork());
const workflowNodes = (text: string) =>
  compileText(text)
    .ir.nodes.filter((n) => n.layer === 'workflow')
    .map((n) => n.id)
    .sort();

/** The text with the first occurrence of `from` replaced, and the 1-based line it is on. */
function edit(text: string, from: string, to: string): { text: string; line: number } {
  const at = text.indexOf(from);
  expect(at).toBeGreaterThan(-1);
  return {
    text: text.slice(0, at) + to + text.slice(at + from.length),
    line: text.slice(0, at).split('\n').length,
  };
}

describe('the wiring spec', () => {
  it('round-trips through its text form: the built-in app, its variants and generated specs', () => {
    for (const s of [
      hotelReservation(),
      asMonolith(hotelReservation()),
      socialNetwork(),
      asMonolith(socialNetwork()),
      withTracing(socialNetwork()),
      withPolicy(socialNetwork(), 'retry-budget'),
    ])
      expect(parseSpec(formatSpec(s)).spec).toEqual(s);
    fc.assert(
      fc.property(fc.integer({ min: 3, max: 120 }), fc.integer({ min: 0, max: 1000 }), (n, seed) => {
        const s = alibabaSpec(n, new Rng(seed));
        const text = formatSpec(s);
        expect(parseSpec(text).spec).toEqual(s);
        expect(formatSpec(parseSpec(text).spec)).toBe(text);
      }),
      { numRuns: 40 },
    );
  });

  it('names the line and path of a bad spec in one line', () => {
    const cases: [string, string, RegExp][] = [
      ['"to": "text.compose"', '"to": "txt.compose"', /unknown service operation or backend "txt\.compose"/],
      ['"cpuMs": 0.15,', '"cpuMs": -1,', /cpuMs: must be ≥ 0/],
      ['"postCache": "cache",', '"postCacheX": "cache",', /missing scaffolding: backend "postCacheX"/],
      ['"defaultMachine": "m0"', '"defaultMachine": "m9"', /unknown machine "m9"/],
      [
        '{ "to": "socialGraphCache", "reqBytes": 128',
        '{ "to": "homeTimeline.write", "reqBytes": 128',
        /call cycle/,
      ],
      ['"app": "social-network",', '"app": "social-network"', /expected "," or "}"/],
      [
        '"processes": {}',
        '"processes": {\n"text-process": { "services": ["media"], "machine": "m0" } }',
        /instantiation\.processes\.text-process: "text-process" is the name of the process service "text" gets/,
      ],
    ];
    for (const [from, to, message] of cases) {
      const bad = edit(SOCIAL, from, to);
      let error = '';
      try {
        compileText(bad.text);
      } catch (e) {
        error = (e as Error).message;
      }
      expect(error).toMatch(message);
      expect(error).not.toMatch(/\n/);
      const line = Number(/^spec line (\d+)/.exec(error)?.[1]);
      // The error names the edited line (a syntax error is found where the next token starts).
      expect(line - bad.line).toBeGreaterThanOrEqual(0);
      expect(line - bad.line).toBeLessThanOrEqual(1);
    }
    expect(() => parseSpec('{ "app": "x" }')).toThrow(/^spec line 1: workflow: /);
  });

  it('compiles deterministically: the same text gives the same IR and model', () => {
    fc.assert(
      fc.property(fc.integer({ min: 3, max: 200 }), fc.integer({ min: 0, max: 1000 }), (n, seed) => {
        const text = formatSpec(alibabaSpec(n, new Rng(seed)));
        expect(JSON.stringify(compileText(text))).toBe(JSON.stringify(compileText(text)));
      }),
      { numRuns: 20 },
    );
  });

  it('gives the monolith and the microservice deployment the same workflow nodes, different processes', () => {
    const mono = formatSpec(asMonolith(socialNetwork()));
    expect(workflowNodes(mono)).toEqual(workflowNodes(SOCIAL));
    expect(compileText(SOCIAL).model.processes.length).toBe(12);
    expect(compileText(mono).model.processes).toEqual(['monolith']);
    // Inside the monolith no call between services is an RPC; caches and databases still are.
    for (const op of compileText(mono).model.ops) for (const c of op.calls) expect(c.remote).toBe(c.backend);
  });

  it('parses a "__proto__" key as a key, so the schema refuses it', () => {
    const v = parseLocated('{ "__proto__": { "polluted": 1 } }').value as Record<string, unknown>;
    expect(Object.getPrototypeOf(v)).toBe(Object.prototype);
    expect(Object.keys(v)).toEqual(['__proto__']);
    expect(() => parseSpec(SOCIAL.replace('{\n', '{\n  "__proto__": {},\n'))).toThrow(
      /^spec line 1: .*__proto__/,
    );
  });

  it('counts a changed line once in a diff', () => {
    expect(diffLines('a\nb\nc', 'a\nB\nc')).toEqual({ added: 1, removed: 1, changed: 1 });
    expect(diffLines('a\nc', 'a\nb\nb\nc')).toEqual({ added: 2, removed: 0, changed: 2 });
    expect(diffLines(SOCIAL, formatSpec(withTracing(socialNetwork()))).changed).toBe(1);
  });
});

/** One service with one operation and no calls: the unloaded latency is known exactly. */
function single(cpuMs: number): Spec {
  const s = socialNetwork();
  return {
    ...s,
    workflow: {
      entries: [{ op: 'a.op', weight: 1 }],
      services: { a: { ops: { op: { cpuMs, calls: [] } } } },
      backends: {},
    },
    scaffolding: { ...s.scaffolding, backends: {} },
  };
}

describe('the simulator', () => {
  it('conserves requests: arrived = succeeded + failed + outstanding, attempts within the retry limit', () => {
    // Loads up to 2x the CPU capacity (spikes to 6x), so timeouts, retries, refusals and the breaker all happen.
    const seen = { timedOut: 0, retried: 0, rejected: 0, shed: 0 };
    fc.assert(
      fc.property(
        fc.constantFrom(...POLICY_NAMES),
        fc.double({ min: 0.2, max: 2, noNaN: true }),
        fc.double({ min: 1, max: 3, noNaN: true }),
        fc.integer({ min: 0, max: 1000 }),
        (policy, load, factor, seed) => {
          const { model } = compileBuilt(withPolicy(socialNetwork(), policy));
          const r = simulate(
            model,
            { rps: capacityRps(model) * load, durationS: 3, spike: { atS: 1, forS: 1, factor } },
            new Rng(seed),
          );
          const t = r.totals;
          expect(t.succeeded + t.failed + t.outstanding).toBe(t.requests);
          expect(t.outstanding).toBeGreaterThanOrEqual(0);
          expect(t.attempts + t.shed).toBeGreaterThanOrEqual(t.requests - t.outstanding);
          expect(t.shed).toBeLessThanOrEqual(t.failed);
          expect(t.attempts).toBeLessThanOrEqual(t.requests * (1 + model.client.retries));
          expect(r.buckets.reduce((a, b) => a + b.goodput, 0)).toBe(t.succeeded);
          expect(r.buckets.reduce((a, b) => a + b.failed, 0)).toBe(t.failed);
          if (t.failed > t.shed) seen.timedOut++;
          if (t.attempts > t.requests) seen.retried++;
          if (t.rejected > 0) seen.rejected++;
          if (t.shed > 0) seen.shed++;
        },
      ),
      {
        numRuns: 12,
        examples: [
          ['retry', 2, 3, 1],
          ['retry-breaker', 2, 3, 2],
        ],
      },
    );
    expect(seen.timedOut).toBeGreaterThan(0);
    expect(seen.retried).toBeGreaterThan(0);
    expect(seen.rejected).toBeGreaterThan(0);
    expect(seen.shed).toBeGreaterThan(0);
  });

  it('traces sampled requests without changing the run: spans nest in time, every made call has its span', () => {
    fc.assert(
      fc.property(fc.constantFrom(...POLICY_NAMES), fc.integer({ min: 0, max: 1000 }), (policy, seed) => {
        const { model } = compileBuilt(withPolicy(socialNetwork(), policy));
        const w = { rps: 900, durationS: 5, spike: { atS: 1, forS: 2, factor: 2.5 } };
        const plain = simulate(model, w, new Rng(seed));
        const traced = simulate(model, w, new Rng(seed), 2);
        expect(traced.totals).toEqual(plain.totals);
        expect(traced.traces.length).toBe(10);
        for (const t of traced.traces)
          for (const a of t.attempts) {
            expect(a.sentMs).toBeGreaterThanOrEqual(t.arrivedMs);
            if (a.outcome === 'timeout') expect(a.endMs - a.sentMs).toBeCloseTo(model.client.timeoutMs, 9);
            for (const sp of a.spans) {
              if (sp.cpuMs >= 0) expect(sp.cpuMs).toBeGreaterThanOrEqual(sp.startMs);
              if (sp.endMs >= 0) expect(sp.endMs).toBeGreaterThanOrEqual(sp.cpuMs);
              if (sp.parent >= 0) {
                const parent = a.spans[sp.parent]!;
                expect(sp.startMs).toBeGreaterThanOrEqual(parent.cpuMs);
                expect(model.ops[parent.op]!.calls.some((c) => !c.backend && c.target === sp.op)).toBe(true);
              }
            }
          }
      }),
      { numRuns: 10 },
    );
  });

  it('measures recovery against the goodput before the trigger, and refuses a run with none', () => {
    const { model } = compileBuilt(withPolicy(socialNetwork(), 'no-retry'));
    // The spike at 1 s: the level before it is second 0's, not an empty window that any run "recovers" to.
    const w = { rps: 300, durationS: 10, spike: { atS: 1, forS: 1, factor: 2 } };
    const rec = recoveryOf(simulate(model, w, new Rng(1)), w);
    expect(rec.pre).toBeGreaterThan(100);
    expect(rec.recovered).toBe(true);
    // A request costing 60 ms of CPU against the 50 ms timeout: nothing succeeds, nothing to recover to.
    const stuck = compileBuilt(withPolicy(single(60), 'no-retry')).model;
    const w2 = { rps: 100, durationS: 10, spike: { atS: 4, forS: 1, factor: 2 } };
    expect(() => recoveryOf(simulate(stuck, w2, new Rng(1)), w2)).toThrow(
      /^no request succeeded before the trigger at 4 s: lower the spec's costs/,
    );
  });

  it('counts calls per second that add up to the run’s calls, and calls waiting that exist only under a queue', async () => {
    const { model } = compileText(formatSpec(socialNetwork()));
    const w = { rps: 2 * capacityRps(model), durationS: 6, spike: { atS: 2, forS: 2, factor: 2 } };
    const r = simulate(model, w, new Rng(4));
    const T = r.buckets.length;
    model.ops.forEach((op, i) =>
      op.calls.forEach((_, k) => {
        let sum = 0;
        for (let t = 0; t < T; t++) sum += r.callsByBucket[(r.callBase[i]! + k) * T + t]!;
        expect(sum).toBe(r.callCounts[i]![k]);
      }),
    );
    // Overloaded 2x: calls wait somewhere; a service never has more waiting than its machine's queue holds.
    expect(Math.max(...r.serviceQueue, ...r.backendQueue)).toBeGreaterThan(0);
    model.services.forEach((sv, i) => {
      const machine = model.instances[model.processInstances[sv.process]![0]!]!.machine;
      for (let t = 0; t < T; t++)
        expect(r.serviceQueue[i * T + t]!).toBeLessThanOrEqual(r.maxQueue[machine * T + t]!);
    });
    const view = await buildLabView('micro', {}, 1);
    // The view's storm (retry, after the spike) keeps calls waiting; its edges' seconds add up to their rates.
    expect(Math.max(...view.waiting)).toBeGreaterThan(0);
    for (const e of view.edges)
      expect(e.perSecond.reduce((a, b) => a + b, 0)).toBeCloseTo(e.rate * view.seconds, -1);
  });

  it('retries the operation the first attempt called', () => {
    const { model } = compileBuilt(withPolicy(socialNetwork(), 'retry'));
    expect(model.entries.length).toBeGreaterThan(1);
    const w = { rps: 1500, durationS: 6, spike: { atS: 2, forS: 2, factor: 2 } };
    const r = simulate(model, w, new Rng(2), 20);
    let retried = 0;
    for (const t of r.traces) {
      const ops = t.attempts.filter((a) => a.spans.length > 0).map((a) => a.spans[0]!.op);
      if (ops.length > 1) retried++;
      for (const op of ops) expect(op).toBe(ops[0]);
    }
    expect(retried).toBeGreaterThan(10);
  });

  it('refuses JSON nested too deep in one line, and compiles and runs a call chain thousands deep', () => {
    expect(() => parseSpec(`{ "app":\n${'['.repeat(100_000)}`)).toThrow(
      /^spec line 2: nested deeper than 64$/,
    );
    const n = 20_000;
    const base = single(0.001);
    const services = Object.fromEntries(
      Array.from({ length: n }, (_, i) => [
        `s${i}`,
        {
          ops: {
            op: { cpuMs: 0.001, calls: i + 1 < n ? [{ to: `s${i + 1}.op`, reqBytes: 0, respBytes: 0 }] : [] },
          },
        },
      ]),
    );
    const chain: Spec = {
      ...base,
      workflow: { ...base.workflow, entries: [{ op: 's0.op', weight: 1 }], services },
      instantiation: {
        ...base.instantiation,
        processes: { all: { services: Object.keys(services), machine: 'm0' } },
      },
    };
    const { model } = compileBuilt(chain);
    expect(cpuMsPerRequest(model)).toBeCloseTo(n * 0.001 + (n - 1) * 0.0005 + 0.02, 6);
    const r = simulate(model, { rps: 1, durationS: 4, spike: { atS: 0, forS: 0, factor: 1 } }, new Rng(1));
    expect(r.totals.succeeded).toBeGreaterThan(0);
  });

  it('refuses a spec whose requests cost no CPU in one line', async () => {
    const free = single(0);
    free.scaffolding.rpc = { ...free.scaffolding.rpc, callCpuUs: 0, cpuUsPerKB: 0 };
    for (const id of ['micro-metastable', 'micro-monolith', 'micro-tracing'])
      await expect(runExperiment(id, { spec: formatSpec(free) }, 1)).rejects.toThrow(
        /^requests cost no CPU: give an operation cpuMs > 0$/,
      );
  });

  it('leaves p99 empty for seconds without a success, and refuses a comparison with no finished request', async () => {
    const r = await runExperiment(
      'micro-metastable',
      { durationS: '12', spikeAtS: '2', spikeForS: '3', policies: 'retry', load: '0.8' },
      1,
    );
    const rows = r.tables.timeline!.rows;
    expect(rows.some((row) => row[1] === 0)).toBe(true);
    for (const row of rows) expect(row[3] === '').toBe(row[1] === 0);
    // Requests of 5 s CPU at 0.05 x capacity: none finishes in 4 s, so there is no latency to compare.
    await expect(
      runExperiment('micro-tracing', { spec: formatSpec(single(5000)), runS: '4', load: '0.05' }, 1),
    ).rejects.toThrow(/^no request of the off deployment finished within 4 s at load 0.05: raise runS/);
  });

  it('answers an unloaded request in its CPU time plus the RPC costs and two network hops', () => {
    const { model } = compileBuilt(single(0.5));
    const r = simulate(model, { rps: 1, durationS: 20, spike: { atS: 0, forS: 0, factor: 1 } }, new Rng(3));
    // 0.5 ms handler + 20 µs for the incoming RPC end + 2 × 60 µs network.
    for (const ms of r.latenciesMs) expect(ms).toBeCloseTo(0.5 + 0.02 + 0.12, 9);
  });

  it('runs the hotel reservation app as the monolith and microservices experiments’ spec', async () => {
    const r = await runExperiment('micro-monolith', { spec: formatSpec(hotelReservation()), runS: '4' }, 1);
    expect(r.metrics['throughput.monolith']).toBeGreaterThan(r.metrics['throughput.microservices']!);
    expect(r.metrics['latency.p50.monolith']).toBeLessThan(r.metrics['latency.p50.microservices']!);
  });

  it('compares a traced or monolith input with its other deployment, not with itself, on the same hardware', async () => {
    const traced = await runExperiment(
      'micro-tracing',
      { spec: formatSpec(withTracing(socialNetwork())), runS: '4' },
      1,
    );
    expect(traced.metrics['cpu-overhead']).toBeGreaterThan(0);
    expect(traced.metrics['spec-lines-changed']).toBe(1);
    const mono = await runExperiment(
      'micro-monolith',
      { spec: formatSpec(asMonolith(socialNetwork())), runS: '4' },
      1,
    );
    // The microservice row pays RPCs between services: more CPU per request than the monolith.
    expect(mono.metrics['cpu-ms-per-request.microservices']).toBeGreaterThan(
      mono.metrics['cpu-ms-per-request.monolith']! * 1.2,
    );
    // The monolith keeps the default replicas and threads the microservice processes get.
    const s = socialNetwork();
    const scaled: Spec = {
      ...s,
      instantiation: { ...s.instantiation, defaultReplicas: 2, defaultThreads: 8 },
    };
    expect(asMonolith(scaled).instantiation.processes.monolith).toMatchObject({ replicas: 2, threads: 8 });
    const m = compileBuilt(asMonolith(scaled)).model;
    expect(m.instances).toEqual([
      { process: 0, machine: 0, threads: 8 },
      { process: 0, machine: 0, threads: 8 },
    ]);
  });

  it('serves at most threads ÷ holding time when a blocking process has one worker thread', () => {
    const base = single(0.1);
    const spec: Spec = {
      ...base,
      workflow: {
        ...base.workflow,
        services: {
          a: { ops: { op: { cpuMs: 0.1, calls: [{ to: 'db', reqBytes: 512, respBytes: 512 }] } } },
        },
        backends: { db: 'database' },
      },
      scaffolding: {
        ...base.scaffolding,
        backends: { db: { impl: 'mongodb', latencyMs: 1.5, capacity: 64 } },
      },
      instantiation: {
        ...base.instantiation,
        defaultThreads: 1,
        client: { timeoutMs: 1e6, retries: 0, backoffMs: 0 },
      },
    };
    const { model } = compileBuilt(spec);
    expect(model.instances.map((x) => x.threads)).toEqual([1]);
    const op = model.ops[0]!;
    // The thread is held for the handler's CPU, the database round trip and its mean service time.
    const holdMs = op.cpuMs + op.calls[0]!.callerCpuMs + 2 * model.networkMs + 1.5;
    const r = simulate(
      model,
      { rps: 3000 / holdMs, durationS: 20, spike: { atS: 0, forS: 0, factor: 1 } },
      new Rng(5),
    );
    const steady = r.buckets.slice(5);
    const perS = steady.reduce((a, b) => a + b.goodput, 0) / steady.length;
    expect(perS / (1000 / holdMs)).toBeCloseTo(1, 1);
    // Unbounded threads: the CPU (1 core) is the limit instead, far above.
    const free = compileBuilt({
      ...spec,
      instantiation: { ...spec.instantiation, defaultThreads: undefined },
    }).model;
    const r2 = simulate(
      free,
      { rps: 3000 / holdMs, durationS: 20, spike: { atS: 0, forS: 0, factor: 1 } },
      new Rng(5),
    );
    expect(r2.buckets.slice(5).reduce((a, b) => a + b.goodput, 0) / 15).toBeGreaterThan(2 * perS);
  });

  it('balances a replicated process over the machines its replicas run on', () => {
    const base = single(0.5);
    const machines = { m0: { cores: 1, queueLimit: 2000 }, m1: { cores: 1, queueLimit: 2000 } };
    const one: Spec = {
      ...base,
      instantiation: {
        ...base.instantiation,
        machines,
        client: { timeoutMs: 1e6, retries: 0, backoffMs: 0 },
      },
    };
    const two: Spec = {
      ...one,
      instantiation: {
        ...one.instantiation,
        processes: { a: { services: ['a'], machine: ['m0', 'm1'], replicas: 2 } },
      },
    };
    const m1 = compileBuilt(one).model;
    const m2 = compileBuilt(two).model;
    expect(m2.instances.map((x) => x.machine)).toEqual([0, 1]);
    expect(
      compileText(formatSpec(two))
        .ir.nodes.filter((n) => n.kind === 'process')
        .map((n) => n.id),
    ).toEqual(['process:a#0', 'process:a#1']);
    // One replica on one core serves 1000 / cpuMs requests per second; two replicas on two machines twice that.
    const perCore = 1000 / m1.ops[0]!.cpuMs;
    const w = { rps: 1.5 * perCore, durationS: 12, spike: { atS: 0, forS: 0, factor: 1 } };
    const goodput = (m: typeof m1) =>
      simulate(m, w, new Rng(2))
        .buckets.slice(4)
        .reduce((a, b) => a + b.goodput, 0) / 8;
    expect(goodput(m1) / perCore).toBeCloseTo(1, 1);
    expect(goodput(m2) / (1.5 * perCore)).toBeCloseTo(1, 1);
  });

  it('stays healthy under naive retries without a trigger, and stays down after one (the mechanism, not a switch)', async () => {
    const base = { durationS: '16', spikeAtS: '4', spikeForS: '3', policies: 'retry' };
    const calm = await runExperiment('micro-metastable', { ...base, spikeFactor: '1' }, 1);
    expect(calm.metrics['recovered.retry']).toBe(1);
    const storm = await runExperiment('micro-metastable', base, 1);
    expect(storm.metrics['recovered.retry']).toBe(0);
    expect(storm.metrics['amplification.retry']).toBeGreaterThan(2);
  });

  it('breaks the storm with a circuit breaker in front of the naive client', async () => {
    const r = await runExperiment(
      'micro-metastable',
      { durationS: '16', spikeAtS: '4', spikeForS: '3', policies: 'retry,retry-breaker' },
      1,
    );
    expect(r.metrics['recovered.retry']).toBe(0);
    expect(r.metrics['recovered.retry-breaker']).toBe(1);
  });

  it('refuses a trigger that ends too late to measure recovery', async () => {
    await expect(
      runExperiment('micro-metastable', { durationS: '12', spikeAtS: '6', spikeForS: '4' }, 1),
    ).rejects.toThrow(/spikeForS/);
  });
});

describe('the microservice view model', () => {
  it('draws the social network in call-depth layers with its retry storm', async () => {
    const v = await buildLabView('micro', { durationS: '14', spikeAtS: '4', spikeForS: '3' }, 1);
    expect(v.nodes).toHaveLength(20);
    expect(v.nodes.find((n) => n.name === 'frontend')!.depth).toBe(0);
    expect(v.nodes.find((n) => n.name === 'postStorage')!.depth).toBe(3);
    expect(v.util).toHaveLength(20 * v.seconds);
    expect(v.recovered).toBe(false);
    expect(v.edges.every((e) => e.rate >= 0)).toBe(true);
  });

  it('fails a bad spec with its line', async () => {
    await expect(
      buildLabView(
        'micro',
        { spec: SOCIAL.replace('"defaultMachine": "m0"', '"defaultMachine": "nope"') },
        1,
      ),
    ).rejects.toThrow(/spec line \d+: instantiation\.defaultMachine: unknown machine/);
  });
});

describe('the view at thousands of services', () => {
  it('runs a generated app of 3000 services: every service a node, and requests answered before the trigger', async () => {
    const view = await buildLabView('micro', { generated: '3000' }, 1);
    expect(view.nodes.filter((n) => n.kind === 'service')).toHaveLength(3000);
    expect(view.goodput[1]!).toBeGreaterThan(0);
  });
});
