// The experiment form as text: defaults, URL query, loaded results and validation through core.
import { describe, expect, it } from 'vitest';
import { defineExperiment } from '../../core/experiments/types';
import type { Result } from '../../core/experiments/types';
import {
  defaultForm,
  formFromQuery,
  formFromResult,
  formMatchesResult,
  formToQuery,
  validateForm,
} from './form';

const toy = defineExperiment({
  id: 'toy',
  title: 'Toy',
  paper: 'none',
  figure: 'none',
  description: 'A test double.',
  params: {
    blocks: { kind: 'int-list', label: 'Blocks', default: [64, 128], min: 8, max: 1024, maxItems: 4 },
    policy: { kind: 'enum', label: 'Policy', default: 'lru', options: ['lru', 'fifo'] },
    share: { kind: 'boolean', label: 'Share', default: true },
  },
  run: async () => ({ metrics: {}, tables: {}, comparisons: [] }),
});

function result(params: Result['params'], seed = 1): Result {
  return {
    schema: 'hyperscale-lab/result@1',
    experiment: 'toy',
    title: 'Toy',
    paper: 'none',
    labVersion: '0.0.0',
    seed,
    params,
    metrics: {},
    tables: {},
    comparisons: [],
  };
}

describe('form', () => {
  it('defaultForm holds every default as formatParam text', () => {
    expect(defaultForm(toy)).toEqual({
      expId: 'toy',
      seed: '1',
      values: { blocks: '64,128', policy: 'lru', share: 'true' },
    });
  });

  it('formToQuery writes exp and seed, then only non-default params', () => {
    const form = defaultForm(toy);
    form.values.policy = 'fifo';
    form.seed = '9';
    expect(formToQuery(form, toy)).toEqual([
      ['exp', 'toy'],
      ['seed', '9'],
      ['policy', 'fifo'],
    ]);
  });

  it('formFromQuery keeps invalid values as typed and names unknown keys', () => {
    const { form, problems } = formFromQuery(
      toy,
      new Map([
        ['blocks', '64,x'],
        ['nope', '1'],
        ['seed', '3'],
      ]),
    );
    expect(form.values.blocks).toBe('64,x');
    expect(form.seed).toBe('3');
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain('nope');
    const check = validateForm(form, toy);
    expect(check.ok).toBe(false);
    expect(Object.keys(check.errors)).toEqual(['blocks']);
  });

  it('validateForm reports the seed under "seed"', () => {
    const form = { ...defaultForm(toy), seed: '-1' };
    expect(validateForm(form, toy).errors.seed).toMatch(/0\.\.2147483647/);
  });

  it('formFromResult reproduces a result, and formMatchesResult notices edits', () => {
    const saved = result({ blocks: [8, 16], policy: 'fifo', share: false }, 5);
    const { form } = formFromResult(saved, toy);
    expect(form).toEqual({
      expId: 'toy',
      seed: '5',
      values: { blocks: '8,16', policy: 'fifo', share: 'false' },
    });
    expect(formMatchesResult(form, toy, saved)).toBe(true);
    expect(formMatchesResult({ ...form, values: { ...form.values, blocks: '8, 16' } }, toy, saved)).toBe(
      true,
    );
    expect(formMatchesResult({ ...form, seed: '6' }, toy, saved)).toBe(false);
  });
});
