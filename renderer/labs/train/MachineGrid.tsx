// The machines as a grid (8 GPUs drawn inside each), the replica links of the placement, and for each
// failed machine where its shard comes back from: its own CPU memory, a peer's, or remote storage.
import { useState } from 'react';
import type { TrainViewModel } from '../../../core/train/view';
import { FAILED_COLOR, SOURCE_COLORS } from './colors';

const CELL_W = 50;
const CELL_H = 34;
const GAP_X = 16;
const GAP_Y = 18;
const PAD = 8;
/** Room under the grid for the remote-storage box. */
const STORAGE_H = 32;

interface Props {
  model: TrainViewModel;
  width: number;
  /** Height the grid may take; cells shrink (down to about half size) to fit it. */
  height: number;
  onToggle(machine: number): void;
}

/** Columns for cells of scale k: whole groups per row (a group's links never wrap), as many as fit. */
function columns(model: TrainViewModel, width: number, k: number): number {
  const fit = Math.max(
    1,
    Math.min(model.machines, Math.floor((width - 2 * PAD + GAP_X * k) / ((CELL_W + GAP_X) * k))),
  );
  return model.placement !== 'ring' && fit >= model.replicas ? fit - (fit % model.replicas) : fit;
}

function layout(model: TrainViewModel, width: number, height: number) {
  const heightAt = (k: number) => {
    const rows = Math.ceil(model.machines / columns(model, width, k));
    return PAD * 2 + rows * CELL_H * k + (rows - 1) * GAP_Y * k + STORAGE_H;
  };
  let k = 1;
  while (k > 0.5 && heightAt(k) > height) k -= 0.05;
  const cols = columns(model, width, k);
  const at = (i: number) => ({
    x: PAD + (i % cols) * (CELL_W + GAP_X) * k,
    y: PAD + Math.floor(i / cols) * (CELL_H + GAP_Y) * k,
  });
  const h = heightAt(k);
  return { at, k, height: h, storageY: h - STORAGE_H + 8 };
}

export function MachineGrid({ model, width, height: room, onToggle }: Props) {
  const [hover, setHover] = useState<number | null>(null);
  const { at, k, height, storageY } = layout(model, width, room);
  const centre = (p: { x: number; y: number }) => ({ x: p.x + (CELL_W * k) / 2, y: p.y + (CELL_H * k) / 2 });
  const failed = new Set(model.failed);
  const storageX = width / 2;
  return (
    <svg className="train-grid" data-testid="train-grid" width={width} height={height}>
      <g className="train-links">
        {model.holders.flatMap((hs, shard) =>
          hs.slice(1).map((h) => {
            const a = centre(at(shard));
            const b = centre(at(h));
            const on = hover === shard || hover === h;
            return (
              <path
                key={`${shard}-${h}`}
                className={`train-link${on ? ' on' : ''}`}
                d={`M${a.x},${a.y} Q${(a.x + b.x) / 2},${Math.min(a.y, b.y) - 16} ${b.x},${b.y}`}
              />
            );
          }),
        )}
      </g>
      <rect className="train-storage" x={storageX - 70} y={storageY} width={140} height={22} rx={4} />
      <text className="train-storage-label" x={storageX} y={storageY + 15} textAnchor="middle">
        remote storage
      </text>
      {model.restores.map((r) => {
        const to = centre(at(r.machine));
        const from =
          r.source === 'peer' && r.from !== null
            ? centre(at(r.from))
            : r.source === 'storage'
              ? { x: storageX, y: storageY }
              : null;
        return from ? (
          <line
            key={`r${r.machine}`}
            className="train-restore"
            data-testid={`train-restore-${r.machine}`}
            data-source={r.source}
            x1={from.x}
            y1={from.y}
            x2={to.x}
            y2={to.y}
            stroke={SOURCE_COLORS[r.source]}
            markerEnd={`url(#train-arrow-${r.source})`}
          />
        ) : (
          <circle
            key={`r${r.machine}`}
            data-testid={`train-restore-${r.machine}`}
            data-source={r.source}
            cx={to.x}
            cy={to.y}
            r={(CELL_W * k) / 2 + 4}
            className="train-restore-local"
            stroke={SOURCE_COLORS.local}
          />
        );
      })}
      <defs>
        {(['peer', 'storage'] as const).map((s) => (
          <marker
            key={s}
            id={`train-arrow-${s}`}
            viewBox="0 0 10 10"
            refX="9"
            refY="5"
            markerWidth="7"
            markerHeight="7"
            orient="auto"
          >
            <path d="M0,0 L10,5 L0,10 z" fill={SOURCE_COLORS[s]} />
          </marker>
        ))}
      </defs>
      {Array.from({ length: model.machines }, (_, i) => (
        <Machine
          key={i}
          i={i}
          pos={at(i)}
          k={k}
          gpus={model.gpusPerMachine}
          failed={failed.has(i)}
          onToggle={onToggle}
          onHover={setHover}
        />
      ))}
    </svg>
  );
}

function Machine(props: {
  i: number;
  pos: { x: number; y: number };
  k: number;
  gpus: number;
  failed: boolean;
  onToggle(i: number): void;
  onHover(i: number | null): void;
}) {
  const { i, pos, gpus, failed } = props;
  const cols = Math.ceil(gpus / 2);
  const gw = (CELL_W - 10) / cols;
  return (
    <g
      className={`train-machine${failed ? ' failed' : ''}`}
      data-testid={`train-machine-${i}`}
      transform={`translate(${pos.x},${pos.y}) scale(${props.k})`}
      onClick={() => props.onToggle(i)}
      onMouseEnter={() => props.onHover(i)}
      onMouseLeave={() => props.onHover(null)}
      role="button"
      aria-pressed={failed}
      aria-label={`machine ${i}${failed ? ' (failed)' : ''}`}
    >
      <title>{`machine ${i}: click to ${failed ? 'repair' : 'fail'} it`}</title>
      <rect
        width={CELL_W}
        height={CELL_H}
        rx={4}
        className="train-machine-box"
        stroke={failed ? FAILED_COLOR : undefined}
      />
      {Array.from({ length: gpus }, (_, g) => (
        <rect
          key={g}
          x={5 + (g % cols) * gw}
          y={12 + Math.floor(g / cols) * 10}
          width={gw - 2}
          height={8}
          className="train-gpu"
        />
      ))}
      <text x={4} y={10} className="train-machine-id">
        {i}
      </text>
    </g>
  );
}

/** One line for the failed machines: how many restore from where, and how long retrieval takes. */
export function restoreSummary(model: TrainViewModel): string {
  const n = model.restores.length;
  if (n === 0) return 'No machine failed: click machines to fail them.';
  const source = model.restores[0]!.source;
  const head = `${n} machine${n > 1 ? 's' : ''} failed (${model.failKind})`;
  const secs = `${model.retrievalS[source].toFixed(1)} s`;
  if (source === 'local') return `${head}: every machine reloads its own CPU memory (${secs})`;
  if (source === 'storage')
    return `${head}: a shard lost every replica, so all ${model.machines} machines roll back to the last remote checkpoint (${secs})`;
  const peers = model.restores.map((r) => `${r.machine}←${r.from}`).join(', ');
  return `${head}: shards fetched from peers’ CPU memory (${secs}): ${peers}`;
}
