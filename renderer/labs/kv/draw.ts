// Canvas drawing for the kv block-table view: the physical block grid, CPU swap area, free stack and memory
// chart, all read straight from the recorded typed arrays (one fillRect per block; no DOM per block).
import type { KvViewModel } from '../../../core/kv/view';

export const FLAG_PREFIX = 1;
export const FLAG_COW = 2;
export const FLAG_SWAPPED_IN = 4;
export const FLAG_NEW = 8;
const OWNER_FREE = -1;
const OWNER_PREFIX = -2;

export interface GridLayout {
  cols: number;
  rows: number;
  cell: number;
  x0: number;
  y0: number;
}

/** Square cells filling `w × h` for `n` blocks. */
export function gridLayout(n: number, w: number, h: number): GridLayout {
  let cols = Math.max(1, Math.ceil(Math.sqrt((n * w) / Math.max(1, h))));
  let cell = Math.floor(Math.min(w / cols, h / Math.ceil(n / cols)));
  // Prefer more columns when it gives larger cells.
  for (let c = cols + 1; c < cols + 8; c++) {
    const s = Math.floor(Math.min(w / c, h / Math.ceil(n / c)));
    if (s > cell) {
      cell = s;
      cols = c;
    }
  }
  cell = Math.max(2, cell);
  const rows = Math.ceil(n / cols);
  return { cols, rows, cell, x0: 0, y0: 0 };
}

export function cellAt(l: GridLayout, n: number, x: number, y: number): number {
  const c = Math.floor((x - l.x0) / l.cell);
  const r = Math.floor((y - l.y0) / l.cell);
  if (c < 0 || c >= l.cols || r < 0 || r >= l.rows) return -1;
  const i = r * l.cols + c;
  return i < n ? i : -1;
}

const hueCache = new Map<number, string>();
/** A stable colour per request (golden-angle hues), so a group keeps its colour across frames. */
export function ownerColor(owner: number, light = 0): string {
  if (owner === OWNER_FREE) return '#1b2230';
  if (owner === OWNER_PREFIX) return '#d8dee9';
  const key = owner * 4 + light;
  let c = hueCache.get(key);
  if (!c) {
    const hue = (owner * 137.508) % 360;
    c = `hsl(${hue.toFixed(1)}, ${light ? 40 : 62}%, ${light ? 30 : 52}%)`;
    hueCache.set(key, c);
  }
  return c;
}

export function prepCanvas(canvas: HTMLCanvasElement, w: number, h: number): CanvasRenderingContext2D | null {
  const dpr = window.devicePixelRatio || 1;
  const pw = Math.max(1, Math.floor(w * dpr));
  const ph = Math.max(1, Math.floor(h * dpr));
  if (canvas.width !== pw || canvas.height !== ph) {
    canvas.width = pw;
    canvas.height = ph;
    canvas.style.width = `${w}px`;
    canvas.style.height = `${h}px`;
  }
  const ctx = canvas.getContext('2d');
  if (!ctx) return null;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  return ctx;
}

/**
 * The GPU grid at `frame`. Each block: its owner's colour, filled from the bottom in proportion to its used
 * slots; pinned prefix blocks pale with a corner mark; ref count > 1 as a badge; this iteration's CoW copies
 * (orange), swap-ins (cyan) and new blocks (white) outlined with strength `flash` (0..1, eased by the caller).
 * `related` (the blocks of the hovered block's sequences) are outlined, so a sequence's scattered blocks show.
 */
export function drawGrid(
  ctx: CanvasRenderingContext2D,
  v: KvViewModel,
  frame: number,
  l: GridLayout,
  flash: number,
  hover: number,
  related: ArrayLike<number> = [],
): void {
  const n = v.numBlocks;
  const base = frame * n;
  const cell = l.cell;
  const gap = cell >= 6 ? 1 : 0;
  const s = cell - gap;
  ctx.clearRect(0, 0, l.x0 * 2 + l.cols * cell, l.rows * cell + 2);
  ctx.font = `${Math.max(7, Math.floor(cell * 0.55))}px ui-monospace, monospace`;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  // While a block is hovered, the rest of the pool dims so its sequences' blocks stand out.
  let mask: Uint8Array | null = null;
  if (related.length > 0) {
    mask = new Uint8Array(n);
    for (let i = 0; i < related.length; i++) mask[related[i]!] = 1;
  }
  for (let b = 0; b < n; b++) {
    const x = l.x0 + (b % l.cols) * cell;
    const y = l.y0 + Math.floor(b / l.cols) * cell;
    const owner = v.blockOwner[base + b]!;
    if (mask) ctx.globalAlpha = mask[b] ? 1 : 0.35;
    const flags = v.blockFlags[base + b]!;
    if (owner === OWNER_FREE) {
      ctx.fillStyle = '#1b2230';
      ctx.fillRect(x, y, s, s);
      continue;
    }
    const fill = Math.min(1, v.blockFill[base + b]! / v.blockSize);
    ctx.fillStyle = ownerColor(owner, 1);
    ctx.fillRect(x, y, s, s);
    const fh = Math.max(1, Math.round(s * fill));
    ctx.fillStyle = ownerColor(owner);
    ctx.fillRect(x, y + s - fh, s, fh);
    if (flags & FLAG_PREFIX && cell >= 6) {
      ctx.fillStyle = '#7a5cff';
      ctx.beginPath();
      ctx.moveTo(x, y);
      ctx.lineTo(x + s * 0.5, y);
      ctx.lineTo(x, y + s * 0.5);
      ctx.fill();
    }
    const ref = v.blockRef[base + b]!;
    if (ref > 1) {
      if (cell >= 11) {
        ctx.fillStyle = 'rgba(0,0,0,0.55)';
        ctx.fillRect(x + s * 0.35, y + s * 0.35, s * 0.65, s * 0.65);
        ctx.fillStyle = '#fff';
        ctx.fillText(ref > 99 ? '∞' : String(ref), x + s * 0.68, y + s * 0.7);
      } else {
        ctx.fillStyle = '#fff';
        ctx.fillRect(x + s - 2, y, 2, 2);
      }
    }
    if (flash > 0 && flags & (FLAG_COW | FLAG_SWAPPED_IN | FLAG_NEW)) {
      ctx.strokeStyle =
        flags & FLAG_COW
          ? `rgba(255,150,40,${flash})`
          : flags & FLAG_SWAPPED_IN
            ? `rgba(60,220,255,${flash})`
            : `rgba(255,255,255,${0.6 * flash})`;
      ctx.lineWidth = Math.max(1, Math.min(2, cell / 6));
      ctx.strokeRect(x + 0.5, y + 0.5, s - 1, s - 1);
    }
  }
  ctx.globalAlpha = 1;
  if (related.length > 0) {
    ctx.strokeStyle = 'rgba(255, 225, 77, 0.85)';
    ctx.lineWidth = cell >= 6 ? 1.5 : 1;
    for (let i = 0; i < related.length; i++) {
      const b = related[i]!;
      if (b < 0 || b >= n) continue;
      ctx.strokeRect(
        l.x0 + (b % l.cols) * cell + 0.75,
        l.y0 + Math.floor(b / l.cols) * cell + 0.75,
        s - 1.5,
        s - 1.5,
      );
    }
  }
  if (hover >= 0 && hover < n) {
    ctx.strokeStyle = '#ffe14d';
    ctx.lineWidth = 2;
    ctx.strokeRect(
      l.x0 + (hover % l.cols) * cell - 1,
      l.y0 + Math.floor(hover / l.cols) * cell - 1,
      cell + 1,
      cell + 1,
    );
  }
}

/** The CPU swap area: blocks coloured by the group swapped out into them. */
export function drawSwap(
  ctx: CanvasRenderingContext2D,
  v: KvViewModel,
  frame: number,
  w: number,
  h: number,
): void {
  ctx.clearRect(0, 0, w, h);
  const n = v.numCpuBlocks;
  if (n === 0) return;
  const l = gridLayout(n, w, h);
  const base = frame * n;
  const s = l.cell - (l.cell >= 5 ? 1 : 0);
  for (let b = 0; b < n; b++) {
    const o = v.cpuOwner[base + b]!;
    ctx.fillStyle = o < 0 ? '#151b26' : ownerColor(o);
    ctx.fillRect(l.x0 + (b % l.cols) * l.cell, Math.floor(b / l.cols) * l.cell, s, s);
  }
}

/** The first `k` free blocks in allocation order (top of the free stack first). */
export function freeQueue(v: KvViewModel, frame: number, k: number): number[] {
  const n = v.numBlocks;
  const base = frame * n;
  const out = new Array<number>(k).fill(-1);
  let count = 0;
  for (let b = 0; b < n; b++) {
    const r = v.freeRank[base + b]!;
    if (r >= 0) {
      count++;
      if (r < k) out[r] = b;
    }
  }
  return out.slice(0, Math.min(k, count));
}

export function drawFreeQueue(ctx: CanvasRenderingContext2D, ids: number[], w: number, h: number): void {
  ctx.clearRect(0, 0, w, h);
  const cell = 40;
  ctx.font = '9px ui-monospace, monospace';
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  for (let i = 0; i < ids.length && (i + 1) * cell <= w; i++) {
    const x = i * cell;
    ctx.fillStyle = i === 0 ? '#3a4a63' : '#252e3d';
    ctx.fillRect(x, 0, cell - 2, h);
    ctx.fillStyle = '#c9d2e0';
    ctx.fillText(String(ids[i]), x + (cell - 2) / 2, h / 2);
  }
}

/**
 * Memory breakdown over time (stacked: token states, unfilled block tails, free) with the CPU share as a line.
 * The x axis spans `spanFrames` iterations, so a recording still arriving grows from the left.
 */
export function drawMemory(
  ctx: CanvasRenderingContext2D,
  v: KvViewModel,
  frame: number,
  w: number,
  h: number,
  spanFrames: number,
): void {
  ctx.clearRect(0, 0, w, h);
  const n = v.frames;
  if (n === 0) return;
  const total = v.numBlocks * v.blockSize;
  const span = Math.max(n, spanFrames);
  const x = (i: number) => (span === 1 ? 0 : (i / (span - 1)) * w);
  const band = (lo: (i: number) => number, hi: (i: number) => number, color: string) => {
    ctx.beginPath();
    for (let i = 0; i < n; i++) ctx.lineTo(x(i), h - hi(i) * h);
    for (let i = n - 1; i >= 0; i--) ctx.lineTo(x(i), h - lo(i) * h);
    ctx.closePath();
    ctx.fillStyle = color;
    ctx.fill();
  };
  const tok = (i: number) => v.memTokens[i]! / total;
  const intl = (i: number) => tok(i) + v.memInternal[i]! / total;
  band(() => 0, tok, '#4c9dff');
  band(tok, intl, '#ff9628');
  band(intl, () => 1, '#232b38');
  if (v.numCpuBlocks > 0) {
    ctx.beginPath();
    for (let i = 0; i < n; i++) ctx.lineTo(x(i), h - (v.cpuUsed[i]! / v.numCpuBlocks) * h);
    ctx.strokeStyle = '#3cdcff';
    ctx.lineWidth = 1.5;
    ctx.stroke();
  }
  ctx.fillStyle = '#ffe14d';
  ctx.fillRect(Math.min(w - 2, x(frame)), 0, 2, h);
}
