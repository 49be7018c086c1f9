// mesh-balance: how evenly outstanding requests spread over one region's servers under power-of-two
// choices, a random pick and round robin, as the polled load signal grows stale.
import { defineExperiment } from '../experiments/types';
import type { ChartSpec, Result } from '../experiments/types';
import { CHOICES } from './sim';
import { meshWork, runWithProgress } from './scenario';
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
    'outstanding requests across servers is sampled; the metric is its mean. Random and round robin ' +
    'do not read the signal, so their lines are flat up to noise. DEVIATION: deterministic service ' +
    'times (fluid drain), so round robin is near perfect; with exponential service it would not be.',
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
      CHOICES.map(() => ({ ...run, scanEveryMs: [s, 10, 1000] })),
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
    const units = stale.length * CHOICES.length;
    let unit = 0;
    for (const s of stale) {
      const row: (string | number)[] = [s];
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
      }
      rows.push(row);
    }
    return {
      metrics,
      tables: { cv: { columns: ['staleness ms', ...CHOICES], rows } },
      comparisons: [],
    };
  },
  charts(result: Result): ChartSpec[] {
    const t = result.tables.cv;
    if (!t) return [];
    return [
      {
        kind: 'line',
        title: 'CV of outstanding requests across servers',
        x: { label: 'load-signal staleness (ms)' },
        y: { label: 'coefficient of variation', format: 'number', min: 0 },
        series: CHOICES.map((c, i) => ({
          name: c,
          points: t.rows.map((r) => [Number(r[0]), Number(r[1 + i])] as [number, number]),
        })),
      },
    ];
  },
});
