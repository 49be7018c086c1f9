// The RPC view's colour code, defined once: service category (treemaps, call tree), latency-tax component
// (tax bars) and cycle-tax component.
import type { Category, Component, CycleComponent } from '../../../core/rpc/categories';

export const CATEGORY_COLORS: Record<Category, string> = {
  'network-disk': '#4c9dff',
  'ssd-cache': '#3fb968',
  'f1-database': '#d9a53a',
  bigtable: '#b57bff',
  'video-metadata': '#f0605a',
  compute: '#7f8ea3',
};
export const REST_COLOR = '#3a4150';

export const COMPONENT_COLORS: Record<Component, string> = {
  'client-send-queue': '#8fb8ff',
  'request-network': '#3fb968',
  'server-recv-queue': '#d9a53a',
  'server-processing': '#7f8ea3',
  'server-send-queue': '#f0605a',
  'response-network': '#1f8a4c',
  'client-recv-queue': '#b57bff',
};

export const CYCLE_COLORS: Record<CycleComponent, string> = {
  serialization: '#4c9dff',
  compression: '#f0605a',
  encryption: '#d9a53a',
  'network-stack': '#3fb968',
};

export const SIZE_COLORS = { request: '#4c9dff', response: '#f0a03a' } as const;
