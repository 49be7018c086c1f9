// Hash ↔ app state: which lab is shown and the form of its experiment. Unknown labs, experiments or
// parameters in a link become notices; values are kept as typed so the form shows their errors.
import { listExperiments } from '../../core/experiments/registry';
import type { Experiment } from '../../core/experiments/types';
import { experimentsOf, isNavLab, labInfo } from '../labs/catalog';
import type { NavLab } from '../labs/catalog';
import { defaultForm, formFromQuery, formToQuery } from './form';
import type { FormState } from './form';
import { formatHash, parseHash, queryMap } from './hash';

export const DEFAULT_LAB: NavLab = 'kv';

export interface RouteState {
  lab: NavLab;
  /** The lab's form; null for a lab with no experiments yet. */
  form: FormState | null;
  notices: string[];
}

export function findExperiment(lab: NavLab, id: string | undefined): Experiment | undefined {
  const offered = experimentsOf(listExperiments(), lab);
  return offered.find((e) => e.id === id) ?? offered[0];
}

export function routeFromHash(hash: string): RouteState {
  const route = parseHash(hash);
  const notices = [...route.problems];
  let lab = DEFAULT_LAB;
  if (isNavLab(route.path)) lab = route.path;
  else if (route.path !== '') notices.push(`there is no lab "${route.path}"; showing ${labInfo(lab).name}`);

  const query = queryMap(route.query);
  const wanted = query.get('exp');
  const experiment = findExperiment(lab, wanted);
  if (!experiment) return { lab, form: null, notices };
  if (wanted !== undefined && wanted !== experiment.id) {
    notices.push(`there is no experiment "${wanted}" in ${labInfo(lab).name}; showing ${experiment.id}`);
    return { lab, form: defaultForm(experiment), notices };
  }
  const { form, problems } = formFromQuery(experiment, query);
  return { lab, form, notices: [...notices, ...problems] };
}

export function hashFor(lab: NavLab, form: FormState | null): string {
  if (!form) return formatHash(lab, []);
  const experiment = findExperiment(lab, form.expId);
  return formatHash(lab, experiment ? formToQuery(form, experiment) : [['exp', form.expId]]);
}
