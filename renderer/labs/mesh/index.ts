// The mesh lab's live view component for the lab page (core/mesh/lab.ts registers the matching
// LabView that builds its model in the worker).
import type { ComponentType } from 'react';
import { MeshView } from './MeshView';

export const LabView: ComponentType | null = MeshView;
