// The training-recovery lab's live view: machines with their checkpoint replicas (click to fail them), one
// iteration's link timeline per checkpoint traffic scheme, and a failure trace played back with each
// policy's running wasted time. Paused, nothing runs: the playback clock's loop stops and nothing animates.
import { useEffect, useRef } from 'react';
import { useElementSize } from '../../components/useElementSize';
import { useDrawCounters, useLabViewModel } from '../../components/useLabViewModel';
import { ViewStatus } from '../../components/ViewStatus';
import { PlayControls } from '../../components/PlayControls';
import { usePlayback } from '../../components/usePlayback';
import type { LabViewProps } from '../views';
import { MachineGrid, restoreSummary } from './MachineGrid';
import { IterationTimeline } from './IterationTimeline';
import { WastedCounter, days } from './WastedCounter';
import { LINK_COLORS, SOURCE_COLORS, SOURCE_TEXT, FAILED_COLOR } from './colors';
import './train.css';

/** Real seconds a whole run takes to play at speed 1, however long the run. */
const PLAY_S = 12;

/** The failed-machine list with `machine` toggled, as the view parameter's text. */
function toggled(failed: string, machine: number): string {
  const ids = new Set(
    failed
      .split(',')
      .filter((s) => s.trim() !== '')
      .map(Number),
  );
  if (ids.has(machine)) ids.delete(machine);
  else ids.add(machine);
  return [...ids].sort((a, b) => a - b).join(',');
}

export function TrainView({ params, seed, controls, onParam }: LabViewProps) {
  const { model, status, failed } = useLabViewModel('train', params, seed);
  const rootRef = useRef<HTMLDivElement | null>(null);
  const [size, bodyRef] = useElementSize({ width: 1000, height: 500 });
  const playback = usePlayback({
    end: model?.horizonS ?? 0,
    rate: (model?.horizonS ?? 0) / PLAY_S,
    initialSpeed: 1,
    publishEveryMs: 100,
    // The clock's frames, for the paused-idle check (a paused view's count stays still).
    onFrame: () => rootRef.current?.setAttribute('data-raf-callbacks', String(frames.current)),
  });
  const { setPlaying, seek, frames } = playback;
  useDrawCounters(rootRef, frames);

  // A new failure trace starts from day 0, paused until the user plays it.
  const horizon = model?.horizonS;
  useEffect(() => {
    setPlaying(false);
    seek(0);
  }, [horizon, setPlaying, seek]);

  // Three columns: machines, the iteration timeline, and the failure trace with its counters.
  const inner = size.width - 32;
  const gridW = Math.max(300, Math.floor(inner * 0.38));
  const tlW = Math.max(300, Math.floor(inner * 0.36));
  const wastedW = Math.max(220, inner - gridW - tlW);
  return (
    <div
      className="lab-view train-view"
      data-testid="train-view"
      data-playing={String(playback.playing)}
      ref={rootRef}
    >
      <div className="train-controls">{controls}</div>
      <ViewStatus lab="train" status={status} failed={failed} />
      {model && (
        <div className="train-body" ref={bodyRef}>
          <section className="train-col" style={{ width: gridW }}>
            <h3>{`${model.machines} machine${model.machines > 1 ? 's' : ''} · ${model.placement} placement · m = ${model.replicas} · shard ${model.shardGB.toFixed(1)} GB`}</h3>
            <GridKey />
            <MachineGrid
              model={model}
              width={gridW}
              height={size.height - 64 - 36}
              onToggle={(i) => onParam('failed', toggled(params.failed ?? '', i))}
            />
            <p className="train-restores" data-testid="train-restores" title={restoreSummary(model)}>
              {restoreSummary(model)}
            </p>
          </section>
          <section className="train-col" style={{ width: tlW }}>
            <h3>One iteration on a machine’s 400 Gbps link</h3>
            <IterationTimeline
              timelines={model.timelines}
              spareGB={Number(params.gpuSpareGB ?? 2)}
              width={tlW}
            />
            <TimelineKey />
          </section>
          <section className="train-col" style={{ width: wastedW }}>
            <h3>{`Wasted time over ${days(model.horizonS)} days of failures`}</h3>
            <div className="train-playbar">
              <PlayControls
                lab="train"
                playback={playback}
                max={model.horizonS}
                step={model.horizonS / 1000}
                label="Time in the run"
                time={`day ${(playback.time / 86400).toFixed(1)}`}
              />
            </div>
            <WastedCounter model={model} timeS={playback.time} width={wastedW} />
          </section>
        </div>
      )}
    </div>
  );
}

function GridKey() {
  return (
    <div className="train-key" data-testid="train-key">
      <span>
        <i className="train-key-line" />
        replica
      </span>
      <span>
        <i className="train-key-box" style={{ borderColor: FAILED_COLOR }} />
        failed
      </span>
      <span>restored from:</span>
      {(['local', 'peer', 'storage'] as const).map((s) => (
        <span key={s}>
          <i className="train-key-swatch" style={{ background: SOURCE_COLORS[s] }} />
          {SOURCE_TEXT[s]}
        </span>
      ))}
    </div>
  );
}

function TimelineKey() {
  return (
    <div className="train-key">
      <span>
        <i className="train-key-swatch" style={{ background: LINK_COLORS.compute }} /> GPU compute
      </span>
      <span>
        <i className="train-key-swatch" style={{ background: LINK_COLORS.train }} /> training collectives
      </span>
      <span>
        <i className="train-key-swatch" style={{ background: LINK_COLORS.checkpoint }} /> checkpoint traffic
        (and GPU buffer held)
      </span>
      <span>
        <i className="train-key-dash" /> spare GPU memory · <i className="train-key-base" /> no-checkpoint
        iteration end
      </span>
    </div>
  );
}
