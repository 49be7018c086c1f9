// The number helpers that decide result bytes and table text: defined once, used by every lab.

/** `x` rounded to `digits` decimals (toFixed's decimal rounding): how metrics and tables are stored. */
export function round(x: number, digits = 6): number {
  return Number(x.toFixed(digits));
}

/** A fraction as percent text with `digits` decimals: pct(0.1234) = "12.3%", pct(0.1234, 0) = "12%". */
export function pct(x: number, digits = 1): string {
  return `${(x * 100).toFixed(digits)}%`;
}

/**
 * `x` times 10^digits, Math.round-ed, divided back; a non-finite value is stored as 0. It rounds the binary
 * product, not the decimal value, so on decimal ties it can differ from `round` (0.00035 → 0.0004 here,
 * 0.0003 there): the mesh lab's stored results use it, so keep it for them to re-run byte for byte.
 */
export function roundScaled(x: number, digits: number): number {
  const scale = 10 ** digits;
  return Number.isFinite(x) ? Math.round(x * scale) / scale : 0;
}
