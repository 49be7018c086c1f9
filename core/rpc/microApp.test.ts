import { describe, expect, it } from 'vitest';
import { Rng } from '../kernel/rng';
import { compileText } from '../micro/compile';
import { capacityRps } from '../micro/scenario';
import { simulate } from '../micro/sim';
import { formatSpec } from '../micro/spec';
import { rpcWorkloadSpec } from './microApp';
import { fleetCatalog } from './workload';
import { runExperiment } from '../labs';

describe('an RPC workload as a microservice app', () => {
  const spec = rpcWorkloadSpec(new Rng(1), 24);

  it('enters each of the top methods with its fitted share of calls, most popular first', () => {
    const shares = [...fleetCatalog().prob].sort((a, b) => b - a).slice(0, 24);
    const weights = spec.workflow.entries.map((e) => e.weight);
    weights.forEach((w, k) => expect(w).toBeCloseTo(shares[k]!, 3));
    expect(spec.workflow.entries[0]!.op).toBe('m1.call');
  });

  it('compiles, and serves requests at half its capacity without failures', () => {
    const text = formatSpec(spec);
    const { model } = compileText(text);
    expect(model.services.length).toBe(24);
    const rps = 0.5 * capacityRps(model);
    const r = simulate(model, { rps, durationS: 4, spike: { atS: 2, forS: 0, factor: 1 } }, new Rng(3));
    expect(r.totals.succeeded).toBeGreaterThan(0.9 * r.totals.requests);
    expect(r.totals.failed).toBe(0);
  });

  it('is an app the microservice lab runs: naive retries stay stuck after a spike, no-retry recovers', async () => {
    const r = await runExperiment(
      'micro-metastable',
      { spec: formatSpec(spec), policies: 'retry,no-retry' },
      1,
    );
    expect(r.metrics['recovered.retry']).toBe(0);
    expect(r.metrics['recovered.no-retry']).toBe(1);
    expect(r.metrics['amplification.retry']!).toBeGreaterThan(2);
  });

  it('is the same spec for the same seed, another for another', () => {
    expect(formatSpec(rpcWorkloadSpec(new Rng(1), 24))).toBe(formatSpec(spec));
    expect(formatSpec(rpcWorkloadSpec(new Rng(2), 24))).not.toBe(formatSpec(spec));
  });
});
