// The experiment form: picker (this lab's experiments), what it reproduces, the inputs generated from
// its parameter schema (most-used first, the rest folded), the seed, and a footer with Run/Cancel that
// never scrolls away. Enter in a field runs; a bad value is named beside Run, a click shows the field.
import { useMemo, useRef, useState } from 'react';
import type { FormEvent, KeyboardEvent } from 'react';
import type { Experiment } from '../../core/experiments/types';
import { defaultValues } from '../state/form';
import type { FormCheck, FormState } from '../state/form';
import { layoutParams, namesOf } from '../state/paramLayout';
import type { ParamSection } from '../state/paramLayout';
import type { RunStatus } from '../state/useRunner';
import { ParamField } from './ParamField';
import { RunControls } from './RunControls';
import type { FormProblem } from './RunControls';
import { SeedField } from './SeedField';
import { Prose } from '../../report/Prose';

interface Props {
  experiments: readonly Experiment[];
  experiment: Experiment;
  form: FormState;
  check: FormCheck;
  status: RunStatus;
  onPick(id: string): void;
  onParam(name: string, value: string): void;
  onSeed(value: string): void;
  onRun(): void;
  onCancel(): void;
  onReset(): void;
}

function Description({ text }: { text: string }) {
  const [open, setOpen] = useState(false);
  const long = text.length > 160;
  return (
    <div className="description">
      <p className={long && !open ? 'clamped' : undefined}>
        <Prose text={text} />
      </p>
      {long && (
        <button type="button" className="link" onClick={() => setOpen(!open)}>
          {open ? 'less' : 'more'}
        </button>
      )}
    </div>
  );
}

/** Inputs that take Enter as "run" (buttons keep Enter as click; a file input opens its picker). */
function runsOnEnter(target: EventTarget): boolean {
  if (target instanceof HTMLSelectElement) return true;
  return target instanceof HTMLInputElement && target.type !== 'file';
}

export function ExperimentPanel(props: Props) {
  const { experiments, experiment, form, check, status } = props;
  const formRef = useRef<HTMLFormElement>(null);
  const layout = useMemo(() => layoutParams(experiment.params), [experiment]);
  const defaults = useMemo(() => defaultValues(experiment), [experiment]);
  const folded = namesOf(layout.advanced);
  const foldedChanged = folded.filter((n) => form.values[n] !== defaults[n]).length;
  const foldedErrors = folded.filter((n) => check.errors[n]).length;
  // The fold opens by itself when a folded field gets a value of its own or an error (a link, a loaded
  // result or file): what decides the run is never hidden. The user may fold it again.
  const attention = foldedChanged + foldedErrors;
  const [moreOpen, setMoreOpen] = useState(attention > 0);
  const [seenAttention, setSeenAttention] = useState(attention);
  if (attention !== seenAttention) {
    setSeenAttention(attention);
    if (attention > seenAttention) setMoreOpen(true);
  }

  // Errors in the order the form shows their fields; a field the schema does not know goes last.
  const order = [...namesOf(layout.primary), 'seed', ...folded];
  const problems: FormProblem[] = Object.entries(check.errors)
    .sort(([a], [b]) => (order.indexOf(a) >>> 0) - (order.indexOf(b) >>> 0))
    .map(([name, error]) => ({
      name,
      label: name === 'seed' ? 'Seed' : (experiment.params[name]?.label ?? name),
      error,
    }));

  const showField = (name: string) => {
    if (folded.includes(name)) setMoreOpen(true);
    // After the fold has opened: focus the input and bring it into view.
    requestAnimationFrame(() => {
      const input = formRef.current?.querySelector<HTMLElement>(`[data-testid="param-${CSS.escape(name)}"]`);
      input?.focus();
      input?.scrollIntoView({ block: 'nearest' });
    });
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (check.ok) props.onRun();
  };
  const onKeyDown = (event: KeyboardEvent<HTMLFormElement>) => {
    // Ctrl/Cmd+Enter is the window's shortcut (App); plain Enter in a field runs from here.
    if (event.key !== 'Enter' || event.ctrlKey || event.metaKey || event.altKey || event.shiftKey) return;
    if (event.nativeEvent.isComposing || !runsOnEnter(event.target)) return;
    event.preventDefault();
    if (check.ok) props.onRun();
  };

  const fields = (section: ParamSection) => (
    <div className="field-group" key={section.title ?? ''}>
      {section.title && <h3 className="group-title">{section.title}</h3>}
      {section.names.map((name) => {
        const spec = experiment.params[name];
        return spec ? (
          <ParamField
            key={name}
            name={name}
            spec={spec}
            value={form.values[name] ?? ''}
            values={form.values}
            error={check.errors[name]}
            onChange={props.onParam}
          />
        ) : null;
      })}
    </div>
  );

  return (
    <section className="experiment-panel" data-testid="experiment-panel" aria-label="Experiment">
      <form className="param-form" ref={formRef} onSubmit={submit} onKeyDown={onKeyDown} noValidate>
        <div className="form-scroll" data-testid="form-scroll">
          <div className="panel-head">
            <label className="picker">
              <span className="sr-only">Experiment</span>
              <select
                data-testid="experiment-picker"
                value={experiment.id}
                onChange={(e) => props.onPick(e.target.value)}
              >
                {experiments.map((e) => (
                  <option key={e.id} value={e.id}>
                    {e.id}
                  </option>
                ))}
              </select>
            </label>
            <h1 data-testid="experiment-title" title={experiment.title}>
              {experiment.title}
            </h1>
            <div className="paper" data-testid="experiment-paper" title={experiment.paper}>
              <span className="figure">
                {experiment.figure.startsWith('none')
                  ? `no published figure${experiment.figure.slice(4)}`
                  : experiment.figure}
              </span>
              <span className="paper-name">{experiment.paper}</span>
            </div>
            <Description text={experiment.description} />
          </div>
          <div className="fields">
            {layout.primary.map(fields)}
            <SeedField value={form.seed} error={check.errors.seed} onChange={props.onSeed} />
            {folded.length > 0 && (
              <details
                className="more-params"
                data-testid="more-params"
                open={moreOpen}
                onToggle={(e) => setMoreOpen(e.currentTarget.open)}
              >
                <summary>
                  <span>More parameters ({folded.length})</span>
                  {foldedChanged > 0 && <span className="badge">{foldedChanged} changed</span>}
                  {foldedErrors > 0 && <span className="badge badge-error">{foldedErrors} invalid</span>}
                </summary>
                {layout.advanced.map(fields)}
              </details>
            )}
          </div>
        </div>
        <RunControls
          status={status}
          canRun={check.ok}
          problems={problems}
          onShowProblem={showField}
          onCancel={props.onCancel}
          onReset={props.onReset}
        />
      </form>
    </section>
  );
}
