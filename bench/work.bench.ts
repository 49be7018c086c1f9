// Calibrates the work budget (core/experiments/run.ts WORK_LIMIT_US): runs experiments, prints each one's
// declared work, its wall time and the measured microseconds per unit beside the declared unit cost.
// A declared cost at or above the measured one keeps a run at the limit within about a minute.
// Run: npm run bench -- work   (or npx tsx bench/work.bench.ts [experiment-id ...])
import { WORK_LIMIT_US, formatCount, resolveExperimentParams } from '../core/experiments/run';
import type { ParamsOf, ParamSchema } from '../core/experiments/types';
import { getExperiment, listExperiments, runExperiment } from '../core/labs';

/** Parameter sets timed per experiment: the defaults, and a larger run where the default is tiny. */
const CASES: Record<string, Record<string, string>[]> = {
  'mesh-balance': [{}, { durationS: '60', stalenessMs: '0,100', servers: '200' }],
  'mesh-spike': [{}, { durationS: '300', policies: 'servicerouter' }],
  'kv-sharing': [{}, { workload: 'sharegpt', duration: '60', widths: '16' }],
  'kv-throughput': [{}],
  'tpu-availability': [{}, { trials: '1000000', sweep: '9900' }, { hostAvailability: '0.5', sweep: '5000' }],
  'tpu-failures': [{}, { days: '300' }],
  'tpu-routing': [{}, { days: '1000' }],
  'train-recovery-probability': [
    {},
    { machines: '1000', failures: '8', trials: '1000000' },
    { machines: '1000', failures: '400', trials: '1000' },
  ],
  'train-wasted-time': [{}, { days: '3650', machines: '1000' }],
  'gpu-paged-attention': [{}, { sequences: '32', meanContext: '1024', heads: '4', reps: '20' }],
};

const ids = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const experiments = ids.length ? ids.map(getExperiment) : listExperiments();
console.log(`limit ${formatCount(WORK_LIMIT_US / 1e6)} s of declared work`);
console.log(
  'experiment              params                         units       what               wall ms   µs/unit  declared',
);
for (const e of experiments) {
  for (const raw of CASES[e.id] ?? [{}]) {
    const params = resolveExperimentParams(e, raw);
    const w = e.work!(params as ParamsOf<ParamSchema>);
    const t0 = performance.now();
    await runExperiment(e.id, raw, 1);
    const ms = performance.now() - t0;
    const per = (ms * 1000) / w.units;
    const label = Object.entries(raw)
      .map(([k, v]) => `${k}=${v}`)
      .join(' ');
    console.log(
      `${e.id.padEnd(23)} ${(label || 'defaults').slice(0, 30).padEnd(30)} ${formatCount(w.units).padStart(9)}  ${w.what.padEnd(18)} ${ms.toFixed(0).padStart(8)} ${per.toPrecision(3).padStart(9)} ${String(w.unitCostUs).padStart(9)}`,
    );
  }
}
