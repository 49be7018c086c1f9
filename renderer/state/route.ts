// Hash ↔ app state: which lab is shown and the form of its experiment. Unknown labs, experiments or
// parameters in a link become notices; values are kept as typed so the form shows their errors.
import { getLab, isLabId } from '../../core/labs';
import type { LabId } from '../../core/labs';
import type { Experiment } from '../../core/experiments/types';
import { defaultForm, formFromQuery, formToQuery } from './form';
import type { FormState } from './form';
import { formatHash, parseHash, queryMap } from './hash';

export const DEFAULT_LAB: LabId = 'kv';

export interface RouteState {
  lab: LabId;
  /** The lab's form; null for a lab with no experiments yet. */
  form: FormState | null;
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

  const query = queryMap(route.query);
  const wanted = query.get('exp');
  const experiment = findExperiment(lab, wanted);
  if (!experiment) return { lab, form: null, notices };
  if (wanted !== undefined && wanted !== experiment.id) {
    notices.push(`there is no experiment "${wanted}" in ${getLab(lab).title}; showing ${experiment.id}`);
    return { lab, form: defaultForm(experiment), notices };
  }
  const { form, problems } = formFromQuery(experiment, query);
  return { lab, form, notices: [...notices, ...problems] };
}

export function hashFor(lab: LabId, form: FormState | null): string {
  if (!form) return formatHash(lab, []);
  const experiment = findExperiment(lab, form.expId);
  return formatHash(lab, experiment ? formToQuery(form, experiment) : [['exp', form.expId]]);
}
