// The installed command as a user runs it: cli/bin.mjs runs the precompiled bundle (rebuilt when a source is
// newer), and the bundle carries the WGSL kernels, so a GPU experiment runs through it end to end.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SWIFTSHADER_ICD } from './gpu';

const root = join(import.meta.dirname, '..');

function bin(args: string[], env: Record<string, string> = {}) {
  const run = spawnSync(process.execPath, ['cli/bin.mjs', ...args], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, ...env },
  });
  return { code: run.status, out: run.stdout, err: run.stderr };
}

describe('cli/bin.mjs', () => {
  it('lists the experiments from the compiled bundle', () => {
    const r = bin(['list']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/gpu-paged-attention\s+kv/);
  });

  it('prints one-line errors with exit code 2', () => {
    const r = bin(['run', 'nope']);
    expect(r.code).toBe(2);
    expect(r.err.trim().split('\n')).toHaveLength(1);
  });

  it('runs gpu-paged-attention with the kernels bundled as text', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'lab-bin-')), 'r');
    const small = ['--set', 'sequences=2', '--set', 'heads=2', '--set', 'meanContext=40', '--set', 'reps=1'];
    const r = bin(['run', 'gpu-paged-attention', ...small, '--out', out], {
      VK_ICD_FILENAMES: SWIFTSHADER_ICD,
    });
    expect(r.err).not.toMatch(/internal error/);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^backend: (webgpu|cpu)/m);
    const result = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8'));
    expect(result.measurements['max-abs-error']).toBeLessThan(result.metrics.tolerance);
  });

  it('runs a sweep on worker threads to the same sweep.json as on one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lab-sweep-bin-'));
    const args = [
      'sweep',
      'train-recovery-probability',
      '--grid',
      'failures=1,2,3,4',
      '--set',
      'trials=2000',
      '--seeds',
      '2',
    ];
    const two = bin([...args, '--workers', '2', '--out', join(dir, 'w2')]);
    expect(two.err).toBe('');
    expect(two.out).toMatch(/8 of 8 runs on 2 worker\(s\)/);
    expect(bin([...args, '--workers', '1', '--out', join(dir, 'w1')]).code).toBe(0);
    expect(readFileSync(join(dir, 'w2', 'sweep.json'), 'utf8')).toBe(
      readFileSync(join(dir, 'w1', 'sweep.json'), 'utf8'),
    );
  });
});
