// The kernel panel of the LLM serving view: for a chosen sequence of the recorded iteration, the physical
// blocks the paged-attention kernel (webgpu/pagedAttention) reads, in order, animated as it runs —
// logical block 0 first, each gathered through the block table from wherever it sits in the pool.
import { timer } from 'd3-timer';
import { useEffect, useMemo, useRef, useState } from 'react';
import type { KvViewModel } from '../../../core/kv/view';
import { ownerColor, prepCanvas } from './draw';
import './kernelPanel.css';
import { useElementSize } from '../../components/useElementSize';

interface Seq {
  slot: number;
  group: number;
  tokens: number;
  blocks: number[];
}

/** The GPU-resident sequences of `frame` with their block tables (the kernel's gather lists). */
export function frameSequences(v: KvViewModel, frame: number): Seq[] {
  const out: Seq[] = [];
  for (let i = v.seqStart[frame]!; i < v.seqStart[frame + 1]!; i++) {
    if (v.seqOnCpu[i]) continue;
    const n = Math.ceil(v.seqTokens[i]! / v.blockSize);
    const table = Array.from(v.tableData.subarray(v.tableStart[i]!, v.tableStart[i + 1]!));
    out.push({
      slot: v.seqSlot[i]!,
      group: v.seqGroup[i]!,
      tokens: v.seqTokens[i]!,
      blocks: table.slice(0, n),
    });
  }
  return out;
}

/** Blocks read per second of animation. */
const BLOCKS_PER_S = 6;
/** The pool map's height when its wrap has none to give (it takes the panel's spare height, up to 120 px). */
const MAP_H = 120;
/** Blocks the strip shows: a window that follows the kernel, so the current block is always in view. */
const STRIP_WINDOW = 10;

const KERNEL_NOTE =
  'one workgroup per (sequence, head) gathers K/V block by block through the table into an online softmax; ' +
  'run it as experiment gpu-paged-attention';

/** `playing`: the walk moves only while the view plays; paused, it holds where it is (a paused view draws nothing). */
export function KernelPanel({
  view,
  frame,
  playing,
}: {
  view: KvViewModel;
  frame: number;
  playing: boolean;
}) {
  const seqs = useMemo(() => frameSequences(view, frame), [view, frame]);
  const [chosen, setChosen] = useState<number | null>(null);
  const seq =
    seqs.find((s) => s.slot === chosen) ??
    seqs.reduce<Seq | undefined>((a, s) => (!a || s.tokens > a.tokens ? s : a), undefined);
  const [step, setStep] = useState(0);
  const mapRef = useRef<HTMLCanvasElement>(null);
  // The map takes its box's size, and redraws when the box changes (a resized window while paused).
  const [mapBox, mapWrap] = useElementSize({ width: 220, height: MAP_H });
  const n = seq?.blocks.length ?? 0;
  const key = seq ? `${seq.slot}:${seq.blocks.join(',')}` : '';

  // The kernel's walk: one logical block after another, then a pause on the finished read, then again. A new
  // sequence starts it over; pausing holds it, and playing on continues from where it held.
  const held = useRef(0);
  held.current = step;
  useEffect(() => setStep(0), [key]);
  useEffect(() => {
    if (n === 0 || !playing) return;
    const from = held.current;
    const t = timer((elapsed) => setStep((from + Math.floor((elapsed / 1000) * BLOCKS_PER_S)) % (n + 3)));
    return () => t.stop();
  }, [key, n, playing]);

  const at = Math.min(step, n - 1);
  const done = step >= n;

  useEffect(() => {
    const c = mapRef.current;
    const w = mapBox.width;
    const h = Math.max(16, Math.min(MAP_H, mapBox.height));
    const ctx = c ? prepCanvas(c, w, h) : null;
    if (!ctx || !seq) return;
    const nb = view.numBlocks;
    const cols = Math.max(1, Math.ceil(Math.sqrt((nb * w) / h)));
    const cell = Math.max(1, Math.min(w / cols, h / Math.ceil(nb / cols)));
    const gap = cell > 3 ? 1 : 0;
    const x = (b: number) => (b % cols) * cell;
    const y = (b: number) => Math.floor(b / cols) * cell;
    ctx.clearRect(0, 0, w, h);
    ctx.fillStyle = '#1b2230';
    for (let b = 0; b < nb; b++) ctx.fillRect(x(b), y(b), cell - gap, cell - gap);
    const upto = done ? n - 1 : at;
    // The gather's path through the pool: consecutive logical blocks joined, so jumps show.
    ctx.strokeStyle = 'rgba(255, 225, 77, 0.45)';
    ctx.lineWidth = 1;
    ctx.beginPath();
    for (let i = 0; i <= upto; i++) {
      const b = seq.blocks[i]!;
      ctx.lineTo(x(b) + cell / 2, y(b) + cell / 2);
    }
    ctx.stroke();
    ctx.fillStyle = ownerColor(seq.group);
    for (let i = 0; i <= upto; i++) {
      const b = seq.blocks[i]!;
      ctx.fillRect(x(b) - 1, y(b) - 1, cell + 2, cell + 2);
    }
    if (!done && n > 0) {
      const b = seq.blocks[at]!;
      ctx.strokeStyle = '#ffe14d';
      ctx.lineWidth = 2;
      ctx.strokeRect(x(b) - 2, y(b) - 2, cell + 3, cell + 3);
    }
  }, [view, seq, at, done, n, mapBox]);

  if (!seq) {
    return (
      <aside className="kv-kernel" data-testid="kv-kernel-panel">
        <div className="kv-label">paged-attention kernel</div>
        <p className="muted">no sequence is on the GPU in this iteration</p>
      </aside>
    );
  }
  const block = seq.blocks[at]!;
  const ref = view.blockRef[frame * view.numBlocks + block] ?? 0;
  const stripFrom = Math.max(0, Math.min(at - 3, n - STRIP_WINDOW));
  const t0 = at * view.blockSize;
  const t1 = Math.min(seq.tokens, t0 + view.blockSize) - 1;
  return (
    <aside className="kv-kernel" data-testid="kv-kernel-panel">
      <div className="kv-label">paged-attention kernel · blocks read for</div>
      <select
        data-testid="kv-kernel-seq"
        value={seq.slot}
        onChange={(e) => setChosen(Number(e.target.value))}
        aria-label="sequence"
      >
        {seqs.map((s) => (
          <option key={s.slot} value={s.slot}>
            req {s.group} · seq {s.slot} · {s.tokens} tok
          </option>
        ))}
      </select>
      <div className="kv-kernel-now" data-testid="kv-kernel-step">
        {/* Two lines that never wrap further, so the text cannot run into the labels below. */}
        {done ? (
          <>
            <div>read {n} blocks in table order</div>
            <div>→ softmax normalised, output written</div>
          </>
        ) : (
          <>
            <div>
              reads #{block} (logical {at} of {n})
            </div>
            <div>
              tokens {t0}–{t1}
              {ref > 1 ? ` · shared, ref ${ref}` : ''}
            </div>
          </>
        )}
      </div>
      <div className="kv-kernel-strip" data-testid="kv-kernel-blocks">
        {stripFrom > 0 && (
          <span className="muted" title={`${stripFrom} blocks read before these`}>
            …
          </span>
        )}
        {seq.blocks.slice(stripFrom, stripFrom + STRIP_WINDOW).map((b, k) => {
          const i = stripFrom + k;
          return (
            <span
              key={i}
              className={i === at && !done ? 'kv-k-cur' : i < at || done ? 'kv-k-read' : ''}
              title={`logical ${i} → physical ${b}`}
            >
              {b}
            </span>
          );
        })}
        {n > stripFrom + STRIP_WINDOW && <span className="muted">+{n - stripFrom - STRIP_WINDOW}</span>}
      </div>
      <div className="kv-label">where they sit in the pool ({view.numBlocks} blocks)</div>
      <div className="kv-canvas-wrap kv-kernel-map" ref={mapWrap}>
        <canvas ref={mapRef} data-testid="kv-kernel-map" />
      </div>
      <div className="muted kv-kernel-note" title={KERNEL_NOTE}>
        {KERNEL_NOTE}
      </div>
    </aside>
  );
}
