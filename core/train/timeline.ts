// One training iteration on one machine's network link, and how checkpoint traffic shares it (Gemini §5,
// "traffic interleaving"). ZeRO-3 runs one phase per layer forward (all-gather the layer's FP16
// parameters while computing) and one per layer backward (all-gather again and reduce-scatter the
// gradients), then the optimizer step; each phase lasts as long as the longer of its compute and its
// collective traffic, so the link idles for the rest of a compute-bound phase. Checkpoint traffic — each
// machine sends its shard to the m − 1 other holders — is scheduled three ways:
// - blocking: after the iteration, stalling training until it is sent;
// - naive: the whole shard at once at iteration start into the receiver's GPU memory, sharing the link
//   fairly with training traffic; the receiver needs a GPU buffer the size of what it receives;
// - interleaved: cut into chunks that fit a small GPU buffer and sent only in the idle gaps (Gemini's
//   online profiling learns them in the first iterations; here the gaps repeat exactly, so the profile is
//   them). A checkpoint may then span several iterations: ASSUMPTION: the sender sends from the snapshot it
//   keeps in its own CPU memory, so the state does not change under it.
import { GB, MACHINE, collectiveSeconds, computeSeconds, shardBytes } from './setup';
import type { TrainSetup } from './setup';

export const SCHEMES = ['blocking', 'naive', 'interleaved'] as const;
export type Scheme = (typeof SCHEMES)[number];

/** A100-40GB HBM2 bandwidth 1,555 GB/s (NVIDIA A100 datasheet): the optimizer step is memory bound. */
const HBM_GBPS = 1555;
/** Adam reads and writes the FP32 states and FP16 weights: 16 bytes per parameter each way (ZeRO §3.1). */
const OPTIMIZER_BYTES_PER_PARAM = 2 * 16;

export interface Phase {
  label: string;
  computeS: number;
  /** Training collective seconds on the link at full bandwidth. */
  commS: number;
}

export function iterationPhases(s: TrainSetup): Phase[] {
  const compute = computeSeconds(s);
  const collective = collectiveSeconds(s);
  const phases: Phase[] = [];
  for (let l = 0; l < s.layers; l++)
    phases.push({ label: `fwd ${l + 1}`, computeS: compute / 3 / s.layers, commS: collective / s.layers });
  for (let l = s.layers; l > 0; l--)
    phases.push({
      label: `bwd ${l}`,
      computeS: (2 * compute) / 3 / s.layers,
      commS: (2 * collective) / s.layers,
    });
  const stateBytesPerGpu = (s.paramsB * 1e9 * OPTIMIZER_BYTES_PER_PARAM) / (s.machines * MACHINE.gpus);
  phases.push({ label: 'optimizer', computeS: stateBytesPerGpu / (HBM_GBPS * GB), commS: 0 });
  return phases;
}

/** A stretch of the link or the GPUs in one iteration, in seconds from its start. */
export interface Segment {
  start: number;
  end: number;
  kind: 'compute' | 'train' | 'checkpoint';
}

export interface SchemeTimeline {
  scheme: Scheme;
  /** Seconds of the iteration that carries (the first part of) a checkpoint. */
  iterationS: number;
  /** The same iteration with no checkpoint traffic. */
  baselineS: number;
  /** Iterations one checkpoint takes to send (interleaved may spread it; the others send it in one). */
  iterationsPerCheckpoint: number;
  /** GPU memory each receiving GPU must hold for incoming checkpoint data, bytes. */
  gpuBufferBytes: number;
  oom: boolean;
  compute: Segment[];
  link: Segment[];
}

export interface CheckpointTraffic {
  replicas: number;
  /** Per-GPU receive buffer for chunks (interleaved, blocking), bytes. */
  chunkBytesPerGpu: number;
  /** GPU memory left free by training on each GPU, bytes. */
  gpuSpareBytes: number;
}

/** Seconds of checkpoint traffic each machine sends per checkpoint at full link bandwidth. */
export function checkpointSendSeconds(s: TrainSetup, replicas: number): number {
  return ((replicas - 1) * shardBytes(s)) / (MACHINE.networkGBps * GB);
}

export function schemeTimeline(s: TrainSetup, t: CheckpointTraffic, scheme: Scheme): SchemeTimeline {
  const phases = iterationPhases(s);
  const send = checkpointSendSeconds(s, t.replicas);
  // A chunk never holds more than one checkpoint's worth of data per receiving GPU.
  const chunkBytes = Math.min(t.chunkBytesPerGpu, ((t.replicas - 1) * shardBytes(s)) / MACHINE.gpus);
  const chunkS = (chunkBytes * MACHINE.gpus) / (MACHINE.networkGBps * GB);
  const run =
    scheme === 'naive'
      ? shared(phases, send)
      : interleave(phases, scheme === 'interleaved' ? send : 0, chunkS);
  const perIteration = send - run.left;
  // Blocking sends it all after the iteration; naive what sharing left; interleaved spreads the rest over
  // the next iterations' gaps, and blocks only when no gap fits even one chunk.
  const tail = scheme === 'blocking' ? send : scheme === 'naive' || perIteration === 0 ? run.left : 0;
  const baselineS = phases.reduce((a, p) => a + Math.max(p.computeS, p.commS), 0);
  if (tail > 0) run.link.push({ start: run.end, end: run.end + tail, kind: 'checkpoint' });
  const gpuBufferBytes = scheme === 'naive' ? ((t.replicas - 1) * shardBytes(s)) / MACHINE.gpus : chunkBytes;
  return {
    scheme,
    iterationS: run.end + tail,
    baselineS,
    iterationsPerCheckpoint: tail === 0 && send > 0 ? Math.ceil(send / perIteration - 1e-9) : 1,
    gpuBufferBytes,
    oom: gpuBufferBytes > t.gpuSpareBytes,
    compute: run.compute,
    link: run.link,
  };
}

interface Run {
  end: number;
  /** Checkpoint seconds not sent inside the phases. */
  left: number;
  compute: Segment[];
  link: Segment[];
}

/** Phases in order; whole chunks of checkpoint traffic go into each phase's idle link time (none if send = 0). */
function interleave(phases: readonly Phase[], send: number, chunkS: number): Run {
  const out: Run = { end: 0, left: send, compute: [], link: [] };
  for (const p of phases) {
    const start = out.end;
    const end = start + Math.max(p.computeS, p.commS);
    out.compute.push({ start, end: start + p.computeS, kind: 'compute' });
    if (p.commS > 0) out.link.push({ start, end: start + p.commS, kind: 'train' });
    const chunks =
      chunkS > 0 ? Math.min(Math.floor((end - start - p.commS) / chunkS), Math.ceil(out.left / chunkS)) : 0;
    if (chunks > 0 && out.left > 0) {
      const sent = Math.min(out.left, chunks * chunkS);
      out.link.push({ start: start + p.commS, end: start + p.commS + sent, kind: 'checkpoint' });
      out.left -= sent;
    }
    out.end = end;
  }
  return out;
}

/**
 * Naive: the checkpoint flow starts with the iteration and shares the link fairly (half each) with any
 * training collective until one of them is done; alone, either gets the whole link.
 */
function shared(phases: readonly Phase[], send: number): Run {
  const out: Run = { end: 0, left: send, compute: [], link: [] };
  for (const p of phases) {
    const start = out.end;
    const both = Math.min(p.commS, out.left);
    const commDone = both === p.commS ? 2 * both : 2 * both + (p.commS - both);
    const end = start + Math.max(p.computeS, commDone);
    out.compute.push({ start, end: start + p.computeS, kind: 'compute' });
    if (p.commS > 0) out.link.push({ start, end: start + commDone, kind: 'train' });
    const alone = Math.min(out.left - both, end - start - commDone);
    const sent = both + Math.max(0, alone);
    if (sent > 0)
      out.link.push({
        start,
        end: start + (both === p.commS ? commDone + Math.max(0, alone) : 2 * both),
        kind: 'checkpoint',
      });
    out.left -= sent;
    out.end = end;
  }
  return out;
}
