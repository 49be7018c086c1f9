// The labs the navigator lists, described from DESIGN.md's table. A lab with no registered
// experiments shows this text on an honest "coming" page; nothing here is simulated data.
import type { Experiment, LabId } from '../../core/experiments/types';

export interface LabInfo {
  id: LabId;
  name: string;
  /** The papers the lab reproduces. */
  papers: string;
  /** What the main picture will show. */
  picture: string;
  /** What a user does there. */
  activity: string;
}

export const LABS: readonly LabInfo[] = [
  {
    id: 'kv',
    name: 'LLM serving',
    papers: 'PagedAttention / vLLM (SOSP’23)',
    picture:
      'An animated block table: logical blocks of each sequence mapped to physical KV blocks, with reference counts, copy-on-write, prefix sharing and the free queue.',
    activity:
      'Run a serving trace, see memory waste by kind, compare vLLM with Orca-style contiguous reservation, and run the paged-attention kernel on the GPU.',
  },
  {
    id: 'tpu',
    name: 'TPU pod',
    papers: 'Resiliency at Scale (TPU v4, NSDI’24) + TPU v4 (ISCA’23)',
    picture:
      'A 3D view of a 4096-chip pod: 64 cubes of 4x4x4 chips, ICI links inside cubes, and 48 optical circuit switches joining cube faces.',
    activity:
      'Schedule slices, inject failures at the published rates, watch Pod Manager re-wire around them, and compare static with reconfigurable pods.',
  },
  {
    id: 'mesh',
    name: 'Service mesh',
    papers: 'ServiceRouter (OSDI’23)',
    picture:
      'A world map of regions with locality rings around a client region, and animated traffic arcs between them.',
    activity:
      'Replay a load spike or a region outage, watch traffic spill ring by ring, and compare ServiceRouter’s rings with Envoy/Istio-style policies.',
  },
];

export type NavLab = 'kv' | 'tpu' | 'mesh';
export const NAV_LABS: readonly NavLab[] = ['kv', 'tpu', 'mesh'];

export function isNavLab(id: string): id is NavLab {
  return (NAV_LABS as readonly string[]).includes(id);
}

export function labInfo(id: NavLab): LabInfo {
  const info = LABS.find((l) => l.id === id);
  if (!info) throw new Error(`no lab info for ${id}`);
  return info;
}

/** The page an experiment lives on: GPU-kernel experiments belong to the LLM serving lab (DESIGN.md). */
export function navLabOf(experiment: Experiment): NavLab | null {
  return isNavLab(experiment.lab) ? experiment.lab : null;
}

/** The experiments a lab's page offers, in registry order. */
export function experimentsOf(all: readonly Experiment[], lab: NavLab): Experiment[] {
  return all.filter((e) => navLabOf(e) === lab);
}
