import { describe, expect, it } from 'vitest';
import type { ParamSchema, ParamSpec } from '../../core/experiments/types';
import { listExperiments } from '../../core/labs';
import { PRIMARY_COUNT, layoutParams, namesOf } from './paramLayout';

const int = (extra: Partial<ParamSpec> = {}): ParamSpec =>
  ({ kind: 'int', label: 'n', default: 1, min: 0, max: 9, ...extra }) as ParamSpec;
const file: ParamSpec = { kind: 'text', label: 'file', default: '', maxLength: 10 };

function schemaOf(n: number, extra: Record<string, ParamSpec> = {}): ParamSchema {
  return { ...Object.fromEntries(Array.from({ length: n }, (_, i) => [`p${i}`, int()])), ...extra };
}

describe('layoutParams', () => {
  it('keeps a short schema open, in declared order', () => {
    const layout = layoutParams(schemaOf(PRIMARY_COUNT + 1));
    expect(namesOf(layout.primary)).toEqual(Object.keys(schemaOf(PRIMARY_COUNT + 1)));
    expect(layout.advanced).toEqual([]);
  });

  it('folds what follows the first PRIMARY_COUNT parameters of a long schema', () => {
    const layout = layoutParams(schemaOf(PRIMARY_COUNT + 4));
    expect(namesOf(layout.primary)).toEqual(Object.keys(schemaOf(PRIMARY_COUNT)));
    expect(namesOf(layout.advanced)).toEqual(Array.from({ length: 4 }, (_, i) => `p${PRIMARY_COUNT + i}`));
  });

  it('folds file parameters when nothing is marked', () => {
    const layout = layoutParams({ a: int(), trace: file, b: int() });
    expect(namesOf(layout.primary)).toEqual(['a', 'b']);
    expect(namesOf(layout.advanced)).toEqual(['trace']);
  });

  it('follows `advanced` marks when a spec sets one', () => {
    const layout = layoutParams({ a: int(), b: int({ advanced: true }), trace: file, ...schemaOf(12) });
    expect(namesOf(layout.advanced)).toEqual(['b']);
    expect(namesOf(layout.primary)).toHaveLength(14);
  });

  it('gathers parameters by group: ungrouped first, then groups in order of first use', () => {
    const layout = layoutParams({
      x: int({ group: 'Load' }),
      y: int(),
      z: int({ group: 'Faults' }),
      w: int({ group: 'Load' }),
    });
    expect(layout.primary).toEqual([
      { title: null, names: ['y'] },
      { title: 'Load', names: ['x', 'w'] },
      { title: 'Faults', names: ['z'] },
    ]);
  });

  it('places every parameter of every experiment exactly once', () => {
    for (const experiment of listExperiments()) {
      const layout = layoutParams(experiment.params);
      const shown = [...namesOf(layout.primary), ...namesOf(layout.advanced)];
      expect([...shown].sort()).toEqual(Object.keys(experiment.params).sort());
      expect(namesOf(layout.primary).length).toBeGreaterThanOrEqual(
        Math.min(4, Object.keys(experiment.params).length),
      );
    }
  });
});
