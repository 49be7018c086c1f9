// Where each machine's checkpoint shard is replicated in CPU memory (Gemini §4, "checkpoint placement"),
// and the probability that a failure of k machines at once can still be recovered from CPU memory: exact
// (closed forms in exact integers, no enumeration) and by Monte Carlo.
import { FastRng } from '../kernel/fastRng';
import type { Rng } from '../kernel/rng';

export const PLACEMENTS = ['group', 'ring', 'mixed'] as const;
export type Placement = (typeof PLACEMENTS)[number];

/** The placements that apply to N machines with m replicas: `group` needs m | N. */
export function placementsFor(machines: number, replicas: number): Placement[] {
  return PLACEMENTS.filter((p) => p !== 'group' || machines % replicas === 0);
}

/**
 * The machines holding machine i's shard (its own copy first), for each i in 0..N−1.
 * - group: N/m groups of m consecutive ids; every machine of a group holds every shard of the group.
 * - ring: machine i's shard is held by i, i+1, …, i+m−1 (mod N).
 * - mixed: ⌊N/m⌋−1 groups of m, then one ring (replication m) over the last m + (N mod m) machines; the
 *   same as group when m | N (Gemini §4.1).
 */
export function replicaHolders(placement: Placement, machines: number, replicas: number): number[][] {
  const m = replicas;
  if (placement === 'ring') return ringHolders(0, machines, m);
  if (placement === 'group' && machines % m !== 0)
    throw new Error(`group placement needs replicas to divide machines (${m} ∤ ${machines})`);
  const groups = placement === 'group' ? machines / m : Math.floor(machines / m) - 1;
  const holders: number[][] = [];
  for (let g = 0; g < groups; g++) {
    const members = Array.from({ length: m }, (_, j) => g * m + j);
    for (const i of members) holders.push([i, ...members.filter((j) => j !== i)]);
  }
  return holders.concat(ringHolders(groups * m, machines - groups * m, m));
}

/** A ring over `size` machines starting at id `first`: shard i held by i … i+m−1 (mod size). */
function ringHolders(first: number, size: number, m: number): number[][] {
  return Array.from({ length: size }, (_, i) =>
    Array.from({ length: Math.min(m, size) }, (_, j) => first + ((i + j) % size)),
  );
}

/** A placement's machines as independent pieces: groups (lost iff every member fails) and at most one ring. */
interface Pieces {
  groups: number;
  groupSize: number;
  ringSize: number;
}

function piecesOf(placement: Placement, machines: number, m: number): Pieces {
  if (placement === 'ring') return { groups: 0, groupSize: m, ringSize: machines };
  const groups = placement === 'group' ? machines / m : Math.floor(machines / m) - 1;
  return { groups, groupSize: m, ringSize: machines - groups * m };
}

/** Exact binomials as BigInt, memoised per (n, r). */
class Binomials {
  private readonly memo = new Map<number, bigint>();

  of(n: number, r: number): bigint {
    if (r < 0 || n < 0 || r > n) return 0n;
    const k = Math.min(r, n - r);
    const key = n * 65536 + k;
    let v = this.memo.get(key);
    if (v === undefined) {
      v = 1n;
      for (let i = 1; i <= k; i++) v = (v * BigInt(n - k + i)) / BigInt(i);
      this.memo.set(key, v);
    }
    return v;
  }
}

/**
 * Subsets of size i of `groups` disjoint groups of `size` machines that contain no whole group
 * (inclusion–exclusion over the j groups that are wholly inside): Σ_j (−1)^j C(G, j) C(G·s − j·s, i − j·s).
 */
function groupSafe(c: Binomials, groups: number, size: number, i: number): bigint {
  let sum = 0n;
  for (let j = 0; j * size <= i && j <= groups; j++) {
    const term = c.of(groups, j) * c.of(groups * size - j * size, i - j * size);
    sum += j % 2 === 0 ? term : -term;
  }
  return sum;
}

/**
 * Subsets of size i of a ring of M machines with no m cyclically consecutive members (a ring of
 * replication m loses a shard exactly when m consecutive machines fail). With z = M − i survivors, each
 * safe subset read from a marked survivor is a composition of i into z gaps of at most m − 1, so the count
 * is M · W(z, i) / z with W(z, i) = Σ_j (−1)^j C(z, j) C(i − j·m + z − 1, z − 1).
 */
function ringSafe(c: Binomials, size: number, m: number, i: number): bigint {
  if (size === 0) return i === 0 ? 1n : 0n;
  if (i === 0) return 1n;
  const z = size - i;
  if (z <= 0) return m > size ? 1n : 0n;
  let w = 0n;
  for (let j = 0; j <= z && j * m <= i; j++) {
    const term = c.of(z, j) * c.of(i - j * m + z - 1, z - 1);
    w += j % 2 === 0 ? term : -term;
  }
  return (BigInt(size) * w) / BigInt(z);
}

/**
 * The exact probability that k machines failing at once (a uniformly random k-subset of N) leave every
 * shard at least one replica in CPU memory, for each k in `ks`. Pieces fail independently given how many
 * of the k land in each, so the safe counts convolve: safe(k) = Σ_i groupSafe(i) · ringSafe(k − i).
 */
export function recoveryProbabilities(
  placement: Placement,
  machines: number,
  replicas: number,
  ks: readonly number[],
): number[] {
  const c = new Binomials();
  const { groups, groupSize, ringSize } = piecesOf(placement, machines, replicas);
  const kMax = Math.max(0, ...ks);
  const grouped = groups * groupSize;
  const gSafe = Array.from({ length: Math.min(kMax, grouped) + 1 }, (_, i) =>
    groupSafe(c, groups, groupSize, i),
  );
  const rSafe = Array.from({ length: Math.min(kMax, ringSize) + 1 }, (_, i) =>
    ringSafe(c, ringSize, replicas, i),
  );
  return ks.map((k) => {
    let safe = 0n;
    for (let i = Math.max(0, k - ringSize); i <= Math.min(k, grouped); i++) safe += gSafe[i]! * rSafe[k - i]!;
    return ratio(safe, c.of(machines, k));
  });
}

/** num/den as a double to full relative precision (tiny probabilities stay nonzero down to 1e-308). */
function ratio(num: bigint, den: bigint): number {
  if (num === 0n) return 0;
  const bits = (x: bigint) => x.toString(16).length * 4;
  const shift = Math.max(0, bits(den) - bits(num) + 64);
  const q = Number((num << BigInt(shift)) / den);
  // Scale back in two steps so 2^-shift never underflows on its own.
  return q * 2 ** -Math.min(shift, 1000) * 2 ** -Math.max(0, shift - 1000);
}

/** Monte Carlo estimate of the same probability: `trials` random k-subsets, checking every hit shard. */
export function recoveryProbabilityMc(
  holders: readonly (readonly number[])[],
  failures: number,
  trials: number,
  rng: Rng,
): number {
  const n = holders.length;
  const held = heldBy(holders);
  const fast = new FastRng(rng);
  const perm = Int32Array.from({ length: n }, (_, i) => i);
  const failed = new Uint8Array(n);
  let recovered = 0;
  for (let t = 0; t < trials; t++) {
    // Partial Fisher–Yates: perm[0..k) is a uniform k-subset (perm stays a permutation between trials).
    for (let j = 0; j < failures; j++) {
      const r = j + Math.floor(fast.float() * (n - j));
      const x = perm[r]!;
      perm[r] = perm[j]!;
      perm[j] = x;
      failed[x] = 1;
    }
    if (!anyShardLost(perm, failures, held, holders, failed)) recovered++;
    for (let j = 0; j < failures; j++) failed[perm[j]!] = 0;
  }
  return recovered / trials;
}

/** For each machine, the shards whose replica it holds. */
function heldBy(holders: readonly (readonly number[])[]): number[][] {
  const held: number[][] = holders.map(() => []);
  holders.forEach((hs, shard) => hs.forEach((h) => held[h]!.push(shard)));
  return held;
}

function anyShardLost(
  perm: Int32Array,
  failures: number,
  held: readonly (readonly number[])[],
  holders: readonly (readonly number[])[],
  failed: Uint8Array,
): boolean {
  for (let j = 0; j < failures; j++) {
    for (const shard of held[perm[j]!]!) {
      if (holders[shard]!.every((h) => failed[h] === 1)) return true;
    }
  }
  return false;
}
