// Parameters the RPC experiments and the live view share, declared once (same names, so the view follows the
// experiment form), and the paper's citation.
import type { Exogenous } from './categories';

export const RPC_PAPER =
  'K. Seemakhupt, B. E. Stephens, S. Khan, S. Liu, H. Wassel, S. H. Yeganeh, A. C. Snoeren, A. Krishnamurthy, D. E. Culler, H. M. Levy. A Cloud-Scale Characterization of Remote Procedure Calls. SOSP 2023';

/** Where the published numbers come from: the paper is quoted through these (DEVIATION: not read first-hand). */
export const SOURCES = {
  review: 'the paper as quoted in M. Lerner’s review (micahlerner.com, 2024)',
  notes: 'SECONDARY: study notes on the paper (leejun-obsidian-vault), not the paper itself',
} as const;

export const rpcsParam = {
  rpcs: {
    kind: 'int',
    label: 'Sampled RPCs',
    help: 'RPCs drawn from the fitted workload generator (method, sizes, processing time).',
    default: 1_000_000,
    min: 1_000,
    max: 10_000_000,
    group: 'Workload',
  },
} as const;

export const exogenousParams = {
  memBwPct: {
    kind: 'number',
    label: 'Memory-bandwidth utilisation',
    help: 'Exogenous (“RPC Latency”): slows the RPC stack’s queues and, per category, server processing. ASSUMPTION: 50%.',
    default: 50,
    min: 0,
    max: 100,
    unit: '%',
    group: 'Exogenous variables',
  },
  wakeupUs: {
    kind: 'number',
    label: 'Thread wake-up time',
    help: 'Exogenous (“RPC Latency”): added to both receive queues. ASSUMPTION: 5 µs.',
    default: 5,
    min: 0,
    max: 1000,
    unit: 'µs',
    group: 'Exogenous variables',
  },
} as const;

export function exogenous(cpuPct: number, p: { memBwPct: number; wakeupUs: number }): Exogenous {
  return { cpuUtil: cpuPct / 100, memBwUtil: p.memBwPct / 100, wakeupUs: p.wakeupUs };
}
