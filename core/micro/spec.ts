// The wiring spec (Blueprint, SOSP'23): one JSON document in three layers, as in the paper —
// workflow (services, their operations and which operations call which), scaffolding (RPC framework,
// tracer, the cache and database implementations the workflow's abstract backends bind to) and
// instantiation (machines, processes grouping services, the clients' timeouts and retries).
// ASSUMPTION: Blueprint's workflow spec is Go code and its wiring spec a Go DSL; here both are one JSON
// document with a zod schema, so it can be edited in the app and diffed line by line.
import { z } from 'zod';
import { UserError } from '../experiments/errors';
import { JsonSyntaxError, formatJson, parseLocated } from './json';
import type { Json } from './json';

const nonNeg = z.number().finite().min(0, 'must be ≥ 0');
const pos = z.number().finite().gt(0, 'must be > 0');
const count = z.number().int('must be a whole number').min(1, 'must be ≥ 1');
const name = z
  .string()
  .regex(/^[A-Za-z][\w-]{0,63}$/, 'must be a name: a letter, then letters, digits, _ or -');

const call = z
  .object({
    /** `service.op` of a workflow operation, or the name of an abstract backend. */
    to: z.string(),
    reqBytes: nonNeg,
    respBytes: nonNeg,
    /** Probability the call is made (e.g. a database read on a cache miss); 1 when absent. */
    p: z.number().min(0).max(1).optional(),
  })
  .strict();

const operation = z.object({ cpuMs: nonNeg, calls: z.array(call) }).strict();

const workflow = z
  .object({
    /** The client-facing operations and their share of requests. */
    entries: z.array(z.object({ op: z.string(), weight: pos }).strict()).min(1),
    services: z.record(name, z.object({ ops: z.record(name, operation) }).strict()),
    /** Abstract backends the workflow uses (Blueprint's Cache / NoSQLDatabase interfaces). */
    backends: z.record(name, z.enum(['cache', 'database'])),
  })
  .strict();

const tracer = z.union([
  z.object({ kind: z.literal('none') }).strict(),
  z.object({ kind: z.literal('zipkin'), spanCpuUs: nonNeg, spanBytes: nonNeg }).strict(),
]);

const scaffolding = z
  .object({
    rpc: z
      .object({ kind: z.enum(['grpc', 'thrift']), callCpuUs: nonNeg, cpuUsPerKB: nonNeg, networkUs: nonNeg })
      .strict(),
    /** What a call between services in one process costs instead of an RPC. */
    functionCallUs: nonNeg,
    tracer,
    /** The implementation each abstract backend binds to. */
    backends: z.record(
      name,
      z
        .object({
          impl: z.enum(['memcached', 'redis', 'mongodb', 'mysql']),
          latencyMs: pos,
          capacity: count,
        })
        .strict(),
    ),
  })
  .strict();

const client = z
  .object({
    timeoutMs: pos,
    retries: z.number().int().min(0).max(10),
    /** First retry's backoff; doubles per retry with full jitter; 0 = retry at once. */
    backoffMs: nonNeg,
    /** Retries allowed per request on average (a token bucket, Finagle's RetryBudget); absent = no budget. */
    retryBudget: z.number().min(0).max(10).optional(),
    /**
     * A client-side circuit breaker: at the end of each window of `windowMs` with at least `minAttempts`
     * attempts finished, it opens when `failureRatio` or more of them failed (timeout or refusal), and while
     * open (`openMs`) requests fail at the client without being sent.
     */
    circuitBreaker: z
      .object({ failureRatio: z.number().gt(0).max(1), windowMs: pos, minAttempts: count, openMs: pos })
      .strict()
      .optional(),
  })
  .strict();

const instantiation = z
  .object({
    machines: z.record(name, z.object({ cores: count, queueLimit: count }).strict()),
    /** Services not grouped into a process get their own process (and container) on this machine. */
    defaultMachine: z.string(),
    /** Replicas of each process not listed in `processes` (absent: 1), all on the default machine. */
    defaultReplicas: count.optional(),
    /**
     * Worker threads of each process that is not listed in `processes` (absent: unbounded). A call that
     * arrives over RPC holds one from its arrival until it returns, waiting on its own calls included
     * (blocking RPC servers); in-process calls run on their caller's thread.
     */
    defaultThreads: count.optional(),
    /** Processes that hold several services (a monolith is one process holding them all). */
    processes: z.record(
      name,
      z
        .object({
          services: z.array(z.string()).min(1),
          /** A machine, or a list the replicas are placed on round-robin. */
          machine: z.union([z.string(), z.array(z.string()).min(1)]),
          /** Instances of the process; calls to it are balanced round-robin over them (absent: 1). */
          replicas: count.optional(),
          /** Worker threads of each replica (absent: unbounded). */
          threads: count.optional(),
        })
        .strict(),
    ),
    client,
  })
  .strict();

export const specSchema = z.object({ app: name, workflow, scaffolding, instantiation }).strict();
export type Spec = z.infer<typeof specSchema>;
export type Operation = z.infer<typeof operation>;
export type ClientPolicy = z.infer<typeof client>;

/** A parsed spec with the line each of its paths starts on, for errors found after parsing. */
export interface LocatedSpec {
  spec: Spec;
  lines: Map<string, number>;
}

/** The line of `path` or of its nearest ancestor that has one. */
export function lineOf(lines: Map<string, number>, path: readonly (string | number)[]): number {
  for (let n = path.length; n >= 0; n--) {
    const found = lines.get(path.slice(0, n).join('.'));
    if (found !== undefined) return found;
  }
  return 1;
}

/** A one-line error naming the spec line and path. */
export function specError(
  lines: Map<string, number>,
  path: readonly (string | number)[],
  message: string,
): UserError {
  const at = path.length > 0 ? `${path.join('.')}: ` : '';
  return new UserError(`spec line ${lineOf(lines, path)}: ${at}${message}`);
}

/** Parse and validate a spec's text; UserError "spec line N: path: what is wrong" otherwise. */
export function parseSpec(text: string): LocatedSpec {
  let located;
  try {
    located = parseLocated(text);
  } catch (e) {
    if (e instanceof JsonSyntaxError) throw new UserError(`spec line ${e.line}: ${e.message}`);
    throw e;
  }
  const parsed = specSchema.safeParse(located.value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const path = issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p));
    throw specError(located.lines, path, issue.message);
  }
  return { spec: parsed.data, lines: located.lines };
}

/** The spec's canonical text (what the app shows and what diffs are counted on). */
export function formatSpec(spec: Spec): string {
  return `${formatJson(spec as unknown as Json)}\n`;
}
