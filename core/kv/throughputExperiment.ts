// kv-throughput (§6.2, Fig. 12/13): normalized latency vs request rate per policy, the highest rate each
// policy sustains under a latency threshold, and the mean batch size at one rate.
import { defineExperiment } from '../experiments/types';
import type { ChartSpec, Comparison, Result } from '../experiments/types';
import { round } from '../kernel/numbers';
import {
  PAPER,
  checkRequests,
  blockSizeParam,
  makeRequests,
  overheadParam,
  policiesParam,
  runOne,
  servingInput,
  servingWork,
  workloadParams,
} from './servingParams';
import type { Policy } from './serving/simulator';

const params = {
  ...workloadParams('sharegpt', 2, 300, 'Rate for the batch-size metric'),
  blockSize: blockSizeParam(),
  policies: policiesParam(['vllm', 'orca-oracle', 'orca-pow2', 'orca-max']),
  pagedOverhead: overheadParam(),
  rateMax: {
    kind: 'number',
    label: 'Highest rate swept',
    help: 'Rates rateMax/points, 2·rateMax/points, …, rateMax.',
    default: 4,
    min: 0.05,
    max: 200,
    unit: 'req/s',
  },
  points: { kind: 'int', label: 'Rates swept', default: 8, min: 2, max: 24 },
  threshold: {
    advanced: true,
    kind: 'number',
    label: 'Latency threshold',
    help: 'max-rate.<p> is the highest rate whose mean normalized latency stays under this (linear interpolation between swept rates).',
    default: 0.1,
    min: 0.001,
    max: 100,
    unit: 's/token',
  },
} as const;

/** §6.2 (ShareGPT): vLLM's request-rate ratio over each Orca variant for which the text gives one. */
const SECTION_6_2_RATE_RATIOS: readonly [Policy, number, number][] = [
  ['orca-oracle', 1.7, 2.7],
  ['orca-max', 2.7, 8],
];

/** Fig. 13a (OPT-13B, ShareGPT, 2 req/s): mean batched requests, printed on the bars. */
const FIG_13A: Partial<Record<Policy, number>> = {
  vllm: 30.42,
  'orca-oracle': 13.62,
  'orca-pow2': 9.81,
  'orca-max': 7.0,
};

const POLICY_NAME: Record<string, string> = {
  vllm: 'vLLM',
  'orca-oracle': 'Orca (Oracle)',
  'orca-pow2': 'Orca (Pow2)',
  'orca-max': 'Orca (Max)',
};

/** The rate at which `lat(rate)` crosses `threshold`, interpolated between swept points (0 if never under). */
export function maxRateUnder(points: readonly [number, number][], threshold: number): number {
  let best = 0;
  for (let i = 0; i < points.length; i++) {
    const [r, l] = points[i]!;
    if (l <= threshold) {
      best = r;
      continue;
    }
    if (i > 0 && points[i - 1]![1] <= threshold) {
      const [r0, l0] = points[i - 1]!;
      best = r0 + ((threshold - l0) / (l - l0)) * (r - r0);
    }
    break;
  }
  return best;
}

export const kvThroughput = defineExperiment({
  id: 'kv-throughput',
  title: 'Serving throughput: normalized latency vs request rate',
  paper: PAPER,
  figure: 'Fig. 12, Fig. 13 (§6.2)',
  description:
    'For each policy and each swept rate a fresh Poisson trace (same seed stream) is served to completion; normalized ' +
    'latency = mean over requests of end-to-end latency / output length (§6.1). max-rate.<p> is where that curve crosses ' +
    'the threshold (interpolated), the paper’s notion of sustainable throughput: the highest rate before the latency ' +
    'shoots up. mean-batched-requests.<p> is the time-averaged number of requests in the running batch at `rate` ' +
    '(Fig. 13). The sweep’s stops* columns count scheduling steps that left the head of the queue waiting, by cause: ' +
    'KV memory, max_num_seqs (256) or the per-step prompt budget max_num_batched_tokens (2560). Orca reserves its ' +
    'memory up front (2048 slots, prompt + pow2(output), or prompt + output for Oracle), contiguous, placed by a buddy ' +
    'allocator as in §6.1, so a reservation occupies the next power of two. Iteration time comes from the roofline ' +
    'cost model (dense part bound by weight reads at small batches, attention by KV reads; paged kernel +20%) plus ' +
    '4 ms of CPU work per iteration (vLLM RFC #6854’s measured GPU bubble per step; cost.ts); Orca ' +
    'runs the same scheduler with a contiguous kernel, so it differs only in memory and in that overhead. ' +
    'DEVIATION: the default trace is 300 s of arrivals (the paper uses 1 hour) so the sweep stays interactive; set ' +
    'duration=3600 for the paper’s length. The curves’ knees move earlier with longer traces because queues build longer. ' +
    'Measured at the defaults (300 s of arrivals, seed 1, OPT-13B, ShareGPT): max-rate vLLM 2.59, Orca (Oracle) 1.40, ' +
    'Orca (Pow2) 1.10, Orca (Max) 0.65 req/s, so vLLM sustains 1.85× Oracle and 4.00× Max vs the published ' +
    '1.7–2.7× and 2.7–8× (§6.2); seeds 2 and 3: 2.09× / 1.99× Oracle, 4.12× / 3.88× Max. With duration=3600 (seed 1): ' +
    'vLLM 2.01, Oracle 1.01, Pow2 0.91, Max 0.51 req/s, i.e. 1.98× Oracle and 3.95× Max. ' +
    'What limits each at its max rate: memory, ' +
    'for every policy — vLLM runs out of free blocks (≈27–29 requests batched; recompute preemptions start near the ' +
    'knee), Orca (Oracle) out of buddy chunks (≈12–13 requests); max_num_seqs never binds ' +
    'and the prompt budget almost never. Why the ratio sits at the low end: at saturation vLLM batches ≈2.2× as many requests, but ' +
    'a bigger batch reads proportionally more KV per iteration and the paged kernel adds 20% to attention, so its ' +
    'iterations are slower and the throughput gain is below the batch gain. The 0.5 req/s steps move the ratio by ' +
    'less than 0.02 here (checked against a 0.1 req/s sweep); the ratio also depends on the threshold and on the ' +
    'synthetic length distributions. GAP (Fig. 13a): at 2 req/s vLLM batches 19.8 requests here (Orca Oracle 12.4) vs ' +
    'the published 30.42 (13.62): 2 req/s is below this model’s knee (2.6 req/s) while the paper’s vLLM is near ' +
    'saturation there; by Little’s law 30.42 requests at 2 req/s means ≈15 s per request, ≈44 ms per iteration over ' +
    '338 output tokens, against ≈30 ms here. Still missing: per-sequence CPU costs of vLLM 0.1 (Python sampling and ' +
    'bookkeeping per sequence), for which no measurement was found; only the fixed 4 ms per iteration is modelled.',
  comparisonNote:
    'Compared only where §6.2 or Fig. 13a gives a number for the same setup. §6.2 states request-rate ratios for ' +
    'ShareGPT only against Orca (Oracle) (1.7–2.7×) and Orca (Max) (2.7–8×), each a range over OPT-13B/66B/175B; one ' +
    'model is measured here, so the ends are bounds, not targets (Fig. 12’s per-model knees are not printed). §6.2 ' +
    'gives no ratio for Orca (Pow2), so max-rate.orca-pow2 is not compared; Pow2 is compared through its Fig. 13a bar ' +
    '(9.81 batched requests, OPT-13B, ShareGPT, 2 req/s), as are the other three bars, and only at that setup. The ' +
    'abstract’s 2–4× is over Orca and FasterTransformer together and is not compared.',
  params,
  check(p) {
    return checkRequests(
      Math.max(p.rate, p.rateMax),
      p.duration,
      p.rateMax >= p.rate ? 'rateMax' : 'rate',
    ) as { field: keyof typeof params & string; reason: string } | undefined;
  },
  work(p) {
    const n = p.policies.length;
    if (p.workload === 'trace') {
      const input = servingInput(p.workload, p.rate, p.duration, p.trace);
      return servingWork(
        input,
        n * (p.points + 1),
        `${n} policies × ${p.points + 1} rates`,
        'points or policies, or use a shorter trace',
      );
    }
    // The sweep's rates rateMax·i/points (i = 1..points) and rate itself, each for `duration`.
    const rates = (p.rateMax * (p.points + 1)) / 2 + p.rate;
    const input = servingInput(p.workload, rates, p.duration, '');
    return servingWork(input, n, `${n} policies`, 'duration, rateMax, points or policies');
  },
  async run(p, ctx) {
    const policies = [...p.policies] as Policy[];
    const rates = Array.from({ length: p.points }, (_, i) => round((p.rateMax * (i + 1)) / p.points, 6));
    const units = policies.length * (rates.length + 1);
    const curves: Record<string, [number, number][]> = {};
    const rows: (string | number)[][] = [];
    const metrics: Record<string, number> = {};
    const traces = rates.map((rate) => makeRequests(ctx, p.workload, rate, p.duration, p.trace, true));
    const atRate = makeRequests(ctx, p.workload, p.rate, p.duration, p.trace, true);
    let u = 0;
    for (const policy of policies) {
      const pts: [number, number][] = [];
      for (let i = 0; i < rates.length; i++) {
        const r = await runOne(
          ctx,
          traces[i]!,
          { model: p.model, blockSize: p.blockSize, policy, pagedOverhead: p.pagedOverhead },
          u / units,
          (u + 1) / units,
          `${policy} @ ${rates[i]} req/s`,
        );
        u++;
        pts.push([rates[i]!, round(r.meanNormLatencyS)]);
        rows.push([
          policy,
          rates[i]!,
          round(r.meanNormLatencyS),
          round(r.meanBatchedRequests, 3),
          r.preemptions,
          r.finished,
          r.admissionStops.memory,
          r.admissionStops.maxNumSeqs,
          r.admissionStops.maxBatchedTokens,
        ]);
      }
      curves[policy] = pts;
      metrics[`max-rate.${policy}`] = round(maxRateUnder(pts, p.threshold), 4);
      const r = await runOne(
        ctx,
        atRate,
        { model: p.model, blockSize: p.blockSize, policy, pagedOverhead: p.pagedOverhead },
        u / units,
        (u + 1) / units,
        `${policy} @ ${p.rate} req/s`,
      );
      u++;
      metrics[`mean-batched-requests.${policy}`] = round(r.meanBatchedRequests, 3);
      metrics[`norm-latency-at-rate.${policy}`] = round(r.meanNormLatencyS);
    }
    const comparisons: Comparison[] = [];
    // §6.2's request-rate ratios are ShareGPT results on the OPT models of Fig. 12 (13B, 66B, 175B): compared
    // only for those, each against both ends of the published range.
    const v = metrics['max-rate.vllm'];
    if (p.workload === 'sharegpt' && p.model.startsWith('opt-') && v !== undefined) {
      for (const [other, lo, hi] of SECTION_6_2_RATE_RATIOS) {
        const o = metrics[`max-rate.${other}`];
        if (o === undefined || o <= 0) continue;
        const ratio = round(v / o, 4);
        for (const [end, pub] of [
          ['low', lo],
          ['high', hi],
        ] as const) {
          comparisons.push({
            metric: `max-rate.vllm / max-rate.${other} (${end} end)`,
            published: pub,
            measured: ratio,
            source: `§6.2, Fig. 12: on ShareGPT vLLM sustains ${lo}×–${hi}× the request rate of ${POLICY_NAME[other]} (range over OPT-13B/66B/175B)`,
          });
        }
      }
    }
    // Fig. 13a: batched requests for OPT-13B on ShareGPT at 2 req/s, the bars' printed values.
    if (p.workload === 'sharegpt' && p.model === 'opt-13b' && p.rate === 2) {
      for (const policy of policies) {
        const pub = FIG_13A[policy];
        const m = metrics[`mean-batched-requests.${policy}`];
        if (pub === undefined || m === undefined) continue;
        comparisons.push({
          metric: `mean-batched-requests.${policy}`,
          published: pub,
          measured: m,
          source: `Fig. 13a (§6.2): mean batched requests of ${POLICY_NAME[policy]}, OPT-13B, ShareGPT at 2 req/s (bar label; §6.2: vLLM batches 2.2× Orca (Oracle), 4.3× Orca (Max))`,
        });
      }
    }
    return {
      metrics,
      tables: {
        sweep: {
          columns: [
            'policy',
            'rate',
            'normLatencyS',
            'meanBatchedRequests',
            'preemptions',
            'finished',
            'stopsMemory',
            'stopsMaxNumSeqs',
            'stopsMaxBatchedTokens',
          ],
          rows,
        },
      },
      comparisons,
    };
  },
  charts(result: Result): ChartSpec[] {
    const t = result.tables.sweep;
    if (!t) return [];
    const byPolicy = new Map<string, [number, number][]>();
    const batch = new Map<string, [number, number][]>();
    for (const r of t.rows) {
      const k = String(r[0]);
      if (!byPolicy.has(k)) {
        byPolicy.set(k, []);
        batch.set(k, []);
      }
      byPolicy.get(k)!.push([Number(r[1]), Number(r[2])]);
      batch.get(k)!.push([Number(r[1]), Number(r[3])]);
    }
    // As in Fig. 12, the latency axis stops a little above the threshold: beyond the knee latencies explode.
    const threshold = Number(result.params.threshold ?? 0.1);
    const cap = 5 * threshold;
    return [
      {
        kind: 'line',
        title: `Normalized latency vs rate (≤ ${cap.toPrecision(2)} s/token shown)`,
        x: { label: 'request rate (req/s)' },
        y: { label: 'normalized latency (s/token)', min: 0, max: cap },
        series: [...byPolicy].map(([name, points]) => ({ name, points: points.filter(([, l]) => l <= cap) })),
      },
      {
        kind: 'line',
        title: 'Mean batched requests vs request rate',
        x: { label: 'request rate (req/s)' },
        y: { label: 'requests in the batch', min: 0 },
        series: [...batch].map(([name, points]) => ({ name, points })),
      },
    ];
  },
});
