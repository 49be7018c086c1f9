// The re-run check: a result and its re-run must serialize to the same bytes (measurements aside).
import { reproducible } from '../../core/experiments/registry';
import { serializeResult } from '../../core/experiments/result';
import type { Result } from '../../core/experiments/types';

export type CheckOutcome = { same: true } | { same: false; detail: string };

const clip = (s: string) => (s.length > 60 ? `${s.slice(0, 57)}…` : s);

export function compareReproducible(saved: Result, rerun: Result): CheckOutcome {
  const a = serializeResult(reproducible(saved));
  const b = serializeResult(reproducible(rerun));
  if (a === b) return { same: true };
  const linesA = a.split('\n');
  const linesB = b.split('\n');
  let i = 0;
  while (i < linesA.length && linesA[i] === linesB[i]) i++;
  return {
    same: false,
    detail: `line ${i + 1}: ${clip(linesA[i]?.trim() ?? '(end)')} vs ${clip(linesB[i]?.trim() ?? '(end)')}`,
  };
}
