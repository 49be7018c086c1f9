// The CLI as a user drives it: exit codes, one-line errors, files written, rerun byte-identity.
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from './main';

async function lab(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (l) => out.push(l), err: (l) => err.push(l), tty: false });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const SMALL = ['--set', 'blocks=32,128', '--set', 'duration=8'];
const TRACES = join(import.meta.dirname, '../test/data/conformance');

describe('lab CLI', () => {
  it('list shows kv-prefix-cache', async () => {
    const r = await lab('list');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/kv-prefix-cache\s+kv/);
  });

  it('describe shows parameters with defaults, ranges and units', async () => {
    const r = await lab('describe', 'kv-prefix-cache');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/blockSize\s+int\s+16\s+1\.\.256\s+tokens/);
  });

  it.each([
    [['run', 'nope'], /^error: unknown experiment "nope"/],
    [['run', 'kv-prefix-cache', '--set', 'bogus=1'], /^error: bogus: unknown parameter/],
    [
      ['run', 'kv-prefix-cache', '--set', 'blockSize=999'],
      /^error: blockSize: must be an integer in 1\.\.256/,
    ],
    [['run', 'kv-prefix-cache', '--set', 'blockSize'], /^error: --set blockSize: expected key=value/],
    [['run', 'kv-prefix-cache', '--seed', '-3'], /^error: seed: must be an integer/],
    [['rerun', '/no/such/result.json'], /^error: \/no\/such\/result\.json: no such file/],
    [['kv-replay', '/no/such/trace.jsonl'], /^error: \/no\/such\/trace\.jsonl: no such file/],
    [['frobnicate'], /unknown command 'frobnicate'; commands: list, describe, run, rerun/],
    [['rrun'], /^error: unknown command 'rrun' \(Did you mean one of rerun, run\?\)$/],
    [
      ['run', 'kv-prefix-cache', '--set', 'maxBatchTokens=256'],
      /^error: maxBatchTokens: must be at least maxModelLen \(2048\)/,
    ],
    [
      ['run', 'kv-prefix-cache', '--set', 'rate=1000', '--set', 'duration=86400'],
      /^error: duration: rate × duration/,
    ],
    [['run', 'kv-prefix-cache', '--out', 'package.json'], /package\.json is a file, not a folder/],
  ])('%j fails with one line and a non-zero exit', async (argv, message) => {
    const r = await lab(...argv);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
    expect(r.err.trim().split('\n')).toHaveLength(1);
  });

  it('an empty file for a text parameter is an error, not the built-in default', async () => {
    const blank = join(mkdtempSync(join(tmpdir(), 'lab-cli-')), 'blank.json');
    writeFileSync(blank, '  \n');
    const r = await lab('run', 'mesh-spike', '--set', `world=@${blank}`);
    expect(r.code).toBe(2);
    expect(r.err).toBe(`error: ${blank}: the file is empty`);
  });

  it('run writes report.html, result.json and CSVs; rerun from either is byte-identical; nothing is overwritten', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lab-cli-'));
    const a = join(dir, 'a');
    const r = await lab('run', 'kv-prefix-cache', ...SMALL, '--seed', '5', '--out', a);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/No published comparison/);
    expect(readdirSync(a).sort()).toEqual(['report.html', 'result.json', 'sweep.csv']);
    for (const [from, to] of [
      ['result.json', 'b'],
      ['report.html', 'c'],
    ] as const) {
      const rr = await lab('rerun', join(a, from), '--out', join(dir, to));
      expect(rr.code, rr.err).toBe(0);
      expect(rr.out).toMatch(/byte-identical/);
      expect(readFileSync(join(dir, to, 'result.json'), 'utf8')).toBe(
        readFileSync(join(a, 'result.json'), 'utf8'),
      );
    }
    const before = readFileSync(join(a, 'result.json'), 'utf8');
    const again = await lab('run', 'kv-prefix-cache', ...SMALL, '--out', a);
    expect(again.code).not.toBe(0);
    expect(again.err).toMatch(/report\.html already exists; choose another --out/);
    expect(readFileSync(join(a, 'result.json'), 'utf8')).toBe(before);
  });

  it('rerun does not call an edited file byte-identical', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lab-cli-'));
    const a = join(dir, 'a');
    expect((await lab('run', 'kv-prefix-cache', ...SMALL, '--out', a)).code).toBe(0);
    const saved = JSON.parse(readFileSync(join(a, 'result.json'), 'utf8')) as Record<string, unknown>;
    writeFileSync(join(dir, 'edited.json'), JSON.stringify({ ...saved, note: 'hand-edited' }));
    const r = await lab('rerun', join(dir, 'edited.json'), '--out', join(dir, 'b'));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/is not as the lab wrote it/);
  });

  it.each([
    ['a number in a visible table', (html: string) => html.replace(/<td([^>]*)>([0-9.]+)</, '<td$1>9$2<')],
    ['a script', (html: string) => html.replace('</body>', '<script>alert(1)</script></body>')],
    ['an image with onerror', (html: string) => html.replace('<h1', '<img src=x onerror=alert(1)><h1')],
  ])('rerun refuses a report.html whose visible part was edited (%s)', async (_what, edit) => {
    const dir = mkdtempSync(join(tmpdir(), 'lab-cli-'));
    const a = join(dir, 'a');
    expect((await lab('run', 'kv-prefix-cache', ...SMALL, '--out', a)).code).toBe(0);
    const html = readFileSync(join(a, 'report.html'), 'utf8');
    const edited = edit(html);
    expect(edited).not.toBe(html);
    writeFileSync(join(dir, 'report.html'), edited);
    const r = await lab('rerun', join(dir, 'report.html'), '--out', join(dir, 'b'));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/is not as the lab wrote it/);
  });

  it.each([
    [['--out', ''], /^error: --out is empty; name a folder$/],
    [['--out', '/dev/null/x'], /^error: cannot write to \/dev\/null\/x \(ENOTDIR\); choose another --out$/],
    [['--out', '/proc/xyz'], /^error: cannot write to \/proc\/xyz \(ENOENT\); choose another --out$/],
  ])('run refuses an output folder it cannot write before any work (%s)', async (out, message) => {
    const r = await lab('run', 'kv-prefix-cache', ...SMALL, ...out);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
    expect(r.out).toBe('');
  });

  it('run never writes through a symbolic link, dangling or not, and leaves no empty folder behind', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lab-cli-'));
    mkdirSync(join(dir, 'a'));
    symlinkSync(join(dir, 'nowhere.json'), join(dir, 'a', 'result.json'));
    const dangling = await lab('run', 'kv-prefix-cache', ...SMALL, '--out', join(dir, 'a'));
    expect(dangling.code).toBe(2);
    expect(dangling.err).toMatch(/a\/result\.json already exists; choose another --out$/);
    expect(existsSync(join(dir, 'nowhere.json'))).toBe(false);
    symlinkSync(join(dir, 'a'), join(dir, 'link'));
    const linked = await lab('run', 'kv-prefix-cache', ...SMALL, '--out', join(dir, 'link'));
    expect(linked.err).toMatch(/link is a symbolic link; choose another --out$/);
    const bad = await lab(
      'run',
      'kv-prefix-cache',
      '--set',
      'blocks=32',
      '--set',
      'duration=1e9',
      '--out',
      join(dir, 'b'),
    );
    expect(bad.code).toBe(2);
    expect(existsSync(join(dir, 'b'))).toBe(false);
  });

  it('rerun refuses measurements or an environment on an experiment that records none', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lab-cli-'));
    const a = join(dir, 'a');
    expect((await lab('run', 'kv-prefix-cache', ...SMALL, '--out', a)).code).toBe(0);
    const saved = JSON.parse(readFileSync(join(a, 'result.json'), 'utf8')) as Record<string, unknown>;
    for (const extra of [
      { measurements: { 'paged-ms': 1 } },
      { environment: { backend: 'webgpu', adapter: 'x' } },
    ]) {
      writeFileSync(join(dir, 'forged.json'), JSON.stringify({ ...saved, ...extra }, null, 2) + '\n');
      const r = await lab('rerun', join(dir, 'forged.json'), '--out', join(dir, 'b'));
      expect(r.code).toBe(2);
      expect(r.err).toMatch(/kv-prefix-cache records no measurements or environment/);
    }
    writeFileSync(join(dir, 'bad-env.json'), JSON.stringify({ ...saved, environment: { gpu: 'yes' } }));
    const bad = await lab('rerun', join(dir, 'bad-env.json'), '--out', join(dir, 'c'));
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/not a Hyperscale Lab result \(environment/);
  });

  it('kv-replay reports a malformed trace as a one-line user error (exit 2)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lab-cli-'));
    writeFileSync(join(dir, 'bad.jsonl'), '{"config":{}}\n');
    const r = await lab('kv-replay', join(dir, 'bad.jsonl'));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^error: line 1: config\.blockSize must be an integer in 0\.\.1,024/);
  });

  it('reads a text parameter from a file with key=@path (a user trace) and keeps it in the result', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lab-cli-'));
    const lines = Array.from({ length: 40 }, (_, i) =>
      JSON.stringify({ arrival: i * 0.5, input: 50 + i, output: 20 }),
    );
    writeFileSync(join(dir, 'trace.jsonl'), `${lines.join('\n')}\n`);
    const out = join(dir, 'out');
    const r = await lab(
      'run',
      'kv-memory-waste',
      '--set',
      'workload=trace',
      '--set',
      `trace=@${join(dir, 'trace.jsonl')}`,
      '--set',
      'policies=vllm',
      '--out',
      out,
    );
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/requests\s+40/);
    const saved = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8')) as { params: { trace: string } };
    expect(saved.params.trace.split('\n')).toHaveLength(41);
    const missing = await lab('run', 'kv-memory-waste', '--set', 'workload=trace', '--out', join(dir, 'x'));
    expect(missing.err).toMatch(/^error: trace: workload=trace needs a trace file/);
    const bad = await lab(
      'run',
      'kv-memory-waste',
      '--set',
      `trace=@${join(dir, 'nope.jsonl')}`,
      '--out',
      join(dir, 'y'),
    );
    expect(bad.err).toMatch(/nope\.jsonl: no such file/);
  });

  it('rerun rejects a corrupt result file in one line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lab-cli-'));
    writeFileSync(join(dir, 'result.json'), '{"schema":"hyperscale-lab/result@1"');
    const r = await lab('rerun', join(dir, 'result.json'));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^error: result\.json: not valid JSON/);
  });

  it('kv-replay checks a recorded trace and catches an altered one with its line number', async () => {
    const ok = await lab('kv-replay', join(TRACES, 'vllm-v1-small-prefix.jsonl'));
    expect(ok.code).toBe(0);
    expect(ok.out).toMatch(/[1-9]\d* ops checked, 0 mismatches/);
    const lines = readFileSync(join(TRACES, 'vllm-v1-small-prefix.jsonl'), 'utf8').split('\n');
    const i = lines.findIndex((l) => /"op":"allocate".*"newBlocks":\[\d/.test(l));
    lines[i] = lines[i]!.replace(/"newBlocks":\[(\d+)/, (_m, id: string) => `"newBlocks":[${Number(id) + 1}`);
    const dir = mkdtempSync(join(tmpdir(), 'lab-cli-'));
    writeFileSync(join(dir, 'altered.jsonl'), lines.join('\n'));
    const bad = await lab('kv-replay', join(dir, 'altered.jsonl'));
    expect(bad.code).toBe(1);
    expect(bad.out).toMatch(new RegExp(`first mismatch at line ${i + 1} \\(allocate`));
  });
});
