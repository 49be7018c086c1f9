// faas-global: the same day with each region running only its own DurableQ, and with the traffic matrix
// telling each region's scheduler how much to pull from the others' (XFaaS global load balancing).
import { defineExperiment } from '../experiments/types';
import type { ChartSpec, Result } from '../experiments/types';
import { round } from '../kernel/numbers';
import { GLOBAL_MODES, simulateDayAsync } from './sim';
import {
  DAY_PARAMS,
  XFAAS_PAPER,
  checkStep,
  dayWork,
  daySpec,
  meanUtilization,
  missFraction,
  runDays,
} from './scenario';
import { REGIONS } from './workload';

export const faasGlobal = defineExperiment({
  id: 'faas-global',
  title: 'Global load balancing: local-only vs the traffic matrix',
  paper: XFAAS_PAPER,
  figure: 'global load balancing with the traffic matrix (the mechanism; no figure compared)',
  description:
    'One day with time-shifting on, run twice on the same arrivals: `local-only` (each region’s scheduler ' +
    'takes only calls its own DurableQ received) and `traffic-matrix` (every 5 min each region’s load, its ' +
    'recent received CPU plus its backlog spread over an hour, is compared with its capacity; regions above ' +
    'the fleet-wide load/capacity ratio give their excess to regions below it in proportion to their ' +
    'deficits, and each scheduler pulls that much from the others’ DurableQs after serving its own). ' +
    'utilization-spread is max − min of the regions’ daily mean utilisation; cross-region-fraction the ' +
    'share of executed calls that another region received. In `local-only` each region’s utilisation is ' +
    'arithmetic on the inputs, meanLoad × loadShare / capacityShare (every call runs where it arrived and ' +
    'the day’s work gets done), so its spread restates the assumed shares; only `traffic-matrix` is a ' +
    'simulated outcome. Reserved calls are served first, up to a region’s whole capacity, in both modes: ' +
    'in `local-only` their deadlines hold only while a region’s reserved demand alone fits its capacity ' +
    '(it does at the defaults, hence no reserved misses), beyond that they miss, since no other region ' +
    'takes them; opportunistic calls absorb the excess by waiting. ASSUMPTIONs: the regions’ load and capacity ' +
    'shares (prn receives 30% of calls with 22% of the workers, odn 12% with 18%), the proportional-fill ' +
    'rule (the paper gives the idea, not a formula), no cost for pulling across regions.',
  comparisonNote:
    'The paper describes the traffic matrix and shows it keeps regions balanced without a number we could ' +
    'read off; the comparison is between the two modes on the same day.',
  params: DAY_PARAMS,
  check: checkStep,
  work: (p) => dayWork(p, 2, 'warmupDays, functions or raise stepS'),
  async run(p, ctx) {
    const runs = await runDays(
      ctx,
      GLOBAL_MODES.map((global) => ({
        label: global,
        run: (report) => {
          const rng = ctx.rng.fork('day');
          return simulateDayAsync(
            daySpec(p, { timeShift: true, global, burstCalls: 0 }, rng),
            rng.fork('sim'),
            report,
          );
        },
      })),
    );
    const metrics: Record<string, number> = {};
    const rows: (string | number)[][] = REGIONS.map((r) => [r.id, r.loadShare, r.capacityShare]);
    GLOBAL_MODES.forEach((mode, i) => {
      const res = runs[i]!;
      const utils = REGIONS.map((_, r) => meanUtilization(res.series, r));
      metrics[`utilization-spread.${mode}`] = round(Math.max(...utils) - Math.min(...utils), 4);
      metrics[`cross-region-fraction.${mode}`] = round(
        res.day.crossRegion / Math.max(1, res.day.executed),
        4,
      );
      metrics[`deadline-miss-fraction.opportunistic.${mode}`] = round(missFraction(res, 'opportunistic'), 6);
      metrics[`deadline-miss-fraction.reserved.${mode}`] = round(missFraction(res, 'reserved'), 6);
      utils.forEach((u, r) => rows[r]!.push(round(u, 4)));
    });
    return {
      metrics,
      tables: {
        regions: {
          columns: ['region', 'load share', 'capacity share', ...GLOBAL_MODES.map((m) => `utilisation ${m}`)],
          rows,
        },
      },
      comparisons: [],
    };
  },
  charts(result: Result): ChartSpec[] {
    const t = result.tables.regions;
    if (!t) return [];
    return [
      {
        kind: 'bar',
        title: 'Daily mean utilisation per region',
        y: { label: 'utilisation', format: 'percent' },
        stacked: false,
        categories: t.rows.map((r) => String(r[0])),
        segments: GLOBAL_MODES.map((m, i) => ({ name: m, values: t.rows.map((r) => Number(r[3 + i])) })),
      },
    ];
  },
});
