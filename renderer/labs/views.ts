// The live view each lab page shows above its experiments: one entry per lab of core/labs.ts (a missing or
// extra lab is a type error). A view gets the parameters it runs on (its declared ones, some following the
// experiment form: renderer/state/viewParams.ts) and its parameter bar, drawn from core's ParamSpecs.
import type { ComponentType, ReactNode } from 'react';
import type { LabId } from '../../core/labs';
import { meshViewFollow } from '../../core/mesh/view';
import type { FollowRule } from '../state/viewParams';
import { FaasView } from './faas/FaasView';
import { KvView } from './kv/KvView';
import { MeshView } from './mesh/MeshView';
import { TpuView } from './tpu/TpuView';
import { TrainView } from './train/TrainView';
import { MicroView } from './micro/MicroView';
import { RpcView } from './rpc/RpcView';

export interface LabViewProps {
  /** Every declared view parameter as text: the view's own values and those following the form. */
  params: Readonly<Record<string, string>>;
  seed: string;
  /** Names (and 'seed') that follow the experiment form. */
  followed: readonly string[];
  /** The view's parameter bar (ViewParamBar), placed in the view's own control row. */
  controls: ReactNode;
  /** Set one of the view's own parameters from a control the view draws itself (`ownControls`). */
  onParam(name: string, value: string): void;
  /** Turn following the experiment form on or off (a view whose own control must win, e.g. an applied spec). */
  onFollow?(follow: boolean): void;
}

export interface LabViewEntry {
  component: ComponentType<LabViewProps>;
  /** What an experiment implies beyond the parameters it shares with the view by name. */
  follow?: FollowRule;
  /** Parameters the view draws its own control for (left out of the bar). */
  ownControls?: readonly string[];
}

export const LAB_VIEWS: Readonly<Record<LabId, LabViewEntry>> = {
  kv: { component: KvView },
  tpu: { component: TpuView },
  mesh: { component: MeshView, follow: meshViewFollow, ownControls: ['world'] },
  train: { component: TrainView, ownControls: ['failed'] },
  faas: { component: FaasView },
  micro: { component: MicroView, ownControls: ['spec'] },
  rpc: { component: RpcView },
};
