// The microservice lab's live view: the service graph compiled from the wiring spec (coloured by utilisation
// each second), the spec editor beside it, and goodput/attempts over the run with the trigger marked.
// Paused, nothing runs: the playback clock's loop stops and nothing animates (no CSS animation).
import { useEffect, useRef, useState } from 'react';
import { useElementSize } from '../../components/useElementSize';
import { useDrawCounters, useLabViewModel } from '../../components/useLabViewModel';
import { ViewStatus } from '../../components/ViewStatus';
import { PlayControls } from '../../components/PlayControls';
import { usePlayback } from '../../components/usePlayback';
import { Tabs } from '../../components/Tabs';
import type { LabViewProps } from '../views';
import { ServiceGraph } from './ServiceGraph';
import { SpecEditor } from './SpecEditor';
import { Timeline } from './Timeline';
import { TracePanel } from './TracePanel';
import { UTIL_RAMP_STOPS } from './layout';
import './micro.css';

/** The right column's panes, each given the column's height below the play bar. */
type Tab = 'timeline' | 'spec' | 'trace';
const TABS: readonly [Tab, string][] = [
  ['timeline', 'Goodput timeline'],
  ['spec', 'Wiring spec'],
  ['trace', 'Request traces'],
];

/** Simulated seconds per real second while playing. */
const SECONDS_PER_S = 3;

export function MicroView({ params, seed, followed, controls, onParam, onFollow }: LabViewProps) {
  const { model, status, failed } = useLabViewModel('micro', params, seed);
  const [tab, setTab] = useState<Tab>('timeline');
  const [picked, setPicked] = useState<number | null>(null);
  const rootRef = useRef<HTMLDivElement | null>(null);
  const [size, bodyRef] = useElementSize({ width: 1100, height: 520 });
  const [graphBox, graphRef] = useElementSize({ width: 600, height: 300 });
  const [paneBox, paneRef] = useElementSize({ width: 400, height: 200 });
  const playback = usePlayback({
    end: model?.seconds ?? 0,
    rate: SECONDS_PER_S,
    initialSpeed: 1,
    publishEveryMs: 100,
    onFrame: () => rootRef.current?.setAttribute('data-raf-callbacks', String(frames.current)),
  });
  const { setPlaying, seek, frames } = playback;
  // An applied spec must win over the experiment's: stop following, keeping the followed values but the spec.
  const applySpec = (spec: string) => {
    if (onFollow && followed.includes('spec')) {
      for (const name of followed) if (name !== 'spec' && name !== 'seed') onParam(name, params[name]!);
      onFollow(false);
    }
    onParam('spec', spec);
  };
  useDrawCounters(rootRef, frames);

  // A new run opens at the end of the trigger, paused.
  useEffect(() => {
    setPlaying(false);
    setPicked(null);
    if (model) seek(model.spike.atS + model.spike.forS + 1);
  }, [model, setPlaying, seek]);
  const pickedTrace = model && picked !== null ? model.traces[picked] : undefined;
  const highlight = new Set(
    pickedTrace?.attempts.flatMap((a) => a.spans.map((sp) => model!.ops[sp.op]!.node)) ?? [],
  );

  // Graph on the left; on the right the play bar above one pane at a time (timeline, spec editor, traces),
  // so each has the column's height.
  const graphW = Math.max(420, Math.floor((size.width - 16) * 0.55));
  const rightW = Math.max(300, size.width - graphW - 16);
  const t = Math.min((model?.seconds ?? 1) - 1, Math.floor(playback.time));
  return (
    <div
      className="lab-view micro-view"
      data-testid="micro-view"
      data-playing={String(playback.playing)}
      ref={rootRef}
    >
      <div className="micro-controls">{controls}</div>
      <ViewStatus lab="micro" status={status} failed={failed} />
      {/* Without a model (the spec failed), the editor alone, so the spec can be fixed here. */}
      {!model && failed && <SpecEditor spec={params.spec ?? ''} onApply={applySpec} />}
      {model && (
        <div className="micro-body" ref={bodyRef}>
          <section className="micro-col" style={{ width: graphW }}>
            <h3 data-testid="micro-summary">
              {`${model.app}: ${model.nodes.filter((n) => n.kind === 'service').length} services in ${model.processes} process${model.processes === 1 ? '' : 'es'} · policy ${model.policy} · ${model.rps} req/s · after the trigger: `}
              <b className={model.recovered ? 'micro-ok' : 'micro-bad'}>
                {model.recovered
                  ? `recovered (${Math.round(model.goodputAfter * 100)}% of goodput)`
                  : `stuck at ${Math.round(model.goodputAfter * 100)}% of goodput (metastable)`}
              </b>
            </h3>
            <GraphKey second={t} />
            <div className="micro-fill" ref={graphRef}>
              <ServiceGraph
                model={model}
                second={t}
                width={graphW}
                height={Math.max(48, graphBox.height)}
                highlight={highlight}
                flowS={playback.playing ? playback.time : null}
              />
            </div>
          </section>
          <section className="micro-col" style={{ width: rightW }}>
            <div className="micro-playbar">
              <PlayControls
                lab="micro"
                playback={playback}
                max={model.seconds}
                step={1}
                label="Second of the run"
                time={`second ${t}: goodput ${model.goodput[t]}/s · attempts ${model.attempts[t]}/s · p99 ${model.goodput[t] ? `${model.p99Ms[t]!.toFixed(1)} ms` : '–'} · queue ${model.queue[t]}`}
              />
            </div>
            <Tabs
              tabs={TABS}
              selected={tab}
              onSelect={setTab}
              label="Panes"
              testId="micro-tab"
              className="view-tabs"
            />
            {tab === 'timeline' && (
              <div className="micro-fill micro-pane" ref={paneRef}>
                <Timeline
                  model={model}
                  second={playback.time}
                  width={rightW}
                  height={Math.max(110, paneBox.height - 40)}
                />
                <div className="micro-key">
                  <span>
                    <i className="micro-key-line goodput" /> goodput (answered within the timeout)
                  </span>
                  <span>
                    <i className="micro-key-line attempts" /> attempts (requests + retries)
                  </span>
                  <span>
                    <i className="micro-key-swatch trigger" /> trigger (load spike)
                  </span>
                </div>
              </div>
            )}
            {tab === 'spec' && <SpecEditor spec={params.spec ?? ''} onApply={applySpec} />}
            {tab === 'trace' && (
              <div className="micro-fill micro-scroll">
                <TracePanel model={model} second={t} picked={picked} onPick={setPicked} width={rightW - 12} />
                <div className="micro-key">
                  <span>
                    <i className="micro-key-swatch wait" /> queued for CPU
                  </span>
                  <span>
                    <i className="micro-key-swatch run" /> running (its calls included)
                  </span>
                  <span>
                    <i className="micro-key-swatch late" /> still running after the client gave up
                  </span>
                  <span>
                    <i className="micro-key-line timeout" /> client timeout
                  </span>
                </div>
              </div>
            )}
          </section>
        </div>
      )}
    </div>
  );
}

function GraphKey({ second }: { second: number }) {
  return (
    <div className="micro-key" data-testid="micro-key">
      <span>{`Fill: utilisation in second ${second} (services: share of the machine’s CPU; backends: busy servers)`}</span>
      <span className="micro-ramp">
        0%
        {UTIL_RAMP_STOPS.map((s) => (
          <i key={s.u} className="micro-key-swatch" style={{ background: s.color }} title={`${s.u * 100}%`} />
        ))}
        100%
      </span>
      <span>
        <i className="micro-key-box" /> service · <i className="micro-key-pill" /> cache / database ·{' '}
        <i className="micro-key-waiting" /> calls waiting (log scale)
      </span>
      <span>
        <i className="micro-key-line rpc" /> RPC · <i className="micro-key-line local" /> in-process call ·
        width = calls this second; while playing, dots flow faster on busier edges
      </span>
    </div>
  );
}
