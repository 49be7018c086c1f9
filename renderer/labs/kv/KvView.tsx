// The kv lab's block-table view: streams a recorded run from the worker (core/kv/view.ts, chunks of iterations as
// the simulation produces them) and plays it on canvases — the physical block grid, the CPU swap area, the free
// stack, the memory breakdown — from the first chunk on, with timeline controls whose reach grows as frames
// arrive and a hover card (owners, ref count, hash chain). d3-timer drives playback; d3-ease fades the outlines.
import { easeCubicOut } from 'd3-ease';
import { timer } from 'd3-timer';
import { useEffect, useMemo, useRef, useState } from 'react';
import { KvRecording } from '../../../core/kv/view';
import type { KvViewModel } from '../../../core/kv/view';
import { labClient } from '../../worker/client';
import { useElementSize } from '../../components/useElementSize';
import { usePlayback } from '../../components/usePlayback';
import type { LabViewProps } from '../views';
import {
  FLAG_PREFIX,
  cellAt,
  drawFreeQueue,
  drawGrid,
  drawMemory,
  drawSwap,
  freeQueue,
  gridLayout,
  ownerColor,
  prepCanvas,
} from './draw';
import type { GridLayout } from './draw';
import { KernelPanel } from './KernelPanel';
import { totalFrames } from './playback';
import { gpuSeqs, waitReason } from './waiting';
import './kv.css';

/** Milliseconds from asking for the recording to its first frame and to its end (null until then). */
interface Timing {
  firstFrameMs: number | null;
  completeMs: number | null;
}

type Load =
  | { phase: 'loading' }
  | { phase: 'error'; message: string }
  | { phase: 'ready'; view: KvViewModel; timing: Timing };

const SPEEDS = [1, 2, 4, 8, 16] as const;
/** Frames per second at speed 1×. */
const BASE_FPS = 6;

interface Owner {
  group: number;
  slot: number;
  logical: number;
  tokens: number;
}

/** Sequences of `frame` whose GPU block table maps `block` (scan of that frame's packed tables). */
function ownersOf(v: KvViewModel, frame: number, block: number): Owner[] {
  const out: Owner[] = [];
  for (let i = v.seqStart[frame]!; i < v.seqStart[frame + 1]!; i++) {
    if (v.seqOnCpu[i]) continue;
    for (let j = v.tableStart[i]!; j < v.tableStart[i + 1]!; j++) {
      if (v.tableData[j] === block) {
        out.push({
          group: v.seqGroup[i]!,
          slot: v.seqSlot[i]!,
          logical: j - v.tableStart[i]!,
          tokens: v.seqTokens[i]!,
        });
      }
    }
  }
  return out;
}

/** Every GPU block mapped by the given sequences (slots) in `frame`, each once: what a hover outlines. */
function blocksOfSeqs(v: KvViewModel, frame: number, slots: ReadonlySet<number>): number[] {
  const seen = new Set<number>();
  for (let i = v.seqStart[frame]!; i < v.seqStart[frame + 1]!; i++) {
    if (v.seqOnCpu[i] || !slots.has(v.seqSlot[i]!)) continue;
    for (let j = v.tableStart[i]!; j < v.tableStart[i + 1]!; j++) seen.add(v.tableData[j]!);
  }
  return [...seen];
}

function tableOf(v: KvViewModel, frame: number, slot: number): number[] {
  for (let i = v.seqStart[frame]!; i < v.seqStart[frame + 1]!; i++) {
    if (v.seqSlot[i] === slot)
      return Array.from(v.tableData.subarray(v.tableStart[i]!, v.tableStart[i + 1]!));
  }
  return [];
}

export function KvView({ params, seed, controls }: LabViewProps) {
  const [load, setLoad] = useState<Load>({ phase: 'loading' });
  const [hover, setHover] = useState<{ block: number; x: number; y: number } | null>(null);
  const [{ width: gridW, height: gridH }, gridRef] = useElementSize({ width: 600, height: 300 });
  const gridSize = useMemo(() => ({ w: gridW, h: gridH }), [gridW, gridH]);
  const gridCanvas = useRef<HTMLCanvasElement>(null);
  const swapCanvas = useRef<HTMLCanvasElement>(null);
  const freeCanvas = useRef<HTMLCanvasElement>(null);
  const memCanvas = useRef<HTMLCanvasElement>(null);
  const root = useRef<HTMLElement>(null);
  /** Block-table draws so far, shown as data-renders: a paused view must not draw (e2e). */
  const renders = useRef(0);
  /** The frame whose change outlines are fading and when its fade began. */
  const fade = useRef({ frame: -1, startMs: 0 });
  const view = load.phase === 'ready' ? load.view : null;
  // Playback over the recorded frames: wait at the recording's edge, loop once it is complete.
  const playback = usePlayback({
    end: view?.frames ?? 0,
    rate: BASE_FPS,
    initialSpeed: 2,
    atEnd: view?.complete ? 'loop' : 'hold',
    whole: true,
  });
  const { playing, speed } = playback;
  const frame = Math.floor(playback.time);
  const { setPlaying, seek } = playback;

  // Stream the recording: play from the first chunk. Each stream fills its own KvRecording; new parameters
  // cancel the old stream, and the client drops whatever of it is still on its way.
  const runKey = JSON.stringify([params, seed]);
  useEffect(() => {
    let live = true;
    setLoad({ phase: 'loading' });
    setPlaying(false);
    seek(0);
    const startedMs = performance.now();
    const timing: Timing = { firstFrameMs: null, completeMs: null };
    let recording: KvRecording | null = null;
    const stream = labClient().viewStream('kv', { ...params }, seed, (chunk) => {
      const message = chunk;
      if (message.part === 'header') {
        recording = new KvRecording(message);
        return;
      }
      if (!recording) return;
      try {
        recording.add(message);
      } catch (e) {
        live = false;
        stream.cancel();
        setLoad({ phase: 'error', message: e instanceof Error ? e.message : String(e) });
        return;
      }
      const model = recording.model();
      const nowMs = performance.now() - startedMs;
      if (timing.firstFrameMs === null && model.frames > 0) {
        timing.firstFrameMs = nowMs;
        setPlaying(true);
      }
      if (model.complete) timing.completeMs = nowMs;
      setLoad({ phase: 'ready', view: model, timing: { ...timing } });
    });
    void stream.done.then((outcome) => {
      if (!live || outcome.kind === 'done') return;
      setLoad({
        phase: 'error',
        message: outcome.kind === 'error' ? outcome.message : 'recording cancelled',
      });
    });
    return () => {
      live = false;
      stream.cancel();
    };
    // runKey stands for params and seed (a new object with the same values rebuilds nothing).
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [runKey, setPlaying, seek]);

  const numBlocks = view?.numBlocks ?? 0;
  const layout: GridLayout | null = useMemo(
    () => (numBlocks > 0 ? gridLayout(numBlocks, gridSize.w, gridSize.h) : null),
    [numBlocks, gridSize],
  );

  // The hovered block and every block of the sequences that map it (outlined together in the grid).
  const hoverBlock = hover?.block ?? -1;
  const related = useMemo(() => {
    if (!view || view.frames === 0 || hoverBlock < 0) return [];
    const f = Math.min(frame, view.frames - 1);
    const slots = new Set(ownersOf(view, f, hoverBlock).map((o) => o.slot));
    return blocksOfSeqs(view, f, slots);
  }, [view, frame, hoverBlock]);

  // Redraw on every frame and every new chunk; the change outlines fade out with an eased timer that starts
  // when the frame changes (a chunk arriving or a hover does not restart it).
  useEffect(() => {
    if (!view || !layout || view.frames === 0) return;
    const f = Math.min(frame, view.frames - 1);
    const canvas = gridCanvas.current;
    const ctx = canvas ? prepCanvas(canvas, gridSize.w, gridSize.h) : null;
    if (!ctx) return;
    const fadeMs = Math.max(120, 900 / (playing ? speed : 1));
    if (fade.current.frame !== f) fade.current = { frame: f, startMs: performance.now() };
    const flashAt = () => 1 - easeCubicOut(Math.min(1, (performance.now() - fade.current.startMs) / fadeMs));
    const paint = (flash: number) => {
      drawGrid(ctx, view, f, layout, flash, hoverBlock, related);
      renders.current++;
      if (root.current) root.current.dataset.renders = String(renders.current);
    };
    paint(flashAt());
    const t = timer(() => {
      const flash = flashAt();
      paint(flash);
      if (flash <= 0) t.stop();
    });
    const sc = swapCanvas.current;
    // The swap area and memory chart take the side's spare height (their wraps grow between a min and a max).
    const sw = sc?.parentElement?.clientWidth ?? 200;
    const sh = Math.max(16, sc?.parentElement?.clientHeight ?? 70);
    const sctx = sc ? prepCanvas(sc, sw, sh) : null;
    if (sctx) drawSwap(sctx, view, f, sw, sh);
    const fc = freeCanvas.current;
    const fw = fc?.parentElement?.clientWidth ?? 200;
    const fctx = fc ? prepCanvas(fc, fw, 22) : null;
    if (fctx) drawFreeQueue(fctx, freeQueue(view, f, 40), fw, 22);
    const mc = memCanvas.current;
    const mw = mc?.parentElement?.clientWidth ?? 200;
    const mh = Math.max(16, mc?.parentElement?.clientHeight ?? 80);
    const mctx = mc ? prepCanvas(mc, mw, mh) : null;
    if (mctx) drawMemory(mctx, view, f, mw, mh, totalFrames(view));
    return () => t.stop();
  }, [view, layout, frame, hoverBlock, related, gridSize, playing, speed]);

  if (load.phase === 'loading') {
    return (
      <section className="lab-view kv-view" data-testid="kv-view">
        <header className="kv-bar">{controls}</header>
        <p className="kv-status">Recording a seeded run of the block manager…</p>
      </section>
    );
  }
  if (load.phase === 'error') {
    return (
      <section className="lab-view kv-view" data-testid="kv-view">
        <header className="kv-bar">{controls}</header>
        <p className="kv-status kv-error">The block-table view could not be built: {load.message}</p>
      </section>
    );
  }
  const v = load.view;
  if (v.frames === 0) {
    return (
      <section className="lab-view kv-view" data-testid="kv-view">
        <header className="kv-bar">{controls}</header>
        <p className="kv-status">The run ended before its first iteration: no requests arrived.</p>
      </section>
    );
  }
  const { timing } = load;
  const total = totalFrames(v);
  const f = Math.min(frame, v.frames - 1);
  const waitingForFrames = playing && !v.complete && f === v.frames - 1;
  const used = v.numBlocks - Math.round(v.memFree[f]! / v.blockSize);
  const onMove = (e: React.MouseEvent<HTMLCanvasElement>) => {
    if (!layout) return;
    const r = e.currentTarget.getBoundingClientRect();
    const b = cellAt(layout, v.numBlocks, e.clientX - r.left, e.clientY - r.top);
    setHover(b < 0 ? null : { block: b, x: e.clientX - r.left, y: e.clientY - r.top });
  };
  const hb = hover?.block ?? -1;
  const owners = hb >= 0 ? ownersOf(v, f, hb) : [];
  const base = f * v.numBlocks;
  const prefix =
    hb >= 0 && v.blockFlags[base + hb]! & FLAG_PREFIX
      ? v.prefixes.find((p) => p.blocks.includes(hb))
      : undefined;
  const chainAt = prefix ? prefix.blocks.indexOf(hb) : -1;
  const shownSeq = owners[0];
  const waitWhy = waitReason(v, f);

  return (
    <section
      ref={root}
      className="lab-view kv-view"
      data-testid="kv-view"
      data-first-frame-ms={timing.firstFrameMs?.toFixed(0)}
      data-complete-ms={timing.completeMs?.toFixed(0)}
    >
      <header className="kv-bar">{controls}</header>
      <div className="kv-bar kv-playbar">
        <strong className="kv-title">Block table · vllm on {v.numBlocks} GPU blocks</strong>
        <button type="button" className="small" data-testid="kv-play" onClick={playback.toggle}>
          {playing ? 'Pause' : 'Play'}
        </button>
        <button
          type="button"
          className="small"
          data-testid="kv-step"
          onClick={() => {
            playback.step(Math.min(v.frames - 1, f + 1));
          }}
        >
          Step
        </button>
        <select
          data-testid="kv-speed"
          value={speed}
          onChange={(e) => playback.setSpeed(Number(e.target.value))}
          aria-label="speed"
        >
          {SPEEDS.map((s) => (
            <option key={s} value={s}>
              {s}×
            </option>
          ))}
        </select>
        <span className="kv-scrub">
          <input
            data-testid="kv-scrub"
            type="range"
            min={0}
            max={total - 1}
            value={f}
            aria-label="iteration"
            onChange={(e) => {
              // Only recorded iterations can be reached; the rest of the track fills as frames arrive.
              playback.step(Math.min(Number(e.target.value), v.frames - 1));
            }}
          />
          <span className="kv-scrub-recorded" style={{ width: `${(100 * v.frames) / total}%` }} />
        </span>
        <span className="kv-frame" data-testid="kv-frame">
          iteration {f + 1}/{total} · t={v.timeS[f]!.toFixed(2)} s · {v.kind[f] === 0 ? 'prefill' : 'decode'}
          {waitingForFrames ? ' · waiting for the recording' : ''}
        </span>
        <span
          className={v.complete ? 'kv-recorded' : 'kv-recorded kv-recording'}
          data-testid="kv-recorded"
          data-recorded={v.frames}
          data-total={total}
          data-complete={v.complete}
          data-workload={String(v.params.workload)}
          data-sampling={String(v.params.sampling)}
          data-seed={seed}
          title={
            timing.firstFrameMs === null
              ? undefined
              : `first frames after ${timing.firstFrameMs.toFixed(0)} ms` +
                (timing.completeMs === null ? '' : `, all after ${timing.completeMs.toFixed(0)} ms`)
          }
        >
          {v.complete ? `recorded ${v.frames}` : `recording ${v.frames}/${total}…`}
        </span>
      </div>
      <div className="kv-body">
        <div className="kv-main">
          <div className="kv-grid-wrap" ref={gridRef}>
            <canvas
              ref={gridCanvas}
              data-testid="kv-grid"
              data-highlighted={related.length}
              onMouseMove={onMove}
              onMouseLeave={() => setHover(null)}
            />
            {hover && hb >= 0 && (
              <div
                className="kv-tooltip"
                data-testid="kv-tooltip"
                style={{
                  left: Math.min(hover.x + 14, gridSize.w - 260),
                  top: Math.min(hover.y + 14, gridSize.h - 120),
                }}
              >
                <div>
                  <b>block #{hb}</b> · ref count {v.blockRef[base + hb]} · {v.blockFill[base + hb]}/
                  {v.blockSize} slots
                </div>
                {owners.length === 0 && !prefix && (
                  <div>free (position {v.freeRank[base + hb]} in the free stack)</div>
                )}
                {owners.slice(0, 6).map((o) => (
                  <div key={o.slot}>
                    <span className="kv-swatch" style={{ background: ownerColor(o.group) }} /> request{' '}
                    {o.group} · seq {o.slot} · logical block {o.logical} · {o.tokens} tokens
                  </div>
                ))}
                {owners.length > 6 && <div>… and {owners.length - 6} more sequences</div>}
                {prefix ? (
                  <div className="kv-chain">
                    pinned prefix {prefix.id}, block {chainAt}: hash chain{' '}
                    {prefix.hashes
                      .slice(0, chainAt + 1)
                      .slice(-4)
                      .join(' → ')}
                  </div>
                ) : (
                  owners.length > 0 && (
                    <div className="kv-chain">
                      hash chain: none (private block; the paper’s manager hashes only shared prefixes)
                    </div>
                  )
                )}
              </div>
            )}
          </div>
          <div className="kv-foot">
            <div className="kv-seq" data-testid="kv-seq-table">
              <span className="kv-label">block table </span>
              {shownSeq ? (
                <>
                  request {shownSeq.group}, seq {shownSeq.slot}:{' '}
                  {tableOf(v, f, shownSeq.slot)
                    .slice(0, 48)
                    .map((b, i) => `${i}→${b}`)
                    .join(' ')}
                </>
              ) : (
                <span className="muted">hover a block to see its sequences’ logical → physical tables</span>
              )}
            </div>
            <div className="kv-legend">
              <span className="kv-l-cow">CoW copy</span> <span className="kv-l-swap">swapped in</span>{' '}
              <span className="kv-l-prefix">pinned prefix</span> badge = ref count{' '}
              <span className="kv-l-hover">outline = hovered block’s sequences</span>
            </div>
          </div>
        </div>
        <aside className="kv-side">
          <div className="kv-stats" data-testid="kv-stats">
            <span title="requests running (their sequences, which max-num-seqs counts)">
              running {v.running[f]} ({gpuSeqs(v, f)} seqs)
            </span>
            <span>swapped {v.swapped[f]}</span>
            <span
              className="kv-waiting"
              data-testid="kv-waiting"
              title={waitWhy ? `requests wait: ${waitWhy}` : undefined}
            >
              waiting {v.waiting[f]}
              {waitWhy ? ` (${waitWhy})` : ''}
            </span>
            <span>blocks used {used}</span>
            <span className={v.cowCopies[f]! > 0 ? 'kv-hot' : ''}>CoW {v.cowCopies[f]}</span>
            <span className={v.swapOut[f]! + v.swapIn[f]! > 0 ? 'kv-hot' : ''}>
              swap out {v.swapOut[f]} / in {v.swapIn[f]}
            </span>
          </div>
          <div className="kv-label">memory (tokens · unfilled tails · free; CPU swap line)</div>
          <div className="kv-canvas-wrap kv-grow kv-grow-mem">
            <canvas ref={memCanvas} data-testid="kv-memory-chart" />
          </div>
          <div className="kv-label">free stack, next allocated first</div>
          <div className="kv-canvas-wrap">
            <canvas ref={freeCanvas} data-testid="kv-free-queue" />
          </div>
          <div className="kv-label">
            CPU swap area ({v.cpuUsed[f]}/{v.numCpuBlocks} blocks)
          </div>
          <div className="kv-canvas-wrap kv-grow">
            <canvas ref={swapCanvas} data-testid="kv-swap" />
          </div>
        </aside>
        <KernelPanel view={v} frame={f} playing={playing} />
      </div>
    </section>
  );
}
