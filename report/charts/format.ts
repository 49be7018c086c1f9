// Number formatting shared by charts and tables (percent axes, compact SI numbers).
import { pct } from '../../core/kernel/numbers';

export function formatValue(v: number, format: 'percent' | 'number' = 'number'): string {
  if (!Number.isFinite(v)) return String(v);
  if (format === 'percent') return pct(v, Math.abs(v) < 0.1 && v !== 0 ? 1 : 0);
  const a = Math.abs(v);
  if (a !== 0 && (a >= 1e6 || a < 1e-3)) return v.toExponential(2);
  if (Number.isInteger(v)) return v.toLocaleString('en-US');
  return v.toLocaleString('en-US', { maximumSignificantDigits: 4 });
}
