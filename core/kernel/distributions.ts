// Random variates drawn from an explicit Rng (DESIGN.md rule 2): exponential, Poisson arrivals, normal,
// lognormal, Zipf weights and an O(1) empirical discrete sampler (Walker/Vose alias method).
import type { Rng } from './rng';

function requireFinite(name: string, x: number): void {
  if (!Number.isFinite(x)) throw new Error(`${name} must be a finite number (got ${x})`);
}

function requirePositive(name: string, x: number): void {
  if (!(Number.isFinite(x) && x > 0)) throw new Error(`${name} must be a finite number > 0 (got ${x})`);
}

function requireNonNegative(name: string, x: number): void {
  if (!(Number.isFinite(x) && x >= 0)) throw new Error(`${name} must be a finite number >= 0 (got ${x})`);
}

/** Exponential variate with rate `ratePerUnit` (mean 1 / rate), by inversion; always finite and >= 0. */
export function exponential(rng: Rng, ratePerUnit: number): number {
  requirePositive('ratePerUnit', ratePerUnit);
  // 1 - u lies in (0, 1], so the log is finite.
  return -Math.log(1 - rng.float()) / ratePerUnit;
}

/**
 * Arrival times of a Poisson process with rate `ratePerS` over [0, durationS): exponential gaps summed.
 * Invariants: sorted ascending, every time in [0, durationS); the count has mean ratePerS * durationS.
 * A rate of 0 gives no arrivals.
 */
export function poissonArrivals(rng: Rng, ratePerS: number, durationS: number): number[] {
  requireNonNegative('ratePerS', ratePerS);
  requireNonNegative('durationS', durationS);
  const times: number[] = [];
  if (ratePerS === 0) return times;
  let t = exponential(rng, ratePerS);
  while (t < durationS) {
    times.push(t);
    t += exponential(rng, ratePerS);
  }
  return times;
}

/**
 * Normal variate by Box–Muller. Stateless: each call draws exactly two floats and discards the spare,
 * so a draw never depends on an earlier call.
 */
export function normal(rng: Rng, mean: number, sd: number): number {
  requireFinite('mean', mean);
  requireNonNegative('sd', sd);
  const u1 = 1 - rng.float(); // (0, 1]: the log is finite
  const u2 = rng.float();
  return mean + sd * Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}

/** exp(N(mu, sigma)): a lognormal variate whose log has mean `mu` and standard deviation `sigma`. */
export function lognormal(rng: Rng, mu: number, sigma: number): number {
  requireFinite('mu', mu);
  requireNonNegative('sigma', sigma);
  return Math.exp(normal(rng, mu, sigma));
}

/** Lognormal variate with the given arithmetic `mean` (> 0): mu = ln(mean) - sigma² / 2. */
export function lognormalFromMean(rng: Rng, mean: number, sigma: number): number {
  requirePositive('mean', mean);
  requireNonNegative('sigma', sigma);
  return lognormal(rng, Math.log(mean) - (sigma * sigma) / 2, sigma);
}

/** Unnormalized Zipf weights: weight k-1 is 1 / k^s for rank k = 1..n. */
export function zipfWeights(n: number, s: number): number[] {
  if (!(Number.isInteger(n) && n >= 1)) throw new Error(`n must be an integer >= 1 (got ${n})`);
  requireNonNegative('s', s);
  const weights = new Array<number>(n);
  for (let k = 1; k <= n; k++) weights[k - 1] = 1 / Math.pow(k, s);
  return weights;
}

/**
 * A finite distribution over `values` with probabilities proportional to `weights`, sampled in O(1)
 * per draw with Vose's alias method (two draws from the Rng per sample).
 * Invariants: a value whose weight is 0 is never sampled; construction is O(n) and deterministic.
 */
export class EmpiricalDiscrete {
  readonly values: readonly number[];
  /** Probabilities, normalized weights in the order of `values`. */
  readonly probabilities: readonly number[];
  /** Expected value: sum of value * probability. */
  readonly mean: number;
  /** Alias table: column i keeps i with probability keep[i] and otherwise gives alias[i]. */
  private readonly keep: Float64Array;
  private readonly alias: Int32Array;

  constructor(values: readonly number[], weights: readonly number[]) {
    const n = values.length;
    if (n === 0) throw new Error('values must not be empty');
    if (weights.length !== n) {
      throw new Error(`weights must have the same length as values (${weights.length} != ${n})`);
    }
    let total = 0;
    for (let i = 0; i < n; i++) {
      requireFinite(`values[${i}]`, values[i]!);
      requireNonNegative(`weights[${i}]`, weights[i]!);
      total += weights[i]!;
    }
    if (!(total > 0 && Number.isFinite(total))) {
      throw new Error(`weights must have a finite positive sum (got ${total})`);
    }
    this.values = values.slice();
    const probabilities = weights.map((w) => w / total);
    this.probabilities = probabilities;
    this.mean = probabilities.reduce((acc, p, i) => acc + p * values[i]!, 0);

    // Vose: scale to mean 1, then pair each under-full column with an over-full one.
    this.keep = new Float64Array(n);
    this.alias = new Int32Array(n);
    const scaled = probabilities.map((p) => p * n);
    const small: number[] = [];
    const large: number[] = [];
    for (let i = 0; i < n; i++) {
      this.alias[i] = i;
      (scaled[i]! < 1 ? small : large).push(i);
    }
    while (small.length > 0 && large.length > 0) {
      const s = small.pop()!;
      const l = large.pop()!;
      this.keep[s] = scaled[s]!;
      this.alias[s] = l;
      scaled[l] = scaled[l]! + scaled[s]! - 1;
      (scaled[l]! < 1 ? small : large).push(l);
    }
    // What is left is full up to rounding error; a zero weight stays unreachable even so.
    let heaviest = 0;
    for (let i = 1; i < n; i++) if (probabilities[i]! > probabilities[heaviest]!) heaviest = i;
    for (const i of [...large, ...small]) {
      this.keep[i] = probabilities[i]! > 0 ? 1 : 0;
      if (probabilities[i]! === 0) this.alias[i] = heaviest;
    }
  }

  /** Index into `values` of one draw. */
  sampleIndex(rng: Rng): number {
    const column = rng.int(0, this.keep.length - 1);
    return rng.float() < this.keep[column]! ? column : this.alias[column]!;
  }

  /** One draw from the distribution. */
  sample(rng: Rng): number {
    return this.values[this.sampleIndex(rng)]!;
  }
}
