// Tests for the workloads: published means, Poisson arrivals, shared prefixes, chat, and the trace parser.
import { describe, expect, it } from 'vitest';
import { Rng } from '../kernel/rng';
import {
  ALPACA,
  CHAT_CONTEXT,
  MAX_MODEL_LEN,
  SHAREGPT,
  SHARED_PREFIX_LEN,
  drawLengths,
  fitFamily,
  generateWorkload,
  parseTraceFile,
} from './workloads';

describe('workloads: lengths match the published means (§6.1)', () => {
  it.each([
    ['sharegpt', SHAREGPT, 161.31, 337.99],
    ['alpaca', ALPACA, 19.31, 58.45],
  ] as const)('%s input and output means are within 1.5%', (_id, f, inMean, outMean) => {
    const rng = new Rng(11);
    let a = 0;
    let b = 0;
    let bad = 0;
    const n = 50_000;
    for (let i = 0; i < n; i++) {
      const [x, y] = drawLengths(rng, f);
      if (x + y > MAX_MODEL_LEN || Math.min(x, y) < 1) bad++;
      a += x;
      b += y;
    }
    expect(bad).toBe(0);
    expect(Math.abs(a / n - inMean) / inMean).toBeLessThan(0.015);
    expect(Math.abs(b / n - outMean) / outMean).toBeLessThan(0.015);
  });
});

describe('workloads: fitted parameters', () => {
  it('the fitted log-means are the ones the source comment states', () => {
    expect(fitFamily(SHAREGPT).muIn).toBeCloseTo(4.589, 3);
    expect(fitFamily(SHAREGPT).muOut).toBeCloseTo(5.444, 3);
    expect(fitFamily(ALPACA).muIn).toBeCloseTo(2.641, 3);
    expect(fitFamily(ALPACA).muOut).toBeCloseTo(3.823, 3);
  });
});

describe('workloads: arrivals and shapes', () => {
  it('Poisson arrivals have about rate × duration requests, sorted', () => {
    const w = generateWorkload(new Rng(1), 'sharegpt', 5, 2000);
    expect(Math.abs(w.length - 10_000)).toBeLessThan(400);
    for (let i = 1; i < w.length; i++) expect(w[i]!.arrivalS).toBeGreaterThanOrEqual(w[i - 1]!.arrivalS);
  });

  it('shared-prefix requests start with one of the few-shot prefixes', () => {
    const w = generateWorkload(new Rng(2), 'shared-prefix', 5, 100);
    for (const r of w) {
      expect(r.prefixId).toBeGreaterThanOrEqual(0);
      expect(r.prefixLen).toBe(SHARED_PREFIX_LEN);
      expect(r.inputLen).toBeGreaterThan(SHARED_PREFIX_LEN);
    }
  });

  it('chat turns carry their history, truncated to the last 1024 tokens', () => {
    const w = generateWorkload(new Rng(3), 'chat', 1, 600);
    const byConv = new Map<number, number>();
    for (const r of w) {
      expect(r.inputLen).toBeLessThanOrEqual(CHAT_CONTEXT);
      byConv.set(r.convId, (byConv.get(r.convId) ?? 0) + 1);
    }
    expect([...byConv.values()].some((n) => n > 1)).toBe(true);
    expect(w.some((r) => r.contextStart > 0)).toBe(true);
  });

  it('the same seed gives the same workload', () => {
    expect(generateWorkload(new Rng(4), 'alpaca', 3, 50)).toEqual(
      generateWorkload(new Rng(4), 'alpaca', 3, 50),
    );
  });
});

describe('workloads: a user trace file (JSON lines)', () => {
  it('parses arrival, input and output per line, skipping blank lines', () => {
    const reqs = parseTraceFile(
      '{"arrival":0,"input":10,"output":5}\n\n{"arrival":1.5,"input":100,"output":20}\n',
    );
    expect(reqs.map((r) => [r.arrivalS, r.inputLen, r.outputLen])).toEqual([
      [0, 10, 5],
      [1.5, 100, 20],
    ]);
  });

  it.each([
    ['{"arrival":0,"input":10,"output":5}\nnot json', /^trace line 2: not valid JSON$/],
    ['{"arrival":0,"input":0,"output":5}', /^trace line 1: input: /],
    ['{"arrival":0,"input":10}', /^trace line 1: output: /],
    ['{"arrival":0,"input":10,"output":5,"x":1}', /^trace line 1: /],
    [
      '{"arrival":2,"input":10,"output":5}\n{"arrival":1,"input":10,"output":5}',
      /^trace line 2: arrival 1 is before/,
    ],
    ['{"arrival":0,"input":2000,"output":100}', /^trace line 1: input \+ output = 2100 exceeds/],
    ['', /^trace: no requests/],
  ])('rejects %j with one line naming the line', (text, message) => {
    let err: unknown;
    try {
      parseTraceFile(text);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toMatch(message);
    expect((err as Error).message).not.toContain('\n');
  });
});
