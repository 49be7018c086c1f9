// The distribution families the RPC workload generator is built from, as pure functions of their parameters:
// Zipf–Mandelbrot method popularity, the probit (normal quantile), and percentiles of typed arrays. The fit
// script (scripts/fit-rpc.ts) and the generator use the same functions, so what was fitted is what is sampled.

/** Zipf–Mandelbrot popularity over `n` methods: p_k ∝ (k + q)^-s for rank k = 1..n, normalised. */
export function zipfMandelbrot(n: number, s: number, q: number): Float64Array {
  const p = new Float64Array(n);
  let total = 0;
  for (let k = 1; k <= n; k++) {
    p[k - 1] = Math.pow(k + q, -s);
    total += p[k - 1]!;
  }
  for (let i = 0; i < n; i++) p[i] = p[i]! / total;
  return p;
}

/** Sum of the first `k` entries (the share of the top k ranks when `p` is sorted by popularity). */
export function headShare(p: ArrayLike<number>, k: number): number {
  let s = 0;
  for (let i = 0; i < Math.min(k, p.length); i++) s += p[i]!;
  return s;
}

/**
 * The standard normal quantile Φ⁻¹(u) for u in (0, 1) (Acklam's rational approximation, relative error
 * below 1.2e-9), so lognormal percentiles and the rank scores of the latency model are exact enough.
 */
export function probit(u: number): number {
  if (!(u > 0 && u < 1)) throw new Error(`probit needs u in (0, 1) (got ${u})`);
  const a = [
    -39.6968302866538, 220.946098424521, -275.928510446969, 138.357751867269, -30.6647980661472,
    2.50662827745924,
  ];
  const b = [-54.4760987982241, 161.585836858041, -155.698979859887, 66.8013118877197, -13.2806815528857];
  const c = [
    -0.00778489400243029, -0.322396458041136, -2.40075827716184, -2.54973253934373, 4.37466414146497,
    2.93816398269878,
  ];
  const d = [0.00778469570904146, 0.32246712907004, 2.445134137143, 3.75440866190742];
  const lo = 0.02425;
  if (u < lo) {
    const q = Math.sqrt(-2 * Math.log(u));
    return (
      (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) /
      ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1)
    );
  }
  if (u > 1 - lo) return -probit(1 - u);
  const q = u - 0.5;
  const r = q * q;
  return (
    ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) /
    (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1)
  );
}

/** The standard normal CDF Φ(x) (Abramowitz & Stegun 7.1.26, absolute error below 1.5e-7). */
export function normalCdf(x: number): number {
  const t = 1 / (1 + (0.3275911 * Math.abs(x)) / Math.SQRT2);
  const poly =
    t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erf = 1 - poly * Math.exp(-(x * x) / 2);
  return x >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}

/** numpy's linear percentile (p in [0, 100]) of an already sorted, non-empty typed array. */
export function percentileSorted(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) throw new Error('percentile of an empty sample');
  const h = ((sorted.length - 1) * p) / 100;
  const i = Math.floor(h);
  const frac = h - i;
  return frac === 0 ? sorted[i]! : sorted[i]! + frac * (sorted[i + 1]! - sorted[i]!);
}

/** Points of an empirical CDF on a log2 grid of x (for charts): [x, share of values ≤ x]. */
export function cdfPoints(sorted: ArrayLike<number>, xs: readonly number[]): [number, number][] {
  const n = sorted.length;
  let i = 0;
  return xs.map((x) => {
    while (i < n && sorted[i]! <= x) i++;
    return [x, i / n] as [number, number];
  });
}

/** 2^a, 2^(a+step), … ≤ 2^b: the x grid of the CDF charts. */
export function log2Grid(a: number, b: number, step = 0.5): number[] {
  const xs: number[] = [];
  for (let e = a; e <= b + 1e-9; e += step) xs.push(Math.pow(2, e));
  return xs;
}

/** A chart series from a table: column 0 as x, column `c` as y (times `scale`). */
export function tableSeries(t: { rows: (string | number)[][] }, c: number, scale = 1): [number, number][] {
  return t.rows.map((r) => [Number(r[0]), Number(r[c]) * scale]);
}
