// The TPU lab's live view: builds the pod scenario in the worker (core/tpu/view.ts), replays its timeline
// in a three.js scene (scene.ts) with play/pause/step/scrub, an event list, failure injection, a job-colour
// legend and a chip inspector. The UI thread only replays events and draws; while paused nothing runs per
// frame (the scene renders on demand: camera moves, hover, resize, a new state).
import { useCallback, useEffect, useRef, useState } from 'react';
import { labClient } from '../../worker/client';
import { usePlayback } from '../../components/usePlayback';
import type { LabViewProps } from '../views';
import type { TpuViewEvent, TpuViewModel } from '../../../core/tpu/view';
import { nextEventAfter, occupancy, stateAt } from '../../../core/tpu/viewState';
import type { PodState } from '../../../core/tpu/viewState';
import {
  CHIPS,
  CUBES,
  CUBE_DIM,
  MACHINES_PER_CUBE,
  OCS_COUNT,
  chipCoord,
  cubeOfChip,
  machineOfChip,
  machinesOfCube,
  ocsPortOf,
} from '../../../core/tpu/topology';
import type { Dim, Side } from '../../../core/tpu/topology';
import { PodScene, jobColorCss, ocsOfMove } from './scene';
import { formatParam } from '../../../core/experiments/params';
import { tpuView } from '../../../core/tpu/view';
import './tpu.css';

/** The forced failure's parameters: when any differs from its default, the view opens just before it. */
const FORCE_PARAMS = ['forceKind', 'forceTarget', 'forceAtHour'] as const;

function fmtH(h: number): string {
  const m = Math.round(Math.max(0, h) * 60);
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}`;
}

/** What the cube's machines hold: one whole-cube job, or sub-cube jobs and free machines. */
function cubeText(cube: number, state: PodState | null): string {
  if (!state) return `cube ${cube}`;
  if (state.cubeJob[cube]! >= 0)
    return `cube ${cube}: all ${MACHINES_PER_CUBE} machines in job ${state.cubeJob[cube]}`;
  const jobs = new Set<number>();
  let free = 0;
  for (const m of machinesOfCube(cube)) {
    if (state.machineJob[m]! >= 0) jobs.add(state.machineJob[m]!);
    else free++;
  }
  if (jobs.size === 0) return `cube ${cube}: free`;
  return `cube ${cube}: sub-cube job${jobs.size > 1 ? 's' : ''} ${[...jobs].join(', ')}; ${free} of ${MACHINES_PER_CUBE} machines free`;
}

function chipInfo(chip: number, state: PodState | null, model: TpuViewModel | null): string[] {
  const fixed = model?.design === 'static';
  const [x, y, z] = chipCoord(chip);
  const machine = machineOfChip(chip);
  const cube = cubeOfChip(chip);
  const job = state?.machineJob[machine] ?? -1;
  const j = model?.jobs.find((v) => v.id === job);
  const h = state?.held.get(job);
  const where = !h
    ? ''
    : h.cubes.length > 0
      ? `${h.cubes.length} cube${h.cubes.length > 1 ? 's' : ''} ${fixed ? 'wired by fixed cables (no OCS)' : 'via the OCS'}`
      : `sub-cube slice on machine${h.machines.length > 1 ? 's' : ''} ${h.machines.join(', ')}`;
  const lines = [
    `chip ${chip} at (${x}, ${y}, ${z})`,
    `machine ${machine}${state?.machineDown[machine] ? ' — FAILED' : ''}`,
    cubeText(cube, state),
    job >= 0 && j
      ? `job ${job}: ${j.chips} chips, ${j.shape}, ${where}, ${j.priority === 0 ? 'high' : 'low'} priority`
      : 'no job (spare)',
  ];
  const local = [x % CUBE_DIM, y % CUBE_DIM, z % CUBE_DIM];
  const ici: string[] = [];
  const optical: string[] = [];
  for (let d = 0; d < 3; d++) {
    for (const side of [0, 1] as Side[]) {
      const atFace = side === 0 ? local[d] === 0 : local[d] === CUBE_DIM - 1;
      const axis = 'xyz'[d]!;
      if (atFace && fixed) optical.push(`${side ? '+' : '-'}${axis}`);
      else if (atFace) {
        const others = [0, 1, 2].filter((o) => o !== d);
        const jx = local[others[0]!]! + CUBE_DIM * local[others[1]!]!;
        const { ocs, port } = ocsPortOf(cube, d as Dim, side, jx);
        optical.push(
          `${side ? '+' : '-'}${axis} → OCS ${ocs} port ${port}${state?.ocsDown[ocs] ? ' (OCS DOWN)' : ''}`,
        );
      } else ici.push(`${side ? '+' : '-'}${axis}`);
    }
  }
  lines.push(`ICI (electrical): ${ici.join(' ') || 'none'}`);
  lines.push(
    fixed
      ? `between cubes: ${optical.length ? `${optical.join(' ')} by fixed cable to the neighbouring cube (static pod: no OCS)` : 'none (inner chip)'}`
      : `optical: ${optical.join('; ') || 'none (inner chip)'}`,
  );
  return lines;
}

export function TpuView({ params, seed, controls }: LabViewProps) {
  const hostRef = useRef<HTMLDivElement>(null);
  const rootRef = useRef<HTMLDivElement>(null);
  const sceneRef = useRef<PodScene | null>(null);
  const [model, setModel] = useState<TpuViewModel | null>(null);
  const [status, setStatus] = useState<string>('building the pod scenario…');
  const [buildState, setBuildState] = useState<'building' | 'ready' | 'cancelled' | 'error'>('building');
  const [state, setState] = useState<PodState | null>(null);
  const [selected, setSelected] = useState(-1);
  const [webglError, setWebglError] = useState<string | null>(null);
  const [allFibres, setAllFibres] = useState(false);
  const [follow, setFollow] = useState(true);
  const followRef = useRef(true);
  const modelRef = useRef<TpuViewModel | null>(null);
  const lastEventRef = useRef(-2);
  const selectedRef = useRef(-1);
  const sharedFocusRef = useRef(-1);
  const refreshRef = useRef<(force: boolean) => void>(() => {});
  const playback = usePlayback({
    end: model?.hours ?? 0,
    rate: 1,
    initialSpeed: 0.5,
    // The scene follows every frame (onFrame); the time readout a few times a second.
    publishEveryMs: 100,
    onFrame: () => refreshRef.current(false),
  });
  const { playing, time: shownT, timeRef: tRef, setPlaying, seek: seekTo, frames: playFrames } = playback;

  selectedRef.current = selected;
  followRef.current = follow;

  // Build the scenario in the worker whenever its parameters or seed change. It is its own job: cancelling
  // an experiment run never cancels it, and a newer build cancels this one.
  const runKey = JSON.stringify([params, seed]);
  useEffect(() => {
    let live = true;
    let done = false;
    setStatus('building the pod scenario…');
    setBuildState('building');
    const injected = FORCE_PARAMS.some((name) => params[name] !== formatParam(tpuView.params[name].default));
    const job = labClient().view('tpu', { ...params }, seed, (f, label) => {
      // Progress arrives on its own port and can land after the outcome: drop it then.
      if (live && !done)
        setStatus(`building the pod scenario… ${Math.round(f * 100)}%${label ? ` (${label})` : ''}`);
    });
    void job.done.then((outcome) => {
      done = true;
      if (!live) return;
      if (outcome.kind === 'done') {
        const m = outcome.view;
        modelRef.current = m;
        sceneRef.current?.setCableLinks(m.cableLinks);
        sceneRef.current?.setJobChips(new Map(m.jobs.map((j) => [j.id, j.chips])));
        sceneRef.current?.setDesign(m.design);
        lastEventRef.current = -2;
        tRef.current = m.forced && injected ? Math.max(0, m.forced.atH - 0.1) : 0;
        setModel(m);
        setStatus('');
        setBuildState('ready');
        setPlaying(true);
      } else if (outcome.kind === 'error') {
        setStatus(`could not build the scenario: ${outcome.message}`);
        setBuildState('error');
      } else {
        setStatus('the scenario build was cancelled');
        setBuildState('cancelled');
      }
    });
    return () => {
      live = false;
      job.cancel();
    };
    // runKey stands for params and seed (a new object with the same values rebuilds nothing).
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [runKey, setPlaying]);

  /** Recompute the replayed state when time crosses an event (or the selection changes). */
  const refresh = useCallback(
    (force: boolean) => {
      const m = modelRef.current;
      if (!m) return;
      const t = tRef.current;
      const idx = nextEventAfter(m, t) - 1;
      if (!force && idx === lastEventRef.current) return;
      const prev = lastEventRef.current;
      lastEventRef.current = idx;
      const s = stateAt(m, t);
      sceneRef.current?.setState(s, selectedRef.current);
      setState(s);
      // Moving forward over a failure or a re-wire: animate the move and frame what happened.
      if (!force && prev >= -1 && idx > prev && idx - prev < 50) {
        let frame: { cubes: number[]; ocs: number[] } | null = null;
        for (let i = prev + 1; i <= idx; i++) {
          const e: TpuViewEvent = m.events[i]!;
          if (e.t < 0) continue;
          if (e.kind === 'rewire' || e.kind === 'migrate') {
            sceneRef.current?.animateMove(e.job, e.from, e.cubes);
            frame = {
              cubes: [
                ...new Set([
                  ...e.from.filter((c) => !e.cubes.includes(c)),
                  ...e.cubes.filter((c) => !e.from.includes(c)),
                ]),
              ],
              // The switches the move re-programs light up: frame them too, so no lit switch sits under
              // the panel (the bank stands right of the pod).
              ocs: m.design === 'ocs' && e.kind === 'rewire' ? ocsOfMove(e.from, e.cubes) : [],
            };
          } else if (e.kind === 'fail')
            frame = e.component === 'ocs' ? { cubes: [], ocs: [e.target] } : { cubes: [e.cube], ocs: [] };
        }
        if (frame && followRef.current) sceneRef.current?.frame(frame.cubes, frame.ocs);
      }
    },
    [tRef],
  );

  refreshRef.current = refresh;

  // The three.js scene: created once, disposed on unmount.
  useEffect(() => {
    const host = hostRef.current;
    if (!host) return;
    let scene: PodScene;
    try {
      scene = new PodScene(host);
    } catch (e) {
      setWebglError(`WebGL is not available here: ${(e as Error).message}`);
      return;
    }
    sceneRef.current = scene;
    if (modelRef.current) {
      scene.setCableLinks(modelRef.current.cableLinks);
      scene.setDesign(modelRef.current.design);
    }
    let frames = 0;
    scene.onFrame = (stats) => {
      const el = rootRef.current;
      if (!el) return;
      el.dataset.renders = String(stats.renders);
      el.dataset.rafCallbacks = String(stats.rafCallbacks + playFrames.current);
      if (++frames % 5 !== 0 && frames > 2) return;
      el.dataset.frameMs = stats.frameMs.toFixed(2);
      el.dataset.renderMs = stats.renderMs.toFixed(2);
      el.dataset.drawCalls = String(stats.drawCalls);
      el.dataset.pixelRatio = stats.pixelRatio.toFixed(2);
    };
    const onClick = (ev: MouseEvent) => {
      const chip = scene.pick(ev.clientX, ev.clientY);
      setSelected(chip);
      selectedRef.current = chip;
      refresh(true);
    };
    const onDbl = (ev: MouseEvent) => {
      const chip = scene.pick(ev.clientX, ev.clientY);
      if (chip >= 0) scene.focusCube(cubeOfChip(chip));
    };
    scene.canvas.addEventListener('click', onClick);
    scene.canvas.addEventListener('dblclick', onDbl);
    return () => {
      scene.canvas.removeEventListener('click', onClick);
      scene.canvas.removeEventListener('dblclick', onDbl);
      scene.dispose();
      sceneRef.current = null;
    };
  }, [refresh, playFrames]);

  // The first state of a new model, drawn once (no loop needed while paused).
  useEffect(() => {
    if (model) refresh(false);
  }, [model, refresh]);

  useEffect(() => {
    sceneRef.current?.setAllFibres(allFibres);
  }, [allFibres]);

  const seek = (t: number) => {
    seekTo(t);
    refresh(true);
  };
  const step = () => {
    const m = modelRef.current;
    if (!m) return;
    const i = nextEventAfter(m, tRef.current);
    if (i < m.events.length) {
      playback.step(Math.max(0, m.events[i]!.t));
      refresh(false);
    }
  };

  const shown =
    state && model
      ? model.events.slice(0, state.lastEvent + 1).filter((e) => e.t >= 0 || e.kind === 'fail')
      : [];
  const recent = shown.slice(-14).reverse();
  const moves = state?.moves.filter((e) => e.t >= 0) ?? [];
  const occ = state ? occupancy(state) : { jobs: 0, subCube: 0, sharedCubes: [] };
  const shared = occ.sharedCubes.length;
  /** Zoom to the next cube that holds several jobs (each click moves on to the next one). */
  const zoomShared = () => {
    const cubes = occ.sharedCubes;
    if (cubes.length === 0) return;
    const next = cubes.find((c) => c > sharedFocusRef.current) ?? cubes[0]!;
    sharedFocusRef.current = next;
    sceneRef.current?.focusCube(next);
  };
  const downCount = state
    ? state.machineDown.reduce((a, b) => a + b, 0) +
      state.cableDown.reduce((a, b) => a + b, 0) +
      state.ocsDown.reduce((a, b) => a + b, 0)
    : 0;
  const isStatic = (model?.design ?? params.design) === 'static';
  /** Running jobs for the colour legend, largest first. */
  const legendJobs = state
    ? [...state.held.entries()]
        .map(([id, h]) => ({ id, sub: h.cubes.length === 0, job: model?.jobs.find((j) => j.id === id) }))
        .sort((x, y) => (y.job?.chips ?? 0) - (x.job?.chips ?? 0) || x.id - y.id)
    : [];
  const LEGEND_MAX = 9;

  return (
    <div
      className="lab-view tpu-view"
      data-testid="tpu-view"
      data-playing={playing ? 'true' : 'false'}
      data-design={model?.design ?? params.design}
      data-view-state={buildState}
      data-seed={seed}
      ref={rootRef}
    >
      <div className="tpu-canvas" ref={hostRef} data-testid="tpu-canvas" />
      {webglError && <p className="tpu-webgl-error">{webglError}</p>}
      <div className="tpu-legend-box" data-testid="tpu-legend">
        <div className="tpu-legend-head">chip colour = job of its machine</div>
        {legendJobs.slice(0, LEGEND_MAX).map(({ id, sub, job }) => (
          <div key={id} className="tpu-legend-row" data-job={id}>
            <span className="tpu-swatch" style={{ background: jobColorCss(id) }} /> job {id}
            {job ? ` · ${job.chips} chips · ${job.shape}` : ''}
            {sub ? '*' : ''}
          </div>
        ))}
        {legendJobs.length > LEGEND_MAX && (
          <div className="muted">+ {legendJobs.length - LEGEND_MAX} more jobs</div>
        )}
        {legendJobs.some((j) => j.sub) && <div className="muted">* sub-cube slice (outlined block)</div>}
        <div className="tpu-legend-row">
          <span className="tpu-swatch" style={{ background: '#5b6a7e' }} /> free (spare)
          <span className="tpu-swatch tpu-gap" style={{ background: '#ff3b30' }} /> failed
        </div>
        <div className="tpu-legend-row">
          <span className="tpu-swatch tpu-swatch-ring" /> selected chip
          {!isStatic && (
            <>
              <span className="tpu-swatch tpu-gap" style={{ background: '#2bb6a8' }} /> OCS
            </>
          )}
        </div>
        {!isStatic && (
          <div className="tpu-legend-row">
            <span className="tpu-line" /> fibre: hover a cube or OCS
          </div>
        )}
      </div>
      <div className="tpu-panel">
        <div className="tpu-title">
          TPU v4 pod · {CHIPS} chips · {CUBES} cubes ·{' '}
          {isStatic ? 'no OCS (fixed wiring)' : `${OCS_COUNT} OCS`}{' '}
          <span className="muted">
            ({isStatic ? 'static: contiguous blocks, fixed wiring' : 'reconfigurable'}; seed {seed})
          </span>
        </div>
        <div className="tpu-params">{controls}</div>
        {status && (
          <div className="tpu-status" data-testid="tpu-status">
            {status}
          </div>
        )}
        <div className="tpu-controls">
          <button type="button" data-testid="tpu-play" onClick={playback.toggle} disabled={!model}>
            {playing ? 'Pause' : 'Play'}
          </button>
          <button
            type="button"
            data-testid="tpu-step"
            onClick={step}
            disabled={!model}
            title="Jump to the next event"
          >
            Step
          </button>
          <select
            data-testid="tpu-speed"
            value={playback.speed}
            onChange={(e) => playback.setSpeed(Number(e.target.value))}
            aria-label="speed"
          >
            {[0.1, 0.25, 0.5, 1, 2, 4].map((s) => (
              <option key={s} value={s}>
                {s} h/s
              </option>
            ))}
          </select>
          <span className="tpu-time" data-testid="tpu-time">
            {fmtH(shownT)} / {model ? fmtH(model.hours) : '—'}
          </span>
        </div>
        <input
          className="tpu-scrub"
          type="range"
          data-testid="tpu-scrub"
          aria-label="time"
          min={0}
          max={model?.hours ?? 24}
          step={0.01}
          value={shownT}
          disabled={!model}
          onChange={(e) => seek(Number(e.target.value))}
        />
        <div className="tpu-controls">
          <button
            type="button"
            data-testid="tpu-reset-camera"
            onClick={() => sceneRef.current?.resetCamera()}
            title="Back to the view of all 64 cubes"
          >
            Whole pod
          </button>
          <label title="Fly the camera to each failure and to the cube a job moves to">
            <input
              type="checkbox"
              data-testid="tpu-follow"
              checked={follow}
              onChange={(e) => setFollow(e.target.checked)}
            />{' '}
            follow events
          </label>
          <label title={isStatic ? 'a static pod has no optical fibres' : 'all 6,144 fibres (64 cubes x 96)'}>
            <input
              type="checkbox"
              data-testid="tpu-all-fibres"
              checked={allFibres && !isStatic}
              disabled={isStatic}
              onChange={(e) => setAllFibres(e.target.checked)}
            />{' '}
            all fibres
          </label>
        </div>
        <div className="tpu-summary muted" data-testid="tpu-summary">
          <span
            data-testid="tpu-occupancy"
            data-jobs={occ.jobs}
            data-sub-cube={occ.subCube}
            data-shared-cubes={shared}
          >
            {occ.jobs} jobs running ({occ.subCube} sub-cube; {shared} cube{shared === 1 ? '' : 's'} shared by
            several jobs)
          </span>{' '}
          {shared > 0 && (
            <button
              type="button"
              className="link-button"
              data-testid="tpu-zoom-shared"
              onClick={zoomShared}
              title="Zoom to a cube whose machines hold several jobs (click again for the next one)"
            >
              zoom to one
            </button>
          )}{' '}
          · {downCount} components down
          {model
            ? model.design === 'static'
              ? ` · ${model.summary.failures} failures, ${model.summary.evictions} evictions, ${model.summary.requeues} waits for a block in ${model.hours} h`
              : ` · ${model.summary.failures} failures, ${model.summary.rewires} re-wires in ${model.hours} h`
            : ''}
        </div>
        <div className="tpu-moves" data-testid="tpu-moves">
          {moves.length === 0 ? (
            <span className="muted">
              {isStatic
                ? 'static pod: a hit job cannot move to spare cubes; it waits for a contiguous healthy block'
                : 'no job has moved yet'}
            </span>
          ) : (
            moves.slice(-3).map((e, i) => (
              <div key={i}>
                <span className="tpu-swatch" style={{ background: jobColorCss(e.job) }} /> job {e.job} moved:
                cube {e.from.filter((c) => !e.cubes.includes(c)).join(',')} →{' '}
                {e.cubes.filter((c) => !e.from.includes(c)).join(',')}
                {e.kind === 'rewire'
                  ? ` (${e.xconnects} xconnects on ${e.xconnects >= 2 * OCS_COUNT ? `all ${OCS_COUNT}` : 'the'} OCS)`
                  : ' (migration)'}{' '}
                at {fmtH(e.t)}
              </div>
            ))
          )}
        </div>
        <ol className="tpu-events" data-testid="tpu-events">
          {recent.map((e, i) => (
            <li
              key={`${state?.lastEvent}-${i}`}
              data-kind={e.kind}
              className={`ev-${e.kind}${e.forced ? ' ev-forced' : ''}`}
              title={e.text}
            >
              {e.text}
            </li>
          ))}
        </ol>
        {selected >= 0 && (
          <div className="tpu-chip-info" data-testid="tpu-chip-info">
            {chipInfo(selected, state, model).map((l) => (
              <div key={l}>{l}</div>
            ))}
            <button
              type="button"
              data-testid="tpu-zoom-cube"
              onClick={() => sceneRef.current?.focusCube(cubeOfChip(selected))}
            >
              Zoom to cube
            </button>{' '}
            <button
              type="button"
              onClick={() => {
                setSelected(-1);
                selectedRef.current = -1;
                refresh(true);
              }}
            >
              Clear
            </button>
          </div>
        )}
        {selected < 0 && (
          <div className="tpu-help muted">
            drag: orbit · wheel: zoom · hover a cube or OCS: its fibres · click a chip: inspect ·
            double-click: zoom to its cube
          </div>
        )}
      </div>
    </div>
  );
}
