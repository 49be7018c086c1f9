// The kv lab's live view component for the lab page: the animated block table (KvView.tsx); core/kv/lab.ts
// registers the matching LabView (core/kv/view.ts) that records its run in the worker.
import type { ComponentType } from 'react';
import { KvView } from './KvView';

export const LabView: ComponentType | null = KvView;
