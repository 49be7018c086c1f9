// Downstream protection (XFaaS §4.5): functions that call a downstream service (e.g. the TAO graph
// database) run under a TCP-like AIMD window on the calls XFaaS lets through, driven by the downstream's
// back-pressure (error) signal: the window grows additively while errors stay under a threshold and is
// multiplied by the decrease factor when they exceed it (TCP congestion avoidance, RFC 5681: +1 segment per
// RTT, halve on loss), so during an outage XFaaS sends less instead of piling retries on. Without it
// (`none`) XFaaS runs every call it can and retries the failures.
// What AIMD sustains: the error signal only fires once sending exceeds capacity, so against a healthy
// downstream of capacity C the window saw-tooths between about decrease × C and C and its calls served
// average about (1 + decrease) / 2 × C (0.75 C for halving: TCP's well-known sawtooth average). Offered
// load above that is never drained after an outage; `aimdSustainedRps` computes it from the rule itself.
// A per-second fluid model; the numbers are ASSUMPTIONs (the paper describes the mechanism and shows an
// outage trace, not these parameters).

export const BACKPRESSURE_POLICIES = ['none', 'aimd'] as const;
export type BackpressurePolicy = (typeof BACKPRESSURE_POLICIES)[number];

export interface DownstreamSpec {
  durationS: number;
  /** Calls per second the functions want to make of the downstream (new work). */
  offeredRps: number;
  /** What the downstream serves when healthy (calls/s). */
  healthyRps: number;
  outageAtS: number;
  outageS: number;
  /** Downstream capacity during the outage, as a fraction of healthy. */
  outageCapacity: number;
  /** The most calls per second XFaaS's workers can run for these functions (their concurrency limit). */
  xfaasMaxRps: number;
  /** A failed call is retried until it has been tried this many times, then dropped. */
  maxAttempts: number;
  /** AIMD: additive increase per second (calls/s), multiplicative decrease factor, error threshold. */
  aimdIncreaseRps: number;
  aimdDecrease: number;
  errorThreshold: number;
}

export interface DownstreamRun {
  /** Per second: calls sent, served OK, downstream capacity, AIMD window (Infinity-free: xfaasMaxRps for none), backlog. */
  sent: Float64Array;
  ok: Float64Array;
  capacity: Float64Array;
  window: Float64Array;
  backlog: Float64Array;
  /** Calls sent beyond what the downstream could serve, summed over the outage. */
  excessCalls: number;
  /**
   * Seconds from the outage's end until the backlog is drained (under one second of offered calls) and
   * stays drained, with errors under the threshold, for RECOVERY_HOLD_S; when not recovered, the seconds
   * the run observed after the outage without recovering (a lower bound).
   */
  recoveryS: number;
  recovered: boolean;
  /** Calls dropped after their last attempt. */
  dropped: number;
  /** Calls offered, executed OK, and left pending at the end (conserved with dropped). */
  offered: number;
  served: number;
  pending: number;
}

export const DEFAULT_DOWNSTREAM: DownstreamSpec = {
  durationS: 3_600,
  offeredRps: 8_000,
  healthyRps: 10_000,
  outageAtS: 600,
  outageS: 600,
  outageCapacity: 0.2,
  xfaasMaxRps: 30_000,
  maxAttempts: 3,
  aimdIncreaseRps: 100,
  aimdDecrease: 0.5,
  errorThreshold: 0.01,
};

/**
 * Recovered means drained and healthy for this long (ASSUMPTION: 5 minutes, a definition of "sustained",
 * several AIMD sawtooth periods at the default increase; not fitted to anything).
 */
export const RECOVERY_HOLD_S = 300;

/** The AIMD rule for one second: additive increase while the window limits sending, decrease on errors. */
function aimdNext(window: number, sent: number, errorRate: number, spec: DownstreamSpec): number {
  if (errorRate > spec.errorThreshold) return Math.max(1, window * spec.aimdDecrease);
  // Like TCP's congestion-window validation (RFC 7661), the window grows only while it limits sending.
  if (sent >= Math.min(window, spec.xfaasMaxRps) - 1e-9) return window + spec.aimdIncreaseRps;
  return window;
}

/**
 * Calls per second AIMD serves, on average, from an unbounded backlog against the healthy downstream: the
 * mean of the steady sawtooth (one period between two decreases, after the first). Analytic in the limit
 * of a small increase: (1 + aimdDecrease) / 2 × healthyRps.
 */
export function aimdSustainedRps(spec: DownstreamSpec): number {
  let window = spec.healthyRps;
  let decreases = 0;
  let sum = 0;
  let seconds = 0;
  for (let t = 0; t < 10_000_000 && decreases < 2; t++) {
    const sent = Math.min(window, spec.xfaasMaxRps);
    const ok = goodput(sent, spec.healthyRps);
    const err = 1 - ok / sent;
    if (decreases === 1) {
      sum += ok;
      seconds++;
    }
    if (err > spec.errorThreshold) decreases++;
    window = aimdNext(window, sent, err, spec);
  }
  return seconds > 0 ? sum / seconds : Math.min(spec.healthyRps, spec.xfaasMaxRps);
}

/**
 * The first second at or after `from` from which the backlog stays under one second of offered calls and
 * errors under the threshold for RECOVERY_HOLD_S seconds (within the run); -1 if none.
 */
function recoveredFrom(
  out: { sent: Float64Array; ok: Float64Array; backlog: Float64Array },
  spec: DownstreamSpec,
  from: number,
): number {
  let run = 0;
  let at = -1;
  for (let t = out.sent.length - 1; t >= from; t--) {
    const err = out.sent[t]! > 0 ? 1 - out.ok[t]! / out.sent[t]! : 0;
    const healthy = out.backlog[t]! <= spec.offeredRps && err <= spec.errorThreshold;
    run = healthy ? run + 1 : 0;
    if (run >= RECOVERY_HOLD_S) at = t;
  }
  return at;
}

/**
 * What an overloaded downstream still serves: all of `sent` up to capacity; beyond it requests queue past
 * their timeouts and the work spent on them is wasted, so goodput falls as capacity²/sent (ASSUMPTION: the
 * simplest form of the goodput collapse an overloaded server shows).
 */
export function goodput(sent: number, capacity: number): number {
  if (sent <= capacity) return sent;
  return (capacity * capacity) / sent;
}

/**
 * Run one policy. Backlog is kept by attempt number (fresh, 1 failure, …) so retries are counted and
 * dropped after `maxAttempts`; calls are sent oldest attempt first, and every call sent that is not
 * served counts as one failed attempt.
 */
export function runDownstream(spec: DownstreamSpec, policy: BackpressurePolicy): DownstreamRun {
  const n = spec.durationS;
  const out = {
    sent: new Float64Array(n),
    ok: new Float64Array(n),
    capacity: new Float64Array(n),
    window: new Float64Array(n),
    backlog: new Float64Array(n),
  };
  const queue = new Float64Array(spec.maxAttempts);
  let window = spec.healthyRps;
  let excess = 0;
  let dropped = 0;
  let served = 0;
  let offered = 0;
  const end = spec.outageAtS + spec.outageS;
  for (let t = 0; t < n; t++) {
    const cap = t >= spec.outageAtS && t < end ? spec.healthyRps * spec.outageCapacity : spec.healthyRps;
    queue[0]! += spec.offeredRps;
    offered += spec.offeredRps;
    const waiting = queue.reduce((a, b) => a + b, 0);
    const limit = policy === 'aimd' ? Math.min(window, spec.xfaasMaxRps) : spec.xfaasMaxRps;
    const sent = Math.min(waiting, limit);
    const ok = goodput(sent, cap);
    // Take `sent` from the queue, highest attempt first; the failed share moves one attempt up.
    const failShare = sent > 0 ? 1 - ok / sent : 0;
    let toSend = sent;
    for (let a = spec.maxAttempts - 1; a >= 0 && toSend > 0; a--) {
      const take = Math.min(queue[a]!, toSend);
      queue[a]! -= take;
      toSend -= take;
      const failed = take * failShare;
      if (a + 1 < spec.maxAttempts) queue[a + 1]! += failed;
      else dropped += failed;
    }
    served += ok;
    if (t >= spec.outageAtS && t < end) excess += Math.max(0, sent - cap);
    if (policy === 'aimd') window = aimdNext(window, sent, sent > 0 ? 1 - ok / sent : 0, spec);
    const backlog = queue.reduce((a, b) => a + b, 0);
    out.sent[t] = sent;
    out.ok[t] = ok;
    out.capacity[t] = cap;
    out.window[t] = policy === 'aimd' ? Math.min(window, spec.xfaasMaxRps) : spec.xfaasMaxRps;
    out.backlog[t] = backlog;
  }
  const recoveredAt = recoveredFrom(out, spec, Math.min(end, n));
  const recovered = recoveredAt >= 0;
  const pending = queue.reduce((a, b) => a + b, 0);
  return {
    ...out,
    excessCalls: excess,
    recoveryS: recovered ? recoveredAt - end : Math.max(0, n - end),
    recovered,
    dropped,
    offered,
    served,
    pending,
  };
}
