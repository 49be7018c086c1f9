// Hash ↔ app state: which lab is shown and the form of its experiment. Unknown labs, experiments or
// parameters in a link become notices; values are kept as typed so the form shows their errors.
import { getLab, isLabId } from '../../core/labs';
import type { LabId } from '../../core/labs';
import type { Experiment } from '../../core/experiments/types';
import { defaultForm, formFromQuery, formToQuery } from './form';
import type { FormState } from './form';
import { formatHash, parseHash, queryMap } from './hash';
import { defaultViewState, isViewKey, viewFromQuery, viewToQuery } from './viewParams';
import type { ViewState } from './viewParams';

export const DEFAULT_LAB: LabId = 'kv';

export interface RouteState {
  lab: LabId;
  /** The lab's form; null for a lab with no experiments yet. */
  form: FormState | null;
  /** The lab view's state (`v.` keys of the hash). */
  view: ViewState;
  notices: string[];
  /** True when the hash was over MAX_HASH_CHARS and not read (the state is the default). */
  refused?: boolean;
}

export function findExperiment(lab: LabId, id: string | undefined): Experiment | undefined {
  const offered = getLab(lab).experiments;
  return offered.find((e) => e.id === id) ?? offered[0];
}

/**
 * The longest hash the app reads (characters). The app's own links are a few hundred characters (text
 * parameters such as world files stay out of the hash); parsing a 1 MB one blocked the window for seconds.
 */
export const MAX_HASH_CHARS = 64 * 1024;

/** "64 KB", "1.2 MB": a hash's size for a notice. */
function sizeText(chars: number): string {
  return chars < 1024 * 1024 ? `${Math.ceil(chars / 1024)} KB` : `${(chars / (1024 * 1024)).toFixed(1)} MB`;
}

/** The state a hash names; a hash over MAX_HASH_CHARS is refused unread: the default state and a notice. */
export function routeFromHash(hash: string): RouteState {
  if (hash.length > MAX_HASH_CHARS) {
    const route = routeFromHash('');
    const notice = `this link is ${sizeText(hash.length)}, over the ${sizeText(MAX_HASH_CHARS)} limit for links; it was not read and the default state is shown`;
    return { ...route, notices: [notice, ...route.notices], refused: true };
  }
  const route = parseHash(hash);
  const notices = [...route.problems];
  let lab = DEFAULT_LAB;
  if (isLabId(route.path)) lab = route.path;
  else if (route.path !== '') notices.push(`there is no lab "${route.path}"; showing ${getLab(lab).title}`);

  const all = queryMap(route.query);
  const { view, problems: viewProblems } = viewFromQuery(getLab(lab).view.params, all);
  notices.push(...viewProblems);
  const query = new Map([...all].filter(([key]) => !isViewKey(key)));
  const wanted = query.get('exp');
  const experiment = findExperiment(lab, wanted);
  if (!experiment) return { lab, form: null, view, notices };
  if (wanted !== undefined && wanted !== experiment.id) {
    notices.push(`there is no experiment "${wanted}" in ${getLab(lab).title}; showing ${experiment.id}`);
    return { lab, form: defaultForm(experiment), view, notices };
  }
  const { form, problems } = formFromQuery(experiment, query);
  return { lab, form, view, notices: [...notices, ...problems] };
}

/** The hash of a lab's state: its experiment form, then its view's `v.` keys. */
export function hashFor(lab: LabId, form: FormState | null, view: ViewState = defaultViewState()): string {
  const viewPairs = viewToQuery(getLab(lab).view.params, view);
  if (!form) return formatHash(lab, viewPairs);
  const experiment = findExperiment(lab, form.expId);
  const formPairs = experiment ? formToQuery(form, experiment) : [['exp', form.expId] as [string, string]];
  return formatHash(lab, [...formPairs, ...viewPairs]);
}
