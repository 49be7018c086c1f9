// `sweep` as a user runs it: grid × seeds into sweep.json/csv/report.html, shards merged byte for byte,
// one-line errors naming the run, and cluster manifests that validate against the Kubernetes Job schema.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { Job } from 'kubernetes-models/batch/v1';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from './main';
import { runOne } from './sweepRun';
import { CancelledError } from '../core/experiments/types';

async function lab(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (l) => out.push(l), err: (l) => err.push(l), tty: false });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const SWEEP = [
  'train-recovery-probability',
  '--grid',
  'failures=1,2,3',
  '--grid',
  'replicas=2,4',
  '--set',
  'trials=500',
  '--seeds',
  '2',
];
const tmp = () => mkdtempSync(join(tmpdir(), 'lab-sweep-'));

afterEach(() => vi.unstubAllEnvs());

describe('lab sweep', () => {
  it('writes sweep.json, sweep.csv and report.html; shards merge to the same bytes', async () => {
    const dir = tmp();
    const whole = await lab('sweep', ...SWEEP, '--workers', '1', '--out', join(dir, 'whole'));
    expect(whole.err).toBe('');
    expect(whole.out).toMatch(/12 of 12 runs/);
    const json = readFileSync(join(dir, 'whole', 'sweep.json'), 'utf8');
    expect(JSON.parse(json).runs).toHaveLength(12);
    expect(readFileSync(join(dir, 'whole', 'sweep.csv'), 'utf8').split('\n')[0]).toMatch(
      /^failures,replicas,seed,p-recover\.group/,
    );
    expect(readFileSync(join(dir, 'whole', 'report.html'), 'utf8')).toMatch(/<svg[^>]*class="chart/);
    for (const i of [0, 1, 2, 3, 4])
      expect((await lab('sweep', ...SWEEP, '--shard', `${i}/5`, '--out', join(dir, 's'))).code).toBe(0);
    const shards = [4, 2, 0, 1, 3].map((i) => join(dir, 's', `shard-${i}`));
    expect((await lab('sweep', 'merge', ...shards, '--out', join(dir, 'merged'))).code).toBe(0);
    expect(readFileSync(join(dir, 'merged', 'sweep.json'), 'utf8')).toBe(json);
    // rerun re-runs the sweep and checks its bytes; an edited sweep.json is caught.
    const rerun = await lab('rerun', join(dir, 'merged', 'sweep.json'), '--out', join(dir, 'rerun'));
    expect(rerun.out).toMatch(/sweep\.json is byte-identical .*\(12 runs\)/);
    writeFileSync(join(dir, 'edited.json'), json.replace('"seeds": 2', '"seeds": 2 '));
    expect((await lab('rerun', join(dir, 'edited.json'), '--out', join(dir, 'rerun2'))).err).toMatch(
      /not as the lab wrote it/,
    );
    // A shard whose runs were reordered (or edited) is not the sweep's.
    const edited = JSON.parse(readFileSync(join(shards[2]!, 'sweep.json'), 'utf8'));
    edited.runs.reverse();
    mkdirSync(join(dir, 'bad'));
    writeFileSync(join(dir, 'bad', 'sweep.json'), JSON.stringify(edited, null, 2));
    const swapped = [shards[0]!, shards[1]!, join(dir, 'bad'), shards[3]!, shards[4]!];
    expect((await lab('sweep', 'merge', ...swapped, '--out', join(dir, 'm3'))).err).toMatch(
      /^error: run \d+ is not the sweep's run \d+ \(edited or reordered\?\)$/,
    );
    // A missing shard, and a merge into a folder that has a sweep already.
    expect((await lab('sweep', 'merge', ...shards.slice(1), '--out', join(dir, 'm2'))).err).toMatch(
      /^error: shards 4\/5 are missing$/,
    );
    expect((await lab('sweep', 'merge', ...shards, '--out', join(dir, 'merged'))).err).toMatch(
      /sweep\.json already exists/,
    );
  });

  it('refuses more shards than runs, and keeps a finished sweep when a --metric is mistyped', async () => {
    const dir = tmp();
    expect((await lab('sweep', ...SWEEP, '--shard', '0/13', '--out', dir)).err).toMatch(
      /^error: --shard 0\/13: 13 shards for 12 run\(s\); use at most 12 shards$/,
    );
    const r = await lab('sweep', ...SWEEP, '--metric', 'p-recover.nope', '--out', join(dir, 'm'));
    expect(r.err).toMatch(
      /--metric p-recover\.nope: no run has it .*sweep\.json and sweep\.csv are in .*, report\.html is not/,
    );
    expect(existsSync(join(dir, 'm', 'sweep.json'))).toBe(true);
    expect(existsSync(join(dir, 'm', 'report.html'))).toBe(false);
  });

  it('stops a run in this thread at its next progress point when cancelled (Ctrl-C)', async () => {
    const req = { index: 0, experiment: 'train-wasted-time', params: {}, seed: 1 };
    await expect(runOne(req, () => true)).rejects.toThrow(CancelledError);
    expect((await runOne(req, () => false)).sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('checks every run before any work and names the run that is wrong', async () => {
    const dir = join(tmp(), 'never');
    const r = await lab('sweep', 'train-recovery-probability', '--grid', 'replicas=2,20', '--out', dir);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^error: run replicas=20 seed=1: replicas: must be at most machines \(16\)/);
    expect(existsSync(dir)).toBe(false);
  });

  it('takes the shard index from JOB_COMPLETION_INDEX or SLURM_ARRAY_TASK_ID with --shards', async () => {
    const dir = tmp();
    expect((await lab('sweep', ...SWEEP, '--shards', '3', '--out', dir)).err).toMatch(
      /--shards needs JOB_COMPLETION_INDEX/,
    );
    vi.stubEnv('SLURM_ARRAY_TASK_ID', '2');
    expect((await lab('sweep', ...SWEEP, '--shards', '3', '--out', dir)).out).toMatch(
      /4 of 12 runs \(shard 2\/3\)/,
    );
    expect(JSON.parse(readFileSync(join(dir, 'shard-2', 'sweep.json'), 'utf8')).shard).toEqual({
      index: 2,
      count: 3,
      firstRun: 8,
    });
  });

  it('emits a Kubernetes Indexed Job that validates against the Job schema, and a Slurm array', async () => {
    const k8s = await lab('sweep', ...SWEEP, '--shards', '4', '--emit', 'k8s');
    expect(k8s.code).toBe(0);
    const manifest = parse(k8s.out);
    expect(() => new Job(manifest).validate()).not.toThrow();
    expect(manifest.spec).toMatchObject({ completionMode: 'Indexed', completions: 4 });
    expect(manifest.spec.template.spec.containers[0].command).toEqual(
      expect.arrayContaining(['--shards', '4']),
    );
    // The validator is not a rubber stamp: a broken field fails it.
    expect(() =>
      new Job({ ...manifest, spec: { ...manifest.spec, completions: 'four' } }).validate(),
    ).toThrow();
    const slurm = await lab('sweep', ...SWEEP, '--shards', '3', '--emit', 'slurm');
    expect(slurm.out).toMatch(/#SBATCH --array=0-2/);
    expect(slurm.out).toMatch(/sweep train-recovery-probability --grid failures=1,2,3 --grid replicas=2,4/);
    expect((await lab('sweep', ...SWEEP, '--emit', 'k8s')).err).toMatch(/--emit needs --shards N/);
  });
});
