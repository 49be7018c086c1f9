// The tpu lab's live view component for the lab page (core/tpu/lab.ts registers the matching LabView that
// builds its model in the worker).
import type { ComponentType } from 'react';
import { TpuView } from './TpuView';

export const LabView: ComponentType | null = TpuView;
