// The mesh lab's live map: regions on a d3-geo world (world-atlas, shipped offline) sized by capacity and
// coloured by utilisation, the selected client region's latency rings, animated traffic arcs, an incident
// timeline (play / pause / scrub), the "why" of a region's routing and a sampled request's why-trace.
import { useEffect, useMemo, useRef, useState } from 'react';
import { geoCircle, geoInterpolate, geoNaturalEarth1, geoPath } from 'd3-geo';
import type { GeoPermissibleObjects } from 'd3-geo';
import { feature, mesh } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';
import landTopo from 'world-atlas/land-110m.json';
import countriesTopo from 'world-atlas/countries-110m.json';
import { labClient } from '../../worker/client';
import { useElementWidth } from '../../components/useElementWidth';
import { RING_NAMES, explainRouting } from '../../../core/mesh/view';
import type { MeshViewModel } from '../../../core/mesh/view';
import type { WhyTrace } from '../../../core/mesh/sim';
import { RINGS } from '../../../core/mesh/sim';
import { DEFAULT_RTT_MODEL } from '../../../core/mesh/world';
import './mesh.css';
import { pct } from '../../../core/kernel/numbers';

const land = feature(
  landTopo as unknown as Topology,
  (landTopo as unknown as Topology).objects.land as GeometryCollection,
);
const borders = mesh(
  countriesTopo as unknown as Topology,
  (countriesTopo as unknown as Topology).objects.countries as GeometryCollection,
  (a, b) => a !== b,
);

const RING_COLORS = ['#6cb0ff', '#3fb968', '#d9a53a', '#c678dd'];
/** Simulated seconds per real second while playing. */
const PLAY_RATE = 6;
const MAP_HEIGHT_MIN = 260;
/** The part of the world the built-in regions span (Oregon to Singapore, Sweden to the equator). */
const BUILT_IN_EXTENT: GeoPermissibleObjects = {
  type: 'MultiPoint',
  coordinates: [
    [-128, -2],
    [112, -2],
    [-128, 68],
    [112, 68],
    [-10, 72],
  ],
};

/** The map's extent for a user's world: its regions' points with a margin, so every region is on the map. */
function regionsExtent(regions: readonly { lat: number; lon: number }[]): GeoPermissibleObjects {
  const lats = regions.map((r) => r.lat);
  const lons = regions.map((r) => r.lon);
  const clampLat = (x: number) => Math.max(-85, Math.min(85, x));
  const [south, north] = [clampLat(Math.min(...lats) - 12), clampLat(Math.max(...lats) + 12)];
  const [west, east] = [Math.max(-180, Math.min(...lons) - 20), Math.min(180, Math.max(...lons) + 20)];
  return {
    type: 'MultiPoint',
    coordinates: [
      [west, south],
      [east, south],
      [west, north],
      [east, north],
    ],
  };
}

/** The built-in incident regions: the spike hits Prineville, the outage takes out Los Lunas. */
const DEFAULT_INCIDENT = { spike: 'prn', outage: 'lla' } as const;

/** Utilisation → colour: green below the threshold, amber up to 100%, red above. */
function utilColor(u: number, threshold: number, up: boolean): string {
  if (!up) return '#4a5060';
  if (u <= threshold) {
    const k = Math.max(0, u / threshold);
    return `hsl(${140 - 60 * k}, 60%, ${38 + 10 * k}%)`;
  }
  if (u <= 1) return `hsl(${45 - 25 * ((u - threshold) / (1 - threshold))}, 80%, 52%)`;
  return `hsl(${Math.max(0, 20 - 20 * Math.min(1, u - 1))}, 85%, 55%)`;
}

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
        ? `load ${pct(s.seen, 0)} vs threshold ${pct(t.threshold, 0)}, keep ${pct(s.keep, 0)}`
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

export function MeshView() {
  const [scenario, setScenario] = useState<'spike' | 'outage'>('spike');
  const [policy, setPolicy] = useState('servicerouter');
  /** The incident region's id; null = the scenario's default (the first region of a user's world). */
  const [incident, setIncident] = useState<string | null>(null);
  /** A user's world file (name and text), or null for the built-in regions. */
  const [world, setWorld] = useState<{ name: string; text: string } | null>(null);
  /** A world file that failed to load, and why: the map keeps the world it had. */
  const [worldError, setWorldError] = useState('');
  /** The world on the map now (the last that built): the effect goes back to it when a file fails. */
  const lastGoodWorld = useRef<{ name: string; text: string } | null>(null);
  const lastGoodIncident = useRef<string | null>(null);
  const [shownWorld, setShownWorld] = useState<string | null>(null);
  const [model, setModel] = useState<MeshViewModel | null>(null);
  const [status, setStatus] = useState('Simulating…');
  const [timeS, setTimeS] = useState(0);
  const [playing, setPlaying] = useState(false);
  const [selected, setSelected] = useState<number | null>(null);
  const [width, widthRef] = useElementWidth(900);
  const rootRef = useRef<HTMLDivElement | null>(null);
  const [height, setHeight] = useState(420);

  useEffect(() => {
    const el = rootRef.current;
    if (!el) return;
    const obs = new ResizeObserver((entries) => {
      const h = entries[0]?.contentRect.height;
      if (h && h > 0) setHeight(Math.floor(h));
    });
    obs.observe(el);
    return () => obs.disconnect();
  }, []);

  // Build the scenario in the worker whenever scenario, policy, incident region or world change.
  useEffect(() => {
    let stale = false;
    setStatus('Simulating…');
    setPlaying(false);
    setSelected(null);
    // In a user's world the view's default region id stands for its first region (core/mesh/scenario.ts).
    const region = incident ?? (world ? 'prn' : DEFAULT_INCIDENT[scenario]);
    void labClient()
      // The outage runs hotter (70% base load, as mesh-outage) so that overload can cascade.
      .view(
        'mesh',
        { scenario, policy, region, baseLoad: scenario === 'spike' ? 0.5 : 0.7, world: world?.text ?? '' },
        1,
        (f) => {
          if (!stale) setStatus(`Simulating… ${Math.floor(f * 100)}%`);
        },
      )
      .then((outcome) => {
        if (stale) return;
        if (outcome.kind === 'done') {
          const m = outcome.view;
          lastGoodWorld.current = world;
          lastGoodIncident.current = incident;
          setShownWorld(world?.name ?? null);
          setModel(m);
          setSelected(m.incidentRegion);
          setTimeS(0);
          setStatus('');
          setPlaying(true);
        } else if (outcome.kind === 'error' && world !== lastGoodWorld.current) {
          // A world file that does not load: say why in one line and go back to the world the map had.
          setWorldError(`${world?.name ?? 'world'}: ${outcome.message}`);
          setIncident(lastGoodIncident.current);
          setWorld(lastGoodWorld.current);
        } else if (outcome.kind === 'error') setStatus(`Could not simulate: ${outcome.message}`);
        else setStatus('Cancelled');
      });
    return () => {
      stale = true;
    };
  }, [scenario, policy, incident, world]);

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
        setIncident(null);
        setWorld({ name: file.name, text });
      },
      (e: unknown) => setWorldError(`${file.name}: could not be read (${String(e)})`),
    );
  };

  // Playback: advance simulated time with the animation frame clock.
  const durationS = model ? (model.windows * model.windowMs) / 1000 : 0;
  useEffect(() => {
    if (!playing || !model) return;
    let last = performance.now();
    let raf = 0;
    const tick = (now: number) => {
      // A frame's timestamp can precede the performance.now() read when playback started.
      const dt = Math.max(0, now - last) / 1000;
      last = now;
      setTimeS((t) => {
        const next = t + dt * PLAY_RATE;
        if (next >= durationS) {
          setPlaying(false);
          return durationS;
        }
        return next;
      });
      raf = requestAnimationFrame(tick);
    };
    raf = requestAnimationFrame(tick);
    return () => cancelAnimationFrame(raf);
  }, [playing, model, durationS]);

  const sideWidth = 330;
  const mapW = Math.max(320, width - sideWidth - 12);
  const mapH = Math.max(MAP_HEIGHT_MIN, height - 70);
  const extent = useMemo(
    () => (shownWorld !== null && model ? regionsExtent(model.regions) : BUILT_IN_EXTENT),
    [shownWorld, model],
  );
  const projection = useMemo(
    () =>
      geoNaturalEarth1().fitExtent(
        [
          [10, 14],
          [mapW - 10, mapH - 8],
        ],
        extent,
      ),
    [mapW, mapH, extent],
  );
  const path = useMemo(() => geoPath(projection), [projection]);
  const landPath = useMemo(() => path(land as GeoPermissibleObjects) ?? '', [path]);
  const borderPath = useMemo(() => path(borders as GeoPermissibleObjects) ?? '', [path]);

  if (!model) {
    return (
      <div className="lab-view mesh-view" data-testid="mesh-view" ref={rootRef}>
        <div className="mesh-status" data-testid="mesh-status">
          {status}
        </div>
      </div>
    );
  }

  const m = model;
  const R = m.regions.length;
  const w = Math.max(0, Math.min(m.windows - 1, Math.floor(timeS / (m.windowMs / 1000))));
  const maxCap = Math.max(...m.regions.map((r) => r.capacityRps));
  const radius = (cap: number): number => 5 + 11 * Math.sqrt(cap / maxCap);
  const xy = (r: number): [number, number] => projection([m.regions[r]!.lon, m.regions[r]!.lat]) ?? [0, 0];

  // Traffic arcs: cross-region flows in this window, width by rate.
  let maxFlow = 1;
  for (let c = 0; c < R; c++)
    for (let r = 0; r < R; r++) if (c !== r) maxFlow = Math.max(maxFlow, m.flows[(w * R + c) * R + r]!);
  const arcs: { c: number; r: number; rate: number; d: string }[] = [];
  for (let c = 0; c < R; c++)
    for (let r = 0; r < R; r++) {
      const rate = m.flows[(w * R + c) * R + r]!;
      if (c === r || rate < 1) continue;
      const a = m.regions[c]!;
      const b = m.regions[r]!;
      const interp = geoInterpolate([a.lon, a.lat], [b.lon, b.lat]);
      const coords = Array.from({ length: 17 }, (_, i) => interp(i / 16));
      const d = path({ type: 'LineString', coordinates: coords }) ?? '';
      arcs.push({ c, r, rate, d });
    }
  const flowWidth = (rate: number): number => 0.8 + 7 * Math.sqrt(rate / Math.max(maxFlow, 200));

  const sel = selected ?? m.incidentRegion;
  const selRegion = m.regions[sel]!;
  const ringCircles = m.boundsMs
    .map((b, j) => ({ j, b }))
    .filter(({ b }) => b > 0)
    .map(({ j, b }) => {
      const radiusDeg = (boundKm(b) / 6371) * (180 / Math.PI);
      return {
        j,
        b,
        d: path(geoCircle().center([selRegion.lon, selRegion.lat]).radius(radiusDeg)()) ?? '',
        // The label sits on the circle due south of the region (always on the map for these latitudes).
        label: projection([selRegion.lon, Math.max(-80, selRegion.lat - radiusDeg)]),
      };
    });
  const why = explainRouting(m, sel, w);
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

  // Timeline: max utilisation per second.
  const tlW = mapW;
  const tlH = 34;
  let maxU = 1.2;
  for (let i = 0; i < m.windows * R; i++) maxU = Math.max(maxU, m.util[i]!);
  const tlPoints = Array.from({ length: m.windows }, (_, i) => {
    let u = 0;
    for (let r = 0; r < R; r++) u = Math.max(u, m.util[i * R + r]!);
    return `${((i + 0.5) / m.windows) * tlW},${tlH - (Math.min(u, maxU) / maxU) * (tlH - 4) - 2}`;
  }).join(' ');
  const thrY = tlH - (m.threshold / maxU) * (tlH - 4) - 2;

  return (
    <div className="lab-view mesh-view" data-testid="mesh-view" ref={rootRef}>
      <div className="mesh-controls">
        <label>
          Incident{' '}
          <select
            data-testid="mesh-scenario"
            value={scenario}
            onChange={(e) => setScenario(e.target.value as 'spike' | 'outage')}
          >
            <option value="spike">demand spike (2.5× capacity)</option>
            <option value="outage">region outage (70% base load)</option>
          </select>
        </label>
        <label>
          in{' '}
          <select
            data-testid="mesh-incident-region"
            value={m.regions[m.incidentRegion]?.id}
            onChange={(e) => setIncident(e.target.value)}
          >
            {m.regions.map((r) => (
              <option key={r.id} value={r.id}>
                {r.id} · {r.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Policy{' '}
          <select data-testid="mesh-policy" value={policy} onChange={(e) => setPolicy(e.target.value)}>
            {['servicerouter', 'latency-rings', 'envoy-priority', 'round-robin-global'].map((p) => (
              <option key={p} value={p}>
                {p}
              </option>
            ))}
          </select>
        </label>
        <span className="mesh-world" data-testid="mesh-world">
          world:{' '}
          <span data-testid="mesh-world-name" title={shownWorld ?? 'assets/mesh/regions.json'}>
            {shownWorld ?? 'built-in'}
          </span>
          <label className="mesh-world-open" title="Open a world file (JSON: regions, optional RTTs)">
            open…
            <input
              type="file"
              accept=".json,application/json"
              data-testid="mesh-world-file"
              onChange={(e) => {
                openWorld(e.target.files?.[0]);
                e.target.value = '';
              }}
            />
          </label>
          {shownWorld !== null && (
            <button
              type="button"
              className="small ghost"
              data-testid="mesh-world-builtin"
              onClick={() => {
                setWorldError('');
                setIncident(null);
                setWorld(null);
              }}
            >
              built-in
            </button>
          )}
        </span>
        <button
          type="button"
          className="small"
          data-testid="mesh-play"
          onClick={() => {
            if (!playing && timeS >= durationS) setTimeS(0);
            setPlaying(!playing);
          }}
        >
          {playing ? 'Pause' : 'Play'}
        </button>
        <input
          type="range"
          data-testid="mesh-scrub"
          min={0}
          max={durationS}
          step={0.1}
          value={timeS}
          onChange={(e) => {
            setPlaying(false);
            setTimeS(Number(e.target.value));
          }}
        />
        <span className="mesh-time" data-testid="mesh-time">
          t = {timeS.toFixed(1)} s / {durationS} s
        </span>
        <span className="mesh-note">{status || `p99 ${m.p99Ms[w]!.toFixed(0)} ms`}</span>
      </div>
      {worldError && (
        <div className="mesh-world-error" role="alert" data-testid="mesh-world-error">
          {worldError}
        </div>
      )}
      <div className="mesh-body" ref={widthRef}>
        <div className="mesh-map-col">
          <svg className="mesh-map" data-testid="mesh-map" width={mapW} height={mapH}>
            <path className="mesh-sphere" d={path({ type: 'Sphere' }) ?? ''} />
            <path className="mesh-land" d={landPath} />
            <path className="mesh-borders" d={borderPath} />
            {ringCircles.map(({ j, b, d, label }) => (
              <g key={j}>
                <path
                  className="mesh-ring"
                  data-testid={`mesh-ring-${j + 1}`}
                  d={d}
                  stroke={RING_COLORS[j]}
                />
                {label && j > 0 && (
                  <text className="mesh-ring-label" x={label[0]} y={label[1] - 3} fill={RING_COLORS[j]}>
                    ring {j + 1} · {b} ms
                  </text>
                )}
              </g>
            ))}
            {arcs.map((a) => (
              <path
                key={`${a.c}-${a.r}`}
                className={`mesh-arc${a.c === sel ? ' mesh-arc-selected' : ''}`}
                data-testid="mesh-arc"
                data-from={m.regions[a.c]!.id}
                data-to={m.regions[a.r]!.id}
                d={a.d}
                strokeWidth={flowWidth(a.rate)}
                stroke={RING_COLORS[m.ringOf[a.c * R + a.r]!]}
              >
                <title>
                  {m.regions[a.c]!.id} → {m.regions[a.r]!.id}: {a.rate.toFixed(0)} req/s (ring{' '}
                  {m.ringOf[a.c * R + a.r]! + 1})
                </title>
              </path>
            ))}
            {m.regions.map((r, i) => {
              const [x, y] = xy(i);
              const u = m.util[w * R + i]!;
              const up = m.upRps[w * R + i]! > 0;
              const ring = m.ringOf[sel * R + i]!;
              return (
                <g
                  key={r.id}
                  className={`mesh-region${i === sel ? ' selected' : ''}`}
                  data-testid={`mesh-region-${r.id}`}
                  transform={`translate(${x},${y})`}
                  onClick={() => setSelected(i)}
                >
                  <circle
                    r={radius(r.capacityRps) + 3}
                    className="mesh-region-ring"
                    stroke={RING_COLORS[ring]}
                  />
                  <circle r={radius(r.capacityRps)} fill={utilColor(u, m.threshold, up)} />
                  <text y={-radius(r.capacityRps) - 5}>
                    {r.id}
                    {!up ? ' down' : i === sel || u > m.threshold + 0.02 ? ` ${pct(u, 0)}` : ''}
                  </text>
                  <title>
                    {r.name}: {r.servers} servers, {r.capacityRps} req/s capacity, utilisation {pct(u, 0)}
                  </title>
                </g>
              );
            })}
          </svg>
          <svg className="mesh-timeline" data-testid="mesh-timeline" width={tlW} height={tlH}>
            <line x1={0} x2={tlW} y1={thrY} y2={thrY} className="mesh-threshold" />
            <text x={4} y={10} className="mesh-tl-label">
              busiest region's utilisation · threshold {pct(m.threshold, 0)} dashed · incident in red
            </text>
            <polyline points={tlPoints} className="mesh-tl-line" />
            {m.events.map((e, i) => (
              <line
                key={i}
                className="mesh-tl-event"
                x1={(e.atS / durationS) * tlW}
                x2={(e.atS / durationS) * tlW}
                y1={0}
                y2={tlH}
              >
                <title>{e.label}</title>
              </line>
            ))}
            <line
              className="mesh-tl-now"
              x1={(timeS / durationS) * tlW}
              x2={(timeS / durationS) * tlW}
              y1={0}
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
            {selRegion.servers} servers · {selRegion.capacityRps} req/s · utilisation{' '}
            {pct(m.util[w * R + sel]!, 0)} · clients send {dest.total.toFixed(0)} req/s
          </div>
          <h4>Rings from {selRegion.id}</h4>
          <ul className="mesh-rings" data-testid="mesh-rings">
            {Array.from({ length: RINGS }, (_, j) => {
              const members = m.regions.filter((_, r) => m.ringOf[sel * R + r] === j).map((r) => r.id);
              const bound = m.boundsMs[j]! > 0 ? `≤ ${m.boundsMs[j]} ms` : 'unbounded';
              return (
                <li key={j}>
                  <span className="mesh-swatch" style={{ background: RING_COLORS[j] }} />
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
                  seed: 1,
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
