// The experiment form as text (exactly what the inputs and the URL hold) and its conversions:
// defaults, URL query, a loaded result, validation through core's checkParam/checkSeed.
import { checkParam, formatParam } from '../../core/experiments/params';
import { checkSeed } from '../../core/experiments/run';
import type { Experiment, Result } from '../../core/experiments/types';

export const DEFAULT_SEED = '1';

export interface FormState {
  expId: string;
  seed: string;
  /** Parameter name → text as typed (lists as "a,b,c", booleans as "true"/"false"). */
  values: Record<string, string>;
}

export interface FormCheck {
  /** Parameter name → one-line error; `seed` holds the seed's error. */
  errors: Record<string, string>;
  ok: boolean;
}

/** Query keys that are not parameters. */
const RESERVED = new Set(['exp', 'seed']);

export function defaultValues(experiment: Experiment): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, spec] of Object.entries(experiment.params)) out[name] = formatParam(spec.default);
  return out;
}

export function defaultForm(experiment: Experiment): FormState {
  return { expId: experiment.id, seed: DEFAULT_SEED, values: defaultValues(experiment) };
}

/** Fill a form from URL query pairs; names the experiment does not declare become notices. */
export function formFromQuery(
  experiment: Experiment,
  query: ReadonlyMap<string, string>,
): { form: FormState; problems: string[] } {
  const form = defaultForm(experiment);
  const problems: string[] = [];
  for (const [key, value] of query) {
    if (RESERVED.has(key)) continue;
    if (Object.hasOwn(experiment.params, key)) form.values[key] = value;
    else problems.push(`the link sets "${key}", which ${experiment.id} does not have (ignored)`);
  }
  const seed = query.get('seed');
  if (seed !== undefined) form.seed = seed;
  return { form, problems };
}

/** Query pairs for the hash: experiment, seed, then parameters that differ from their defaults. */
export function formToQuery(form: FormState, experiment: Experiment): [string, string][] {
  const defaults = defaultValues(experiment);
  const pairs: [string, string][] = [
    ['exp', form.expId],
    ['seed', form.seed],
  ];
  for (const [name, spec] of Object.entries(experiment.params)) {
    // A loaded file does not fit in a link; it travels in result.json and report.html instead.
    if (spec.kind === 'text') continue;
    const value = form.values[name];
    if (value !== undefined && value !== defaults[name]) pairs.push([name, value]);
  }
  return pairs;
}

/** The form that reproduces a loaded result (its params and seed). */
export function formFromResult(
  result: Result,
  experiment: Experiment,
): { form: FormState; problems: string[] } {
  const form = defaultForm(experiment);
  form.seed = String(result.seed);
  const problems: string[] = [];
  for (const [name, value] of Object.entries(result.params)) {
    if (Object.hasOwn(experiment.params, name)) form.values[name] = formatParam(value);
    else problems.push(`the result has parameter "${name}", which this version of ${experiment.id} does not`);
  }
  return { form, problems };
}

export function checkSeedText(text: string): string | null {
  try {
    checkSeed(text);
    return null;
  } catch (e) {
    return e instanceof Error ? e.message.replace(/^seed: /, '') : 'invalid seed';
  }
}

export function validateForm(form: FormState, experiment: Experiment): FormCheck {
  const errors: Record<string, string> = {};
  for (const [name, spec] of Object.entries(experiment.params)) {
    const checked = checkParam(name, spec, form.values[name] ?? '');
    if (!checked.ok) errors[name] = checked.error;
  }
  if (Object.keys(errors).length === 0) {
    const values = Object.fromEntries(
      Object.entries(experiment.params).map(([name, spec]) => {
        const checked = checkParam(name, spec, form.values[name] ?? '');
        return [name, checked.ok ? checked.value : spec.default];
      }),
    );
    const problem = experiment.check?.(values);
    if (problem) errors[problem.field] = problem.reason;
  }
  const seedError = checkSeedText(form.seed);
  if (seedError) errors.seed = seedError;
  return { errors, ok: Object.keys(errors).length === 0 };
}

/** True when running the form would reproduce `result` (same experiment, seed and resolved params). */
export function formMatchesResult(form: FormState, experiment: Experiment, result: Result): boolean {
  if (result.experiment !== experiment.id || form.seed.trim() !== String(result.seed)) return false;
  for (const [name, spec] of Object.entries(experiment.params)) {
    const checked = checkParam(name, spec, form.values[name] ?? '');
    const saved = result.params[name];
    if (!checked.ok || saved === undefined || formatParam(checked.value) !== formatParam(saved)) return false;
  }
  return true;
}
