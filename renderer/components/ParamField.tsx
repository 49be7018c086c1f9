// One input generated from a parameter's schema entry: number/select/checkbox/list text, with its
// label, unit, allowed range and the inline error from core's checkParam. Label and a one-line hint
// (the whole hint in its tooltip) beside the input: a field row is ~35 px high.
import { useId } from 'react';
import type { KeyboardEvent } from 'react';
import { allowedText, displayParam } from '../../core/experiments/params';
import type { ParamSpec } from '../../core/experiments/types';
import { useDraft } from './useDraft';

interface Props {
  name: string;
  spec: ParamSpec;
  value: string;
  /** The form's raw values (an open enum's suggestions may depend on another parameter). */
  values: Readonly<Record<string, string>>;
  error?: string;
  onChange(name: string, value: string): void;
  /**
   * The one-line variant a lab view's bar uses: label and input inline, range, help and error in the
   * tooltip. Its test ids start `view-param-`, so they never clash with the experiment form's.
   */
  compact?: boolean;
  /** Shown but not editable (a view parameter that follows the experiment form). */
  disabled?: boolean;
}

/** Blur and key handlers a compact text field commits its draft with (useDraft). */
interface Commit {
  onBlur?(): void;
  onKeyDown?(e: KeyboardEvent): void;
}

/** Kinds typed character by character: a view's bar commits them when the user is done (useDraft). */
const TYPED_KINDS = new Set<ParamSpec['kind']>(['int', 'number', 'int-list', 'enum-list']);

function Control({
  name,
  spec,
  value,
  values,
  error,
  onChange,
  id,
  compact,
  disabled,
  onBlur,
  onKeyDown,
}: Props & Commit & { id: string }) {
  const common = {
    id,
    name,
    disabled,
    onBlur,
    onKeyDown,
    'data-testid': `${compact ? 'view-param' : 'param'}-${name}`,
    'aria-invalid': error ? true : undefined,
    'aria-describedby': compact ? undefined : `${id}-hint`,
  };
  switch (spec.kind) {
    case 'int':
    case 'number':
      return (
        <input
          {...common}
          type="number"
          min={spec.min}
          max={spec.max}
          step={spec.kind === 'int' ? 1 : 'any'}
          value={value}
          onChange={(e) => onChange(name, e.target.value)}
        />
      );
    case 'enum':
      if (spec.open) {
        // Known names to pick from, and any other name typed (checked when the experiment runs).
        const offered = spec.suggest?.(values) ?? [];
        const names = offered.length > 0 ? offered : spec.options;
        return (
          <>
            <input
              {...common}
              type="text"
              list={`${id}-options`}
              value={value}
              title={`${names.join(', ')}, or ${spec.open}`}
              onChange={(e) => onChange(name, e.target.value)}
            />
            <datalist id={`${id}-options`}>
              {names.map((o) => (
                <option key={o} value={o} />
              ))}
            </datalist>
          </>
        );
      }
      return (
        <select {...common} value={value} onChange={(e) => onChange(name, e.target.value)}>
          {!spec.options.includes(value) && <option value={value}>{value || '(none)'} — invalid</option>}
          {spec.options.map((o) => (
            <option key={o} value={o}>
              {o}
            </option>
          ))}
        </select>
      );
    case 'boolean':
      return (
        <input
          {...common}
          type="checkbox"
          checked={value === 'true'}
          onChange={(e) => onChange(name, e.target.checked ? 'true' : 'false')}
        />
      );
    case 'text':
      // A file the user brings (e.g. a trace): read in the page, kept as the parameter's text.
      return (
        <span className="file-param">
          <input
            {...common}
            type="file"
            onChange={(e) => {
              const file = e.target.files?.[0];
              if (file) void file.text().then((text) => onChange(name, text));
            }}
          />
          <span className="muted" data-testid={`param-summary-${name}`}>
            {value === '' ? 'no file loaded' : displayParam(value)}
          </span>
          {value !== '' && (
            <button type="button" className="link-button" onClick={() => onChange(name, '')}>
              clear
            </button>
          )}
        </span>
      );
    case 'int-list':
    case 'enum-list':
      return (
        <input
          {...common}
          type="text"
          spellCheck={false}
          autoComplete="off"
          placeholder="a,b,c"
          value={value}
          onChange={(e) => onChange(name, e.target.value)}
        />
      );
  }
}

/**
 * The compact field of a lab view's bar: label, input and unit on one line, everything else in the tooltip. A view
 * rebuilds on each committed value, so typed kinds (numbers, lists, open names) commit on Enter, on blur or
 * after a pause in typing, never per keystroke.
 */
function CompactField(props: Props & { id: string }) {
  const { spec, error, id } = props;
  const typed = TYPED_KINDS.has(spec.kind) || (spec.kind === 'enum' && spec.open !== undefined);
  const draft = useDraft(props.value, (v) => props.onChange(props.name, v), typed);
  const allowed = allowedText(spec);
  const tip = [spec.label, allowed, spec.help, props.disabled ? 'following the experiment form' : '', error]
    .filter(Boolean)
    .join(' · ');
  return (
    <label
      className={`field-compact${error ? ' invalid' : ''}${props.disabled ? ' following' : ''}`}
      htmlFor={id}
      title={tip}
    >
      <span className="field-label">{spec.label}</span>
      <Control
        {...props}
        value={draft.shown}
        onChange={(_, v) => draft.change(v)}
        onBlur={draft.flush}
        onKeyDown={draft.onKeyDown}
      />
      {spec.unit && <span className="field-unit">{spec.unit}</span>}
    </label>
  );
}

export function ParamField(props: Props) {
  const id = useId();
  if (props.compact) return <CompactField {...props} id={id} />;
  const { name, spec, error } = props;
  const checkbox = spec.kind === 'boolean';
  const wide = checkbox || spec.kind === 'text';
  const allowed = allowedText(spec);
  const hint = `${allowed}${spec.help ? ` · ${spec.help}` : ''}`;
  // A range already carries the unit ("1..256 tokens"); other kinds show it beside the label.
  const unit = spec.unit && !allowed.includes(spec.unit) ? spec.unit : undefined;
  return (
    <div
      className={`field${checkbox ? ' field-check' : ''}${wide ? ' field-wide' : ''}${error ? ' invalid' : ''}`}
    >
      <div className="field-text">
        <label htmlFor={id} title={spec.help}>
          {checkbox && <Control {...props} id={id} />}
          <span className="field-label">{spec.label}</span>
          {unit && <span className="unit">{unit}</span>}
        </label>
        <div className="hint" id={`${id}-hint`} title={hint}>
          <span className="allowed">{allowed}</span>
          {spec.help && <span className="help"> · {spec.help}</span>}
        </div>
      </div>
      {!checkbox && <Control {...props} id={id} />}
      {error && (
        <div className="field-error" role="alert" data-testid={`param-error-${name}`}>
          {error}
        </div>
      )}
    </div>
  );
}
