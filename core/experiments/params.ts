// Parameter resolution: raw values (typed, or strings from the CLI, URL hash and form inputs) are
// checked against an experiment's declared schema with zod and filled with defaults.
import { z } from 'zod';
import { ParamError, printable } from './errors';
import type { ParamSchema, ParamSpec, ParamValue } from './types';

function rangeText(spec: { min: number; max: number; unit?: string }): string {
  return `${spec.min}..${spec.max}${spec.unit ? ` ${spec.unit}` : ''}`;
}

function splitList(raw: unknown): unknown {
  if (typeof raw !== 'string') return raw;
  const items = raw.split(',').map((s) => s.trim());
  return items.length === 1 && items[0] === '' ? [] : items;
}

/** Decimal notation only (as documented): no 0x/0b/0o, no empty text, no Infinity. */
export const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** A typed number stays; text converts only when it is a decimal number (anything else fails the schema). */
const numeric = (raw: unknown): unknown =>
  typeof raw === 'string' && DECIMAL.test(raw.trim()) ? Number(raw.trim()) : raw;

const unique = (items: readonly unknown[]): boolean => new Set(items).size === items.length;

/** The zod schema of one parameter; its error message names the allowed values. */
function zodFor(spec: ParamSpec): z.ZodType<ParamValue> {
  switch (spec.kind) {
    case 'int':
    case 'number': {
      const what = spec.kind === 'int' ? 'an integer' : 'a number';
      const message = `must be ${what} in ${rangeText(spec)}`;
      let n = z
        .number({ error: message })
        .min(spec.min, { error: message })
        .max(spec.max, { error: message });
      if (spec.kind === 'int') n = n.int({ error: message });
      return z.preprocess(numeric, n);
    }
    case 'enum': {
      if (spec.open) {
        const message = `must be one of ${spec.options.join(', ')}, or ${spec.open}`;
        return z.string({ error: message }).regex(/^[\w.-]{1,64}$/, { error: message });
      }
      const message = `must be one of ${spec.options.join(', ')}`;
      return z.enum(spec.options as [string, ...string[]], { error: message });
    }
    case 'boolean': {
      const message = 'must be true or false';
      return z.preprocess(
        (raw) => (raw === 'true' ? true : raw === 'false' ? false : raw),
        z.boolean({ error: message }),
      );
    }
    case 'int-list': {
      const message = `must be a comma list of 1..${spec.maxItems} integers, each in ${rangeText(spec)} and given once`;
      const item = z.preprocess(numeric, z.number().int().min(spec.min).max(spec.max));
      return z.preprocess(
        splitList,
        z.array(item, { error: message }).min(1).max(spec.maxItems).refine(unique, { error: message }),
      ) as z.ZodType<ParamValue>;
    }
    case 'text': {
      const message = `must be text of at most ${spec.maxLength.toLocaleString('en-US')} characters`;
      return z.string({ error: message }).max(spec.maxLength, { error: message });
    }
    case 'enum-list': {
      const message = `must be a comma list of one or more of ${spec.options.join(', ')}, each once`;
      const item = z.enum(spec.options as [string, ...string[]]);
      return z.preprocess(
        splitList,
        z.array(item, { error: message }).min(1).refine(unique, { error: message }),
      ) as z.ZodType<ParamValue>;
    }
  }
}

function describeRule(spec: ParamSpec): string {
  const schema = zodFor(spec);
  const probe = schema.safeParse(Symbol('probe'));
  return probe.success ? 'invalid value' : (probe.error.issues[0]?.message ?? 'invalid value');
}

/** Check one raw value; the error is the schema's rule plus what was given. */
export function checkParam(
  name: string,
  spec: ParamSpec,
  raw: unknown,
): { ok: true; value: ParamValue } | { ok: false; error: string } {
  const parsed = zodFor(spec).safeParse(raw);
  if (parsed.success) return { ok: true, value: parsed.data };
  const text = printable(typeof raw === 'string' ? `"${raw}"` : (JSON.stringify(raw) ?? String(raw)));
  const got = text && text.length > 60 ? `${text.slice(0, 57)}…` : text;
  return { ok: false, error: `${describeRule(spec)} (got ${got})` };
}

/**
 * Resolve raw parameters against a schema: unknown names and invalid values throw ParamError;
 * missing ones take their defaults. Keys come out in schema order, so results serialize stably.
 */
export function resolveParams(
  schema: ParamSchema,
  raw: Readonly<Record<string, unknown>>,
): Record<string, ParamValue> {
  for (const name of Object.keys(raw)) {
    if (!Object.hasOwn(schema, name)) {
      const known = Object.keys(schema).join(', ');
      throw new ParamError(name, `unknown parameter (known: ${known})`);
    }
  }
  const out: Record<string, ParamValue> = {};
  for (const [name, spec] of Object.entries(schema)) {
    const value = raw[name];
    if (value === undefined) {
      out[name] = spec.default;
      continue;
    }
    const checked = checkParam(name, spec, value);
    if (!checked.ok) throw new ParamError(name, checked.error);
    out[name] = checked.value;
  }
  return out;
}

/** The text form of a value, as typed on the command line or in the URL (`--set blocks=64,128`). */
export function formatParam(value: ParamValue): string {
  return Array.isArray(value) ? value.join(',') : String(value);
}

/** A value for display: long texts (a loaded file) are summarised by size, not printed whole. */
export function displayParam(value: ParamValue): string {
  const text = formatParam(value);
  if (typeof value !== 'string' || text.length <= 80) return text;
  const lines = text.split('\n').filter((l) => l.trim() !== '').length;
  return `${lines.toLocaleString('en-US')} lines, ${text.length.toLocaleString('en-US')} characters`;
}

/** A one-line description of the allowed values, for `describe` and input hints. */
export function allowedText(spec: ParamSpec): string {
  switch (spec.kind) {
    case 'int':
    case 'number':
    case 'int-list':
      return rangeText(spec);
    case 'enum':
      return spec.options.join(' | ') + (spec.open ? ` | ${spec.open}` : '');
    case 'enum-list':
      return spec.options.join(' | ');
    case 'boolean':
      return 'true | false';
    case 'text':
      return `text ≤ ${spec.maxLength.toLocaleString('en-US')} chars (a file: name=@path)`;
  }
}
