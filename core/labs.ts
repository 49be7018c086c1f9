// The composition root: every lab, once. Everything that looks a lab or an experiment up by id (the CLI,
// the app's worker and pages, reports, tests) goes through here; a new lab adds one import and one entry.
import { faasLab } from './faas/lab';
import { kvLab } from './kv/lab';
import { meshLab } from './mesh/lab';
import { tpuLab } from './tpu/lab';
import { trainLab } from './train/lab';
import { microLab } from './micro/lab';
import { rpcLab } from './rpc/lab';
import { UserError } from './experiments/errors';
import type { Lab } from './experiments/lab';
import { buildView, runResolved, streamView } from './experiments/run';
import type { RunHost } from './experiments/run';
import type { Experiment, Result } from './experiments/types';

/** The labs in navigator order. */
export const LABS = [kvLab, tpuLab, meshLab, trainLab, faasLab, microLab, rpcLab] as const;

type AnyLab = (typeof LABS)[number];
export type LabId = AnyLab['id'];
/** What each lab's live view hands its renderer view: a whole model, or one streamed chunk (kv). */
export type ViewModels = { [L in AnyLab as L['id']]: L extends Lab<string, infer Model> ? Model : never };

export const LAB_IDS: readonly LabId[] = LABS.map((lab) => lab.id);

export function isLabId(id: string): id is LabId {
  return (LAB_IDS as readonly string[]).includes(id);
}

export function getLab(id: LabId): Lab<LabId> {
  return LABS.find((lab) => lab.id === id)!;
}

const EXPERIMENTS: readonly Experiment[] = LABS.flatMap((lab) => lab.experiments);

export function listExperiments(): readonly Experiment[] {
  return EXPERIMENTS;
}

export function getExperiment(id: string): Experiment {
  const found = EXPERIMENTS.find((e) => e.id === id);
  if (!found)
    throw new UserError(`unknown experiment "${id}" (known: ${EXPERIMENTS.map((e) => e.id).join(', ')})`);
  return found;
}

/** The lab an experiment belongs to (its page in the app). */
export function labOf(experiment: Experiment): LabId {
  return LABS.find((lab) => lab.experiments.includes(experiment))!.id;
}

export function runExperiment(
  id: string,
  rawParams: Readonly<Record<string, unknown>>,
  rawSeed: unknown,
  host?: RunHost,
): Promise<Result> {
  return runResolved(getExperiment(id), rawParams, rawSeed, host);
}

/** Re-run a saved result with its own experiment, params and seed. */
export function rerunResult(saved: Result, host?: RunHost): Promise<Result> {
  return runExperiment(saved.experiment, saved.params, saved.seed, host);
}

/** Build a lab's whole live view (tpu, mesh), typed by the lab's view model. */
export function buildLabView<L extends LabId>(
  lab: L,
  rawParams: Readonly<Record<string, unknown>>,
  rawSeed: unknown,
  host?: RunHost,
): Promise<ViewModels[L]> {
  return buildView(getLab(lab).view as Lab<L, ViewModels[L]>['view'], rawParams, rawSeed, host);
}

/** Stream a lab's live view (kv): `emit` gets its chunks in order, typed by the lab's view model. */
export function streamLabView<L extends LabId>(
  lab: L,
  rawParams: Readonly<Record<string, unknown>>,
  rawSeed: unknown,
  emit: (chunk: ViewModels[L]) => void,
  host?: RunHost,
): Promise<void> {
  return streamView(getLab(lab).view as Lab<L, ViewModels[L]>['view'], rawParams, rawSeed, emit, host);
}
