// The training-recovery view's colour code, defined once: where a shard is restored from, what the link
// carries, and each policy's counter.
import type { Policy, Source } from '../../../core/train/recovery';

export const SOURCE_COLORS: Record<Source, string> = {
  local: '#3fb968',
  peer: '#4c9dff',
  storage: '#d9a53a',
};
export const SOURCE_TEXT: Record<Source, string> = {
  local: 'its own CPU memory',
  peer: 'a peer’s CPU memory',
  storage: 'remote storage',
};
export const LINK_COLORS = { train: '#6b7689', checkpoint: '#b57bff', compute: '#2e6b4a' } as const;
export const POLICY_COLORS: Record<Policy, string> = {
  strawman: '#f0605a',
  highfreq: '#d9a53a',
  gemini: '#4c9dff',
};
export const FAILED_COLOR = '#f0605a';
/** Failure ticks on the trace's time axis (not the policies' colours). */
export const TICK_COLORS = { hardware: '#e8ecf2', software: '#8792a4' } as const;
