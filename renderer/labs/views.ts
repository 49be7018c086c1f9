// Which lab pages show a live view above their experiments. Each lab folder exports its own LabView.
import type { ComponentType } from 'react';
import type { NavLab } from './catalog';
import { LabView as KvView } from './kv';
import { LabView as MeshView } from './mesh';
import { LabView as TpuView } from './tpu';

export const LAB_VIEWS: Readonly<Record<NavLab, ComponentType | null>> = {
  kv: KvView,
  tpu: TpuView,
  mesh: MeshView,
};
