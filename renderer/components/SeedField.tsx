// The seed input: every random draw of a run comes from it (DESIGN.md rule 2).
import { useId } from 'react';
import { MAX_SEED } from '../../core/experiments/run';

interface Props {
  value: string;
  error?: string;
  onChange(value: string): void;
}

export function SeedField({ value, error, onChange }: Props) {
  const id = useId();
  return (
    <div className={`field${error ? ' invalid' : ''}`}>
      <div className="field-text">
        <label htmlFor={id}>
          <span className="field-label">Seed</span>
        </label>
        <div className="hint" title="same seed and parameters → byte-identical result.json">
          <span className="allowed">0..{MAX_SEED}</span>
          <span className="help"> · same seed and parameters → byte-identical result.json</span>
        </div>
      </div>
      <input
        id={id}
        type="number"
        min={0}
        max={MAX_SEED}
        step={1}
        value={value}
        data-testid="param-seed"
        aria-invalid={error ? true : undefined}
        onChange={(e) => onChange(e.target.value)}
      />
      {error && (
        <div className="field-error" role="alert" data-testid="param-error-seed">
          {error}
        </div>
      )}
    </div>
  );
}
