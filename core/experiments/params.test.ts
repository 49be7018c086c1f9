import { describe, expect, it } from 'vitest';
import { ParamError } from './errors';
import { checkParam, formatParam, resolveParams } from './params';
import type { ParamSchema } from './types';

const schema = {
  blocks: {
    kind: 'int-list',
    label: 'b',
    default: [64, 128],
    min: 8,
    max: 1024,
    maxItems: 4,
    unit: 'blocks',
  },
  rate: { kind: 'number', label: 'r', default: 2, min: 0.1, max: 100, unit: 'req/s' },
  size: { kind: 'int', label: 's', default: 16, min: 1, max: 256 },
  model: { kind: 'enum', label: 'm', default: 'opt-13b', options: ['opt-13b', 'opt-66b'] },
  swap: { kind: 'boolean', label: 'w', default: false },
  policies: { kind: 'enum-list', label: 'p', default: ['vllm'], options: ['vllm', 'orca-max'] },
  notes: { kind: 'text', label: 'n', default: '', maxLength: 10 },
  site: { kind: 'enum', label: 'x', default: 'prn', options: ['prn', 'lla'], open: 'a site of your file' },
} as const satisfies ParamSchema;

describe('resolveParams', () => {
  it('fills defaults in schema order', () => {
    expect(resolveParams(schema, {})).toEqual({
      blocks: [64, 128],
      rate: 2,
      size: 16,
      model: 'opt-13b',
      swap: false,
      policies: ['vllm'],
      notes: '',
      site: 'prn',
    });
    expect(Object.keys(resolveParams(schema, { swap: 'true', blocks: '8' }))).toEqual(Object.keys(schema));
  });

  it('converts text values from the CLI and the URL', () => {
    const p = resolveParams(schema, {
      blocks: '8, 16,32',
      rate: '2.5',
      size: '32',
      swap: 'true',
      policies: 'orca-max,vllm',
    });
    expect(p).toMatchObject({
      blocks: [8, 16, 32],
      rate: 2.5,
      size: 32,
      swap: true,
      policies: ['orca-max', 'vllm'],
    });
  });

  it('names an unknown parameter and lists the known ones', () => {
    expect(() => resolveParams(schema, { bogus: 1 })).toThrow(
      /bogus: unknown parameter \(known: blocks, rate, size/,
    );
  });

  it.each([
    ['size', '0', /size: must be an integer in 1\.\.256 \(got "0"\)/],
    ['size', '2.5', /size: must be an integer in 1\.\.256/],
    ['rate', 'fast', /rate: must be a number in 0\.1\.\.100 req\/s \(got "fast"\)/],
    ['model', 'gpt', /model: must be one of opt-13b, opt-66b/],
    ['swap', 'yes', /swap: must be true or false/],
    ['blocks', '8,4', /blocks: must be a comma list of 1\.\.4 integers, each in 8\.\.1024/],
    ['blocks', '8,16,32,64,128', /blocks: must be a comma list of 1\.\.4/],
    ['blocks', '', /blocks: must be a comma list/],
    ['policies', 'vllm,nope', /policies: must be a comma list of one or more of vllm, orca-max/],
    ['notes', 'x'.repeat(11), /notes: must be text of at most 10 characters/],
    ['site', 'two words', /site: must be one of prn, lla, or a site of your file \(got "two words"\)/],
    ['site', '', /site: must be one of prn, lla, or a site of your file/],
  ])('rejects %s=%s with a one-line error naming the field and range', (field, value, message) => {
    let error: unknown;
    try {
      resolveParams(schema, { [field]: value });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ParamError);
    expect((error as ParamError).field).toBe(field);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toContain('\n');
  });
});

describe('open enums', () => {
  it('take a name beyond the options (the experiment checks it) and list the options as suggestions', () => {
    expect(resolveParams(schema, { site: 'akl' }).site).toBe('akl');
    expect(resolveParams(schema, {}).site).toBe('prn');
    expect(() => resolveParams(schema, { model: 'akl' })).toThrow(/model: must be one of opt-13b, opt-66b/);
  });
});

describe('checkParam and formatParam', () => {
  it('round-trips every default through its text form', () => {
    for (const [name, spec] of Object.entries(schema)) {
      const checked = checkParam(name, spec, formatParam(spec.default));
      expect(checked).toEqual({ ok: true, value: spec.default });
    }
  });
});
