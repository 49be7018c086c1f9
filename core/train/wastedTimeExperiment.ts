// train-wasted-time: one failure trace over a training run replayed under three checkpoint policies —
// remote storage every 3 h (strawman), remote storage as often as its bandwidth allows (highfreq), and
// Gemini's CPU-memory checkpoints every iteration with peer retrieval (Gemini §2, §3, §7).
import { defineExperiment } from '../experiments/types';
import type { ChartSpec, ParamsOf, Result } from '../experiments/types';
import { round } from '../kernel/numbers';
import { bufferParams, checkHostMemory, checkReplicas, clusterParams, modelParams, setupOf } from './params';
import { PLACEMENTS, placementsFor, replicaHolders } from './placement';
import type { Placement } from './placement';
import { POLICIES, replayTrace, retrievalSeconds, sampleFailures, schedules } from './recovery';
import type { FailureEvent, TraceOutcome } from './recovery';
import { GEMINI_PAPER, storageSeconds } from './setup';
import { schemeTimeline } from './timeline';
import { trafficOf } from './interleavingExperiment';

export const failureParams = {
  placement: {
    kind: 'enum',
    label: 'Placement',
    help: 'Where the replicas live (group needs replicas to divide machines).',
    default: 'group',
    options: PLACEMENTS,
    group: 'Cluster',
  },
  days: {
    kind: 'number',
    label: 'Training run',
    default: 30,
    min: 0.1,
    max: 3650,
    unit: 'days',
    group: 'Failures',
  },
  hardwarePerMachineDay: {
    kind: 'number',
    label: 'Hardware failures',
    help: 'Per machine per day. Gemini §2.1 cites about 110 failures in 2 months of OPT-175B training on 124 machines (≈ 0.015 per machine-day in all); ASSUMPTION: half of them hardware.',
    default: 0.0074,
    min: 0,
    max: 10,
    unit: '/machine/day',
    group: 'Failures',
  },
  softwarePerMachineDay: {
    kind: 'number',
    label: 'Software failures',
    help: 'Per machine per day. The other half of Gemini §2.1’s ≈ 0.015 (ASSUMPTION: the split).',
    default: 0.0074,
    min: 0,
    max: 10,
    unit: '/machine/day',
    group: 'Failures',
  },
  machinesPerHardwareFailure: {
    kind: 'int',
    label: 'Machines per hardware failure',
    help: 'How many machines one hardware failure takes down at once. ASSUMPTION: 1.',
    default: 1,
    min: 1,
    max: 1000,
    group: 'Failures',
    advanced: true,
  },
  detectS: {
    kind: 'number',
    label: 'Detection',
    help: 'ASSUMPTION: 30 s.',
    default: 30,
    min: 0,
    max: 86400,
    unit: 's',
    group: 'Recovery',
    advanced: true,
  },
  replaceS: {
    kind: 'number',
    label: 'Machine replacement',
    help: 'Hardware failures only. ASSUMPTION: 5 min (a standby instance).',
    default: 300,
    min: 0,
    max: 86400,
    unit: 's',
    group: 'Recovery',
    advanced: true,
  },
  restartS: {
    kind: 'number',
    label: 'Restart',
    help: 'Re-initialise training. ASSUMPTION: 2 min.',
    default: 120,
    min: 0,
    max: 86400,
    unit: 's',
    group: 'Recovery',
    advanced: true,
  },
} as const;

const params = { ...clusterParams, ...failureParams, ...modelParams, ...bufferParams } as const;
type Params = ParamsOf<typeof params>;

/** The failure trace, the replica holders, and each policy's replay of it. */
export function simulatePolicies(p: Params, events: readonly FailureEvent[]) {
  const s = setupOf(p);
  const iteration = schemeTimeline(s, trafficOf(p), 'interleaved');
  const failuresPerS = (p.machines * (p.hardwarePerMachineDay + p.softwarePerMachineDay)) / 86400;
  const sched = schedules(s, iteration, failuresPerS);
  const holders = replicaHolders(p.placement as Placement, p.machines, p.replicas);
  const times = { detectS: p.detectS, replaceS: p.replaceS, restartS: p.restartS };
  const outcomes = Object.fromEntries(
    POLICIES.map((policy) => [
      policy,
      replayTrace(s, policy, events, holders, sched[policy], times, p.days * 86400),
    ]),
  ) as Record<(typeof POLICIES)[number], TraceOutcome>;
  return { s, sched, outcomes, iteration };
}

export function checkPlacement(p: { placement: string; machines: number; replicas: number }) {
  if (!placementsFor(p.machines, p.replicas).includes(p.placement as Placement))
    return {
      field: 'placement' as const,
      reason: `group needs replicas (${p.replicas}) to divide machines (${p.machines}); choose ring or mixed, or change replicas`,
    };
  return undefined;
}

const mean = (xs: readonly number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);

export const trainWastedTime = defineExperiment({
  id: 'train-wasted-time',
  title:
    'Wasted time over a training run with failures: remote-storage checkpoints vs Gemini’s in-memory checkpoints',
  paper: GEMINI_PAPER,
  figure: '§2 (wasted time = t_ckpt + 1/(2f) + t_retrieve), §7 (13x faster failure recovery)',
  description:
    'A failure trace over `days` of training: hardware failures (Poisson per machine; each takes `machinesPerHardwareFailure` random machines) and software failures (Poisson per machine). ' +
    'The same trace is replayed under three policies. strawman checkpoints to remote storage every 3 hours; highfreq as often as the storage bandwidth allows ' +
    '(1/f = max(t_ckpt, T_iter), t_ckpt = checkpoint bytes / storage bandwidth); gemini checkpoints to CPU memory as often as interleaving allows (every iteration when the ' +
    'checkpoint fits the idle link time; see train-interleaving) and keeps highfreq’s remote checkpoints as the last resort. A failure loses the progress since the start of the ' +
    'last complete checkpoint, then costs detection, replacement (hardware only), retrieval and restart. Retrieval: remote storage reads the whole checkpoint at its bandwidth; ' +
    'gemini reloads from local CPU memory after a software failure (8 PCIe links at 25 GB/s), fetches the replaced machines’ shards from a peer over 400 Gbps after a hardware failure, ' +
    'and reads storage only when a shard lost every replica (placement decides when). recovery-seconds is the mean cost per failure; recovery-speedup.vs-highfreq divides highfreq’s ' +
    'by gemini’s. Detection, replacement and restart are the same for every policy and assumed (see the parameters), so they dilute the speedup: ' +
    'recovery-speedup.vs-highfreq.checkpoint-part leaves them out (the quantity of §2 and the one compared). ' +
    'When interleaving cannot hide the checkpoint traffic (no idle gap fits a chunk: see train-interleaving), each Gemini checkpoint stalls training; Gemini then checkpoints less often (§3.2), here every k iterations with k from Young’s interval sqrt(2 · stall · MTBF) (Young 1974), and the stalls count as wasted time (stall-hours). ' +
    'ASSUMPTION: remote-storage writes are asynchronous and never stall training. Failure rates: Gemini §2.1’s ≈ 0.015 failures per machine-day (OPT-175B), split evenly between hardware and software (ASSUMPTION). DEVIATION: a failure during a recovery is folded into it.',
  comparisonNote:
    'The paper’s 13x compares wasted time per failure as its §2 defines it (lost work since the last checkpoint plus retrieval), so the comparison uses the same part; recovery-speedup.vs-highfreq also counts detection, replacement and restart, which every policy pays and which are assumed here.',
  params,
  check: (p) => checkReplicas(p) ?? checkPlacement(p) ?? checkHostMemory(p),
  work(p) {
    const events = p.days * p.machines * (p.hardwarePerMachineDay + p.softwarePerMachineDay);
    return {
      units: Math.ceil(events * POLICIES.length) + 2 * p.layers,
      what: 'failure replays',
      formula: `${p.days} days × ${p.machines} machines × ${round(p.hardwarePerMachineDay + p.softwarePerMachineDay, 4)} failures/machine/day × 3 policies`,
      unitCostUs: 2,
      lower: 'days, machines or the failure rates',
    };
  },
  async run(p, ctx) {
    const events = sampleFailures(ctx.rng.fork('failures'), p.machines, p.days * 86400, p);
    await ctx.progress(0.3, 'replaying the trace');
    const sim = simulatePolicies(p, events);
    const metrics = policyMetrics(p, sim);
    metrics.failures = events.length;
    metrics['storage-checkpoint-s'] = round(storageSeconds(sim.s), 3);
    const speedup = metrics['recovery-speedup.vs-highfreq.checkpoint-part'];
    return {
      metrics,
      tables: {
        policies: {
          columns: [
            'policy',
            'failures',
            'wasted h',
            'stall h',
            'mean lost s',
            'mean down s',
            'from local',
            'from peer',
            'from storage',
          ],
          rows: POLICIES.map((policy) => policyRow(policy, sim.outcomes[policy])),
        },
        byInterval: intervalTable(p),
      },
      comparisons:
        speedup === undefined
          ? []
          : [
              {
                metric: 'recovery-speedup.vs-highfreq.checkpoint-part',
                published: 13,
                measured: speedup,
                source:
                  'Gemini abstract, §2 and §7: more than 13x faster failure recovery (wasted time per failure, t_ckpt + 1/(2f) + t_retrieve)',
              },
            ],
    };
  },
  charts(result: Result): ChartSpec[] {
    const t = result.tables.byInterval;
    if (!t) return [];
    return [
      {
        kind: 'line',
        title: 'Expected wasted time vs checkpoint interval (same failures)',
        x: { label: 'checkpoint interval (s)', scale: 'log2' },
        y: { label: 'wasted hours over the run', format: 'number', min: 0 },
        series: t.columns.slice(1).map((name, i) => ({
          name,
          points: t.rows
            .filter((r) => r[1 + i] !== '')
            .map((r) => [Number(r[0]), Number(r[1 + i])] as [number, number]),
        })),
      },
    ];
  },
});

type Sim = ReturnType<typeof simulatePolicies>;

/**
 * Per policy: wasted hours (failures and stalls), mean recovery cost per failure, checkpoint interval, stall
 * hours; and Gemini's speedup over highfreq, all-in and in the part §2 counts (lost work and retrieval, not
 * detection, replacement and restart). No failures, no speedup.
 */
function policyMetrics(p: Params, { sched, outcomes }: Sim): Record<string, number> {
  const metrics: Record<string, number> = {};
  for (const policy of POLICIES) {
    const o = outcomes[policy];
    metrics[`wasted-hours.${policy}`] = round(o.wastedS / 3600, 4);
    metrics[`stall-hours.${policy}`] = round(o.stallS / 3600, 4);
    metrics[`recovery-seconds.${policy}`] = round(mean(o.failures.map((f) => f.lostS + f.downS)), 3);
    metrics[`checkpoint-interval-s.${policy}`] = round(
      (sched[policy].memory ?? sched[policy].storage).intervalS,
      3,
    );
  }
  const part = (policy: (typeof POLICIES)[number]) =>
    mean(outcomes[policy].failures.map((f) => f.lostS + f.downS - fixedDownS(p, f.kind)));
  if (outcomes.gemini.failures.length > 0) {
    metrics['recovery-speedup.vs-highfreq'] = round(
      metrics['recovery-seconds.highfreq']! / metrics['recovery-seconds.gemini']!,
      3,
    );
    metrics['recovery-speedup.vs-highfreq.checkpoint-part'] = round(part('highfreq') / part('gemini'), 3);
  }
  return metrics;
}

/** Detection, replacement (hardware) and restart: the same whatever the checkpoint policy. */
function fixedDownS(p: Params, kind: 'hardware' | 'software'): number {
  return p.detectS + p.restartS + (kind === 'hardware' ? p.replaceS : 0);
}

function policyRow(policy: string, o: TraceOutcome): (string | number)[] {
  const from = (src: string) => o.failures.filter((f) => f.source === src).length;
  return [
    policy,
    o.failures.length,
    round(o.wastedS / 3600, 3),
    round(o.stallS / 3600, 3),
    round(mean(o.failures.map((f) => f.lostS)), 1),
    round(mean(o.failures.map((f) => f.downS)), 1),
    from('local'),
    from('peer'),
    from('storage'),
  ];
}

/**
 * Expected wasted hours for the expected number of failures, per checkpoint interval (Gemini §2's
 * t_ckpt + 1/(2f) + t_retrieve plus the fixed downtime), for checkpoints in remote storage and in CPU memory.
 */
function intervalTable(p: Params) {
  const s = setupOf(p);
  const it = schemeTimeline(s, trafficOf(p), 'interleaved');
  const hw = p.days * p.machines * p.hardwarePerMachineDay;
  const sw = p.days * p.machines * p.softwarePerMachineDay;
  const fixed = (hw + sw) * (p.detectS + p.restartS) + hw * p.replaceS;
  const storageS = storageSeconds(s);
  const memoryLag = it.iterationsPerCheckpoint * it.iterationS;
  const expected = (interval: number, lag: number, retrieveHw: number, retrieveSw: number) =>
    round(((hw + sw) * (lag + interval / 2) + hw * retrieveHw + sw * retrieveSw + fixed) / 3600, 4);
  const rows: (string | number)[][] = [];
  for (
    let interval = 2 ** Math.floor(Math.log2(Math.max(1, memoryLag)));
    interval <= 2 ** 15;
    interval *= 2
  ) {
    rows.push([
      interval,
      interval >= storageS ? expected(interval, storageS, storageS, storageS) : '',
      interval >= memoryLag
        ? expected(interval, memoryLag, retrievalSeconds(s, 'peer'), retrievalSeconds(s, 'local'))
        : '',
    ]);
  }
  return { columns: ['interval s', 'remote storage', 'CPU memory (Gemini)'], rows };
}
