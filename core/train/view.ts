// The training-recovery lab's live picture: the machines (GPUs inside) with the replica links of the chosen
// placement, an injected failure and where each failed machine's shard is restored from, one iteration's
// timeline per checkpoint traffic scheme, and a failure trace with each policy's running wasted time.
import { defineLabView } from '../experiments/types';
import type { ParamsOf } from '../experiments/types';
import { bufferParams, checkHostMemory, checkReplicas, clusterParams, modelParams, setupOf } from './params';
import { replicaHolders } from './placement';
import type { Placement } from './placement';
import { POLICIES, restoreSource, retrievalSeconds, sampleFailures } from './recovery';
import type { FailureCost, Policy, Source } from './recovery';
import { GB, MACHINE, shardBytes, storageSeconds } from './setup';
import { SCHEMES, schemeTimeline } from './timeline';
import type { SchemeTimeline } from './timeline';
import { checkPlacement, failureParams, simulatePolicies } from './wastedTimeExperiment';
import { trafficOf } from './interleavingExperiment';

const params = {
  ...clusterParams,
  machines: { ...clusterParams.machines, max: 64, help: 'The view draws up to 64 machines.' },
  failKind: {
    kind: 'enum',
    label: 'Injected failure',
    default: 'hardware',
    options: ['hardware', 'software'],
    group: 'Failure injection',
  },
  failed: {
    kind: 'int-list',
    label: 'Failed machines',
    help: 'Machine ids (0-based); click a machine to toggle it.',
    default: [5],
    min: 0,
    max: 63,
    maxItems: 64,
    group: 'Failure injection',
  },
  ...failureParams,
  // The failure rates (Gemini §2.1's, an assumption split) sit under "more", so the bar keeps to two rows.
  hardwarePerMachineDay: { ...failureParams.hardwarePerMachineDay, advanced: true },
  softwarePerMachineDay: { ...failureParams.softwarePerMachineDay, advanced: true },
  ...modelParams,
  ...bufferParams,
} as const;
type Params = ParamsOf<typeof params>;

export interface RestoreLink {
  machine: number;
  source: Source;
  /** The peer the shard comes from (source 'peer'). */
  from: number | null;
}

export interface TrainViewModel {
  machines: number;
  gpusPerMachine: number;
  replicas: number;
  placement: Placement;
  holders: number[][];
  failKind: 'hardware' | 'software';
  failed: number[];
  restores: RestoreLink[];
  /** Seconds of downtime retrieval takes from each source. */
  retrievalS: Record<Source, number>;
  shardGB: number;
  timelines: SchemeTimeline[];
  /** The run's failure trace replayed per policy, and its length. */
  horizonS: number;
  traces: Record<Policy, FailureCost[]>;
  /** Seconds each policy's checkpoints stall training over the run (spread evenly in the counters). */
  stallS: Record<Policy, number>;
}

/** The failed machines that exist in this cluster (ids beyond it, e.g. after lowering machines, are dropped). */
function failedIn(p: Params): number[] {
  return [...new Set(p.failed)].filter((m) => m < p.machines).sort((a, b) => a - b);
}

/**
 * Each failed machine's restore, as the trace model decides (recovery.ts restoreSource): after a software
 * failure every machine reloads its own CPU memory; after a hardware failure the replaced machines fetch
 * from a surviving peer — unless some shard lost every replica, when all machines roll back to the last
 * remote checkpoint (every shard must come from the same iteration).
 */
function restoresOf(p: Params, holders: number[][]): RestoreLink[] {
  const failed = failedIn(p);
  const event = { atS: 0, kind: p.failKind as 'hardware' | 'software', machines: failed };
  const source = restoreSource('gemini', event, holders);
  return failed.map((machine) => ({
    machine,
    source,
    from: source === 'peer' ? (holders[machine]!.find((h) => !failed.includes(h)) ?? null) : null,
  }));
}

export const trainView = defineLabView({
  title: 'Checkpoints in CPU memory: placement, recovery and traffic',
  description:
    'The machines with their GPUs and the replica links of the placement; click machines to fail them (hardware or software) and see where each shard is restored from. Below, one iteration per checkpoint traffic scheme, and a failure trace with each policy’s wasted time.',
  params,
  work(p) {
    const events = p.days * p.machines * (p.hardwarePerMachineDay + p.softwarePerMachineDay);
    return {
      units: Math.ceil(events * POLICIES.length) + 6 * p.layers,
      what: 'failure replays',
      formula: `${p.days} days × ${p.machines} machines × failure rates × 3 policies`,
      unitCostUs: 2,
      lower: 'days or the failure rates',
    };
  },
  async build(p, ctx): Promise<TrainViewModel> {
    const bad = checkReplicas(p) ?? checkPlacement(p) ?? checkHostMemory(p);
    if (bad) throw new Error(`${bad.field} ${bad.reason}`);
    const s = setupOf(p);
    const holders = replicaHolders(p.placement as Placement, p.machines, p.replicas);
    const horizonS = p.days * 86400;
    const events = sampleFailures(ctx.rng.fork('failures'), p.machines, horizonS, p);
    await ctx.progress(0.5, 'replaying the failure trace');
    const { outcomes } = simulatePolicies(p, events);
    return {
      machines: p.machines,
      gpusPerMachine: MACHINE.gpus,
      replicas: p.replicas,
      placement: p.placement as Placement,
      holders,
      failKind: p.failKind as 'hardware' | 'software',
      failed: failedIn(p),
      restores: restoresOf(p, holders),
      retrievalS: {
        local: retrievalSeconds(s, 'local'),
        peer: retrievalSeconds(s, 'peer'),
        storage: storageSeconds(s),
      },
      shardGB: shardBytes(s) / GB,
      timelines: SCHEMES.map((scheme) => schemeTimeline(s, trafficOf(p), scheme)),
      horizonS,
      traces: Object.fromEntries(POLICIES.map((pol) => [pol, outcomes[pol].failures])) as Record<
        Policy,
        FailureCost[]
      >,
      stallS: Object.fromEntries(POLICIES.map((pol) => [pol, outcomes[pol].stallS])) as Record<
        Policy,
        number
      >,
    };
  },
});
