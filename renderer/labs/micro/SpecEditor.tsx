// The wiring spec beside the graph: edit it, see a bad spec's one-line error (line and path) as you type,
// apply it to compile and simulate again. Checking runs core's parser and compiler in the UI thread (a few ms).
import { useEffect, useMemo, useState } from 'react';
import { BUILT_IN_APPS } from '../../../core/micro/apps';
import { formatSpec } from '../../../core/micro/spec';
import { specProblem } from './specProblem';

interface Props {
  spec: string;
  onApply(spec: string): void;
}

export function SpecEditor({ spec, onApply }: Props) {
  const [draft, setDraft] = useState(spec);
  useEffect(() => setDraft(spec), [spec]);
  // Checked once per edit, not on every redraw of the view (playback publishes its time 10 times a second).
  const problem = useMemo(() => specProblem(draft), [draft]);
  const changed = draft !== spec;
  return (
    <div className="micro-spec" data-testid="micro-spec">
      <div className="micro-spec-bar">
        <select
          className="small"
          aria-label="Load a built-in app into the editor"
          data-testid="micro-spec-app"
          value=""
          onChange={(e) => {
            const app = BUILT_IN_APPS[e.target.value as keyof typeof BUILT_IN_APPS];
            if (app) setDraft(formatSpec(app()));
          }}
        >
          <option value="">load a built-in app…</option>
          {Object.keys(BUILT_IN_APPS).map((name) => (
            <option key={name} value={name}>
              {name}
            </option>
          ))}
        </select>
        <button
          type="button"
          className="small"
          data-testid="micro-spec-apply"
          disabled={!changed || problem !== ''}
          onClick={() => onApply(draft)}
        >
          Compile &amp; run
        </button>
      </div>
      <textarea
        className="micro-spec-text"
        data-testid="micro-spec-text"
        spellCheck={false}
        value={draft}
        onChange={(e) => setDraft(e.target.value)}
        aria-label="wiring spec"
        title="The wiring spec, JSON in three layers: workflow · scaffolding · instantiation"
      />
      <div
        className={`micro-spec-status${problem ? ' bad' : ''}`}
        data-testid="micro-spec-status"
        role={problem ? 'alert' : undefined}
      >
        {problem ||
          (changed ? 'compiles — press “Compile & run”' : 'compiled: the graph and the run show this spec')}
      </div>
    </div>
  );
}
