// The wiring spec's text form: a JSON parser that remembers the line every value starts on (so a bad spec's
// error names its line), a canonical formatter (so a spec round-trips and a diff counts real changes), and a
// line diff (what `spec-lines-changed` counts).

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** A value with the 1-based line each path starts on (`a.b.0.c` → line). */
export interface Located {
  value: Json;
  lines: Map<string, number>;
}

export class JsonSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
  }
}

// Sticky patterns: they match at lastIndex only, so the text is never copied.
// eslint-disable-next-line no-control-regex -- JSON strings may not hold raw control characters
const STRING = /"(?:[^"\\\n\u0000-\u001f]|\\["\\/bfnrt]|\\u[0-9a-fA-F]{4})*"/y;
const LITERAL = /(?:-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)/y;

/** Deepest nesting of arrays and objects the parser takes (a spec needs about 8; the parser recurses per level). */
export const MAX_DEPTH = 64;

/** Parse JSON text, recording the line of every value by its dotted path. */
export function parseLocated(text: string): Located {
  let i = 0;
  let line = 1;
  let depth = 0;
  const lines = new Map<string, number>();
  const fail = (what: string): never => {
    throw new JsonSyntaxError(i >= text.length ? `unexpected end of text (${what})` : `${what}`, line);
  };
  const ws = (): void => {
    while (i < text.length) {
      const c = text[i]!;
      if (c === '\n') line++;
      else if (c !== ' ' && c !== '\t' && c !== '\r') break;
      i++;
    }
  };
  const str = (): string => {
    STRING.lastIndex = i;
    const m = STRING.exec(text);
    if (!m) fail('expected a "string" with valid escapes on one line');
    i += m![0].length;
    return m![0].includes('\\') ? (JSON.parse(m![0]) as string) : m![0].slice(1, -1);
  };
  const value = (path: string): Json => {
    ws();
    lines.set(path, line);
    const c = text[i];
    if ((c === '{' || c === '[') && depth >= MAX_DEPTH) fail(`nested deeper than ${MAX_DEPTH}`);
    if (c === '{' || c === '[') {
      depth++;
      const v = c === '{' ? obj(path) : arr(path);
      depth--;
      return v;
    }
    if (c === '"') return str();
    LITERAL.lastIndex = i;
    const m = LITERAL.exec(text);
    if (!m) fail(`expected a value at "${text.slice(i, i + 12).split('\n')[0]}"`);
    i += m![0].length;
    return JSON.parse(m![0]) as Json;
  };
  const join = (path: string, key: string | number): string => (path === '' ? String(key) : `${path}.${key}`);
  const obj = (path: string): Json => {
    i++;
    const out: { [key: string]: Json } = {};
    ws();
    if (text[i] === '}') return (i++, out);
    for (;;) {
      ws();
      if (text[i] !== '"') fail('expected a "key" in quotes');
      const key = str();
      if (Object.prototype.hasOwnProperty.call(out, key)) fail(`duplicate key "${key}"`);
      ws();
      if (text[i] !== ':') fail(`expected ":" after "${key}"`);
      i++;
      // defineProperty: a "__proto__" key is a key like any other (assignment would set the prototype).
      Object.defineProperty(out, key, {
        value: value(join(path, key)),
        enumerable: true,
        writable: true,
        configurable: true,
      });
      ws();
      if (text[i] === ',') i++;
      else if (text[i] === '}') return (i++, out);
      else fail('expected "," or "}"');
    }
  };
  const arr = (path: string): Json => {
    i++;
    const out: Json[] = [];
    ws();
    if (text[i] === ']') return (i++, out);
    for (;;) {
      out.push(value(join(path, out.length)));
      ws();
      if (text[i] === ',') i++;
      else if (text[i] === ']') return (i++, out);
      else fail('expected "," or "]"');
    }
  };
  const root = value('');
  ws();
  if (i < text.length) fail('unexpected text after the spec');
  return { value: root, lines };
}

const isPrimitive = (v: Json): v is null | boolean | number | string => v === null || typeof v !== 'object';
const isFlat = (v: Json[] | { [key: string]: Json }): boolean =>
  (Array.isArray(v) ? v : Object.values(v)).every(isPrimitive);

/**
 * Canonical text: two-space indent; an array of primitives, or an object whose values are all primitives,
 * stays on one line when it fits in 110 characters (one call, one backend, one list of services per line).
 */
export function formatJson(value: Json, indent = ''): string {
  if (isPrimitive(value)) return JSON.stringify(value);
  // Keys holding undefined (an optional field left out) are dropped, as JSON.stringify drops them.
  const v = Array.isArray(value)
    ? value
    : Object.fromEntries(Object.entries(value).filter(([, x]) => x !== undefined));
  const inline = Array.isArray(v)
    ? `[${v.map((x) => formatJson(x)).join(', ')}]`
    : `{ ${Object.entries(v)
        .map(([k, x]) => `${JSON.stringify(k)}: ${formatJson(x)}`)
        .join(', ')} }`;
  const empty = Array.isArray(v) ? v.length === 0 : Object.keys(v).length === 0;
  if (empty) return Array.isArray(v) ? '[]' : '{}';
  if (isFlat(v) && inline.length + indent.length <= 110) return inline;
  const inner = `${indent}  `;
  if (Array.isArray(v)) return `[\n${v.map((x) => inner + formatJson(x, inner)).join(',\n')}\n${indent}]`;
  const rows = Object.entries(v).map(([k, x]) => `${inner}${JSON.stringify(k)}: ${formatJson(x, inner)}`);
  return `{\n${rows.join(',\n')}\n${indent}}`;
}

export interface LineDiff {
  added: number;
  removed: number;
  /** Lines changed, a modified line counted once: max(added, removed). */
  changed: number;
}

/** A line diff by longest common subsequence (specs are hundreds of lines; O(n·m) is fine). */
export function diffLines(a: string, b: string): LineDiff {
  const x = a.split('\n');
  const y = b.split('\n');
  const m = y.length;
  let prev = new Uint32Array(m + 1);
  for (let i = 1; i <= x.length; i++) {
    const cur = new Uint32Array(m + 1);
    for (let j = 1; j <= m; j++)
      cur[j] = x[i - 1] === y[j - 1] ? prev[j - 1]! + 1 : Math.max(prev[j]!, cur[j - 1]!);
    prev = cur;
  }
  const common = prev[m]!;
  const added = y.length - common;
  const removed = x.length - common;
  return { added, removed, changed: Math.max(added, removed) };
}
