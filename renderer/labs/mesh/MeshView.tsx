// The mesh lab's live map: regions on a d3-geo world (world-atlas, shipped offline) sized by capacity and
// filled by utilisation, the selected client region's rings as outlines and latency-bound circles, traffic
// arcs, an incident timeline (play / pause / scrub), the "why" of a region's routing and a sampled
// request's why-trace. Paused, nothing animates: no CSS animation and no frame loop; it draws on change.
import { useEffect, useMemo, useRef, useState } from 'react';
import { geoCircle, geoGraticule, geoPath } from 'd3-geo';
import type { GeoPermissibleObjects } from 'd3-geo';
import { feature, mesh } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';
import landTopo from 'world-atlas/land-110m.json';
import countriesTopo from 'world-atlas/countries-110m.json';
import { labClient } from '../../worker/client';
import { useElementSize } from '../../components/useElementSize';
import { usePlayback } from '../../components/usePlayback';
import type { LabViewProps } from '../views';
import { RING_NAMES, explainRouting, routerSeesText, routerView } from '../../../core/mesh/view';
import { meshView } from '../../../core/mesh/view';
import type { MeshViewModel } from '../../../core/mesh/view';
import { formatParam } from '../../../core/experiments/params';
import type { WhyTrace } from '../../../core/mesh/sim';
import { RINGS } from '../../../core/mesh/sim';
import { DEFAULT_RTT_MODEL } from '../../../core/mesh/world';
import { pct } from '../../../core/kernel/numbers';
import {
  RING_COLORS,
  RING_DASH,
  arcPath,
  chooseCentre,
  labelSize,
  mapProjection,
  markerRect,
  overlapArea,
  placeLabels,
  ringLabelAt,
  spreadMarkers,
  utilColor,
} from './geo';
import type { Rect } from './geo';
import { MeshKey } from './MeshKey';
import './mesh.css';

const land = feature(
  landTopo as unknown as Topology,
  (landTopo as unknown as Topology).objects.land as GeometryCollection,
);
const borders = mesh(
  countriesTopo as unknown as Topology,
  (countriesTopo as unknown as Topology).objects.countries as GeometryCollection,
  (a, b) => a !== b,
);
const graticule = geoGraticule().step([30, 30])();

/** Simulated seconds per real second while playing. */
const PLAY_RATE = 6;
/** Arc dashes move this many px per simulated second while playing (driven by the clock, not CSS). */
const DASH_PX_PER_S = 4;
/** The map never grows past what the view leaves it (a taller map would be cut off below); this is its floor. */
const MAP_HEIGHT_MIN = 140;
/** Height of the timeline's caption line, above its plot. */
const TL_CAPTION_H = 14;
/** Font size of the map's site and ring labels, px (mesh.css). */
const LABEL_PX = 10;

/** The box of a ring label drawn centred on `p` with its baseline 4 px above it (as a site label's). */
function ringLabelRect(p: [number, number], text: string): Rect {
  const { w, h } = labelSize(text, LABEL_PX);
  return { x0: p[0] - w / 2, y0: p[1] - h, x1: p[0] + w / 2, y1: p[1] };
}
/** The key's box on the map (px), to keep it off the sites. */
const KEY_W = 410;
const KEY_H = 118;
/**
 * A map shorter than this folds its key to a "key" button (KEY_FOLDED_W × KEY_FOLDED_H) that opens it: the
 * open key would otherwise cover most of the sites.
 */
const KEY_FOLD_BELOW_PX = 2 * KEY_H + 40;
const KEY_FOLDED_W = 64;
const KEY_FOLDED_H = 26;

/** The ground distance (km) whose estimated RTT equals `ms` under the default RTT model. */
function boundKm(ms: number): number {
  const m = DEFAULT_RTT_MODEL;
  return ((ms / m.routeInflation) * m.fiberSpeedKmPerMs) / 2;
}

function traceText(t: WhyTrace, m: MeshViewModel): string[] {
  const id = (r: number): string => m.regions[r]?.id ?? '?';
  const lines = [`request at t=${(t.timeMs / 1000).toFixed(2)} s from ${id(t.client)} (${t.policy})`];
  for (const s of t.rings) {
    const what =
      t.policy === 'servicerouter'
        ? `published load ${pct(s.seen, 0)} vs threshold ${pct(t.threshold, 0)}, keep ${pct(s.keep, 0)}`
        : t.policy === 'envoy-priority'
          ? `priority load ${pct(s.seen, 0)}`
          : 'in bound';
    lines.push(`ring ${s.ring + 1}: ${s.servers} servers, ${what} → ${s.spilled ? 'spilled' : 'chosen'}`);
  }
  if (t.policy === 'round-robin-global') lines.push('round robin over all servers (no ring, no load)');
  t.candidates.forEach((c, i) => {
    const seen = Number.isFinite(c.seenOutstanding) ? c.seenOutstanding.toFixed(1) : 'no signal';
    const age = Number.isFinite(c.ageMs) ? `${c.ageMs.toFixed(0)} ms old` : '';
    lines.push(
      `candidate ${i + 1}: server ${c.server} in ${id(c.region)}, outstanding seen ${seen} ${age}`.trim(),
    );
  });
  lines.push(
    t.failed
      ? `→ server ${t.chosen} in ${id(t.chosenRegion)} had failed: request failed`
      : `→ chose server ${t.chosen} in ${id(t.chosenRegion)}, latency ${t.latencyMs.toFixed(1)} ms`,
  );
  return lines;
}

function download(name: string, data: unknown): void {
  const blob = new Blob([JSON.stringify(data, null, 2)], { type: 'application/json' });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export function MeshView({ params, seed, followed, controls, onParam }: LabViewProps) {
  const world = params.world ?? '';
  /** The name of the world file loaded here (null: the built-in world, or the experiment's). */
  const [worldName, setWorldName] = useState<string | null>(null);
  /** A world file that failed to load, and why: the map keeps the world it had. */
  const [worldError, setWorldError] = useState('');
  /** The world on the map now (the last that built): the view goes back to it when a file fails. */
  const lastGoodWorld = useRef<{ name: string | null; text: string }>({ name: null, text: '' });
  const [model, setModel] = useState<MeshViewModel | null>(null);
  const [status, setStatus] = useState('Simulating…');
  const [selected, setSelected] = useState<number | null>(null);
  const rootRef = useRef<HTMLDivElement | null>(null);
  /** The map body's box (map + timeline + side panel): the map is sized to it, never the other way round. */
  const [bodySize, bodyRef] = useElementSize({ width: 900, height: 420 });
  /** Commits of this view, exposed as data-renders: the e2e check counts them while paused. */
  const renders = useRef(0);
  const durationS = model ? (model.windows * model.windowMs) / 1000 : 0;
  const playback = usePlayback({ end: durationS, rate: PLAY_RATE, initialSpeed: 1 });
  const { playing, time: timeS, setPlaying, seek } = playback;
  const worldFollowed = followed.includes('world');
  /** The name of the world on the map (the last that built): null for the built-in one. */
  const [shownWorld, setShownWorld] = useState<string | null>(null);

  useEffect(() => {
    renders.current += 1;
    rootRef.current?.setAttribute('data-renders', String(renders.current));
  });

  // Build the scenario in the worker whenever its parameters or seed change (its own job: an experiment
  // run being cancelled never cancels it).
  const runKey = JSON.stringify([params, seed]);
  useEffect(() => {
    let stale = false;
    let done = false;
    setStatus('Simulating…');
    setPlaying(false);
    setSelected(null);
    const job = labClient().view('mesh', { ...params }, seed, (f) => {
      // Progress arrives on its own port and can land after the outcome: drop it then.
      if (!stale && !done) setStatus(`Simulating… ${Math.floor(f * 100)}%`);
    });
    void job.done.then((outcome) => {
      done = true;
      if (stale) return;
      if (outcome.kind === 'done') {
        const m = outcome.view;
        lastGoodWorld.current = { name: worldName, text: world };
        setShownWorld(
          world === '' ? null : worldFollowed ? 'the experiment’s file' : (worldName ?? 'world file'),
        );
        setModel(m);
        setSelected(m.incidentRegion);
        seek(0);
        setStatus('');
        setPlaying(true);
      } else if (outcome.kind === 'error' && world !== lastGoodWorld.current.text && !worldFollowed) {
        // A world file that does not load: say why in one line and go back to the world the map had.
        setWorldError(`${worldName ?? 'world'}: ${outcome.message}`);
        setWorldName(lastGoodWorld.current.name);
        onParam('world', lastGoodWorld.current.text);
      } else if (outcome.kind === 'error') setStatus(`Could not simulate: ${outcome.message}`);
      else setStatus('Cancelled');
    });
    return () => {
      stale = true;
      job.cancel();
    };
    // runKey stands for params and seed; the world's name and onParam are read when the build ends.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [runKey, setPlaying, seek]);

  /** Another world: the incident regions go back to their defaults (the old ids may not exist there). */
  const setWorld = (text: string) => {
    for (const name of ['spikeRegion', 'failRegion'] as const)
      onParam(name, formatParam(meshView.params[name].default));
    onParam('world', text);
  };

  const openWorld = (file: File | undefined) => {
    if (!file) return;
    void file.text().then(
      (text) => {
        // Empty text means "the built-in world" to the model: an empty file is an error, not that.
        if (text.trim() === '') {
          setWorldError(`${file.name}: the file is empty`);
          return;
        }
        setWorldError('');
        setWorldName(file.name);
        setWorld(text);
      },
      (e: unknown) => setWorldError(`${file.name}: could not be read (${String(e)})`),
    );
  };

  const sideWidth = 330;
  const tlH = 38;
  const mapW = Math.max(320, bodySize.width - sideWidth - 12);
  const mapH = Math.max(MAP_HEIGHT_MIN, bodySize.height - tlH - 4);
  const regions = model?.regions;
  const centre = useMemo(() => (regions ? chooseCentre(regions) : null), [regions]);
  const maxCap = regions ? Math.max(...regions.map((r) => r.capacityRps)) : 1;
  const radius = (cap: number): number => 4 + 8 * Math.sqrt(cap / maxCap);
  const box = useMemo(() => ({ x0: 6, y0: 6, x1: mapW - 6, y1: mapH - 6 }), [mapW, mapH]);
  const projection = useMemo(
    () =>
      centre && regions
        ? mapProjection(centre, regions, { x0: 40, y0: 40, x1: mapW - 40, y1: mapH - 24 })
        : null,
    [centre, regions, mapW, mapH],
  );
  const path = useMemo(() => (projection ? geoPath(projection) : null), [projection]);
  const base = useMemo(
    () =>
      path
        ? {
            sphere: path({ type: 'Sphere' }) ?? '',
            graticule: path(graticule) ?? '',
            land: path(land as GeoPermissibleObjects) ?? '',
            borders: path(borders as GeoPermissibleObjects) ?? '',
          }
        : null,
    [path],
  );
  // Sites, markers spread apart where sites crowd (a leader line joins each moved marker to its site), the
  // key in the corner that hides the fewest markers, and each site's label beside its marker where it covers
  // no other marker, label or the key. Labels are sized for their longest text ("id 100%", "id down") so they
  // stay put while the utilisation figures change.
  const layout = useMemo(() => {
    if (!projection || !regions) return null;
    const sites = regions.map((r): [number, number] => projection([r.lon, r.lat]) ?? [0, 0]);
    // Collision radius: the marker with its outline, and room for the label above.
    const radii = regions.map((r) => radius(r.capacityRps) + 5);
    const at = spreadMarkers(sites, radii, { ...box, y0: box.y0 + 12 }, 2);
    const folded = mapH < KEY_FOLD_BELOW_PX;
    const kw = folded ? KEY_FOLDED_W : KEY_W;
    const kh = folded ? KEY_FOLDED_H : KEY_H;
    const keyCorner = (['tr', 'tl', 'br', 'bl'] as const)
      .map((corner) => {
        const x0 = corner.endsWith('r') ? mapW - kw - 6 : 6;
        const y0 = corner.startsWith('t') ? 6 : mapH - kh - 6;
        const hidden = at.filter(
          ([x, y]) => x > x0 - 14 && x < x0 + kw + 14 && y > y0 - 14 && y < y0 + kh + 30,
        ).length;
        return { corner, hidden, rect: { x0, y0, x1: x0 + kw, y1: y0 + kh } };
      })
      .reduce((a, b) => (b.hidden < a.hidden ? b : a));
    const outer = regions.map((r) => radius(r.capacityRps) + 4);
    const placed = placeLabels(
      at,
      outer,
      regions.map((r) => labelSize(`${r.id} 100%`, LABEL_PX)),
      box,
      [keyCorner.rect],
    );
    const labels = placed.map((l) => l.rect);
    // A label set off its marker (a crowded spot) gets a line from the marker's edge to the label's nearest edge.
    const labelLeaders = placed.map((l, i): [number, number, number, number] | null => {
      if (!l.far) return null;
      const [x, y] = at[i]!;
      const nx = Math.max(l.rect.x0, Math.min(l.rect.x1, x));
      const ny = Math.max(l.rect.y0, Math.min(l.rect.y1, y));
      const d = Math.hypot(nx - x, ny - y) || 1;
      const r = outer[i]!;
      return [x + ((nx - x) / d) * r, y + ((ny - y) / d) * r, nx, ny];
    });
    const taken = [...labels, ...at.map((p, i) => markerRect(p, outer[i]!)), keyCorner.rect];
    return { sites, at, keyCorner: keyCorner.corner, keyFolded: folded, labels, labelLeaders, taken };
    // radius depends only on regions (maxCap).
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [projection, regions, box, mapW, mapH]);

  if (!model || !projection || !path || !base || !layout) {
    return (
      <div className="lab-view mesh-view" data-testid="mesh-view" data-playing="false" ref={rootRef}>
        <div className="mesh-controls">{controls}</div>
        <div className="mesh-status" data-testid="mesh-status">
          {status}
        </div>
      </div>
    );
  }

  const m = model;
  const R = m.regions.length;
  const w = Math.max(0, Math.min(m.windows - 1, Math.floor(timeS / (m.windowMs / 1000))));
  const { sites, at, keyCorner, keyFolded, labels, labelLeaders, taken } = layout;

  // Traffic arcs: cross-region flows in this window, width by rate.
  let maxFlow = 1;
  for (let c = 0; c < R; c++)
    for (let r = 0; r < R; r++) if (c !== r) maxFlow = Math.max(maxFlow, m.flows[(w * R + c) * R + r]!);
  const arcs: { c: number; r: number; rate: number; d: string; ring: number }[] = [];
  for (let c = 0; c < R; c++)
    for (let r = 0; r < R; r++) {
      const rate = m.flows[(w * R + c) * R + r]!;
      if (c === r || rate < 1) continue;
      const d = arcPath(
        projection,
        m.regions[c]!,
        m.regions[r]!,
        { site: sites[c]!, at: at[c]!, r: radius(m.regions[c]!.capacityRps) },
        { site: sites[r]!, at: at[r]!, r: radius(m.regions[r]!.capacityRps) },
      );
      arcs.push({ c, r, rate, d, ring: m.ringOf[c * R + r]! });
    }
  const flowWidth = (rate: number): number => 0.8 + 6 * Math.sqrt(rate / Math.max(maxFlow, 200));
  const sel = selected ?? m.incidentRegion;
  // The selected client's arcs on top.
  arcs.sort((a, b) => Number(a.c === sel) - Number(b.c === sel) || b.rate - a.rate);
  const dashOffset = -(timeS * DASH_PX_PER_S) % 12;

  const selRegion = m.regions[sel]!;
  const ringCircles = m.boundsMs
    .map((b, j) => ({ j, b }))
    .filter(({ b }) => b > 0)
    .map(({ j, b }) => {
      const radiusDeg = (boundKm(b) / 6371) * (180 / Math.PI);
      // A line, not a polygon: a circle that contains a pole or crosses the clip edge gets no extra edges.
      const ring = geoCircle().center([selRegion.lon, selRegion.lat]).radius(radiusDeg).precision(2)();
      return {
        j,
        b,
        d: path({ type: 'LineString', coordinates: ring.coordinates[0]! }) ?? '',
        label: ringLabelAt(projection, selRegion, radiusDeg, box, (p) => {
          const r = ringLabelRect(p, `ring ${j + 1} bound · ${b} ms`);
          return taken.every((t) => overlapArea(r, t) === 0);
        }),
      };
    });
  const why = explainRouting(m, sel, w);
  const rv = routerView(m, sel, w);
  const outOf = (c: number) => {
    const rows: { r: number; rate: number }[] = [];
    let total = 0;
    for (let r = 0; r < R; r++) {
      const rate = m.flows[(w * R + c) * R + r]!;
      total += rate;
      if (rate > 0) rows.push({ r, rate });
    }
    rows.sort((x, y) => y.rate - x.rate);
    return { rows, total };
  };
  const dest = outOf(sel);
  const traces = m.traces.filter((t) => t.client === sel);
  const trace = traces.reduce<WhyTrace | null>(
    (best, t) => (t.timeMs <= timeS * 1000 + 1 && (!best || t.timeMs > best.timeMs) ? t : best),
    null,
  );
  const selUtil = m.util[w * R + sel]!;
  const selUp = m.upRps[w * R + sel]! > 0;
  const p99 = m.p99Ms[w]!;

  // Timeline: max utilisation per second.
  const tlW = mapW;
  let maxU = 1.2;
  for (let i = 0; i < m.windows * R; i++) maxU = Math.max(maxU, m.util[i]!);
  // The timeline's plot sits below its caption line, so the caption never crosses the curve.
  const tlY = (fraction: number) => tlH - 2 - fraction * (tlH - 4 - TL_CAPTION_H);
  const tlPoints = Array.from({ length: m.windows }, (_, i) => {
    let u = 0;
    for (let r = 0; r < R; r++) u = Math.max(u, m.util[i * R + r]!);
    return `${((i + 0.5) / m.windows) * tlW},${tlY(Math.min(u, maxU) / maxU)}`;
  }).join(' ');
  const thrY = tlY(m.threshold / maxU);

  return (
    <div
      className="lab-view mesh-view"
      data-testid="mesh-view"
      data-playing={playing ? 'true' : 'false'}
      ref={rootRef}
    >
      <div className="mesh-controls">{controls}</div>
      <div className="mesh-controls mesh-playbar">
        <div className="mesh-world" role="group" aria-label="World" data-testid="mesh-world">
          <span className="mesh-world-label">World</span>
          <span className="mesh-seg">
            <button
              type="button"
              className={shownWorld === null ? 'on' : ''}
              aria-pressed={shownWorld === null}
              data-testid="mesh-world-builtin"
              title="The built-in world: assets/mesh/regions.json (12 Meta data-center sites)"
              disabled={worldFollowed}
              onClick={() => {
                setWorldError('');
                setWorldName(null);
                setWorld('');
              }}
            >
              {shownWorld === null ? <span data-testid="mesh-world-name">built-in</span> : 'built-in'}
            </button>
            {shownWorld !== null && (
              <span className="on" data-testid="mesh-world-name" title={shownWorld}>
                {shownWorld}
              </span>
            )}
            <label
              className={`mesh-world-open${worldFollowed ? ' disabled' : ''}`}
              title={
                worldFollowed
                  ? 'Following the experiment: load a world file in its form, or untick “follow the experiment”'
                  : 'Open a world file (JSON: regions, optional RTTs)'
              }
            >
              Open file…
              <input
                type="file"
                disabled={worldFollowed}
                accept=".json,application/json"
                data-testid="mesh-world-file"
                onChange={(e) => {
                  openWorld(e.target.files?.[0]);
                  e.target.value = '';
                }}
              />
            </label>
          </span>
        </div>
        <button type="button" className="small" data-testid="mesh-play" onClick={playback.toggle}>
          {playing ? 'Pause' : 'Play'}
        </button>
        <input
          type="range"
          data-testid="mesh-scrub"
          aria-label="Simulated time"
          min={0}
          max={durationS}
          step={0.1}
          value={timeS}
          onChange={(e) => playback.step(Number(e.target.value))}
        />
        <span className="mesh-time" data-testid="mesh-time">
          t = {timeS.toFixed(1)} s / {durationS} s
        </span>
        <span
          className="mesh-note"
          data-testid="mesh-p99"
          title={`99th-percentile latency of the requests that completed in this simulated second, all regions${m.workload === 'rpc' ? '; each request is a call of the RPC lab’s fitted fleet (its own CPU and bytes)' : ''}`}
        >
          {status || `p99 latency ${p99.toFixed(0)} ms${m.workload === 'rpc' ? ' · RPC-fleet calls' : ''}`}
        </span>
      </div>
      <div className="mesh-body" ref={bodyRef}>
        <div className="mesh-map-col">
          <svg className="mesh-map" data-testid="mesh-map" width={mapW} height={mapH}>
            <defs>
              {RING_COLORS.map((c, j) => (
                <marker
                  key={j}
                  id={`mesh-arrow-${j}`}
                  viewBox="0 0 10 10"
                  refX={8}
                  refY={5}
                  markerWidth={7}
                  markerHeight={7}
                  markerUnits="userSpaceOnUse"
                  orient="auto"
                >
                  <path d="M0,0 L10,5 L0,10 z" fill={c} />
                </marker>
              ))}
            </defs>
            <path className="mesh-sphere" d={base.sphere} />
            <path className="mesh-graticule" d={base.graticule} />
            <path className="mesh-land" d={base.land} />
            <path className="mesh-borders" d={base.borders} />
            {ringCircles.map(({ j, b, d, label }) => (
              <g key={j}>
                <path
                  className="mesh-ring"
                  data-testid={`mesh-ring-${j + 1}`}
                  d={d}
                  stroke={RING_COLORS[j]}
                  strokeDasharray={RING_DASH[j] || undefined}
                />
                {label && j > 0 && (
                  <text
                    className="mesh-ring-label"
                    data-testid={`mesh-bound-label-${j + 1}`}
                    x={label[0]}
                    y={label[1] - 4}
                    fill={RING_COLORS[j]}
                  >
                    ring {j + 1} bound · {b} ms
                  </text>
                )}
              </g>
            ))}
            {m.regions.map((r, i) => {
              const [sx, sy] = sites[i]!;
              const [x, y] = at[i]!;
              if (Math.hypot(x - sx, y - sy) < 3) return null;
              return (
                <g key={r.id} className="mesh-leader">
                  <line x1={sx} y1={sy} x2={x} y2={y} />
                  <circle cx={sx} cy={sy} r={1.8} />
                </g>
              );
            })}
            {labelLeaders.map(
              (l, i) =>
                l && (
                  <line
                    key={m.regions[i]!.id}
                    className="mesh-label-leader"
                    x1={l[0].toFixed(1)}
                    y1={l[1].toFixed(1)}
                    x2={l[2].toFixed(1)}
                    y2={l[3].toFixed(1)}
                  />
                ),
            )}
            {arcs.map((a) => (
              <path
                key={`${a.c}-${a.r}`}
                className={`mesh-arc${a.c === sel ? ' mesh-arc-selected' : ''}`}
                data-testid="mesh-arc"
                data-from={m.regions[a.c]!.id}
                data-to={m.regions[a.r]!.id}
                d={a.d}
                strokeWidth={flowWidth(a.rate)}
                stroke={RING_COLORS[a.ring]}
                strokeDashoffset={dashOffset}
                markerEnd={`url(#mesh-arrow-${a.ring})`}
              >
                <title>
                  {m.regions[a.c]!.id} → {m.regions[a.r]!.id}: {a.rate.toFixed(0)} req/s (ring {a.ring + 1} of{' '}
                  {m.regions[a.c]!.id})
                </title>
              </path>
            ))}
            {m.regions.map((r, i) => {
              const [x, y] = at[i]!;
              const u = m.util[w * R + i]!;
              const up = m.upRps[w * R + i]! > 0;
              const ring = m.ringOf[sel * R + i]!;
              const rad = radius(r.capacityRps);
              return (
                <g
                  key={r.id}
                  className={`mesh-region${i === sel ? ' selected' : ''}${up ? '' : ' down'}`}
                  data-testid={`mesh-region-${r.id}`}
                  transform={`translate(${x.toFixed(1)},${y.toFixed(1)})`}
                  onClick={() => setSelected(i)}
                >
                  {i === sel && <circle r={rad + 5.5} className="mesh-region-sel" />}
                  <circle
                    r={rad + 2}
                    className="mesh-region-ring"
                    stroke={RING_COLORS[ring]}
                    strokeDasharray={RING_DASH[ring] || undefined}
                  />
                  <circle r={rad} className="mesh-region-fill" fill={utilColor(u, up)} />
                  <text
                    data-testid={`mesh-label-${r.id}`}
                    x={((labels[i]!.x0 + labels[i]!.x1) / 2 - x).toFixed(1)}
                    y={(labels[i]!.y1 - 4 - y).toFixed(1)}
                  >
                    {r.id}
                    {!up ? ' down' : i === sel || u > m.threshold + 0.02 ? ` ${pct(u, 0)}` : ''}
                  </text>
                  <title>
                    {r.name}: {r.servers} servers, {r.capacityRps} req/s capacity, utilisation {pct(u, 0)};
                    ring {ring + 1} from {selRegion.id}
                  </title>
                </g>
              );
            })}
          </svg>
          <MeshKey
            key={String(keyFolded)}
            corner={keyCorner}
            folded={keyFolded}
            threshold={m.threshold}
            client={selRegion.id}
            boundsMs={m.boundsMs}
            ringNames={RING_NAMES}
          />
          {worldError && (
            <div className="mesh-world-error" role="alert">
              <span data-testid="mesh-world-error">{worldError}</span>
              <button
                type="button"
                className="small ghost"
                aria-label="Dismiss"
                onClick={() => setWorldError('')}
              >
                ✕
              </button>
            </div>
          )}
          <svg className="mesh-timeline" data-testid="mesh-timeline" width={tlW} height={tlH}>
            <line x1={0} x2={tlW} y1={thrY} y2={thrY} className="mesh-threshold" />
            <text x={4} y={10} className="mesh-tl-label">
              busiest region's utilisation · spill threshold {pct(m.threshold, 0)} dashed · incident in red
            </text>
            <polyline points={tlPoints} className="mesh-tl-line" />
            {m.events.map((e, i) => (
              <line
                key={i}
                className="mesh-tl-event"
                x1={(e.atS / durationS) * tlW}
                x2={(e.atS / durationS) * tlW}
                y1={TL_CAPTION_H}
                y2={tlH}
              >
                <title>{e.label}</title>
              </line>
            ))}
            <line
              className="mesh-tl-now"
              x1={(timeS / durationS) * tlW}
              x2={(timeS / durationS) * tlW}
              y1={TL_CAPTION_H}
              y2={tlH}
            />
          </svg>
        </div>
        <aside
          className="mesh-side"
          data-testid="mesh-detail"
          style={{ width: sideWidth, maxHeight: mapH + tlH + 4 }}
        >
          <h3>
            {selRegion.name} <span className="mesh-id">({selRegion.id})</span>
          </h3>
          <div className="mesh-sub">
            {selRegion.servers} servers · {selRegion.capacityRps} req/s capacity · its clients send{' '}
            {dest.total.toFixed(0)} req/s
          </div>
          <dl className="mesh-util" data-testid="mesh-util">
            <dt>utilisation now</dt>
            <dd>
              {selUp ? pct(selUtil, 0) : 'down'} <span className="mesh-dim">(true, this second)</span>
            </dd>
            <dt>router sees</dt>
            <dd data-testid="mesh-router-sees">
              {m.policy !== 'servicerouter'
                ? `no load figure: ${m.policy} does not route on load`
                : rv.published
                  ? `ring 1 at ${routerSeesText(rv, 0).replace('the router sees ', '')}`
                  : `nothing published yet (first RIB figure at ${(m.windowMs + m.ribDelayMs) / 1000} s)`}
            </dd>
          </dl>
          <h4>Rings from {selRegion.id}</h4>
          <ul className="mesh-rings" data-testid="mesh-rings">
            {Array.from({ length: RINGS }, (_, j) => {
              const members = m.regions.filter((_, r) => m.ringOf[sel * R + r] === j).map((r) => r.id);
              const bound = m.boundsMs[j]! > 0 ? `≤ ${m.boundsMs[j]} ms` : 'unbounded';
              return (
                <li key={j}>
                  <svg className="mesh-line-swatch" width={18} height={8} aria-hidden="true">
                    <line
                      x1={1}
                      x2={17}
                      y1={4}
                      y2={4}
                      stroke={RING_COLORS[j]}
                      strokeDasharray={RING_DASH[j] || undefined}
                    />
                  </svg>
                  ring {j + 1} ({RING_NAMES[j]}, {bound}): {members.join(', ') || '—'}
                </li>
              );
            })}
          </ul>
          <h4>Why its traffic goes where it goes</h4>
          <ul className="mesh-why" data-testid="mesh-why">
            {why.map((line, i) => (
              <li key={i}>{line}</li>
            ))}
          </ul>
          <h4 className="mesh-trace-head">
            Why-trace of a sampled request
            <button
              type="button"
              className="small ghost"
              data-testid="mesh-trace-export"
              disabled={traces.length === 0}
              onClick={() =>
                download(`mesh-why-trace-${selRegion.id}.json`, {
                  schema: 'hyperscale-lab/mesh-why-trace@1',
                  scenario: m.scenario,
                  policy: m.policy,
                  seed: Number(seed),
                  client: selRegion.id,
                  regions: m.regions.map((r) => r.id),
                  shown: trace,
                  traces,
                })
              }
            >
              Download JSON
            </button>
          </h4>
          <pre className="mesh-trace" data-testid="mesh-trace">
            {trace ? traceText(trace, m).join('\n') : 'No request sampled yet at this time.'}
          </pre>
          <h4>Where it goes now</h4>
          <ul className="mesh-dest" data-testid="mesh-dest">
            {dest.rows.slice(0, 6).map(({ r, rate }) => (
              <li key={r}>
                {m.regions[r]!.id}: {rate.toFixed(0)} req/s ({pct(dest.total > 0 ? rate / dest.total : 0, 0)},
                ring {m.ringOf[sel * R + r]! + 1})
              </li>
            ))}
          </ul>
        </aside>
      </div>
    </div>
  );
}
