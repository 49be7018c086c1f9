import { describe, expect, it } from 'vitest';
import { getExperiment, getLab } from '../../core/labs';
import { meshViewFollow } from '../../core/mesh/view';
import { defaultValues } from './form';
import { hashFor, routeFromHash } from './route';
import { defaultViewState, resolveView, viewFromQuery, viewToQuery } from './viewParams';

const kv = getLab('kv').view.params;
const mesh = getLab('mesh').view.params;

describe('view state in the hash', () => {
  it('round-trips v.<name>, v.seed and v.follow through the hash', () => {
    const route = routeFromHash('#/kv?exp=kv-memory-waste&v.workload=alpaca&v.seed=7&v.follow=0');
    expect(route.notices).toEqual([]);
    expect(route.view).toEqual({ values: { workload: 'alpaca' }, seed: '7', follow: false });
    expect(hashFor('kv', route.form, route.view)).toBe(
      '#/kv?exp=kv-memory-waste&seed=1&v.follow=0&v.seed=7&v.workload=alpaca',
    );
  });

  it('turns unknown names and invalid values into notices and keeps the defaults', () => {
    const { view, problems } = viewFromQuery(
      kv,
      new Map([
        ['v.nope', '1'],
        ['v.blocks', '3'],
        ['v.follow', 'yes'],
      ]),
    );
    expect(view).toEqual(defaultViewState());
    expect(problems).toHaveLength(3);
    expect(problems[1]).toMatch(/view's blocks: .*16\.\.8192/);
  });

  it('writes only what differs from the defaults, never a file', () => {
    expect(
      viewToQuery(mesh, { values: { policy: 'servicerouter', world: '{}' }, seed: '1', follow: true }),
    ).toEqual([]);
  });
});

describe('resolveView', () => {
  const form = (id: string, values: Record<string, string> = {}, seed = '1') => {
    const experiment = getExperiment(id);
    return { experiment, values: { ...defaultValues(experiment), ...values }, seed };
  };

  it('follows same-named parameters of a compatible kind, and the seed', () => {
    const r = resolveView(kv, defaultViewState(), form('kv-memory-waste', { workload: 'alpaca' }, '5'));
    expect(r.params.workload).toBe('alpaca');
    expect(r.seed).toBe('5');
    expect(r.followed).toEqual(expect.arrayContaining(['workload', 'model', 'blockSize', 'seed']));
    expect(r.note).toMatch(
      /^following kv-memory-waste: workload alpaca, model opt-13b, blockSize 16, seed 5/,
    );
  });

  it('keeps its own value where the experiment’s is not valid for the view, and says so', () => {
    const r = resolveView(kv, defaultViewState(), form('kv-memory-waste', { workload: 'trace' }));
    expect(r.params.workload).toBe('sharegpt');
    expect(r.note).toMatch(/kept its own for workload trace/);
  });

  it('does not follow a list parameter with a scalar one (kv-prefix-cache blocks)', () => {
    const r = resolveView(kv, defaultViewState(), form('kv-prefix-cache', { blocks: '512' }));
    expect(r.followed).not.toContain('blocks');
  });

  it('runs its own scenario when told not to follow, and says so', () => {
    const own = { values: { workload: 'chat' }, seed: '3', follow: false };
    const r = resolveView(kv, own, form('kv-memory-waste', { workload: 'alpaca' }));
    expect(r.params.workload).toBe('chat');
    expect(r.followed).toEqual([]);
    expect(r.note).toBe('own scenario (not following kv-memory-waste): workload chat, seed 3');
  });

  it('mesh: the outage experiment sets the incident, its failRegion and its first policy', () => {
    const f = form('mesh-outage', { failRegion: 'prn', policies: 'envoy-priority,servicerouter' });
    const r = resolveView(mesh, defaultViewState(), f, meshViewFollow);
    expect(r.params).toMatchObject({ scenario: 'outage', failRegion: 'prn', policy: 'envoy-priority' });
    expect(r.params.baseLoad).toBe('0.7');
  });
});

describe('resolveView names a text parameter, never prints it', () => {
  const micro = getLab('micro').view.params;
  const experiment = getExperiment('micro-metastable');
  const follow = (values: Record<string, string>) =>
    resolveView(micro, defaultViewState(), {
      experiment,
      values: { ...defaultValues(experiment), ...values },
      seed: '1',
    }).note;

  it('the built-in wiring spec (a non-empty default) is "built-in"; another spec is "custom"', () => {
    expect(follow({})).toMatch(/spec built-in/);
    const own = JSON.stringify({ ...JSON.parse(defaultValues(experiment).spec!), app: 'mine' });
    expect(follow({ spec: own })).toMatch(/spec custom/);
  });
});
