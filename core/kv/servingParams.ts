// Parameters shared by the serving experiments (model, workload, rate, duration, blockSize, policies) and
// the helpers that turn them into a workload and simulator options.
import { ParamError } from '../experiments/errors';
import { formatCount } from '../experiments/run';
import type {
  EnumListParam,
  EnumParam,
  IntListParam,
  IntParam,
  NumberParam,
  RunContext,
  TextParam,
  WorkEstimate,
} from '../experiments/types';
import { DEFAULT_PAGED_OVERHEAD, SETUPS, SETUP_IDS } from './cost';
import type { SetupId } from './cost';
import { POLICIES, simulate } from './serving/simulator';
import type { Policy, PreemptionMode, Sampling, SimResult } from './serving/simulator';
import {
  ALPACA,
  CHAT_MEAN_TURNS,
  SHAREGPT,
  WORKLOAD_IDS,
  generateWorkload,
  parseTraceFile,
} from './workloads';
import type { Request, WorkloadId } from './workloads';

export const PAPER =
  'Kwon et al., "Efficient Memory Management for Large Language Model Serving with PagedAttention", SOSP 2023';

export function modelParam(): EnumParam {
  return {
    kind: 'enum',
    label: 'Model and GPUs',
    help: 'opt-13b: 1×A100-40GB; opt-66b: 4×A100-40GB; opt-175b: 8×A100-80GB; llama-13b: 1×A100-80GB (§6.1, Table 1).',
    default: 'opt-13b',
    options: SETUP_IDS,
  };
}

export function workloadParam(def: WorkloadId): EnumParam {
  return {
    kind: 'enum',
    label: 'Workload',
    help: 'ShareGPT- or Alpaca-like lengths (lognormal, published means), shared few-shot prefix, multi-turn chat, or your own trace (the trace parameter).',
    default: def,
    options: [...WORKLOAD_IDS, 'trace'],
  };
}

/** A user's trace: JSON lines of {"arrival": s, "input": tokens, "output": tokens}; used when workload=trace. */
export function traceParam(): TextParam {
  return {
    kind: 'text',
    label: 'Trace file (workload=trace)',
    advanced: true,
    help: 'JSON lines {"arrival": seconds, "input": tokens, "output": tokens}, arrivals non-decreasing.',
    default: '',
    maxLength: 8_000_000,
  };
}

export function rateParam(def: number, label = 'Request rate'): NumberParam {
  return {
    kind: 'number',
    label,
    help: 'Poisson arrivals.',
    default: def,
    min: 0.01,
    max: 200,
    unit: 'req/s',
  };
}

export function durationParam(def = 3600): NumberParam {
  return {
    kind: 'number',
    label: 'Arrival window',
    help: 'Simulated seconds of arrivals (the paper uses 1-hour traces); every request then runs to completion.',
    default: def,
    min: 1,
    max: 7200,
    unit: 's (simulated)',
  };
}

export function blockSizeParam(): IntParam {
  return { kind: 'int', label: 'Block size', default: 16, min: 1, max: 256, unit: 'tokens' };
}

export function policiesParam(def: readonly Policy[]): EnumListParam {
  return {
    kind: 'enum-list',
    label: 'Policies',
    help: 'vllm (paging, CoW, swap/recompute), vllm-v1 (recompute + prefix caching), Orca max / pow2 / oracle reservations.',
    default: def,
    options: POLICIES,
  };
}

/** The block sizes a sweep runs (1 to 256 tokens, the range of Fig. 18b / Fig. 19). */
export function blockSizesParam(): IntListParam {
  return {
    kind: 'int-list',
    label: 'Block sizes (sweep)',
    default: [1, 2, 4, 8, 16, 32, 64, 128, 256],
    min: 1,
    max: 256,
    maxItems: 12,
    unit: 'tokens',
  };
}

export function overheadParam(): NumberParam {
  return {
    kind: 'number',
    label: 'Paged kernel overhead',
    advanced: true,
    help: 'Extra attention latency of the paged kernel at block size 16 (§5, Fig. 18a: 20–26%).',
    default: DEFAULT_PAGED_OVERHEAD,
    min: 0,
    max: 2,
  };
}

/**
 * The workload parameters every serving experiment opens with, in this order: model, workload, the
 * user's trace (workload=trace), rate and duration.
 */
export function workloadParams(workload: WorkloadId, rate: number, duration: number, rateLabel?: string) {
  return {
    model: modelParam(),
    workload: workloadParam(workload),
    trace: traceParam(),
    rate: rateParam(rate, rateLabel),
    duration: durationParam(duration),
  };
}

export function preemptionParam(def: PreemptionMode = 'recompute'): EnumParam {
  return {
    kind: 'enum',
    label: 'Preemption',
    help: '§4.5: swap blocks to CPU memory or recompute; groups with several sequences are always swapped.',
    default: def,
    options: ['recompute', 'swap'],
  };
}

/**
 * The requests of one run: drawn from the named workload, or read from the user's trace (workload=trace),
 * in which case duration does not apply and rate only does in a rate sweep (`rescaleToRate`).
 */
export function makeRequests(
  ctx: RunContext,
  workload: string,
  rate: number,
  duration: number,
  trace = '',
  rescaleToRate = false,
): Request[] {
  if (workload === 'trace') {
    if (trace.trim() === '')
      throw new ParamError('trace', 'workload=trace needs a trace file (--set trace=@file.jsonl)');
    const requests = traceRequests(trace);
    if (!rescaleToRate) return requests;
    // A rate sweep replays the trace's own arrival pattern stretched or squeezed to each rate.
    const span = requests[requests.length - 1]!.arrivalS || 1;
    const scale = requests.length / span / rate;
    return requests.map((r) => ({ ...r, arrivalS: r.arrivalS * scale }));
  }
  return generateWorkload(ctx.rng.fork(`workload-${workload}`), workload as WorkloadId, rate, duration);
}

export interface RunOne {
  model: string;
  blockSize: number;
  policy: Policy;
  pagedOverhead: number;
  preemption?: PreemptionMode;
  sampling?: Sampling;
}

/** One simulation with progress mapped onto [from, to] of the experiment's bar. */
export async function runOne(
  ctx: RunContext,
  requests: readonly Request[],
  o: RunOne,
  from: number,
  to: number,
  label: string,
): Promise<SimResult> {
  await ctx.progress(from, label);
  const r = await simulate(requests, {
    setup: SETUPS[o.model as SetupId],
    blockSize: o.blockSize,
    policy: o.policy,
    preemption: o.preemption ?? 'recompute',
    sampling: o.sampling ?? { kind: 'single' },
    pagedOverhead: o.pagedOverhead,
    rng: ctx.rng.fork(`beam-${o.policy}-${o.blockSize}`),
    progress: (f) => ctx.progress(from + (to - from) * f, label),
  });
  await ctx.progress(to, label);
  return r;
}

/** The most requests one serving run may draw (rate × duration), so a run stays seconds, not hours. */
export const MAX_REQUESTS = 50_000;

/** Cross-parameter rule shared by the serving experiments: rate × duration stays under MAX_REQUESTS. */
export function checkRequests(
  rate: number,
  duration: number,
  rateField = 'rate',
): { field: string; reason: string } | undefined {
  const n = rate * duration;
  if (n <= MAX_REQUESTS) return undefined;
  return {
    field: 'duration',
    reason: `${rateField} × duration must be at most ${MAX_REQUESTS.toLocaleString('en-US')} requests (got ${Math.round(n).toLocaleString('en-US')})`,
  };
}

let lastTrace: { text: string; requests: Request[] } | undefined;
/**
 * A user's trace parsed once for both the work estimate and the run (the last one is kept), at most
 * MAX_REQUESTS requests: the same cap as a generated workload's.
 */
export function traceRequests(text: string): Request[] {
  if (lastTrace?.text !== text) lastTrace = { text, requests: parseTraceFile(text) };
  const n = lastTrace.requests.length;
  if (n > MAX_REQUESTS)
    throw new ParamError(
      'trace',
      `${n.toLocaleString('en-US')} requests exceed the ${MAX_REQUESTS.toLocaleString('en-US')} a run may serve; use a shorter trace`,
    );
  return lastTrace.requests;
}

/** Mean output tokens per request of each generated workload (chat: ShareGPT turns). */
const MEAN_OUTPUT: Record<WorkloadId, number> = {
  sharegpt: SHAREGPT.outputMean,
  alpaca: ALPACA.outputMean,
  'shared-prefix': ALPACA.outputMean,
  chat: SHAREGPT.outputMean,
};

/**
 * The requests and output tokens one serving simulation serves: the trace's own (workload=trace), or the
 * expected rate × duration (× the mean turns of a chat) × the workload's mean output length.
 */
export function servingInput(
  workload: string,
  rate: number,
  duration: number,
  trace: string,
): { requests: number; outputTokens: number; text: string } {
  if (workload === 'trace') {
    if (trace.trim() === '')
      throw new ParamError('trace', 'workload=trace needs a trace file (--set trace=@file.jsonl)');
    const reqs = traceRequests(trace);
    let out = 0;
    for (const r of reqs) out += r.outputLen;
    return { requests: reqs.length, outputTokens: out, text: `${formatCount(reqs.length)} trace requests` };
  }
  const turns = workload === 'chat' ? CHAT_MEAN_TURNS : 1;
  const requests = rate * duration * turns;
  const mean = MEAN_OUTPUT[workload as WorkloadId];
  return {
    requests,
    outputTokens: requests * mean,
    text: `${formatCount(rate * duration)} requests (${rate} req/s × ${duration} s${turns > 1 ? ` × ${turns} turns` : ''}) × ${Math.round(mean)} output tokens`,
  };
}

/**
 * Microseconds one decode step (one sequence, one iteration) of a serving simulation takes, prefills and
 * scheduling included: bench/work.bench.ts measures 0.04–0.25 at the defaults and 0.48 for 16-wide groups.
 */
export const DECODE_STEP_US = 0.5;

/**
 * The work of `sequences` simulations' worth of decoding over one input: `sequences` is the sum, over the
 * simulations run, of the sequences each request decodes (1, n samples or k beams).
 */
export function servingWork(
  input: { outputTokens: number; text: string },
  sequences: number,
  simulations: string,
  lower: string,
): WorkEstimate {
  return {
    units: input.outputTokens * sequences,
    what: 'decode steps',
    formula: `${input.text} × ${simulations}`,
    unitCostUs: DECODE_STEP_US,
    lower,
  };
}
