// The live view each lab page shows above its experiments: one line per lab of core/labs.ts (a missing
// or extra lab is a type error). The view gets its lab's model typed by core/labs.ts's ViewModels.
import type { ComponentType } from 'react';
import type { LabId } from '../../core/labs';
import { KvView } from './kv/KvView';
import { MeshView } from './mesh/MeshView';
import { TpuView } from './tpu/TpuView';

export const LAB_VIEWS: Readonly<Record<LabId, ComponentType>> = {
  kv: KvView,
  tpu: TpuView,
  mesh: MeshView,
};
