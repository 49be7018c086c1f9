// A lab view's parameters as app state: its own values (text, as typed), whether it follows the experiment
// form, the `v.<name>` keys of the URL hash, and what it runs on (resolveView: the parameters it shares with
// the experiment by name, or the lab's own follow rule, taken from the form; the rest its own) with one line
// saying so. Pure, so the hash round trip and the following rules are unit-tested.
import { checkParam, formatParam } from '../../core/experiments/params';
import type { Experiment, ParamSchema } from '../../core/experiments/types';
import { DEFAULT_SEED, checkSeedText } from './form';

/** Hash keys of a view: `v.<param>`, `v.seed`, and `v.follow=0` for a view on its own scenario. */
export const VIEW_KEY_PREFIX = 'v.';

export interface ViewState {
  /** Parameter name → text as typed; absent = the declared default. */
  values: Record<string, string>;
  seed: string;
  /** Follow the experiment form on the parameters the two share (the default). */
  follow: boolean;
}

/** What a lab's view implies from an experiment beyond same-named parameters (e.g. the mesh incident). */
export type FollowRule = (
  experimentId: string,
  values: Readonly<Record<string, string>>,
) => Record<string, string>;

export function defaultViewState(): ViewState {
  return { values: {}, seed: DEFAULT_SEED, follow: true };
}

export function isViewKey(key: string): boolean {
  return key.startsWith(VIEW_KEY_PREFIX);
}

/**
 * Read a view's state from the hash's `v.` pairs. Unknown names and invalid values become notices and are
 * dropped (the view must build something), unlike the experiment's, which stay as typed for the form.
 */
export function viewFromQuery(
  params: ParamSchema,
  query: ReadonlyMap<string, string>,
): { view: ViewState; problems: string[] } {
  const view = defaultViewState();
  const problems: string[] = [];
  for (const [key, value] of query) {
    if (!isViewKey(key)) continue;
    const name = key.slice(VIEW_KEY_PREFIX.length);
    if (name === 'follow') {
      if (value === '0' || value === '1') view.follow = value === '1';
      else problems.push(`the link sets the view's follow to "${value}"; it must be 0 or 1 (ignored)`);
    } else if (name === 'seed') {
      const error = checkSeedText(value);
      if (error) problems.push(`the link sets the view's seed: ${error} (ignored)`);
      else view.seed = value;
    } else if (!Object.hasOwn(params, name)) {
      problems.push(`the link sets "${key}", which the view does not have (ignored)`);
    } else {
      const checked = checkParam(name, params[name]!, value);
      if (checked.ok) view.values[name] = value;
      else problems.push(`the link sets the view's ${name}: ${checked.error} (ignored)`);
    }
  }
  return { view, problems };
}

/** The view's hash pairs: what differs from the defaults (a loaded file does not fit in a link). */
export function viewToQuery(params: ParamSchema, view: ViewState): [string, string][] {
  const pairs: [string, string][] = [];
  if (!view.follow) pairs.push([`${VIEW_KEY_PREFIX}follow`, '0']);
  if (view.seed !== DEFAULT_SEED) pairs.push([`${VIEW_KEY_PREFIX}seed`, view.seed]);
  for (const [name, spec] of Object.entries(params)) {
    const value = view.values[name];
    if (spec.kind === 'text' || value === undefined || value === formatParam(spec.default)) continue;
    pairs.push([`${VIEW_KEY_PREFIX}${name}`, value]);
  }
  return pairs;
}

/** The experiment form as the view reads it (its id, raw values and seed), or null for none. */
export interface FollowedForm {
  experiment: Experiment;
  values: Readonly<Record<string, string>>;
  seed: string;
}

export interface ResolvedView {
  /** Raw parameters for the worker (every declared one, text). */
  params: Record<string, string>;
  seed: string;
  /** Parameter names taken from the experiment form (and 'seed' when the seed is). */
  followed: string[];
  /** One line: what the view shows and whether it follows the form. */
  note: string;
}

function short(value: string): string {
  return value.length > 24 ? `${value.slice(0, 21)}…` : value;
}

/**
 * What the view runs on. Following, a view parameter takes the form's value when the experiment has a
 * parameter of the same name and kind, or the lab's follow rule implies one, and the value is valid for the
 * view's own spec (e.g. kv's workload "trace" is not, and the view keeps its own). The seed follows too.
 */
export function resolveView(
  params: ParamSchema,
  view: ViewState,
  form: FollowedForm | null,
  rule?: FollowRule,
): ResolvedView {
  const out: Record<string, string> = {};
  const followed: string[] = [];
  const kept: string[] = [];
  const implied = form && view.follow ? (rule?.(form.experiment.id, form.values) ?? {}) : {};
  for (const [name, spec] of Object.entries(params)) {
    // A value typed in the view that is not valid (yet) leaves the default running; the field shows why.
    const typed = view.values[name];
    const own = typed !== undefined && checkParam(name, spec, typed).ok ? typed : formatParam(spec.default);
    out[name] = own;
    if (!form || !view.follow) continue;
    const theirs = form.experiment.params[name];
    const value = implied[name] ?? (theirs && theirs.kind === spec.kind ? form.values[name] : undefined);
    if (value === undefined) continue;
    if (checkParam(name, spec, value).ok) {
      out[name] = value;
      followed.push(name);
    } else if (theirs && checkParam(name, theirs, value).ok) {
      kept.push(`${name} ${short(value)} (not shown here)`);
    }
  }
  let seed = checkSeedText(view.seed) === null ? view.seed.trim() : DEFAULT_SEED;
  if (form && view.follow && checkSeedText(form.seed) === null) {
    seed = form.seed.trim();
    followed.push('seed');
  }
  const shown = (names: string[]) =>
    names.map((n) => (n === 'seed' ? `seed ${seed}` : `${n} ${short(displayText(params, n, out[n]!))}`));
  let note: string;
  if (!form) note = `own scenario: ${ownSummary(params, out, seed)}`;
  else if (!view.follow)
    note = `own scenario (not following ${form.experiment.id}): ${ownSummary(params, out, seed)}`;
  else if (followed.length === 0)
    note = `own scenario: ${form.experiment.id} shares no parameter with the view; ${ownSummary(params, out, seed)}`;
  else {
    // The main parameters by name and value, the seed, then how many advanced ones follow too.
    const main = followed.filter((n) => n === 'seed' || !params[n]?.advanced);
    const more = followed.length - main.length;
    const also = kept.length > 0 ? `; kept its own for ${kept.join(', ')}` : '';
    note = `following ${form.experiment.id}: ${shown(main).join(', ')}${more > 0 ? ` (+${more} more)` : ''}${also}`;
  }
  return { params: out, seed, followed, note };
}

/** A text parameter (a world file, a wiring spec) is named, not printed: its default is built in, else custom. */
function displayText(params: ParamSchema, name: string, value: string): string {
  const spec = params[name];
  if (spec?.kind !== 'text') return value;
  return value === '' || value === formatParam(spec.default) ? 'built-in' : 'custom';
}

/** The view's own values that differ from its defaults, or "defaults", and its seed. */
function ownSummary(params: ParamSchema, values: Record<string, string>, seed: string): string {
  const changed = Object.entries(params)
    .filter(([name, spec]) => spec.kind !== 'text' && values[name] !== formatParam(spec.default))
    .slice(0, 4)
    .map(([name]) => `${name} ${short(values[name]!)}`);
  return `${changed.length > 0 ? changed.join(', ') : 'its defaults'}, seed ${seed}`;
}
