// The kv lab's live view component for the lab page (null until the lab has one; core/kv/lab.ts
// registers the matching LabView that builds its model in the worker).
import type { ComponentType } from 'react';

export const LabView: ComponentType | null = null;
