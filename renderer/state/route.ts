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
}

export function findExperiment(lab: LabId, id: string | undefined): Experiment | undefined {
  const offered = getLab(lab).experiments;
  return offered.find((e) => e.id === id) ?? offered[0];
}

export function routeFromHash(hash: string): RouteState {
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
