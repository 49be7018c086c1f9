// Summary statistics for simulation outputs: streaming moments (Welford), percentiles (numpy's linear
// method), time-weighted averages of step functions, mean and coefficient of variation.

function requireFinite(name: string, x: number): void {
  if (!Number.isFinite(x)) throw new Error(`${name} must be a finite number (got ${x})`);
}

function requireNonEmpty(name: string, values: readonly number[]): void {
  if (values.length === 0) throw new Error(`${name}: values must not be empty`);
}

/**
 * Streaming count, mean, variance, min and max in one pass (Welford's algorithm).
 * Invariants: `mean` and `variance` match the two-pass formulas up to rounding; `variance` is the
 * sample variance (n - 1) and 0 when fewer than two values were pushed; with no values, `mean` is 0,
 * `min` is +Infinity and `max` is -Infinity. Only finite values are accepted.
 */
export class RunningStats {
  private n = 0;
  private m = 0;
  private m2 = 0;
  private lo = Infinity;
  private hi = -Infinity;

  push(x: number): void {
    requireFinite('RunningStats.push: x', x);
    this.n++;
    const delta = x - this.m;
    this.m += delta / this.n;
    this.m2 += delta * (x - this.m);
    if (x < this.lo) this.lo = x;
    if (x > this.hi) this.hi = x;
  }

  get count(): number {
    return this.n;
  }

  get mean(): number {
    return this.m;
  }

  /** Sample variance (divides by n - 1); 0 when count < 2. */
  get variance(): number {
    return this.n < 2 ? 0 : this.m2 / (this.n - 1);
  }

  get stddev(): number {
    return Math.sqrt(this.variance);
  }

  get min(): number {
    return this.lo;
  }

  get max(): number {
    return this.hi;
  }

  /** Coefficient of variation, sample stddev / mean; 0 when the mean is 0. */
  get cv(): number {
    return this.m === 0 ? 0 : this.stddev / this.m;
  }
}

/** Arithmetic mean; throws on an empty array. */
export function mean(values: readonly number[]): number {
  requireNonEmpty('mean', values);
  let sum = 0;
  for (const v of values) sum += v;
  return sum / values.length;
}

/** Population standard deviation / mean (two passes); 0 when the mean is 0; throws on an empty array. */
export function coefficientOfVariation(values: readonly number[]): number {
  requireNonEmpty('coefficientOfVariation', values);
  const m = mean(values);
  if (m === 0) return 0;
  let ss = 0;
  for (const v of values) ss += (v - m) * (v - m);
  return Math.sqrt(ss / values.length) / m;
}

function sortedCopy(name: string, values: readonly number[]): number[] {
  requireNonEmpty(name, values);
  values.forEach((v, i) => requireFinite(`${name}: values[${i}]`, v));
  return values.slice().sort((a, b) => a - b);
}

function requirePercent(p: number): void {
  if (!(p >= 0 && p <= 100)) throw new Error(`p must be a percentile in [0, 100] (got ${p})`);
}

/** numpy's default ('linear') percentile of an already sorted, non-empty array. */
function percentileOfSorted(sorted: readonly number[], p: number): number {
  const h = ((sorted.length - 1) * p) / 100;
  const i = Math.floor(h);
  const frac = h - i;
  const a = sorted[i]!;
  if (frac === 0) return a;
  const b = sorted[i + 1]!;
  // a + frac * (b - a) overflows when a and b are huge and of opposite signs; the weighted form does not.
  const x = Number.isFinite(b - a) ? a + frac * (b - a) : (1 - frac) * a + frac * b;
  return Math.min(Math.max(x, a), b); // rounding never takes the result outside [a, b]
}

/**
 * The p-th percentile (p in [0, 100]) with linear interpolation between closest ranks, as numpy's
 * default. Invariants: monotone non-decreasing in p; p = 0 gives the min and p = 100 the max; the input
 * is not modified (a copy is sorted). Throws on an empty array or a non-finite value.
 */
export function percentile(values: readonly number[], p: number): number {
  requirePercent(p);
  return percentileOfSorted(sortedCopy('percentile', values), p);
}

/** `percentile(values, p)` for each p in `ps`, sorting once. */
export function quantiles(values: readonly number[], ps: readonly number[]): number[] {
  ps.forEach(requirePercent);
  const sorted = sortedCopy('quantiles', values);
  return ps.map((p) => percentileOfSorted(sorted, p));
}

/**
 * The time average of a step function: the value holds from each update until the next
 * (queue length, memory in use). Invariants: update times never go backwards; the average lies
 * between the smallest and largest value held; `max` is the largest value ever set, including one
 * replaced at the same instant.
 */
export class TimeWeightedAverage {
  readonly startTime: number;
  private lastTime: number;
  private current: number;
  private area = 0;
  private peak: number;

  constructor(startTime: number, initialValue: number) {
    requireFinite('startTime', startTime);
    requireFinite('initialValue', initialValue);
    this.startTime = startTime;
    this.lastTime = startTime;
    this.current = initialValue;
    this.peak = initialValue;
  }

  /** The value now held. */
  get value(): number {
    return this.current;
  }

  get max(): number {
    return this.peak;
  }

  /** The value changes to `newValue` at `time` (>= the previous update's time). */
  update(time: number, newValue: number): void {
    requireFinite('time', time);
    requireFinite('newValue', newValue);
    if (time < this.lastTime) {
      throw new Error(`TimeWeightedAverage: time went backwards (t=${time} < last=${this.lastTime})`);
    }
    this.area += this.current * (time - this.lastTime);
    this.lastTime = time;
    this.current = newValue;
    if (newValue > this.peak) this.peak = newValue;
  }

  /** Average over [startTime, endTime]; the current value when the interval is empty. */
  average(endTime: number): number {
    requireFinite('endTime', endTime);
    if (endTime < this.lastTime) {
      throw new Error(
        `TimeWeightedAverage: endTime ${endTime} is before the last update at ${this.lastTime}`,
      );
    }
    const duration = endTime - this.startTime;
    if (duration === 0) return this.current;
    return (this.area + this.current * (endTime - this.lastTime)) / duration;
  }
}
