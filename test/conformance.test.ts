// Replays the vLLM V1 KVCacheManager conformance traces (test/data/conformance) against the model, and
// checks that the replay catches a tampered recording, and that parse errors name the line.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseTrace, replayTrace } from '../core/kv/trace';

const dir = fileURLToPath(new URL('./data/conformance/', import.meta.url));
const traces = readdirSync(dir)
  .filter((f) => f.endsWith('.jsonl'))
  .sort();
const read = (name: string): string => readFileSync(dir + name, 'utf8');

/** Rewrites the first line (after the config) whose event satisfies `pick`; returns the new text and line. */
function tamper(
  text: string,
  pick: (e: Record<string, unknown>) => boolean,
  change: (e: Record<string, unknown>) => void,
): { text: string; line: number } {
  const lines = text.split('\n');
  for (let i = 1; i < lines.length; i++) {
    if (lines[i]!.trim() === '') continue;
    const e = JSON.parse(lines[i]!) as Record<string, unknown>;
    if (!pick(e)) continue;
    change(e);
    lines[i] = JSON.stringify(e);
    return { text: lines.join('\n'), line: i + 1 };
  }
  throw new Error('no event to tamper with');
}

describe('vLLM V1 conformance traces', () => {
  it('finds the four recorded traces', () => {
    expect(traces).toHaveLength(4);
  });

  it.each(traces)('%s replays with zero mismatches', (name) => {
    const report = replayTrace(read(name));
    expect(report.firstMismatch).toBeUndefined();
    expect(report.mismatches).toBe(0);
    expect(report.opsChecked).toBeGreaterThan(0);
    // Every lookup, allocate, append and free in these files carries results.
    const { events } = parseTrace(read(name));
    expect(report.opsChecked).toBe(events.filter((e) => e.op !== 'arrive' && e.op !== 'token').length);
  });

  it.each(traces)('%s: an altered newBlocks id is caught at its line', (name) => {
    let seen = 0;
    const { text, line } = tamper(
      read(name),
      // The 5th event that got blocks, so the tampered line sits inside the trace.
      (e) => Array.isArray(e.newBlocks) && (e.newBlocks as number[]).length > 0 && ++seen === 5,
      (e) => {
        const blocks = e.newBlocks as number[];
        blocks[blocks.length - 1] = blocks[blocks.length - 1]! + 1;
      },
    );
    const report = replayTrace(text);
    expect(report.mismatches).toBe(1);
    expect(report.firstMismatch).toMatchObject({ line, field: 'newBlocks' });
  });

  it.each(traces)('%s: an altered free count is caught at its line', (name) => {
    let seen = 0;
    const { text, line } = tamper(
      read(name),
      (e) => e.op === 'free' && ++seen === 3,
      (e) => {
        e.free = (e.free as number) - 1;
      },
    );
    const report = replayTrace(text);
    expect(report.mismatches).toBe(1);
    expect(report.firstMismatch).toMatchObject({ line, op: 'free', field: 'free' });
    expect(report.firstMismatch!.expected).toBe((report.firstMismatch!.actual as number) - 1);
  });

  it('a changed null result is caught and the replay keeps counting', () => {
    const { text, line } = tamper(
      read('vllm-v1-tight-preempt.jsonl'),
      (e) => e.op === 'allocate' && e.newBlocks === null,
      (e) => {
        e.newBlocks = [0];
      },
    );
    const report = replayTrace(text);
    expect(report.firstMismatch).toMatchObject({ line, op: 'allocate', field: 'newBlocks', actual: null });
  });
});

describe('trace parsing errors name the line', () => {
  const config =
    '{"config":{"blockSize":4,"numGpuBlocks":8,"maxModelLen":64,"enableCaching":true,"numPreallocateTokens":0}}';
  it.each([
    ['', /^line 1: missing config/],
    ['{"op":"arrive","req":"a","prompt":[1]}', /^line 1: missing config/],
    [config.replace('"blockSize":4', '"blockSize":0'), /^line 1: .*blockSize/],
    [config.replace('true', '"yes"'), /^line 1: config.enableCaching/],
    [
      `${config}\n{"op":"arrive","req":"a","prompt":[1]}\n{"op":"foo","req":"a"}`,
      /^line 3: unknown op "foo"/,
    ],
    [`${config}\n{"op":"arrive",`, /^line 2: invalid JSON/],
    [`${config}\n[1,2]`, /^line 2: expected a JSON object/],
    [`${config}\n{"op":"token","req":"a"}`, /^line 2: "token" must be/],
    [`${config}\n{"op":"arrive","prompt":[1]}`, /^line 2: "req" must be/],
    [
      `${config}\n\n{"op":"allocate","req":"a","numComputed":0,"numTokens":"4","computedBlocks":[]}`,
      /^line 3: "numTokens"/,
    ],
    [
      `${config}\n{"op":"allocate","req":"a","numComputed":0,"numTokens":4,"computedBlocks":[9]}`,
      /^line 2: "computedBlocks\[0\]"/,
    ],
    [
      `${config}\n{"op":"append","req":"a","numComputed":0,"numTokens":1,"newBlocks":"x"}`,
      /^line 2: "newBlocks"/,
    ],
    [`${config}\n{"op":"free","req":"a","reason":"abort"}`, /^line 2: "reason"/],
    [`${config}\n{"op":"free","req":"a","reason":"finish","free":-1}`, /^line 2: "free"/],
  ])('%j', (text, message) => {
    expect(() => parseTrace(text)).toThrow(message);
  });

  it('counts a model error as a mismatch with its line, and keeps going', () => {
    const text = `${config}\n{"op":"token","req":"ghost","token":1}\n{"op":"arrive","req":"a","prompt":[1,2,3,4,5]}\n{"op":"lookup","req":"a","computedBlocks":[],"free":8}`;
    const report = replayTrace(text);
    expect(report).toMatchObject({
      opsChecked: 1,
      mismatches: 1,
      firstMismatch: { line: 2, field: 'error' },
    });
  });

  it('refuses a trace whose events do not record their results', () => {
    const text = `${config}\n{"op":"arrive","req":"a","prompt":[1,2,3,4,5]}\n{"op":"lookup","req":"a"}\n`;
    expect(() => replayTrace(text)).toThrow(
      /^line 3: a lookup event must record its result "computedBlocks"$/,
    );
  });

  it('refuses a misspelt result field instead of silently not checking it', () => {
    const text = `${config}\n{"op":"arrive","req":"a","prompt":[1,2,3,4,5]}\n{"op":"lookup","req":"a","computedBlocks":[],"Free":8}\n`;
    expect(() => replayTrace(text)).toThrow(/^line 3: unexpected field "Free" in a lookup event/);
  });

  it('refuses a trace with nothing to check, and errors are one printable line', () => {
    expect(() => replayTrace(`${config}\n{"op":"arrive","req":"a","prompt":[1]}\n`)).toThrow(
      /the trace records no results to check/,
    );
    let message = '';
    try {
      replayTrace(`${config}\n\u0001\u0002garbage`);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/^line 2: invalid JSON/);
    expect([...message].every((ch) => ch >= ' ')).toBe(true);
  });
});
