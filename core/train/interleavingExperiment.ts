// train-interleaving: what checkpoint traffic costs a training iteration when it is sent after the
// iteration (blocking), all at once beside training traffic (naive), or in chunks in the idle gaps
// (Gemini's interleaving, §5).
import { defineExperiment } from '../experiments/types';
import type { ChartSpec, Result } from '../experiments/types';
import { round } from '../kernel/numbers';
import { bufferParams, checkHostMemory, checkReplicas, clusterParams, modelParams, setupOf } from './params';
import { GEMINI_PAPER, shardBytes } from './setup';
import { SCHEMES, checkpointSendSeconds, iterationPhases, schemeTimeline } from './timeline';
import type { CheckpointTraffic, SchemeTimeline } from './timeline';
import type { ParamsOf } from '../experiments/types';

const params = { ...clusterParams, ...modelParams, ...bufferParams } as const;

export function trafficOf(p: ParamsOf<typeof params>): CheckpointTraffic {
  return { replicas: p.replicas, chunkBytesPerGpu: p.bufferMB * 1e6, gpuSpareBytes: p.gpuSpareGB * 1e9 };
}

export function timelines(p: ParamsOf<typeof params>): SchemeTimeline[] {
  const s = setupOf(p);
  return SCHEMES.map((scheme) => schemeTimeline(s, trafficOf(p), scheme));
}

export const trainInterleaving = defineExperiment({
  id: 'train-interleaving',
  title: 'Checkpoint traffic beside training traffic: blocking, naive and interleaved',
  paper: GEMINI_PAPER,
  figure: '§5 (traffic interleaving) and its evaluation of iteration time',
  description:
    'One iteration of ZeRO-3 training on one machine’s 400 Gbps link: per layer, a forward phase (all-gather of the layer’s FP16 parameters) ' +
    'and a backward phase (all-gather and reduce-scatter), each as long as the longer of its compute (6 FLOPs per parameter per token at the MFU of ' +
    '312 TFLOPS per A100) and its collective ((N−1)/N of 2 bytes per parameter through the NIC per collective); then the optimizer step (memory bound). ' +
    'Each iteration every machine sends its shard ((12 bytes per parameter)/N) to its m − 1 peers. blocking sends it after the iteration; ' +
    'naive sends it whole at iteration start, sharing the link fairly with training traffic, into a receive buffer of the whole shard per GPU ' +
    '(oom = 1 when that exceeds the spare GPU memory; its slowdown is what it would cost if memory allowed); interleaved cuts it into chunks of the ' +
    'GPU receive buffer and sends whole chunks only in idle link time, spreading a checkpoint over more iterations when the gaps are too short. ' +
    'ASSUMPTION: the gaps repeat exactly from iteration to iteration, so Gemini’s online profile of them is exact; no GPU→CPU copy limits the buffer (PCIe 25 GB/s per GPU drains faster than the 6.25 GB/s each GPU receives).',
  comparisonNote:
    'The paper’s claims are qualitative (unchanged iteration time, a checkpoint every iteration, no out-of-memory with interleaving where the naive scheme fails); they are shown as 0, 1 and 1. No per-scheme times are read off its figures.',
  params,
  check: (p) => checkReplicas(p) ?? checkHostMemory(p),
  work(p) {
    return {
      units: 2 * p.layers + 1,
      what: 'timeline phases',
      formula: `(2 × ${p.layers} layers + 1) phases`,
      unitCostUs: 5,
      lower: 'layers',
    };
  },
  async run(p) {
    const all = timelines(p);
    const s = setupOf(p);
    const metrics: Record<string, number> = {};
    for (const t of all) {
      metrics[`iteration-slowdown.${t.scheme}`] = round(t.iterationS / t.baselineS - 1, 6);
      metrics[`gpu-buffer-gb.${t.scheme}`] = round(t.gpuBufferBytes / 1e9, 4);
      metrics[`oom.${t.scheme}`] = t.oom ? 1 : 0;
      metrics[`checkpoint-iterations.${t.scheme}`] = t.iterationsPerCheckpoint;
    }
    const phases = iterationPhases(s);
    const idle = phases.reduce((a, ph) => a + Math.max(0, ph.computeS - ph.commS), 0);
    metrics['iteration-seconds.no-checkpoint'] = round(all[0]!.baselineS, 4);
    metrics['link-idle-seconds'] = round(idle, 4);
    metrics['checkpoint-send-seconds'] = round(checkpointSendSeconds(s, p.replicas), 4);
    metrics['shard-gb'] = round(shardBytes(s) / 1e9, 4);
    return {
      metrics,
      tables: {
        schemes: {
          columns: ['scheme', 'iteration s', 'slowdown', 'GPU buffer GB', 'oom', 'iterations per checkpoint'],
          rows: all.map((t) => [
            t.scheme,
            round(t.iterationS, 3),
            round(t.iterationS / t.baselineS - 1, 4),
            round(t.gpuBufferBytes / 1e9, 3),
            t.oom ? 'yes' : 'no',
            t.iterationsPerCheckpoint,
          ]),
        },
      },
      comparisons: [
        {
          metric: 'iteration-slowdown.interleaved',
          published: 0,
          measured: metrics['iteration-slowdown.interleaved']!,
          source: 'Gemini §7: checkpoints in CPU memory without slowing training (iteration time unchanged)',
        },
        {
          metric: 'checkpoint-iterations.interleaved',
          published: 1,
          measured: metrics['checkpoint-iterations.interleaved']!,
          source: 'Gemini §7: a checkpoint every iteration',
        },
        {
          metric: 'oom.naive',
          published: 1,
          measured: metrics['oom.naive']!,
          source:
            'Gemini §7: sending whole checkpoints to GPU memory runs out of memory; interleaving does not',
        },
      ],
    };
  },
  charts(result: Result): ChartSpec[] {
    const t = result.tables.schemes;
    if (!t) return [];
    return [
      {
        kind: 'bar',
        title: 'Iteration time over a no-checkpoint iteration',
        y: { label: 'slowdown', format: 'percent' },
        stacked: false,
        // A scheme that runs out of GPU memory says so in its label: its slowdown is what it would cost if it fit.
        categories: t.rows.map((r) => (r[4] === 'yes' ? `${r[0]} (out of GPU memory)` : String(r[0]))),
        segments: [{ name: 'slowdown', values: t.rows.map((r) => Number(r[2])) }],
      },
      {
        kind: 'bar',
        title: 'GPU memory each receiving GPU holds for checkpoint data',
        y: { label: 'GB', format: 'number' },
        stacked: false,
        categories: t.rows.map((r) => String(r[0])),
        segments: [{ name: 'GPU buffer (GB)', values: t.rows.map((r) => Number(r[3])) }],
      },
    ];
  },
});
