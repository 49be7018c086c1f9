// mesh-balance: how evenly outstanding requests spread over one region's servers under power-of-two
// choices, a random pick and round robin, as the polled load signal grows stale.
import { defineExperiment } from '../experiments/types';
import type { ChartSpec, Result, Table } from '../experiments/types';
import { CHOICES, histPercentile } from './sim';
import type { Workload } from './sim';
import { meshWork, runWithProgress, workloadParam } from './scenario';
import { SERVICE_ROUTER_PAPER } from './spikeExperiment';
import { parseWorld } from './world';
import { roundScaled } from '../kernel/numbers';

const params = {
  stalenessMs: {
    kind: 'int-list',
    label: 'Load-signal staleness (sweep)',
    help: 'Poll interval of the load values the clients compare (0 = live).',
    default: [0, 10, 50, 100, 200, 500, 1000],
    min: 0,
    max: 60000,
    maxItems: 16,
    unit: 'ms',
  },
  workload: workloadParam(false),
  servers: { kind: 'int', label: 'Servers', default: 50, min: 2, max: 2000 },
  load: {
    kind: 'number',
    label: 'Utilisation',
    help: 'Offered load as a fraction of the servers’ total capacity.',
    default: 0.9,
    min: 0.05,
    max: 0.99,
  },
  serverCapacityRps: {
    advanced: true,
    kind: 'int',
    label: 'Server capacity',
    default: 100,
    min: 1,
    max: 100000,
    unit: 'req/s',
  },
  durationS: {
    kind: 'int',
    label: 'Duration per point',
    default: 30,
    min: 2,
    max: 3600,
    unit: 's (simulated)',
  },
} as const;

export const meshBalance = defineExperiment({
  id: 'mesh-balance',
  title: 'Balance of outstanding requests: power of two vs random vs round robin, as load signals age',
  paper: SERVICE_ROUTER_PAPER,
  figure: 'the same-region load-balancing evaluation (CV of outstanding requests)',
  description:
    'One region of `servers` servers, each draining `serverCapacityRps`, offered `load` × their total ' +
    'capacity. Power of two picks two random servers and sends to the one with fewer outstanding ' +
    'requests by the polled value (refreshed every `stalenessMs`; 0 = live); random sends to one random ' +
    'server; round robin cycles. Every 10 ms the coefficient of variation (population σ / mean) of ' +
    'outstanding requests (whole requests, the one in service included) across servers is sampled; the metric is its mean. Random and round robin ' +
    'do not read the signal, so their lines are flat up to noise. latency.p99 is the 99th percentile of ' +
    'a request’s latency (0.5 ms intra-region RTT + queue + service, + its bytes on the wire for rpc calls). With `workload` uniform every request costs ' +
    'the same (DEVIATION: deterministic service, so round robin is near perfect). With `workload` rpc each ' +
    'request is a call of the fitted RPC fleet (SOSP’23 characterization, via the RPC lab) with its own CPU ' +
    'cost: outstanding counts then no longer measure work, round robin loses its advantage, and a fresh ' +
    'two-choice pick on outstanding counts (ServiceRouter’s signal) is what keeps the tail short.',
  comparisonNote:
    'The paper reports low CVs for same-region unsharded services without giving a number we could read off the review; the sweep shows the mechanism.',
  params,
  work(p) {
    const run = {
      durationS: p.durationS,
      demandRps: p.servers * p.serverCapacityRps * p.load,
      servers: p.servers,
      regions: 1,
      stepMs: 1,
    };
    const runs = [...p.stalenessMs].flatMap((s) =>
      CHOICES.map(() => ({ ...run, scanEveryMs: [s, 10, 1000], workload: p.workload })),
    );
    return meshWork(runs, 'durationS, servers, serverCapacityRps or stalenessMs');
  },
  async run(p, ctx) {
    const world = parseWorld({
      name: 'one region',
      serverCapacityRps: p.serverCapacityRps,
      regions: [{ id: 'r', name: 'one region', lat: 0, lon: 0, continent: 'x', servers: p.servers }],
    });
    const demand = p.servers * p.serverCapacityRps * p.load;
    const stale = [...p.stalenessMs];
    const metrics: Record<string, number> = {};
    const rows: (string | number)[][] = [];
    const p99Rows: (string | number)[][] = [];
    const units = stale.length * CHOICES.length;
    let unit = 0;
    for (const s of stale) {
      const row: (string | number)[] = [s];
      const p99Row: (string | number)[] = [s];
      for (const choice of CHOICES) {
        const { res } = await runWithProgress(
          {
            world,
            policy: 'latency-rings',
            choice,
            signal: 'polled',
            stalenessMs: s,
            durationS: p.durationS,
            stepMs: 1,
            demandRps: [demand],
            cvSampleMs: 10,
            workload: p.workload as Workload,
          },
          ctx.rng.fork(`sim:${choice}:${s}`),
          ctx,
          unit / units,
          (unit + 1) / units,
          `${choice} ${s} ms`,
          4,
        );
        unit++;
        const cv = roundScaled(res.cvStats.mean, 4);
        metrics[`cv.${choice}.${s}ms`] = cv;
        row.push(cv);
        const p99 = roundScaled(histPercentile(res.latencyHist, 99), 4);
        metrics[`latency.p99.${choice}.${s}ms`] = p99;
        p99Row.push(p99);
      }
      rows.push(row);
      p99Rows.push(p99Row);
    }
    return {
      metrics,
      tables: {
        cv: { columns: ['staleness ms', ...CHOICES], rows },
        'latency-p99': { columns: ['staleness ms', ...CHOICES], rows: p99Rows },
      },
      comparisons: [],
    };
  },
  charts(result: Result): ChartSpec[] {
    const cv = result.tables.cv;
    const p99 = result.tables['latency-p99'];
    const requests = `${String(result.params.workload ?? 'uniform')} requests`;
    return [
      cv && choiceChart(`Outstanding CV (${requests})`, cv, 'CV across servers'),
      p99 && choiceChart(`p99 latency (${requests})`, p99, 'p99 (ms)'),
    ].filter((c): c is ChartSpec => c !== undefined);
  },
});

/** One line per choice over the staleness sweep of a table ('staleness ms', then a column per choice). */
function choiceChart(title: string, t: Table, y: string): ChartSpec {
  return {
    kind: 'line',
    title,
    x: { label: 'load-signal staleness (ms)' },
    y: { label: y, format: 'number', min: 0 },
    series: CHOICES.map((c, i) => ({
      name: c,
      points: t.rows.map((r) => [Number(r[0]), Number(r[1 + i])] as [number, number]),
    })),
  };
}
