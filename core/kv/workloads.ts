// Serving workloads (§6.1): ShareGPT-like and Alpaca-like length distributions, Poisson arrivals, shared
// few-shot prefixes, multi-turn chat, and a user's own trace (JSON lines, zod-validated).
import { z } from 'zod';
import { lognormal, poissonArrivals, exponential } from '../kernel/distributions';
import type { Rng } from '../kernel/rng';
import { UserError } from '../experiments/errors';

/** §6.1: maximum sequence length of the served models. */
export const MAX_MODEL_LEN = 2048;

/**
 * Lognormal length families: round(exp(N(mu, sigma))) clamped to [1, maxLen − input]; mu is fitted (fitFamily) so
 * the clamped means equal the published ones (tested). Fitted at maxLen 2048: ShareGPT input mu 4.589 (sigma 1.0),
 * output mu 5.444 (sigma 0.9); Alpaca input mu 2.641 (sigma 0.8), output mu 3.823 (sigma 0.7).
 * ASSUMPTION: sigma is not published; 1.0 (input) and 0.9 (output) give ShareGPT's long right tail; Alpaca's
 * instruction data is narrower (0.8, 0.7).
 */
export interface LengthFamily {
  id: string;
  inputMean: number;
  inputSigma: number;
  outputMean: number;
  outputSigma: number;
}

/** REFERENCE / §6.1: ShareGPT mean input 161.31, mean output 337.99 tokens. */
export const SHAREGPT: LengthFamily = {
  id: 'sharegpt',
  inputMean: 161.31,
  inputSigma: 1.0,
  outputMean: 337.99,
  outputSigma: 0.9,
};
/** REFERENCE / §6.1: Alpaca mean input 19.31, mean output 58.45 tokens. */
export const ALPACA: LengthFamily = {
  id: 'alpaca',
  inputMean: 19.31,
  inputSigma: 0.8,
  outputMean: 58.45,
  outputSigma: 0.7,
};

export type WorkloadId = 'sharegpt' | 'alpaca' | 'shared-prefix' | 'chat';
export const WORKLOAD_IDS: readonly WorkloadId[] = ['sharegpt', 'alpaca', 'shared-prefix', 'chat'];

/** One request as the simulator sees it (lengths in tokens). */
export interface Request {
  arrivalS: number;
  inputLen: number;
  outputLen: number;
  /** -1 when the prompt shares no prefix; otherwise the id of a shared prefix of `prefixLen` tokens. */
  prefixId: number;
  prefixLen: number;
  /** Conversation the prompt belongs to (the request itself unless chat): token ids derive from it. */
  convId: number;
  /** Position in the conversation where this prompt starts (chat history truncated to its tail). */
  contextStart: number;
}

export function muForMean(mean: number, sigma: number): number {
  return Math.log(mean) - (sigma * sigma) / 2;
}

function drawLen(rng: Rng, mu: number, sigma: number, max: number): number {
  const x = Math.round(lognormal(rng, mu, sigma));
  return Math.min(max, Math.max(1, x));
}

/** Standard-normal quadrature nodes/weights (midpoint rule on [−6, 6]). */
function normalGrid(n: number): { z: Float64Array; w: Float64Array } {
  const z = new Float64Array(n);
  const w = new Float64Array(n);
  const h = 12 / n;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    z[i] = -6 + (i + 0.5) * h;
    w[i] = Math.exp((-z[i]! * z[i]!) / 2);
    sum += w[i]!;
  }
  for (let i = 0; i < n; i++) w[i] = w[i]! / sum;
  return { z, w };
}

function clampLen(x: number, max: number): number {
  return Math.min(max, Math.max(1, Math.round(x)));
}

/** Bisection on mu so that E[f(mu)] = target (f increasing in mu). */
function solveMu(target: number, sigma: number, mean: (mu: number) => number): number {
  let lo = muForMean(target, sigma) - 2;
  let hi = muForMean(target, sigma) + 2;
  for (let i = 0; i < 50; i++) {
    const mid = (lo + hi) / 2;
    if (mean(mid) < target) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/**
 * The fitted log-means (mu) of a family: the draws are rounded and clamped (input ≤ maxLen − 1, output ≤
 * maxLen − input), so mu is solved numerically (quadrature + bisection) to make the clamped means equal the
 * published ones. Deterministic; cached per family and maxLen.
 */
export interface FittedFamily {
  muIn: number;
  muOut: number;
}
const fitted = new Map<string, FittedFamily>();
export function fitFamily(f: LengthFamily, maxLen = MAX_MODEL_LEN): FittedFamily {
  const key = `${f.id}:${maxLen}`;
  const hit = fitted.get(key);
  if (hit) return hit;
  const g = normalGrid(400);
  const meanIn = (mu: number) => {
    let m = 0;
    for (let i = 0; i < g.z.length; i++)
      m += g.w[i]! * clampLen(Math.exp(mu + f.inputSigma * g.z[i]!), maxLen - 1);
    return m;
  };
  const muIn = solveMu(f.inputMean, f.inputSigma, meanIn);
  const gi = normalGrid(80);
  const meanOut = (mu: number) => {
    let m = 0;
    for (let i = 0; i < gi.z.length; i++) {
      const cap = maxLen - clampLen(Math.exp(muIn + f.inputSigma * gi.z[i]!), maxLen - 1);
      let e = 0;
      for (let j = 0; j < g.z.length; j++)
        e += g.w[j]! * clampLen(Math.exp(mu + f.outputSigma * g.z[j]!), cap);
      m += gi.w[i]! * e;
    }
    return m;
  };
  const muOut = solveMu(f.outputMean, f.outputSigma, meanOut);
  const out = { muIn, muOut };
  fitted.set(key, out);
  return out;
}

/** Input/output lengths of one request: input ≤ maxLen − 1 and input + output ≤ maxLen. */
export function drawLengths(rng: Rng, f: LengthFamily, maxLen = MAX_MODEL_LEN): [number, number] {
  const { muIn, muOut } = fitFamily(f, maxLen);
  const input = drawLen(rng, muIn, f.inputSigma, maxLen - 1);
  const output = drawLen(rng, muOut, f.outputSigma, maxLen - input);
  return [input, output];
}

/**
 * Few-shot shared prefixes (§4.4, §6.4 translation): ASSUMPTION — 4 prefixes of 512 tokens (a 5-shot prompt, as in
 * the paper's WMT16 setup order of magnitude), chosen uniformly; the user part is Alpaca-like.
 */
export const SHARED_PREFIXES = 4;
export const SHARED_PREFIX_LEN = 512;

/**
 * Multi-turn chat (§6.5): conversations arrive as a Poisson process; ASSUMPTION — a geometric number of turns
 * (mean 3), each turn's prompt is the whole history (earlier prompts and answers) plus a new ShareGPT-like user
 * message, truncated to the last 1024 tokens as in §6.5; the next turn arrives an exponential think time (mean 30 s)
 * after the previous turn. DEVIATION: open loop (the next turn does not wait for the answer).
 */
export const CHAT_MEAN_TURNS = 3;
export const CHAT_THINK_S = 30;
export const CHAT_CONTEXT = 1024;

export function generateWorkload(
  rng: Rng,
  workload: WorkloadId,
  ratePerS: number,
  durationS: number,
  maxLen = MAX_MODEL_LEN,
): Request[] {
  const arrivals = poissonArrivals(rng.fork('arrivals'), ratePerS, durationS);
  const lenRng = rng.fork('lengths');
  const out: Request[] = [];
  if (workload === 'sharegpt' || workload === 'alpaca') {
    const f = workload === 'sharegpt' ? SHAREGPT : ALPACA;
    for (const t of arrivals) {
      const [inputLen, outputLen] = drawLengths(lenRng, f, maxLen);
      out.push({
        arrivalS: t,
        inputLen,
        outputLen,
        prefixId: -1,
        prefixLen: 0,
        convId: out.length,
        contextStart: 0,
      });
    }
    return out;
  }
  if (workload === 'shared-prefix') {
    const pick = rng.fork('prefix');
    for (const t of arrivals) {
      const [userLen, outputLen] = drawLengths(lenRng, ALPACA, maxLen - SHARED_PREFIX_LEN);
      out.push({
        arrivalS: t,
        inputLen: SHARED_PREFIX_LEN + userLen,
        outputLen,
        prefixId: pick.int(0, SHARED_PREFIXES - 1),
        prefixLen: SHARED_PREFIX_LEN,
        convId: out.length,
        contextStart: 0,
      });
    }
    return out;
  }
  // chat
  const turnRng = rng.fork('turns');
  for (let c = 0; c < arrivals.length; c++) {
    let t = arrivals[c]!;
    let history = 0;
    for (;;) {
      const [userLen, outputLen0] = drawLengths(lenRng, SHAREGPT, maxLen);
      const full = history + userLen;
      const inputLen = Math.min(CHAT_CONTEXT, full);
      const outputLen = Math.max(1, Math.min(outputLen0, maxLen - inputLen));
      const contextStart = full - inputLen;
      out.push({ arrivalS: t, inputLen, outputLen, prefixId: -1, prefixLen: 0, convId: c, contextStart });
      history = full + outputLen;
      if (turnRng.float() < 1 / CHAT_MEAN_TURNS) break;
      t += exponential(turnRng, 1 / CHAT_THINK_S);
    }
  }
  out.sort((a, b) => a.arrivalS - b.arrivalS);
  return out;
}

/** The latest arrival a trace may have: a day, beyond the longest run (7200 s) the lab simulates. */
export const MAX_ARRIVAL_S = 86_400;

const traceLine = z.strictObject({
  arrival: z.number().finite().nonnegative().max(MAX_ARRIVAL_S),
  input: z.number().int().min(1).max(MAX_MODEL_LEN),
  output: z.number().int().min(1).max(MAX_MODEL_LEN),
});

/**
 * A user's own trace: one JSON object per line, `{"arrival": seconds, "input": tokens, "output": tokens}`,
 * arrivals non-decreasing, input + output ≤ maxLen. Blank lines are skipped. Errors are one line naming the line.
 */
export function parseTraceFile(text: string, maxLen = MAX_MODEL_LEN): Request[] {
  const out: Request[] = [];
  const lines = text.split(/\r?\n/);
  let last = 0;
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!.trim();
    if (raw === '') continue;
    const where = `trace line ${i + 1}`;
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      throw new UserError(`${where}: not valid JSON`);
    }
    const parsed = traceLine.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const field = issue.path.length > 0 ? issue.path.join('.') : 'line';
      throw new UserError(`${where}: ${field}: ${issue.message.replace(/\s+/g, ' ')}`);
    }
    const { arrival, input, output } = parsed.data;
    if (arrival < last)
      throw new UserError(`${where}: arrival ${arrival} is before the previous line's ${last}`);
    if (input + output > maxLen) {
      throw new UserError(
        `${where}: input + output = ${input + output} exceeds the maximum length ${maxLen}`,
      );
    }
    last = arrival;
    out.push({
      arrivalS: arrival,
      inputLen: input,
      outputLen: output,
      prefixId: -1,
      prefixLen: 0,
      convId: out.length,
      contextStart: 0,
    });
  }
  if (out.length === 0)
    throw new UserError('trace: no requests (expected JSON lines with arrival, input, output)');
  return out;
}
