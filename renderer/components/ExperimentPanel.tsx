// The experiment panel: picker (this lab's experiments), what it reproduces, the inputs generated
// from its parameter schema, the seed, and the run controls. Enter in a field runs.
import { useState } from 'react';
import type { FormEvent } from 'react';
import type { Experiment } from '../../core/experiments/types';
import type { FormCheck, FormState } from '../state/form';
import type { RunStatus } from '../state/useRunner';
import { ParamField } from './ParamField';
import { RunControls } from './RunControls';
import { SeedField } from './SeedField';

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
  const long = text.length > 320;
  return (
    <div className="description">
      <p className={long && !open ? 'clamped' : undefined}>{text}</p>
      {long && (
        <button type="button" className="link" onClick={() => setOpen(!open)}>
          {open ? 'less' : 'more'}
        </button>
      )}
    </div>
  );
}

export function ExperimentPanel(props: Props) {
  const { experiments, experiment, form, check, status } = props;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (check.ok) props.onRun();
  };
  return (
    <section className="experiment-panel" data-testid="experiment-panel" aria-label="Experiment">
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
        <h1 data-testid="experiment-title">{experiment.title}</h1>
        <div className="paper" data-testid="experiment-paper">
          <span>{experiment.paper}</span>
          <span className="figure">
            {experiment.figure.startsWith('none')
              ? `no published figure${experiment.figure.slice(4)}`
              : experiment.figure}
          </span>
        </div>
        <Description text={experiment.description} />
      </div>
      <form className="param-form" onSubmit={submit} noValidate>
        <div className="fields">
          {Object.entries(experiment.params).map(([name, spec]) => (
            <ParamField
              key={name}
              name={name}
              spec={spec}
              value={form.values[name] ?? ''}
              values={form.values}
              error={check.errors[name]}
              onChange={props.onParam}
            />
          ))}
          <SeedField value={form.seed} error={check.errors.seed} onChange={props.onSeed} />
        </div>
        <RunControls status={status} canRun={check.ok} onCancel={props.onCancel} onReset={props.onReset} />
      </form>
    </section>
  );
}
