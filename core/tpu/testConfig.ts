// Shared set-up for the pod simulator's tests and bench/tpu.bench.ts: a config with the parameters' default
// assumptions, and the published failure rates with the default repair times.
import type { Design, PodConfig } from './pod';
import type { FailureRates } from './failures';
import { failureParams, jobMixParams, ratesOf } from './simParams';

/**
 * The parameters' default assumptions (detection 5 min, restart 10 min, hourly checkpoints, drain after
 * 6 h), fault-tolerant routing at a round 5% and defragmentation on; `over` replaces any field.
 */
export function testPodConfig(design: Design, horizonH: number, over: Partial<PodConfig> = {}): PodConfig {
  const base: PodConfig = {
    design,
    horizonH,
    detectH: failureParams.detectMinutes.default / 60,
    restartH: failureParams.restartMinutes.default / 60,
    checkpointH: failureParams.checkpointHours.default,
    ocsHandling: 'ft-routing',
    ftSlowdown: 0.05,
    defrag: true,
    drainAfterH: jobMixParams.drainAfterHours.default,
  };
  return { ...base, ...over };
}

/** The published daily rates with the default (assumed) repair times. */
export function defaultRates(): FailureRates {
  const d = Object.fromEntries(Object.entries(failureParams).map(([k, v]) => [k, v.default])) as {
    [K in keyof typeof failureParams]: number;
  };
  return ratesOf(d);
}
