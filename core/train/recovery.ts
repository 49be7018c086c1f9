// Wasted time over a training run with failures (Gemini §2 and §3): every failure costs the work done
// since the last complete checkpoint plus the downtime (detection, machine replacement for hardware
// failures, checkpoint retrieval, restart). Per failure that is t_ckpt + 1/(2f) + t_retrieve on average
// (Gemini §2), which the trace below reproduces event by event.
import { exponential } from '../kernel/distributions';
import type { Rng } from '../kernel/rng';
import { localLoadSeconds, peerFetchSeconds, storageSeconds } from './setup';
import type { TrainSetup } from './setup';
import type { SchemeTimeline } from './timeline';

export const POLICIES = ['strawman', 'highfreq', 'gemini'] as const;
export type Policy = (typeof POLICIES)[number];

/** The strawman checkpoints to remote storage every 3 hours (the and BLOOM's cadence). */
export const STRAWMAN_INTERVAL_S = 3 * 3600;

export interface FailureEvent {
  /** Wall-clock seconds from the start of the run. */
  atS: number;
  kind: 'software' | 'hardware';
  /** Hardware failures: the machines that fail together. */
  machines: readonly number[];
}

export interface RecoveryTimes {
  detectS: number;
  replaceS: number;
  restartS: number;
}

/**
 * When checkpoints happen: one every `intervalS` of wall time, complete `lagS` after it starts, each stalling
 * training for `stallS` (0 when the traffic hides in idle time or the write is asynchronous).
 */
export interface Schedule {
  intervalS: number;
  lagS: number;
  stallS: number;
}

/**
 * Gemini's CPU-memory schedule. When interleaving hides the traffic: every `iterationsPerCheckpoint`
 * iterations, no stall. When it cannot (no idle gap fits a chunk) each checkpoint stalls training, and
 * Gemini lowers its frequency (§3.2); we take Young's interval sqrt(2 · stall · MTBF) (Young, CACM 1974)
 * in whole iterations, never rarer than the strawman's 3 h.
 */
export function memorySchedule(it: SchemeTimeline, failuresPerS: number): Schedule {
  const stall = it.iterationS - it.baselineS;
  const t = it.baselineS;
  if (stall <= 1e-9) {
    const every = it.iterationsPerCheckpoint * t;
    return { intervalS: every, lagS: every, stallS: 0 };
  }
  const young = failuresPerS > 0 ? Math.sqrt((2 * stall) / failuresPerS) : Infinity;
  const k = Math.max(1, Math.min(Math.ceil(STRAWMAN_INTERVAL_S / t), Math.round(young / t)));
  return { intervalS: k * t + stall, lagS: stall, stallS: stall };
}

/**
 * Each policy's schedules: remote storage as the strawman (3 h) or as often as its bandwidth allows
 * (highfreq: 1/f = max(t_ckpt, T_iter)); ASSUMPTION: remote writes are asynchronous (a snapshot in host
 * memory is written out in the background), so they never stall training. Gemini checkpoints to CPU
 * memory (memorySchedule) and keeps highfreq's remote checkpoints as the last resort.
 */
export function schedules(
  s: TrainSetup,
  interleaved: SchemeTimeline,
  failuresPerS: number,
): Record<Policy, { memory?: Schedule; storage: Schedule }> {
  const storageS = storageSeconds(s);
  const highfreq = { intervalS: Math.max(storageS, interleaved.baselineS), lagS: storageS, stallS: 0 };
  return {
    strawman: { storage: { intervalS: Math.max(STRAWMAN_INTERVAL_S, storageS), lagS: storageS, stallS: 0 } },
    highfreq: { storage: highfreq },
    gemini: { memory: memorySchedule(interleaved, failuresPerS), storage: highfreq },
  };
}

/**
 * Progress lost at `sinceResumeS` after resuming: back to the start of the last checkpoint that had
 * completed (the resumed state itself counts as complete at once).
 */
export function lostSeconds(sinceResumeS: number, sched: Schedule): number {
  const j = Math.max(0, Math.floor((sinceResumeS - sched.lagS) / sched.intervalS));
  return sinceResumeS - j * sched.intervalS;
}

/** A failure trace: Poisson hardware failures per machine and software failures per machine, in wall time. */
export function sampleFailures(
  rng: Rng,
  machines: number,
  horizonS: number,
  rates: { hardwarePerMachineDay: number; softwarePerMachineDay: number; machinesPerHardwareFailure: number },
): FailureEvent[] {
  const events: FailureEvent[] = [];
  const perS = (perDay: number) => (perDay * machines) / 86400;
  for (const kind of ['hardware', 'software'] as const) {
    const r = rng.fork(kind);
    const rate = perS(kind === 'hardware' ? rates.hardwarePerMachineDay : rates.softwarePerMachineDay);
    if (rate <= 0) continue;
    for (let t = exponential(r, rate); t < horizonS; t += exponential(r, rate)) {
      const k = kind === 'hardware' ? Math.min(machines, rates.machinesPerHardwareFailure) : 0;
      events.push({ atS: t, kind, machines: pickDistinct(r, machines, k) });
    }
  }
  return events.sort((a, b) => a.atS - b.atS);
}

function pickDistinct(rng: Rng, n: number, k: number): number[] {
  const picked = new Set<number>();
  while (picked.size < k) picked.add(rng.int(0, n - 1));
  return [...picked].sort((a, b) => a - b);
}

/** Where a failure's checkpoint is restored from. */
export type Source = 'local' | 'peer' | 'storage';

/**
 * Gemini's source (§3.2): software failures reload from each machine's own CPU memory; hardware failures
 * replace the machines and fetch their shards from a surviving peer, or from storage when a shard lost
 * every replica. The remote-storage policies always read storage.
 */
export function restoreSource(
  policy: Policy,
  event: FailureEvent,
  holders: readonly (readonly number[])[],
): Source {
  if (policy !== 'gemini') return 'storage';
  if (event.kind === 'software') return 'local';
  const failed = new Set(event.machines);
  return holders.some((hs) => hs.every((h) => failed.has(h))) ? 'storage' : 'peer';
}

export function retrievalSeconds(s: TrainSetup, source: Source): number {
  if (source === 'local') return localLoadSeconds(s);
  // The replaced machines fetch over the network while the others reload locally.
  if (source === 'peer') return Math.max(peerFetchSeconds(s), localLoadSeconds(s));
  return storageSeconds(s);
}

export interface FailureCost {
  atS: number;
  kind: FailureEvent['kind'];
  source: Source;
  lostS: number;
  downS: number;
}

export interface TraceOutcome {
  failures: FailureCost[];
  /** Training time lost to checkpoint stalls over the run (the schedule's stall × checkpoints taken). */
  stallS: number;
  /** Failures that struck while the cluster was already down recovering (not counted again). */
  skipped: number;
  wastedS: number;
}

/**
 * Replay one failure trace under one policy. DEVIATION: a failure that strikes while the cluster is down
 * recovering from the previous one is folded into that recovery (skipped), not modelled on its own.
 */
export function replayTrace(
  s: TrainSetup,
  policy: Policy,
  events: readonly FailureEvent[],
  holders: readonly (readonly number[])[],
  sched: { memory?: Schedule; storage: Schedule },
  times: RecoveryTimes,
  horizonS: number,
): TraceOutcome {
  const out: TraceOutcome = { failures: [], stallS: 0, skipped: 0, wastedS: 0 };
  let resumeAt = 0;
  for (const e of events) {
    if (e.atS < resumeAt) {
      out.skipped++;
      continue;
    }
    const source = restoreSource(policy, e, holders);
    const lostS = lostSeconds(e.atS - resumeAt, source === 'storage' ? sched.storage : sched.memory!);
    const downS =
      times.detectS +
      (e.kind === 'hardware' ? times.replaceS : 0) +
      retrievalSeconds(s, source) +
      times.restartS;
    out.failures.push({ atS: e.atS, kind: e.kind, source, lostS, downS });
    out.wastedS += lostS + downS;
    resumeAt = e.atS + downS;
  }
  const main = sched.memory ?? sched.storage;
  out.stallS = main.stallS > 0 ? (horizonS / main.intervalS) * main.stallS : 0;
  out.wastedS += out.stallS;
  return out;
}
