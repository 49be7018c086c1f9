// Cluster recipes for a sharded sweep: a Kubernetes Indexed Job (completionMode Indexed, one completion per
// shard; each pod reads JOB_COMPLETION_INDEX) or a Slurm job array (--array=0-(N-1); SLURM_ARRAY_TASK_ID).
// Both run the same `sweep … --shards N` into one shared folder; `sweep merge` then joins the shards.
import { createHash } from 'node:crypto';
import { stringify } from 'yaml';
import { UserError } from '../core/experiments/errors';
import type { SweepPlan } from '../core/sweep/sweep';

interface EmitOptions {
  grid: string[];
  set: string[];
  seeds: string;
  image: string;
  claim: string;
  workers?: string;
}

/** Workers per shard: the CPUs each pod or array task asks for (2 unless --workers says). */
const workersOf = (opts: EmitOptions) => opts.workers ?? '2';

/** The shard command each pod or array task runs, writing into `out`/shard-<i>. */
export function shardCommand(plan: SweepPlan, shards: number, opts: EmitOptions, out: string): string[] {
  const fromFile = opts.set.find((s) => /^[^=]+=@/.test(s));
  if (fromFile)
    throw new UserError(
      `--set ${fromFile.split('=')[0]}=@…: a file path of this machine means nothing in the cluster's containers; give a path inside the image or the value itself`,
    );
  return [
    'sweep',
    plan.experiment.id,
    ...opts.grid.flatMap((g) => ['--grid', g]),
    ...opts.set.flatMap((s) => ['--set', s]),
    '--seeds',
    String(plan.seeds),
    '--shards',
    String(shards),
    '--workers',
    workersOf(opts),
    '--out',
    out,
  ];
}

/**
 * A Kubernetes name for this sweep: the experiment and a short hash of its grid, seeds and fixed parameters,
 * so another sweep of the same experiment gets another Job and another output folder (lower-case letters,
 * digits and '-', at most 63 characters).
 */
function jobName(plan: SweepPlan): string {
  const hash = createHash('sha256')
    .update(JSON.stringify([plan.grid, plan.seeds, plan.fixed]))
    .digest('hex')
    .slice(0, 8);
  const id = plan.experiment.id
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, '-')
    .slice(0, 36);
  return `sweep-${id}-${hash}`;
}

export function k8sJob(plan: SweepPlan, shards: number, opts: EmitOptions): Record<string, unknown> {
  const name = jobName(plan);
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name, labels: { app: 'hyperscale-lab' } },
    spec: {
      completionMode: 'Indexed',
      completions: shards,
      parallelism: Math.min(shards, 64),
      backoffLimitPerIndex: 2,
      template: {
        metadata: { labels: { app: 'hyperscale-lab' } },
        spec: {
          restartPolicy: 'Never',
          containers: [
            {
              name: 'sweep',
              image: opts.image,
              workingDir: '/lab',
              command: ['node', 'cli/bin.mjs', ...shardCommand(plan, shards, opts, `/out/${name}`)],
              volumeMounts: [{ name: 'out', mountPath: '/out' }],
              // As many CPUs as the shard's worker threads (the pod cannot see its limit as cores).
              resources: {
                requests: { cpu: workersOf(opts), memory: '2Gi' },
                limits: { cpu: workersOf(opts), memory: '4Gi' },
              },
            },
          ],
          volumes: [{ name: 'out', persistentVolumeClaim: { claimName: opts.claim } }],
        },
      },
    },
  };
}

const shellQuote = (s: string) => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

export function slurmScript(plan: SweepPlan, shards: number, opts: EmitOptions): string[] {
  const out = `lab-out/${jobName(plan)}`;
  return [
    '#!/bin/bash',
    `#SBATCH --job-name=${jobName(plan)}`,
    `#SBATCH --array=0-${shards - 1}`,
    `#SBATCH --cpus-per-task=${workersOf(opts)}`,
    `#SBATCH --output=${out}/slurm-%A_%a.log`,
    `# From the repository root (after npm ci): mkdir -p ${out} && sbatch this-script.sh`,
    '# Each array task runs shard $SLURM_ARRAY_TASK_ID of the sweep.',
    'cd "$SLURM_SUBMIT_DIR"',
    `node cli/bin.mjs ${shardCommand(plan, shards, opts, out).map(shellQuote).join(' ')}`,
    `# When every task is done: node cli/bin.mjs sweep merge ${out}/shard-* --out ${out}/merged`,
  ];
}

export function emitManifest(kind: string, plan: SweepPlan, shards: number, opts: EmitOptions): string[] {
  if (kind === 'k8s')
    return stringify(k8sJob(plan, shards, opts))
      .trimEnd()
      .split('\n');
  if (kind === 'slurm') return slurmScript(plan, shards, opts);
  throw new UserError(`--emit ${kind}: expected k8s or slurm`);
}
