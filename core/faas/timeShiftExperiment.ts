// faas-time-shift: the same received day run with and without time-shifting of opportunistic calls; the
// executed CPU curve's peak-to-trough against the received curve's (XFaaS: 4.3x received, 1.4x executed).
import { defineExperiment } from '../experiments/types';
import type { ChartSpec, Result } from '../experiments/types';
import { round } from '../kernel/numbers';
import { simulateDayAsync } from './sim';
import {
  DAY_PARAMS,
  XFAAS_PAPER,
  checkStep,
  dayWork,
  daySpec,
  hourly,
  meanUtilization,
  missFraction,
  peakToTrough,
  runDays,
  tablePoints,
} from './scenario';

export const BURST_PARAM = {
  kind: 'int',
  label: 'Burst calls',
  help: 'A bursty client submits this many calls in 15 min at 10:00 (quota 5,000 calls/s; the rest is throttled).',
  default: 20_000_000,
  min: 0,
  max: 1_000_000_000,
  group: 'Load',
} as const;

const params = { ...DAY_PARAMS, burstCalls: BURST_PARAM } as const;

export const faasTimeShift = defineExperiment({
  id: 'faas-time-shift',
  title: 'Time-shifting: received vs executed load over a day',
  paper: XFAAS_PAPER,
  figure: 'the evaluation’s Received vs CPU utilisation curves (4.3x vs 1.4x peak-to-trough)',
  description:
    'One day of XFaaS (after `warmupDays` days so the overnight backlog is in steady state), run twice on ' +
    'the same arrivals: with time-shifting (reserved calls first; opportunistic calls run at once only when ' +
    'they could not wait another step, otherwise only while the region is below the shift target, by ' +
    'default yesterday’s mean load) and without (every call as soon as capacity allows, RunQ order). ' +
    'Both use the traffic matrix. Peak-to-trough is max/min of hourly totals of the fleet: received CPU ' +
    'demand and executed CPU. The received curve is an input: a sinusoid with peak/trough `peakToTrough` ' +
    '(measured a little lower: hourly means of a sinusoid, plus noise and timer spikes). ' +
    'ASSUMPTIONs: 5 regions and their load/capacity shares, function population (Zipf popularity, ' +
    'lognormal CPU 0.5 s mean), half the calls opportunistic, reserved deadlines 1–15 min, opportunistic ' +
    'deadlines 12 or 24 h (the paper: delay-tolerant calls are deferred to off-peak hours, which needs ' +
    'deadlines that reach the trough), fleet capacity such that the mean received load is `meanLoad` ' +
    '(default the paper’s 66% daily mean: an input, so utilization.mean is not compared). DEVIATION: ' +
    'one FuncBuffer per function class (same RunQ key), fluid call counts; a region’s DurableQ and its ' +
    'scheduler’s FuncBuffers are one structure (calls wait in the per-class buffers, which other regions ' +
    'pull from as from the DurableQ; the paper’s scheduler moves calls from DurableQ into FuncBuffers, a ' +
    'hop not modelled). A bursty client submits ' +
    '`burstCalls` in 15 min at 10:00 UTC (ASSUMPTION after secondary sources’ 20 M calls in 15 min); its ' +
    'quota (5,000 calls/s) throttles the rest at the Submitter and its concurrency limit (1,000 running ' +
    'calls) paces what is accepted. DEVIATIONs: only that client is modelled against a quota (the ' +
    'others stay within theirs) and only its function has a binding concurrency limit (a class merges ' +
    'many functions, whose own limits are not modelled); queue- and event-triggered calls arrive as ' +
    'smooth streams, timer-triggered ones fire on 5-minute marks.',
  comparisonNote:
    'The executed curve’s trough comes where the backlog deferred from the evening peak runs out before ' +
    'the received curve rises again (see the hourly table); how much can be deferred is set by the ' +
    'opportunistic share and the deadlines, neither published (50% of CPU and 12–24 h here, ' +
    'ASSUMPTIONs), so they, more than the mechanism, decide the gap to 1.4x; it also moves with the ' +
    'seed, since a few popular functions carry much of the opportunistic CPU and each draws its own ' +
    'deadline (run a few seeds). The scheduler is also ' +
    'idealised: it knows yesterday’s mean load exactly and keeps any deferred backlog. Without shifting ' +
    'the executed curve follows the received one, clipped at capacity.',
  params,
  check: checkStep,
  work: (p) => dayWork(p, 2, 'warmupDays, functions or raise stepS'),
  async run(p, ctx) {
    const [shift, noShift] = await runDays(
      ctx,
      [true, false].map((timeShift) => ({
        label: timeShift ? 'with time-shifting' : 'without time-shifting',
        run: (report) => {
          const rng = ctx.rng.fork('day');
          return simulateDayAsync(
            daySpec(p, { timeShift, global: 'traffic-matrix', burstCalls: p.burstCalls }, rng),
            rng.fork('sim'),
            report,
          );
        },
      })),
    );
    const s = shift!.series;
    const n = noShift!.series;
    const received = hourly(s, s.receivedCpu);
    const executed = hourly(s, s.executedCpu);
    const executedNo = hourly(n, n.executedCpu);
    const capacity = hourly(s, s.capacityCpu);
    const metrics: Record<string, number> = {
      'peak-to-trough.received': round(peakToTrough(received), 4),
      'peak-to-trough.executed': round(peakToTrough(executed), 4),
      'peak-to-trough.executed.no-shift': round(peakToTrough(executedNo), 4),
      'utilization.mean': round(meanUtilization(s), 4),
      'deadline-miss-fraction.reserved': round(missFraction(shift!, 'reserved'), 6),
      'deadline-miss-fraction.opportunistic': round(missFraction(shift!, 'opportunistic'), 6),
      'deadline-miss-fraction.reserved.no-shift': round(missFraction(noShift!, 'reserved'), 6),
      'deadline-miss-fraction.opportunistic.no-shift': round(missFraction(noShift!, 'opportunistic'), 6),
      'throttled-calls': Math.round(shift!.day.throttled),
    };
    const rows = received.map((r, h) => [
      h,
      round(r / capacity[h]!, 4),
      round(executed[h]! / capacity[h]!, 4),
      round(executedNo[h]! / capacity[h]!, 4),
    ]);
    return {
      metrics,
      tables: {
        hourly: {
          columns: [
            'hour (UTC)',
            'received / capacity',
            'executed / capacity',
            'executed no-shift / capacity',
          ],
          rows,
        },
      },
      comparisons: [
        {
          metric: 'peak-to-trough.executed',
          published: 1.4,
          measured: metrics['peak-to-trough.executed']!,
          source: 'evaluation, Received vs CPU utilisation: 1.4x against 4.3x (docs/reference.md)',
        },
      ],
    };
  },
  charts(result: Result): ChartSpec[] {
    const t = result.tables.hourly;
    if (!t) return [];
    const col = (i: number) => tablePoints(t, i);
    return [
      {
        kind: 'line',
        title: 'Fleet CPU per hour: received vs executed',
        x: { label: 'hour of day (UTC)' },
        y: { label: 'share of fleet capacity', format: 'percent', min: 0 },
        // Executed first, so it takes the palette's blue, as executed CPU does in the live view.
        series: [
          { name: 'executed (time-shifted)', points: col(2) },
          { name: 'received', points: col(1) },
          { name: 'executed (no shift)', points: col(3) },
        ],
      },
    ];
  },
});
