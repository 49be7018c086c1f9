// Conformance traces of vLLM V1's KVCacheManager (JSON lines; see test/data/conformance/SOURCE.md):
// parsing with line-numbered validation errors, and replay against the BlockManager model.
import { UserError, printable } from '../experiments/errors';
import { BlockManager, checkKVCacheConfig } from './memory/v1BlockManager';
import type { FreeReason, KVCacheConfig } from './memory/v1BlockManager';

interface EventBase {
  /** 1-based line number in the trace text. */
  line: number;
  req: string;
}
export interface ArriveEvent extends EventBase {
  op: 'arrive';
  prompt: number[];
}
export interface TokenEvent extends EventBase {
  op: 'token';
  token: number;
}
export interface LookupEvent extends EventBase {
  op: 'lookup';
  /** Recorded results (absent when the trace does not carry them). */
  expectedComputedBlocks?: number[];
  expectedFree?: number;
}
export interface AllocateEvent extends EventBase {
  op: 'allocate';
  numComputed: number;
  numTokens: number;
  computedBlocks: number[];
  /** Recorded result: undefined when absent, null when the call failed. */
  expectedNewBlocks?: number[] | null;
  expectedFree?: number;
}
export interface AppendEvent extends EventBase {
  op: 'append';
  numComputed: number;
  numTokens: number;
  expectedNewBlocks?: number[] | null;
  expectedFree?: number;
}
export interface FreeEvent extends EventBase {
  op: 'free';
  reason: FreeReason;
  expectedFree?: number;
}
export type TraceEvent = ArriveEvent | TokenEvent | LookupEvent | AllocateEvent | AppendEvent | FreeEvent;

export interface ParsedTrace {
  config: KVCacheConfig;
  events: TraceEvent[];
}

export interface Mismatch {
  line: number;
  op: string;
  req: string;
  /** The recorded field that differs (`computedBlocks`, `newBlocks`, `free`), or `error` if the model threw. */
  field: string;
  expected: unknown;
  actual: unknown;
}

export interface ReplayReport {
  /** Events that carry recorded results. */
  opsChecked: number;
  /** Events whose results differ from the recording (or on which the model threw). */
  mismatches: number;
  firstMismatch?: Mismatch;
}

type Json = Record<string, unknown>;

/** A malformed trace is the user's input: one printable line naming the line number and the problem. */
function fail(line: number, problem: string): never {
  throw new UserError(`line ${line}: ${printable(problem, 200)}`);
}

/** The fields each op may carry (conformance README); recorded results are required, anything else is an error. */
const FIELDS: Readonly<Record<string, readonly string[]>> = {
  arrive: ['op', 'req', 'prompt'],
  token: ['op', 'req', 'token'],
  lookup: ['op', 'req', 'computedBlocks', 'free'],
  allocate: ['op', 'req', 'numComputed', 'numTokens', 'computedBlocks', 'newBlocks', 'free'],
  append: ['op', 'req', 'numComputed', 'numTokens', 'newBlocks', 'free'],
  free: ['op', 'req', 'reason', 'free'],
};
const RESULTS: Readonly<Record<string, readonly string[]>> = {
  lookup: ['computedBlocks', 'free'],
  allocate: ['newBlocks', 'free'],
  append: ['newBlocks', 'free'],
  free: ['free'],
};

function checkUnknownFields(o: Json, op: string, line: number): void {
  const allowed = FIELDS[op];
  if (!allowed) return;
  for (const key of Object.keys(o)) {
    if (!allowed.includes(key))
      fail(line, `unexpected field "${key}" in a ${op} event (allowed: ${allowed.join(', ')})`);
  }
}

function checkResultsRecorded(o: Json, op: string, line: number): void {
  for (const key of RESULTS[op] ?? []) {
    if (!(key in o)) fail(line, `a ${op} event must record its result "${key}"`);
  }
}

function parseEvent(o: Json, line: number, numBlocks: number): TraceEvent {
  const event = parseEventFields(o, line, numBlocks);
  checkUnknownFields(o, event.op, line);
  checkResultsRecorded(o, event.op, line);
  return event;
}

function describe(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (Array.isArray(v)) return 'an array';
  if (v === null) return 'null';
  return typeof v === 'string' ? `"${v}"` : typeof v === 'object' ? 'an object' : String(v);
}

function isInt(v: unknown, min: number): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= min;
}

function intField(o: Json, key: string, min: number, line: number): number {
  const v = o[key];
  if (!isInt(v, min)) {
    fail(line, `"${key}" must be ${min > 0 ? 'a positive' : 'a non-negative'} integer (got ${describe(v)})`);
  }
  return v;
}

function intArray(v: unknown, key: string, line: number, kind: 'token' | 'block'): number[] {
  const what = kind === 'token' ? 'int32 token ids' : 'block ids';
  if (!Array.isArray(v)) fail(line, `"${key}" must be an array of ${what} (got ${describe(v)})`);
  for (let i = 0; i < v.length; i++) {
    const x: unknown = v[i];
    if (typeof x !== 'number' || (x | 0) !== x || (kind === 'block' && x < 0)) {
      fail(
        line,
        `"${key}[${i}]" must be ${kind === 'token' ? 'an int32 token id' : 'a block id'} (got ${describe(x)})`,
      );
    }
  }
  return v as number[];
}

function optionalFree(o: Json, line: number): number | undefined {
  return o.free === undefined ? undefined : intField(o, 'free', 0, line);
}

function optionalNewBlocks(o: Json, line: number): number[] | null | undefined {
  const v = o.newBlocks;
  if (v === undefined || v === null) return v;
  return intArray(v, 'newBlocks', line, 'block');
}

/**
 * Physical ranges of a recorded config: the replay allocates per-block tables (six Int32Arrays of
 * numGpuBlocks), so a pool past 2^20 blocks (vLLM's largest H200 pools are ~10^5) is refused, not allocated.
 */
const CONFIG_MAX: Readonly<Record<string, number>> = {
  blockSize: 1024,
  numGpuBlocks: 2 ** 20,
  maxModelLen: 2 ** 21,
  numPreallocateTokens: 2 ** 16,
};

function parseConfig(value: Json, line: number): KVCacheConfig {
  const c = value.config;
  if (c === null || typeof c !== 'object' || Array.isArray(c)) {
    fail(line, `missing config (the first line must be {"config":{...}})`);
  }
  const o = c as Json;
  for (const [key, max] of Object.entries(CONFIG_MAX)) {
    const v = o[key];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > max)
      fail(
        line,
        `config.${key} must be an integer in 0..${max.toLocaleString('en-US')} (got ${describe(v)})`,
      );
  }
  if (typeof o.enableCaching !== 'boolean') {
    fail(line, `config.enableCaching must be a boolean (got ${describe(o.enableCaching)})`);
  }
  const config: KVCacheConfig = {
    blockSize: o.blockSize as number,
    numGpuBlocks: o.numGpuBlocks as number,
    maxModelLen: o.maxModelLen as number,
    enableCaching: o.enableCaching,
    numPreallocateTokens: o.numPreallocateTokens as number,
  };
  try {
    checkKVCacheConfig(config);
  } catch (e) {
    fail(line, (e as Error).message);
  }
  return config;
}

function parseEventFields(o: Json, line: number, numBlocks: number): TraceEvent {
  const op = o.op;
  if (typeof op !== 'string') fail(line, `missing "op" (got ${describe(op)})`);
  const req = o.req;
  if (typeof req !== 'string' || req.length === 0)
    fail(line, `"req" must be a non-empty string (got ${describe(req)})`);
  switch (op) {
    case 'arrive':
      return { line, op, req, prompt: intArray(o.prompt, 'prompt', line, 'token') };
    case 'token': {
      const t = o.token;
      if (typeof t !== 'number' || (t | 0) !== t)
        fail(line, `"token" must be an int32 token id (got ${describe(t)})`);
      return { line, op, req, token: t };
    }
    case 'lookup': {
      const ev: LookupEvent = { line, op, req };
      if (o.computedBlocks !== undefined) {
        ev.expectedComputedBlocks = intArray(o.computedBlocks, 'computedBlocks', line, 'block');
      }
      const free = optionalFree(o, line);
      if (free !== undefined) ev.expectedFree = free;
      return ev;
    }
    case 'allocate': {
      const computedBlocks = intArray(o.computedBlocks, 'computedBlocks', line, 'block');
      for (let i = 0; i < computedBlocks.length; i++) {
        if (computedBlocks[i]! >= numBlocks) {
          fail(line, `"computedBlocks[${i}]" is ${computedBlocks[i]}, but blocks are 0..${numBlocks - 1}`);
        }
      }
      const ev: AllocateEvent = {
        line,
        op,
        req,
        numComputed: intField(o, 'numComputed', 0, line),
        numTokens: intField(o, 'numTokens', 1, line),
        computedBlocks,
      };
      const nb = optionalNewBlocks(o, line);
      if (nb !== undefined) ev.expectedNewBlocks = nb;
      const free = optionalFree(o, line);
      if (free !== undefined) ev.expectedFree = free;
      return ev;
    }
    case 'append': {
      const ev: AppendEvent = {
        line,
        op,
        req,
        numComputed: intField(o, 'numComputed', 0, line),
        numTokens: intField(o, 'numTokens', 0, line),
      };
      const nb = optionalNewBlocks(o, line);
      if (nb !== undefined) ev.expectedNewBlocks = nb;
      const free = optionalFree(o, line);
      if (free !== undefined) ev.expectedFree = free;
      return ev;
    }
    case 'free': {
      const reason = o.reason;
      if (reason !== 'finish' && reason !== 'preempt') {
        fail(line, `"reason" must be "finish" or "preempt" (got ${describe(reason)})`);
      }
      const ev: FreeEvent = { line, op, req, reason };
      const free = optionalFree(o, line);
      if (free !== undefined) ev.expectedFree = free;
      return ev;
    }
    default:
      return fail(line, `unknown op "${op}"`);
  }
}

function parseLine(text: string, line: number): Json {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    fail(line, `invalid JSON (${(e as Error).message})`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    fail(line, `expected a JSON object (got ${describe(value)})`);
  }
  return value as Json;
}

/**
 * Parses a trace: the first non-blank line is the config, every other non-blank line one event. Throws an
 * Error `line N: problem` on the first malformed line.
 */
export function parseTrace(text: string): ParsedTrace {
  const lines = text.split('\n');
  let config: KVCacheConfig | undefined;
  const events: TraceEvent[] = [];
  for (let i = 0; i < lines.length; i++) {
    let raw = lines[i]!;
    if (raw.endsWith('\r')) raw = raw.slice(0, -1);
    if (raw.trim() === '') continue;
    const line = i + 1;
    const o = parseLine(raw, line);
    if (config === undefined) {
      config = parseConfig(o, line);
      continue;
    }
    if (o.config !== undefined) fail(line, 'config may only appear on the first line');
    events.push(parseEvent(o, line, config.numGpuBlocks));
  }
  if (config === undefined) fail(1, 'missing config (the trace is empty)');
  return { config, events };
}

function sameBlocks(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function sameNewBlocks(expected: readonly number[] | null, actual: readonly number[] | null): boolean {
  if (expected === null || actual === null) return expected === actual;
  return sameBlocks(expected, actual);
}

/** Replays parsed events on a fresh BlockManager, comparing every recorded result. */
export function replayEvents(config: KVCacheConfig, events: readonly TraceEvent[]): ReplayReport {
  const bm = new BlockManager(config);
  const report: ReplayReport = { opsChecked: 0, mismatches: 0 };
  for (const ev of events) {
    // The first differing field of this event, if any; one event counts as at most one mismatch.
    let field: string | undefined;
    let expected: unknown;
    let actual: unknown;
    let checked = false;
    try {
      switch (ev.op) {
        case 'arrive':
          bm.addRequest(ev.req, ev.prompt);
          break;
        case 'token':
          bm.appendToken(ev.req, ev.token);
          break;
        case 'lookup': {
          const got = bm.lookup(ev.req);
          if (ev.expectedComputedBlocks !== undefined) {
            checked = true;
            if (!sameBlocks(ev.expectedComputedBlocks, got)) {
              [field, expected, actual] = ['computedBlocks', ev.expectedComputedBlocks, got];
            }
          }
          break;
        }
        case 'allocate':
        case 'append': {
          const got =
            ev.op === 'allocate'
              ? bm.allocate(ev.req, ev.numComputed, ev.numTokens, ev.computedBlocks)
              : bm.append(ev.req, ev.numComputed, ev.numTokens);
          if (ev.expectedNewBlocks !== undefined) {
            checked = true;
            if (!sameNewBlocks(ev.expectedNewBlocks, got)) {
              [field, expected, actual] = ['newBlocks', ev.expectedNewBlocks, got];
            }
          }
          break;
        }
        case 'free':
          bm.free(ev.req, ev.reason);
          break;
      }
      if (ev.op !== 'arrive' && ev.op !== 'token' && ev.expectedFree !== undefined) {
        checked = true;
        if (field === undefined && ev.expectedFree !== bm.numFreeBlocks) {
          [field, expected, actual] = ['free', ev.expectedFree, bm.numFreeBlocks];
        }
      }
    } catch (e) {
      // The model refused the call: an invalid trace, or a state that diverged after an earlier mismatch.
      checked ||= hasResults(ev);
      [field, expected, actual] = ['error', 'no error', (e as Error).message];
    }
    if (checked) report.opsChecked++;
    if (field !== undefined) {
      report.mismatches++;
      report.firstMismatch ??= { line: ev.line, op: ev.op, req: ev.req, field, expected, actual };
    }
  }
  return report;
}

function hasResults(ev: TraceEvent): boolean {
  switch (ev.op) {
    case 'arrive':
    case 'token':
      return false;
    case 'lookup':
      return ev.expectedComputedBlocks !== undefined || ev.expectedFree !== undefined;
    case 'allocate':
    case 'append':
      return ev.expectedNewBlocks !== undefined || ev.expectedFree !== undefined;
    case 'free':
      return ev.expectedFree !== undefined;
  }
}

/** Parses and replays a trace. Malformed lines throw `line N: problem`; result differences are counted. */
export function replayTrace(text: string): ReplayReport {
  const { config, events } = parseTrace(text);
  const report = replayEvents(config, events);
  if (report.opsChecked === 0) throw new UserError('the trace records no results to check');
  return report;
}
