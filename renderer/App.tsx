// The app shell: lab navigator, the current lab's page (LabPage: view, form, result), banners, status line.
// It owns the state the URL hash mirrors and wires the host (menu, files) to the worker runner.
import { useEffect, useEffectEvent, useMemo, useRef, useState } from 'react';
import { LAB_IDS, getLab } from '../core/labs';
import type { LabId } from '../core/labs';
import type { Experiment, Result } from '../core/experiments/types';
import type { MenuCommand } from '../electron/bridge';
import { AboutDialog } from './components/AboutDialog';
import { Banner, Notices } from './components/Banner';
import type { BannerState } from './components/Banner';
import { ExperimentPanel } from './components/ExperimentPanel';
import { LabPage } from './components/LabPage';
import { ResultsPanel } from './components/ResultsPanel';
import { SweepPanel } from './components/SweepPanel';
import type { CheckStatus } from './components/ResultsPanel';
import { footerText, statusText } from './components/RunControls';
import { Sidebar } from './components/Sidebar';
import { StatusLine } from './components/StatusLine';
import { Tabs } from './components/Tabs';
import { pickHost } from './host/host';
import { LAB_VIEWS } from './labs/views';
import { ViewParamBar } from './components/ViewParamBar';
import { defaultViewState, resolveView } from './state/viewParams';
import type { ViewState } from './state/viewParams';
import { compareReproducible } from '../core/experiments/result';
import { defaultForm, formFromResult, formMatchesResult, validateForm } from './state/form';
import type { FormState } from './state/form';
import { findExperiment, hashFor, routeFromHash } from './state/route';
import { useResultFiles } from './state/useResultFiles';
import { useRunner } from './state/useRunner';
import type { RunStatus } from './state/useRunner';

type Forms = Partial<Record<LabId, FormState>>;
type Views = Partial<Record<LabId, ViewState>>;

function EmptyResults({ status }: { status: RunStatus }) {
  const running = status.phase === 'running';
  return (
    <section className="results-empty" data-testid="results-empty">
      <p>
        {running ? 'Running the scenario in the worker…' : 'No result yet: set the parameters and press Run.'}
      </p>
      {running && <p className="muted">{statusText(status)}</p>}
    </section>
  );
}

type Pane = 'result' | 'sweep';
const PANES: readonly [Pane, string][] = [
  ['result', 'Result'],
  ['sweep', 'Sweep'],
];

/** Result / Sweep: what the results pane shows. */
export function App() {
  const host = useMemo(pickHost, []);
  const [initial] = useState(() => routeFromHash(window.location.hash));
  const [lab, setLab] = useState<LabId>(initial.lab);
  const [forms, setForms] = useState<Forms>(() => (initial.form ? { [initial.lab]: initial.form } : {}));
  const [views, setViews] = useState<Views>(() => ({ [initial.lab]: initial.view }));
  const [notices, setNotices] = useState<string[]>(initial.notices);
  const [results, setResults] = useState<Record<string, Result>>({});
  const [check, setCheck] = useState<{ of: Result; state: CheckStatus } | null>(null);
  const [banner, setBanner] = useState<BannerState | null>(null);
  const [aboutOpen, setAboutOpen] = useState(false);
  /** The results pane shows the last result or the sweep panel. */
  const [pane, setPane] = useState<Pane>('result');
  const runner = useRunner();
  const autoRan = useRef(new Set<string>());

  const experiments = getLab(lab).experiments;
  const form = forms[lab] ?? null;
  const experiment = form ? findExperiment(lab, form.expId) : undefined;
  const formCheck = useMemo(
    () => (form && experiment ? validateForm(form, experiment) : { errors: {}, ok: false }),
    [form, experiment],
  );
  const result = experiment ? results[experiment.id] : undefined;
  const viewEntry = LAB_VIEWS[lab];
  const LabView = viewEntry.component;
  const viewSpec = getLab(lab).view.params;
  const viewState = views[lab] ?? defaultViewState();
  const resolved = useMemo(
    () =>
      resolveView(
        viewSpec,
        viewState,
        form && experiment ? { experiment, values: form.values, seed: form.seed } : null,
        viewEntry.follow,
      ),
    [viewSpec, viewState, form, experiment, viewEntry],
  );
  /** Stable while the view's inputs are unchanged, so a form edit on an unshared parameter rebuilds nothing. */
  const viewKey = JSON.stringify([resolved.params, resolved.seed, resolved.followed]);
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const viewInput = useMemo(() => resolved, [viewKey]);
  /** A user edit of the view's state (functional, so several edits in one event all land). */
  const editView = (edit: (view: ViewState) => ViewState) => {
    setViews((v) => ({ ...v, [lab]: edit(v[lab] ?? defaultViewState()) }));
    setNotices([]);
  };
  const setViewParam = (name: string, value: string) =>
    editView((v) => ({ ...v, values: { ...v.values, [name]: value } }));
  const hrefs = Object.fromEntries(
    LAB_IDS.map((l) => [l, hashFor(l, forms[l] ?? null, views[l] ?? defaultViewState())]),
  ) as Record<LabId, string>;

  /** A user edit: the link's notices no longer describe what is shown. */
  const setForm = (next: FormState) => {
    setForms((f) => ({ ...f, [lab]: next }));
    setNotices([]);
  };

  async function runWith(f: FormState, exp: Experiment) {
    const outcome = await runner.start({ expId: exp.id, params: f.values, seed: f.seed, purpose: 'run' });
    if (outcome.kind === 'done') setResults((r) => ({ ...r, [exp.id]: outcome.result }));
  }
  const runNow = () => {
    if (form && experiment && formCheck.ok) void runWith(form, experiment);
  };

  async function recheck() {
    if (!result) return;
    const target = result;
    setCheck({ of: target, state: { status: 'running' } });
    const outcome = await runner.start({
      expId: target.experiment,
      params: target.params,
      seed: target.seed,
      purpose: 'check',
    });
    let state: CheckStatus | null = null;
    if (outcome.kind === 'done') {
      const compared = compareReproducible(target, outcome.result);
      state = compared.same ? { status: 'same' } : { status: 'differs', detail: compared.detail };
    } else if (outcome.kind === 'error') state = { status: 'failed', detail: outcome.message };
    else if (outcome.kind === 'cancelled') state = { status: 'failed', detail: 'cancelled' };
    setCheck((c) => (c?.of !== target ? c : state ? { of: target, state } : null));
  }

  /** Show a loaded result: switch to its lab and experiment, fill its params and seed. */
  function showResult(loaded: Result, exp: Experiment, toLab: LabId) {
    // Quietly: the status line then describes the result shown, not a run that was stopped for it.
    runner.reset(`Opened ${loaded.experiment}, seed ${loaded.seed}`);
    autoRan.current.add(exp.id);
    const { form: loadedForm, problems } = formFromResult(loaded, exp);
    setResults((r) => ({ ...r, [exp.id]: loaded }));
    setForms((f) => ({ ...f, [toLab]: loadedForm }));
    setLab(toLab);
    setNotices(problems);
  }

  const files = useResultFiles({ host, result, setBanner, showResult });

  function pick(id: string) {
    const exp = findExperiment(lab, id);
    if (!exp) return;
    const saved = results[exp.id];
    setForm(saved ? formFromResult(saved, exp).form : defaultForm(exp));
  }

  // Notices of success fade on their own; errors stay until dismissed.
  useEffect(() => {
    if (banner?.kind !== 'info') return;
    const timer = setTimeout(() => setBanner(null), 8000);
    return () => clearTimeout(timer);
  }, [banner]);

  // The hash mirrors the state (replaceState: typing does not add history entries).
  useEffect(() => {
    const hash = hashFor(lab, form, viewState);
    if (window.location.hash !== hash) window.history.replaceState(window.history.state, '', hash);
  }, [lab, form, viewState]);

  // A hash typed, pasted, or reached through a link or Back restores that state.
  const onHashChange = useEffectEvent(() => {
    const next = routeFromHash(window.location.hash);
    // A refused hash does not stay in the address bar (a reload would refuse it again).
    if (next.refused)
      window.history.replaceState(window.history.state, '', hashFor(next.lab, next.form, next.view));
    setLab(next.lab);
    if (next.form) setForms((f) => ({ ...f, [next.lab]: next.form }));
    setViews((v) => ({ ...v, [next.lab]: next.view }));
    setNotices(next.notices);
  });
  useEffect(() => {
    const listener = () => onHashChange();
    window.addEventListener('hashchange', listener);
    return () => window.removeEventListener('hashchange', listener);
  }, []);

  // The window opens on something alive: the first time an experiment is shown, run it.
  const autoRun = useEffectEvent(() => {
    if (!form || !experiment || results[experiment.id] || autoRan.current.has(experiment.id)) return;
    autoRan.current.add(experiment.id);
    if (formCheck.ok) void runWith(form, experiment);
  });
  const shownId = experiment?.id;
  useEffect(() => autoRun(), [shownId]);

  const onMenu = useEffectEvent((command: MenuCommand) => {
    if (command === 'open-result') void files.open();
    else if (command === 'save-report') void files.exportReport();
    else if (command === 'export-pdf') void files.exportPdf();
    else setAboutOpen(true);
  });
  useEffect(() => host.onMenu((command) => onMenu(command)), [host]);

  // Ctrl/Cmd+Enter runs from anywhere; Escape cancels a run (unless it closes a dialog).
  const onKey = useEffectEvent((event: KeyboardEvent) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      runNow();
    } else if (event.key === 'Escape' && !aboutOpen && runner.status.phase === 'running') {
      runner.cancel();
    }
  });
  useEffect(() => {
    const listener = (event: KeyboardEvent) => onKey(event);
    window.addEventListener('keydown', listener);
    return () => window.removeEventListener('keydown', listener);
  }, []);

  const busy = runner.status.phase === 'running' && runner.status.purpose === 'run';
  return (
    <div className="app">
      <Sidebar
        current={lab}
        hrefs={hrefs}
        onOpenResult={() => void files.open()}
        onAbout={() => setAboutOpen(true)}
      />
      <main className="main">
        {banner && <Banner banner={banner} onDismiss={() => setBanner(null)} />}
        <Notices notices={notices} />
        <LabPage
          view={
            <LabView
              key={lab}
              params={viewInput.params}
              seed={viewInput.seed}
              followed={viewInput.followed}
              onParam={setViewParam}
              onFollow={(follow) => editView((v) => ({ ...v, follow }))}
              controls={
                <ViewParamBar
                  params={viewSpec}
                  values={resolved.params}
                  typed={viewState.values}
                  seed={resolved.seed}
                  typedSeed={viewState.seed}
                  followed={resolved.followed}
                  follow={viewState.follow}
                  canFollow={form !== null}
                  note={resolved.note}
                  skip={viewEntry.ownControls}
                  onParam={setViewParam}
                  onSeed={(seed) => editView((v) => ({ ...v, seed }))}
                  onFollow={(follow) => editView((v) => ({ ...v, follow }))}
                />
              }
            />
          }
          busy={busy}
          form={
            form && experiment ? (
              <ExperimentPanel
                experiments={experiments}
                experiment={experiment}
                form={form}
                check={formCheck}
                status={runner.status}
                onPick={pick}
                onParam={(name, value) => setForm({ ...form, values: { ...form.values, [name]: value } })}
                onSeed={(seed) => setForm({ ...form, seed })}
                onRun={runNow}
                onCancel={runner.cancel}
                onReset={() => setForm(defaultForm(experiment))}
              />
            ) : null
          }
          results={
            <>
              {form && (
                <Tabs
                  tabs={PANES}
                  selected={pane}
                  onSelect={setPane}
                  label="Results pane"
                  testId="pane"
                  className="pane-tabs"
                />
              )}
              {/* The sweep stays mounted (hidden) on the Result tab, so a running or finished sweep survives. */}
              {form && experiment && (
                <div hidden={pane !== 'sweep'}>
                  <SweepPanel key={experiment.id} experiment={experiment} values={form.values} host={host} />
                </div>
              )}
              {pane === 'result' &&
                (result && experiment && form ? (
                  <ResultsPanel
                    experiment={experiment}
                    result={result}
                    stale={!formMatchesResult(form, experiment, result)}
                    check={check?.of === result ? check.state : null}
                    canDownload={host.download !== undefined}
                    onExport={() => void files.exportReport()}
                    onDownload={files.download}
                    onRecheck={() => void recheck()}
                  />
                ) : (
                  <EmptyResults status={runner.status} />
                ))}
            </>
          }
        />
      </main>
      <StatusLine hostKind={host.kind} message={footerText(runner.status)} />
      <AboutDialog
        open={aboutOpen}
        hostName={host.kind === 'electron' ? 'the Electron app' : 'a browser tab'}
        shellVersion={window.lab?.version}
        onClose={() => setAboutOpen(false)}
      />
    </div>
  );
}
