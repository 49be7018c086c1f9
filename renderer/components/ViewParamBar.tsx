// A lab view's parameter controls, drawn from its core ParamSpecs by the compact ParamField: the main ones
// inline, the advanced ones under "more", those that follow the experiment form shown but disabled, a
// "follow the experiment" switch and the one line that says what the view shows. No view builds its own.
// The "more" popover closes on Escape or a press outside the bar. A typed value the view cannot take is said,
// in the note's line, with the default the view runs on instead.
// Typed fields (numbers, lists, the seed) commit on Enter, blur or a pause in typing: each committed value
// rebuilds the view's simulation, so a keystroke must not.
import { useEffect, useEffectEvent, useRef, useState } from 'react';
import { checkParam, formatParam } from '../../core/experiments/params';
import type { ParamSchema } from '../../core/experiments/types';
import { DEFAULT_SEED, checkSeedText } from '../state/form';
import { FoldToggle } from './FoldToggle';
import { ParamField } from './ParamField';
import { useDraft } from './useDraft';

interface Props {
  params: ParamSchema;
  /** What the view runs on (resolved: own values and those followed). */
  values: Readonly<Record<string, string>>;
  /** The view's own typed values (shown, with their errors, where not followed). */
  typed: Readonly<Record<string, string>>;
  seed: string;
  typedSeed: string;
  followed: readonly string[];
  follow: boolean;
  /** Whether there is an experiment form to follow. */
  canFollow: boolean;
  note: string;
  /** Parameters the view draws its own control for (a file, e.g. the mesh world). */
  skip?: readonly string[];
  onParam(name: string, value: string): void;
  onSeed(seed: string): void;
  onFollow(follow: boolean): void;
}

/** An open popover closes on Escape or a press outside `ref`, as a desktop app's menus do. */
function useCloseOnOutside(open: boolean, ref: React.RefObject<HTMLElement | null>, close: () => void): void {
  const onClose = useEffectEvent(close);
  useEffect(() => {
    if (!open) return;
    const onPointer = (e: PointerEvent) => {
      if (!ref.current?.contains(e.target as Node)) onClose();
    };
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') onClose();
    };
    document.addEventListener('pointerdown', onPointer);
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('pointerdown', onPointer);
      document.removeEventListener('keydown', onKey);
    };
  }, [open, ref]);
}

export function ViewParamBar(props: Props) {
  const { params, values, typed, followed, skip = [] } = props;
  const [more, setMore] = useState(false);
  const barRef = useRef<HTMLDivElement | null>(null);
  useCloseOnOutside(more, barRef, () => setMore(false));
  const field = (name: string) => {
    const spec = params[name]!;
    const isFollowed = followed.includes(name);
    const value = isFollowed ? values[name]! : (typed[name] ?? values[name]!);
    const checked = checkParam(name, spec, value);
    return (
      <ParamField
        key={name}
        compact
        name={name}
        spec={spec}
        value={value}
        values={values}
        error={checked.ok ? undefined : checked.error}
        disabled={isFollowed}
        onChange={props.onParam}
      />
    );
  };
  const names = Object.keys(params).filter((n) => !skip.includes(n));
  // The first typed value the view cannot take, said in the note's line (a red outline alone is easy to miss).
  const invalid = names
    .filter((n) => !followed.includes(n) && typed[n] !== undefined)
    .map((n) => ({ spec: params[n]!, check: checkParam(n, params[n]!, typed[n]!) }))
    .find((f) => !f.check.ok);
  const main = names.filter((n) => !params[n]!.advanced);
  const advanced = names.filter((n) => params[n]!.advanced);
  const seedFollowed = followed.includes('seed');
  const seedError = seedFollowed ? null : checkSeedText(props.typedSeed);
  // The seed is typed like a number field: it commits on Enter, blur or a pause (useDraft).
  const seed = useDraft(props.typedSeed, props.onSeed, true);
  const problem =
    invalid && !invalid.check.ok
      ? `${invalid.spec.label}: ${invalid.check.error} (not applied: the view runs on its default, ${formatParam(invalid.spec.default)})`
      : seedError && `Seed: ${seedError} (not applied: the view runs on seed ${DEFAULT_SEED})`;
  return (
    <div className="view-params" data-testid="view-params" ref={barRef}>
      <div className="view-params-row">
        {main.map(field)}
        <label
          className={`field-compact${seedError ? ' invalid' : ''}${seedFollowed ? ' following' : ''}`}
          title={
            seedFollowed
              ? 'seed · following the experiment form'
              : `seed${seedError ? ` · ${seedError}` : ''}`
          }
        >
          <span className="field-label">Seed</span>
          <input
            data-testid="view-param-seed"
            className="view-seed"
            value={seedFollowed ? props.seed : seed.shown}
            disabled={seedFollowed}
            aria-invalid={seedError ? true : undefined}
            onChange={(e) => seed.change(e.target.value)}
            onBlur={seed.flush}
            onKeyDown={seed.onKeyDown}
          />
        </label>
        {advanced.length > 0 && (
          <FoldToggle
            open={more}
            onToggle={() => setMore(!more)}
            closedText={`more (${advanced.length})`}
            openText="less"
            testId="view-params-more"
          />
        )}
        <label
          className="view-follow"
          title="Run the view on the experiment form's parameters where the two share one (same name), and its seed"
        >
          <input
            type="checkbox"
            data-testid="view-follow"
            checked={props.follow}
            disabled={!props.canFollow}
            onChange={(e) => props.onFollow(e.target.checked)}
          />{' '}
          follow the experiment
        </label>
      </div>
      {more && advanced.length > 0 && (
        <div className="view-params-more" data-testid="view-params-advanced">
          {advanced.map(field)}
        </div>
      )}
      {problem ? (
        <div
          className="view-note view-note-error"
          data-testid="view-param-error"
          role="alert"
          title={problem}
        >
          {problem}
        </div>
      ) : (
        <div
          className="view-note"
          data-testid="view-note"
          data-following={followed.length > 0}
          title={props.note}
        >
          {props.note}
        </div>
      )}
    </div>
  );
}
