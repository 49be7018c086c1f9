// Benchmark of the serverless lab (core/faas): the wall time of one simulated XFaaS day at the default
// scale (10,000 functions, 5 regions, 60 s steps, one warm-up day) with and without time-shifting, the same
// day with worker pools (locality groups), and the downstream outage. The goal (issue 15): a day within
// seconds. Prints figures and checksums (executed calls), so it doubles as a determinism check.
// Run: npx tsx bench/faas.bench.ts
import { Rng } from '../core/kernel/rng';
import { simulateDay } from '../core/faas/sim';
import { DAY_PARAMS, daySpec } from '../core/faas/scenario';
import type { DayParams } from '../core/faas/scenario';
import { LOCALITY_PARAMS, localityDay } from '../core/faas/localityExperiment';
import { DEFAULT_DOWNSTREAM, runDownstream } from '../core/faas/downstream';

const defaults = <S extends Record<string, { default: unknown }>>(s: S) =>
  Object.fromEntries(Object.entries(s).map(([k, v]) => [k, v.default]));
const p = defaults(DAY_PARAMS) as unknown as DayParams;

async function time<T>(label: string, f: () => T | Promise<T>, check: (t: T) => string): Promise<void> {
  const t0 = performance.now();
  const out = await f();
  const ms = performance.now() - t0;
  console.log(`${label.padEnd(44)} ${ms.toFixed(0).padStart(6)} ms   ${check(out)}`);
}

console.log(
  `one simulated day after ${p.warmupDays} warm-up day(s): ${p.functions} functions, step ${p.stepS} s`,
);
for (const timeShift of [true, false]) {
  await time(
    `day, ${timeShift ? 'time-shifted' : 'no shift'}, traffic matrix`,
    () => {
      const rng = new Rng(1);
      return simulateDay(
        daySpec(p, { timeShift, global: 'traffic-matrix', burstCalls: 2e7 }, rng),
        rng.fork('sim'),
      );
    },
    (r) => `executed ${r.day.executed.toExponential(6)} calls`,
  );
}
const withPools = { ...p, ...defaults(LOCALITY_PARAMS) } as Parameters<typeof localityDay>[0];
await time(
  'day with worker pools (locality groups)',
  () => localityDay(withPools, 'locality-groups', new Rng(1)),
  (d) => `executed ${d.res.day.executed.toExponential(6)} calls`,
);
await time(
  'downstream outage, 3600 s, aimd',
  () => runDownstream(DEFAULT_DOWNSTREAM, 'aimd'),
  (r) => `served ${r.served.toFixed(0)}`,
);
