// The ServiceRouter mesh simulator: every request gets a real routing decision (ring, then two choices on
// stale outstanding counts) over typed arrays; servers drain as fluid queues; the control plane (RIB
// publishes, polls, demand changes, failures) runs on the kernel's EventQueue.
import { EventQueue } from '../kernel/queue';
import type { Rng } from '../kernel/rng';
import { zipfWeights } from '../kernel/distributions';
import { priorityShares } from './envoy';
import { FastRng } from '../kernel/fastRng';
import type { World } from './world';
import { FinishTimes } from './finishTimes';
import { RpcCalls } from './rpcCalls';

export const POLICIES = ['servicerouter', 'latency-rings', 'envoy-priority', 'round-robin-global'] as const;
export type Policy = (typeof POLICIES)[number];
export const CHOICES = ['power-of-two', 'random', 'round-robin'] as const;
export type Choice = (typeof CHOICES)[number];
export const SIGNALS = ['piggybacked', 'polled', 'none'] as const;
export type Signal = (typeof SIGNALS)[number];
export type Deployment = 'library' | 'proxy';
/** What a request is: one unit of work each (uniform), or a call sampled from the fitted RPC fleet (rpcCalls.ts). */
export const WORKLOADS = ['uniform', 'rpc'] as const;
export type Workload = (typeof WORKLOADS)[number];

export const RINGS = 4;
/**
 * CPU per request relative to SRLib = 1. §6 (cost): "across the RPC client and proxy, the SRProxy setup
 * in total consumes more than twice the amount of CPU cycles as the SRLib setup"; 2.2 is our assumption
 * for "more than twice".
 */
export const PROXY_CPU_PER_REQUEST = 2.2;
/** §3 (locality rings): default latency bounds of ring1..ring4 in ms. */
export const DEFAULT_BOUNDS_MS: readonly number[] = [5, 35, 80, Infinity];

export type ScenarioEvent =
  | { atS: number; kind: 'demand'; region: number; rps: number }
  | { atS: number; kind: 'fail'; region: number; servers?: number }
  | { atS: number; kind: 'recover'; region: number };

export interface ShardConfig {
  /** Number of shards; each request draws one by Zipf popularity (hot shards). */
  count: number;
  /** Regions holding a replica of each shard. */
  replicaRegions: number;
  /** Servers holding the replica inside each such region. */
  serversPerReplica: number;
  /** Zipf exponent of shard popularity (0 = uniform). */
  zipf: number;
}

export interface SimConfig {
  world: World;
  policy: Policy;
  /** How a server is picked inside the chosen ring (ServiceRouter and Envoy least-request: power of two). */
  choice?: Choice;
  boundsMs?: readonly number[];
  /** §3 load-aware rings: spill to the next ring once a ring's load passes this fraction. */
  threshold?: number;
  signal?: Signal;
  /** Polled signal: poll interval (0 = every decision sees the live value). */
  stalenessMs?: number;
  ribIntervalMs?: number;
  ribDelayMs?: number;
  deployment?: Deployment;
  proxyHopMs?: number;
  overprovisioningFactor?: number;
  shards?: ShardConfig;
  durationS: number;
  stepMs?: number;
  /** Initial demand per client region (req/s). */
  demandRps: readonly number[];
  events?: readonly ScenarioEvent[];
  /** A region whose utilisation stays above this for `crashWindows` windows fails (domino). 0 = never. */
  crashUtil?: number;
  crashWindows?: number;
  /** Record a why-trace for one request per client region every this many ms (0 = none). */
  traceEveryMs?: number;
  traceLimit?: number;
  /** Sample the CV of outstanding requests across live servers every this many ms (0 = never). */
  cvSampleMs?: number;
  /**
   * Requests carried by each routing decision (default 1: every request is routed on its own). A larger
   * weight is the "sampled decisions over aggregate load" mode: one decision routes a group of requests
   * to one server, which then queues all of them.
   */
  requestWeight?: number;
  /** The run's latency histogram counts requests from this time on (steady state). */
  measureFromS?: number;
  /** uniform (default): every request costs one unit of server work; rpc: calls of the fitted RPC fleet. */
  workload?: Workload;
}

export interface RingStep {
  ring: number;
  /** Servers of the ring the client could use (healthy as the RIB saw them). */
  servers: number;
  /** servicerouter: the ring's offered load / capacity as published by the RIB; envoy: priority load. */
  seen: number;
  keep: number;
  spilled: boolean;
}

export interface Candidate {
  server: number;
  region: number;
  seenOutstanding: number;
  ageMs: number;
}

/** Why one sampled request went where it went (issue item 4). */
export interface WhyTrace {
  timeMs: number;
  client: number;
  shard: number;
  policy: Policy;
  threshold: number;
  rings: RingStep[];
  ring: number;
  candidates: Candidate[];
  chosen: number;
  chosenRegion: number;
  latencyMs: number;
  failed: boolean;
}

export interface SimResult {
  windowMs: number;
  windows: number;
  regions: number;
  /** Requests landed per [window][server region]. */
  landed: Float64Array;
  /** Requests per [window][client][server region]. */
  flows: Float64Array;
  /** Requests per [window][client][ring]. */
  ringUse: Float64Array;
  /** Client-side view per [window][client][ring]: servicerouter's ring load seen, envoy's priority load. */
  ringSeen: Float64Array;
  /** Keep probability per [window][client][ring] (1 = no spill). */
  ringKeep: Float64Array;
  /** Capacity up per [window][region] in req/s. */
  capacityRps: Float64Array;
  /** Requests that failed per [window]. */
  errors: Float64Array;
  p50PerWindow: Float64Array;
  p99PerWindow: Float64Array;
  /** Region ring index per [client][region]: 0..3. */
  ringOf: Int32Array;
  /** Latencies of requests served from `measureFromS` on. */
  latencyHist: Float64Array;
  sent: number;
  completed: number;
  failed: number;
  outstanding: number;
  crossRegion: number;
  cpuUnits: number;
  /** Routing decisions made (= requests unless requestWeight > 1). */
  decisions: number;
  cvStats: { count: number; mean: number };
  traces: WhyTrace[];
  crashed: { region: number; atS: number }[];
}

// Latency histogram: 0.1 ms buckets up to 1 s, 100 ms buckets up to 100 s, 10 s buckets up to 4000 s
// (no log on the hot path).
const HIST_FINE = 10_000;
const HIST_MID = HIST_FINE + 990;
const HIST_BUCKETS = HIST_MID + 390;

export function histBucket(ms: number): number {
  if (ms < 1000) return (ms * 10) | 0;
  if (ms < 100_000) return HIST_FINE + (((ms - 1000) / 100) | 0);
  const b = HIST_MID + (((ms - 100_000) / 10_000) | 0);
  return b < HIST_BUCKETS ? b : HIST_BUCKETS - 1;
}

/** Lower edge and width of a bucket in ms. */
function bucketRange(b: number): [number, number] {
  if (b < HIST_FINE) return [b / 10, 0.1];
  if (b < HIST_MID) return [1000 + (b - HIST_FINE) * 100, 100];
  return [100_000 + (b - HIST_MID) * 10_000, 10_000];
}

/** The p-th percentile (0..100) of a histogram, interpolated linearly inside the bucket that holds it. */
export function histPercentile(hist: Float64Array, p: number): number {
  let total = 0;
  for (let i = 0; i < hist.length; i++) total += hist[i]!;
  if (total === 0) return 0;
  const target = (p / 100) * total;
  let acc = 0;
  for (let i = 0; i < hist.length; i++) {
    const h = hist[i]!;
    if (h > 0 && acc + h >= target) {
      const [lo, width] = bucketRange(i);
      return lo + width * Math.min(1, Math.max(0, (target - acc) / h));
    }
    acc += h;
  }
  const [lo, width] = bucketRange(hist.length - 1);
  return lo + width;
}

/** Vose's alias table for probabilities `p` (summing to 1) into `prob` / `alias`. */
export function buildAlias(p: readonly number[], prob: Float64Array, alias: Int32Array): void {
  const n = p.length;
  const scaled = p.map((x) => x * n);
  const small: number[] = [];
  const large: number[] = [];
  scaled.forEach((x, i) => (x < 1 ? small : large).push(i));
  while (small.length && large.length) {
    const s = small.pop()!;
    const l = large[large.length - 1]!;
    prob[s] = scaled[s]!;
    alias[s] = l;
    scaled[l] = scaled[l]! + scaled[s]! - 1;
    if (scaled[l]! < 1) small.push(large.pop()!);
  }
  for (const i of [...small, ...large]) {
    prob[i] = 1;
    alias[i] = i;
  }
}

/** Ring of each (client region, server region): the first ring whose latency bound holds (§3). */
export function computeRings(world: World, boundsMs: readonly number[] = DEFAULT_BOUNDS_MS): Int32Array {
  const R = world.regions.length;
  const ringOf = new Int32Array(R * R);
  for (let c = 0; c < R; c++) {
    for (let r = 0; r < R; r++) {
      const rtt = world.rttMs[c * R + r]!;
      const sameContinent = world.regions[c]!.continent === world.regions[r]!.continent;
      let ring = RINGS - 1;
      for (let j = 0; j < RINGS - 1; j++) {
        // The default mapping: ring3 is "same continent", so it also needs the continent to match.
        if (rtt <= boundsMs[j]! && (j !== 2 || sameContinent)) {
          ring = j;
          break;
        }
      }
      ringOf[c * R + r] = ring;
    }
  }
  return ringOf;
}

// Small-integer codes of the configuration for the hot path: one table each, keyed by the names above
// (`satisfies` makes a name added to POLICIES, CHOICES or SIGNALS a type error until it has a code). The
// codes are enums so that the compiler writes them into the hot path as literals: module constants cost
// bytecode at every use, and the JIT inlines a helper only while the inlined bytecode stays small.
const enum PolicyCode {
  ServiceRouter = 0,
  LatencyRings = 1,
  Envoy = 2,
  RoundRobinGlobal = 3,
}
const enum ChoiceCode {
  PowerOfTwo = 0,
  Random = 1,
  RoundRobin = 2,
}
const enum SignalCode {
  Piggybacked = 0,
  Polled = 1,
  None = 2,
}
const POLICY_CODE = {
  servicerouter: PolicyCode.ServiceRouter,
  'latency-rings': PolicyCode.LatencyRings,
  'envoy-priority': PolicyCode.Envoy,
  'round-robin-global': PolicyCode.RoundRobinGlobal,
} as const satisfies Record<Policy, PolicyCode>;
const CHOICE_CODE = {
  'power-of-two': ChoiceCode.PowerOfTwo,
  random: ChoiceCode.Random,
  'round-robin': ChoiceCode.RoundRobin,
} as const satisfies Record<Choice, ChoiceCode>;
const SIGNAL_CODE = {
  piggybacked: SignalCode.Piggybacked,
  polled: SignalCode.Polled,
  none: SignalCode.None,
} as const satisfies Record<Signal, SignalCode>;
const RAND_BATCH = 4096;
/** Draws one request takes at most: client, shard, then the Envoy level or one spill draw per ring, server. */
const MAX_DRAWS_PER_REQUEST = 3 + RINGS;
/** Layout of the piggybacked views (MeshSim.pv): PV.Size values per (client, server). */
const enum PV {
  Val = 0,
  Time = 1,
  PendVal = 2,
  PendAt = 3,
  PendTime = 4,
  Size = 5,
}

/**
 * Order of control events at the same time (EventQueue: the lower number goes first). Scenario events
 * (demand changes, failures) first, so everything else at t sees them; then polls and RIB publishes, so a
 * measurement at t already counts what was published at t; then the RIB's measurement, which starts the
 * next interval; the window closes last, after every event of its last instant.
 */
const PRIORITY = {
  scenario: 0,
  poll: 1,
  'rib-apply': 1,
  'rib-measure': 2,
  window: 3,
} as const satisfies Record<Control['kind'], number>;

/** Piggybacked view at `k`: the pending value becomes the one in use once its response has arrived (by t). */
function promote(pv: Float64Array, k: number, t: number): void {
  if (pv[k + PV.PendAt]! <= t) {
    pv[k + PV.Val] = pv[k + PV.PendVal]!;
    pv[k + PV.Time] = pv[k + PV.PendTime]!;
    pv[k + PV.PendAt] = Infinity;
  }
}

/**
 * Power of two choices: the second candidate's index in a ring of len > 1 servers, from the draw x (uniform
 * on [0, len)) whose integer part is the first's. Given the first, the fraction x - (x | 0) is uniform on a
 * grid of len / 2^32 (ample for rings of up to ~10^5 servers), so one draw gives both; never the first.
 */
function secondIndex(x: number, len: number): number {
  const ia = x | 0;
  const ib = ia + 1 + (((x - ia) * (len - 1)) | 0);
  return ib >= len ? ib - len : ib;
}

type Control =
  | { kind: 'scenario'; ev: ScenarioEvent }
  | { kind: 'rib-measure' }
  | { kind: 'rib-apply'; keep: Float64Array; seen: Float64Array; alive: Uint8Array }
  | { kind: 'poll' }
  | { kind: 'window' };

/**
 * Run one simulation. Deterministic in (config, rng).
 *
 * Model (§3 of the paper, with our assumptions):
 * - Requests arrive at the aggregate demand rate, evenly spaced inside each `stepMs` step; the client region
 *   of each is drawn by demand share. Every request (or, with `requestWeight` > 1, every group) is routed
 *   individually: ring, then two random candidates compared on the load value the client holds.
 * - Servers are fluid FIFO queues draining at capacity (deterministic service); latency = RTT + proxy hops
 *   + the queue wait at arrival. DEVIATION: no retries, timeouts or load shedding at the server.
 * - Workload `rpc`: each request is a call of the fitted RPC fleet (rpcCalls.ts) costing its own CPU (the
 *   mean call costs one unit) plus its bytes on the wire; the queues drain work, and the load signals and
 *   counts are exact outstanding requests (finishTimes.ts), as ServiceRouter's are.
 * - Load signals: piggybacked = the server's outstanding count when the request arrived, usable by that
 *   client once the response is back (one pending value per client-server pair); polled = a snapshot every
 *   `stalenessMs`; none = nothing to compare, so the first random pick stands.
 * - The RIB measures what each (client, ring) was offered every `ribIntervalMs` and publishes ring loads and
 *   server health `ribDelayMs` later. DEVIATION: the paper gives no spill control law; a client keeps
 *   threshold / offered-load of a ring's traffic when that load is over the threshold.
 * Invariants (tested): sent = completed + failed + outstanding; a ring is used only when every inner ring
 * has no server in bound or was published over the threshold.
 */
export class MeshSim {
  readonly cfg: Required<Omit<SimConfig, 'shards' | 'events'>> & Pick<SimConfig, 'shards' | 'events'>;
  private readonly R: number;
  private readonly S: number;
  private readonly G: number;
  private readonly rnd: FastRng;
  /** Uniform draws made ahead by `rnd` (the same sequence as drawing one at a time); see ensureDraws. */
  private rbuf = new Float64Array(RAND_BATCH);
  private rpos = RAND_BATCH;
  readonly ringOf: Int32Array;
  // servers
  readonly serverRegion: Int32Array;
  private readonly muPerMs: number;
  private readonly out: Float64Array;
  private readonly last: Float64Array;
  private readonly alive: Uint8Array;
  private readonly ribAlive: Uint8Array;
  private readonly snap: Float64Array;
  private snapTime = 0;
  // piggybacked views per (client, server)
  /**
   * Per (client, server), PV.Size values side by side (one cache line): the value in use and its time, and the
   * pending value (riding back on a response), when it arrives, and its time.
   */
  private readonly pv: Float64Array;
  // groups (shards): servers per group, candidates per (group, client, ring)
  private readonly groupServers: Int32Array[];
  private readonly shardCum: Float64Array;
  private readonly cand: Int32Array;
  private readonly candStart: Int32Array;
  private readonly candLen: Int32Array;
  private readonly candTotal: Int32Array;
  private readonly rrPtr: Int32Array;
  private readonly globalCand: Int32Array[];
  private readonly globalPtr: Int32Array;
  private readonly globalLen: Int32Array;
  // routing state per (client, ring)
  private readonly keep: Float64Array;
  private readonly seen: Float64Array;
  private readonly envCum: Float64Array;
  private readonly offered: Float64Array;
  // demand
  private readonly demand: Float64Array;
  private readonly aliasProb: Float64Array;
  private readonly aliasOf: Int32Array;
  private totalDemand = 0;
  private carry = 0;
  // accounting
  private sent = 0;
  private completed = 0;
  private failedN = 0;
  private decisions = 0;
  private readonly hist = new Float64Array(HIST_BUCKETS);
  private readonly winHist = new Float64Array(HIST_BUCKETS);
  /** The part of winHist from before `measureFromS` (the run's histogram gets winHist - preHist). */
  private readonly preHist = new Float64Array(HIST_BUCKETS);
  private preCount = 0;
  private readonly res: SimResult;
  private win = 0;
  private readonly overWindows: Int32Array;
  private readonly traceNext: Float64Array;
  private cvN = 0;
  private cvSum = 0;
  private readonly q = new EventQueue<Control>(0, (ev) => PRIORITY[ev.kind]);
  // hot-path copies of the configuration (small integers and typed arrays)
  private readonly measureFromMs: number;
  private readonly weight: number;
  /** (weight + 1) / 2 and 1 / muPerMs: the mean wait of a group in the fluid FIFO is (o + halfGroup) * invMu. */
  private readonly halfGroup: number;
  private readonly invMu: number;
  private readonly pollMs: number;
  private readonly policyCode: PolicyCode;
  private readonly choiceCode: ChoiceCode;
  private readonly signalCode: SignalCode;
  private readonly cpuPerRequest: number;
  private readonly hopMs: number;
  private readonly traceEvery: number;
  private readonly traceLimit: number;
  private readonly rttMs: Float64Array;
  /** Requests sent to a server that was down, per [window][server region] (landed = flows - these). */
  private readonly deadFlows: Float64Array;
  private readonly flows: Float64Array;
  /** Workload rpc: the step's sampled calls, and each server's finish times (exact outstanding counts). */
  private readonly calls: RpcCalls | null;
  private readonly fifo: FinishTimes | null;

  constructor(config: SimConfig, rng: Rng) {
    const world = config.world;
    this.cfg = {
      choice: 'power-of-two',
      boundsMs: DEFAULT_BOUNDS_MS,
      threshold: 0.75,
      signal: 'piggybacked',
      stalenessMs: 0,
      ribIntervalMs: 1000,
      ribDelayMs: 1000,
      deployment: 'library',
      proxyHopMs: 0.25,
      overprovisioningFactor: 1.4,
      stepMs: 10,
      crashUtil: 0,
      crashWindows: 3,
      traceEveryMs: 0,
      traceLimit: 2000,
      cvSampleMs: 0,
      measureFromS: 0,
      requestWeight: 1,
      workload: 'uniform',
      ...config,
    };
    const R = (this.R = world.regions.length);
    if (config.demandRps.length !== R) throw new Error(`demandRps needs ${R} values`);
    this.rnd = new FastRng(rng.fork('requests'));
    this.ringOf = computeRings(world, this.cfg.boundsMs);
    let S = 0;
    for (const r of world.regions) S += r.servers;
    this.S = S;
    this.serverRegion = new Int32Array(S);
    let k = 0;
    world.regions.forEach((r, i) => {
      for (let j = 0; j < r.servers; j++) this.serverRegion[k++] = i;
    });
    this.muPerMs = world.serverCapacityRps / 1000;
    this.out = new Float64Array(S);
    this.last = new Float64Array(S);
    this.alive = new Uint8Array(S).fill(1);
    this.ribAlive = new Uint8Array(S).fill(1);
    this.snap = new Float64Array(S);
    this.pv = new Float64Array(R * S * PV.Size);
    for (let k = PV.PendAt; k < this.pv.length; k += PV.Size) this.pv[k] = Infinity;

    // Groups: one for an unsharded service; one per shard otherwise (§5: sharded services).
    const sh = this.cfg.shards;
    if (sh && sh.count > 0) {
      const placement = rng.fork('shards');
      this.groupServers = [];
      const regionFirst = new Int32Array(R);
      for (let i = 1; i < R; i++) regionFirst[i] = regionFirst[i - 1]! + world.regions[i - 1]!.servers;
      for (let g = 0; g < sh.count; g++) {
        const regions = new Set<number>();
        const want = Math.min(R, Math.max(1, sh.replicaRegions));
        while (regions.size < want) regions.add(placement.int(0, R - 1));
        const servers: number[] = [];
        for (const r of [...regions].sort((a, b) => a - b)) {
          const n = world.regions[r]!.servers;
          const first = placement.int(0, n - 1);
          for (let j = 0; j < Math.min(n, sh.serversPerReplica); j++)
            servers.push(regionFirst[r]! + ((first + j) % n));
        }
        this.groupServers.push(Int32Array.from(servers));
      }
      const w = zipfWeights(sh.count, sh.zipf);
      const sum = w.reduce((a, b) => a + b, 0);
      this.shardCum = new Float64Array(sh.count);
      let acc = 0;
      w.forEach((x, i) => (this.shardCum[i] = acc += x / sum));
    } else {
      this.groupServers = [Int32Array.from({ length: S }, (_, i) => i)];
      this.shardCum = new Float64Array([1]);
    }
    const G = (this.G = this.groupServers.length);
    let candSize = 0;
    for (const g of this.groupServers) candSize += g.length * R;
    this.cand = new Int32Array(candSize);
    this.candStart = new Int32Array(G * R * RINGS);
    this.candLen = new Int32Array(G * R * RINGS);
    this.candTotal = new Int32Array(G * R * RINGS);
    this.rrPtr = new Int32Array(G * R * RINGS);
    this.globalCand = this.groupServers.map((g) => new Int32Array(g.length));
    this.globalPtr = new Int32Array(G * R);
    this.globalLen = new Int32Array(G);
    this.keep = new Float64Array(R * RINGS).fill(1);
    this.seen = new Float64Array(R * RINGS);
    this.envCum = new Float64Array(G * R * RINGS);
    this.offered = new Float64Array(R * RINGS);
    this.demand = Float64Array.from(config.demandRps);
    this.aliasProb = new Float64Array(R);
    this.aliasOf = new Int32Array(R);
    this.overWindows = new Int32Array(R);
    this.traceNext = new Float64Array(R);
    this.rebuildCandidates();
    this.rebuildDemand();

    const windowMs = this.cfg.ribIntervalMs;
    const W = Math.ceil((this.cfg.durationS * 1000) / windowMs);
    this.res = {
      windowMs,
      windows: W,
      regions: R,
      landed: new Float64Array(W * R),
      flows: new Float64Array(W * R * R),
      ringUse: new Float64Array(W * R * RINGS),
      ringSeen: new Float64Array(W * R * RINGS),
      ringKeep: new Float64Array(W * R * RINGS),
      capacityRps: new Float64Array(W * R),
      errors: new Float64Array(W),
      p50PerWindow: new Float64Array(W),
      p99PerWindow: new Float64Array(W),
      ringOf: this.ringOf,
      latencyHist: this.hist,
      sent: 0,
      completed: 0,
      failed: 0,
      outstanding: 0,
      crossRegion: 0,
      cpuUnits: 0,
      decisions: 0,
      cvStats: { count: 0, mean: 0 },
      traces: [],
      crashed: [],
    };
    this.policyCode = POLICY_CODE[this.cfg.policy];
    this.choiceCode = CHOICE_CODE[this.cfg.choice];
    this.signalCode = SIGNAL_CODE[this.cfg.signal];
    const proxy = this.cfg.deployment === 'proxy';
    this.cpuPerRequest = proxy ? PROXY_CPU_PER_REQUEST : 1;
    this.hopMs = proxy ? 2 * this.cfg.proxyHopMs : 0;
    this.traceEvery = this.cfg.traceEveryMs;
    this.measureFromMs = this.cfg.measureFromS * 1000;
    if (!(Number.isInteger(this.cfg.requestWeight) && this.cfg.requestWeight >= 1))
      throw new Error(`requestWeight must be an integer >= 1 (got ${this.cfg.requestWeight})`);
    this.weight = this.cfg.requestWeight;
    [this.calls, this.fifo] = rpcState(this.cfg.workload, this.weight, S, rng);
    this.halfGroup = (this.weight + 1) / 2;
    this.invMu = 1 / this.muPerMs;
    this.pollMs = this.cfg.signal === 'polled' ? this.cfg.stalenessMs : 0;
    this.traceLimit = this.cfg.traceLimit;
    this.rttMs = world.rttMs;
    this.flows = this.res.flows;
    this.deadFlows = new Float64Array(W * R);
    for (const ev of this.cfg.events ?? []) this.q.schedule(ev.atS * 1000, { kind: 'scenario', ev });
    this.cvNext = this.cfg.cvSampleMs > 0 ? this.cfg.cvSampleMs : Infinity;
    this.q.schedule(windowMs, { kind: 'rib-measure' });
    this.q.schedule(windowMs, { kind: 'window' });
    if (this.cfg.signal === 'polled' && this.cfg.stalenessMs > 0) this.q.schedule(0, { kind: 'poll' });
  }

  /** Candidate servers per (group, client, ring) from the RIB's health view; Envoy's priority loads. */
  private rebuildCandidates(): void {
    const { R, G } = this;
    let pos = 0;
    for (let g = 0; g < G; g++) {
      const servers = this.groupServers[g]!;
      let n = 0;
      for (let i = 0; i < servers.length; i++)
        if (this.ribAlive[servers[i]!]) this.globalCand[g]![n++] = servers[i]!;
      this.globalLen[g] = n;
      for (let c = 0; c < R; c++) {
        for (let j = 0; j < RINGS; j++) {
          const slot = (g * R + c) * RINGS + j;
          this.candStart[slot] = pos;
          let len = 0;
          let total = 0;
          for (let i = 0; i < servers.length; i++) {
            const s = servers[i]!;
            if (this.ringOf[c * R + this.serverRegion[s]!] !== j) continue;
            total++;
            if (this.ribAlive[s]) {
              this.cand[pos++] = s;
              len++;
            }
          }
          this.candLen[slot] = len;
          this.candTotal[slot] = total;
        }
        // Envoy: each ring is a priority level; health = min(100, 1.4 × healthy%) (envoy.ts).
        const levels = [];
        for (let j = 0; j < RINGS; j++) {
          const slot = (g * R + c) * RINGS + j;
          levels.push({ healthy: this.candLen[slot]!, total: this.candTotal[slot]! });
        }
        const shares = priorityShares(levels, this.cfg.overprovisioningFactor);
        let acc = 0;
        for (let j = 0; j < RINGS; j++) this.envCum[(g * R + c) * RINGS + j] = acc += shares[j]!;
      }
    }
  }

  private rebuildDemand(): void {
    let sum = 0;
    for (let c = 0; c < this.R; c++) sum += this.demand[c]!;
    this.totalDemand = sum;
    buildAlias(
      Array.from(this.demand, (d) => (sum > 0 ? d / sum : 1 / this.R)),
      this.aliasProb,
      this.aliasOf,
    );
  }

  /** Outstanding requests at server s at time t (fluid drain at the server's capacity since its last arrival). */
  private liveOut(s: number, t: number): number {
    const o = this.out[s]! - this.muPerMs * (t - this.last[s]!);
    return o > 0 ? o : 0;
  }

  /** Requests outstanding at server s at t: the fluid count, or with the rpc workload the exact one. */
  private load(s: number, t: number): number {
    return this.fifo ? this.fifo.outstanding(s, t) : this.liveOut(s, t);
  }

  /** The load value client c sees for server s at time t, and its age; NaN when there is no signal. */
  private seenLoad(c: number, s: number, t: number): number {
    const sig = this.signalCode;
    if (sig === SignalCode.Piggybacked) return this.piggyLoad(c, s, t);
    if (sig === SignalCode.Polled) return this.polledLoad(s, t);
    return NaN;
  }

  private seenAge(c: number, s: number, t: number): number {
    const sig = this.cfg.signal;
    if (sig === 'none') return NaN;
    if (sig === 'polled') return this.cfg.stalenessMs > 0 ? t - this.snapTime : 0;
    return t - this.pv[(c * this.S + s) * PV.Size + PV.Time]!;
  }

  private handle(ev: Control, t: number): void {
    const { R } = this;
    switch (ev.kind) {
      case 'scenario': {
        const e = ev.ev;
        if (e.kind === 'demand') {
          this.demand[e.region] = e.rps;
          this.rebuildDemand();
        } else if (e.kind === 'fail') this.setRegionAlive(e.region, false, t, e.servers ?? Infinity);
        else this.setRegionAlive(e.region, true, t);
        break;
      }
      case 'poll':
        for (let s = 0; s < this.S; s++) this.snap[s] = this.load(s, t);
        this.snapTime = t;
        this.q.schedule(t + this.cfg.stalenessMs, { kind: 'poll' });
        break;
      case 'rib-measure': {
        // The RIB aggregates what each ring was offered over the last interval (§3, load-aware rings)
        // and publishes it, with the servers' health, after ribDelayMs.
        const interval = this.cfg.ribIntervalMs;
        const capRegion = new Float64Array(R);
        for (let s = 0; s < this.S; s++)
          if (this.alive[s]) capRegion[this.serverRegion[s]!]! += this.muPerMs * 1000;
        const ringCap = new Float64Array(R * RINGS);
        for (let c = 0; c < R; c++)
          for (let r = 0; r < R; r++) ringCap[c * RINGS + this.ringOf[c * R + r]!]! += capRegion[r]!;
        // Offered rate per region: each ring's offered traffic spread over its regions by capacity.
        const offeredRegion = new Float64Array(R);
        for (let c = 0; c < R; c++)
          for (let r = 0; r < R; r++) {
            const slot = c * RINGS + this.ringOf[c * R + r]!;
            const cap = ringCap[slot]!;
            if (cap > 0)
              offeredRegion[r]! += ((this.offered[slot]! * 1000) / interval) * (capRegion[r]! / cap);
          }
        const keep = new Float64Array(R * RINGS);
        const seen = new Float64Array(R * RINGS);
        for (let c = 0; c < R; c++) {
          const ringOffered = new Float64Array(RINGS);
          for (let r = 0; r < R; r++) ringOffered[this.ringOf[c * R + r]!]! += offeredRegion[r]!;
          for (let j = 0; j < RINGS; j++) {
            const cap = ringCap[c * RINGS + j]!;
            const util = cap > 0 ? ringOffered[j]! / cap : 0;
            seen[c * RINGS + j] = util;
            // "route to this ring until its load exceeds X%, then send traffic to the next ring": keep
            // the share that fills the ring to the threshold, spill the rest.
            keep[c * RINGS + j] = util > this.cfg.threshold ? this.cfg.threshold / util : 1;
          }
        }
        this.offered.fill(0);
        this.q.schedule(t + this.cfg.ribDelayMs, {
          kind: 'rib-apply',
          keep,
          seen,
          alive: this.alive.slice(),
        });
        this.q.schedule(t + interval, { kind: 'rib-measure' });
        break;
      }
      case 'rib-apply': {
        this.keep.set(ev.keep);
        this.seen.set(ev.seen);
        let changed = false;
        for (let s = 0; s < this.S; s++)
          if (this.ribAlive[s] !== ev.alive[s]) {
            changed = true;
            this.ribAlive[s] = ev.alive[s]!;
          }
        if (changed) this.rebuildCandidates();
        break;
      }
      case 'window':
        this.closeWindow(t);
        this.q.schedule(t + this.res.windowMs, { kind: 'window' });
        break;
    }
  }

  /** Fail (the first `count` of) or recover a region's servers at time t. */
  private setRegionAlive(region: number, up: boolean, t: number, count = Infinity): void {
    let n = 0;
    for (let s = 0; s < this.S; s++) {
      if (this.serverRegion[s] !== region) continue;
      if (n++ >= count) break;
      if (!up && this.alive[s]) this.loseInFlight(s, t);
      if (up && !this.alive[s]) this.last[s] = t;
      this.alive[s] = up ? 1 : 0;
    }
  }

  /** Server s fails at t: the requests it still holds are lost (those done by t completed). */
  private loseInFlight(s: number, t: number): void {
    if (this.fifo) {
      this.fifo.outstanding(s, t);
      this.failedN += this.fifo.clear(s);
    } else {
      const o = this.liveOut(s, t);
      this.completed += this.out[s]! - o;
      this.failedN += o;
    }
    this.out[s] = 0;
    this.last[s] = t;
  }

  private closeWindow(t: number): void {
    const { R, res } = this;
    const w = this.win;
    if (w >= res.windows) return;
    // Requests per ring and landed per region from the window's flows (exact: whole request counts).
    for (let c = 0; c < R; c++)
      for (let r = 0; r < R; r++) {
        const f = res.flows[(w * R + c) * R + r]!;
        res.ringUse[(w * R + c) * RINGS + this.ringOf[c * R + r]!]! += f;
        res.landed[w * R + r]! += f;
      }
    for (let r = 0; r < R; r++) res.landed[w * R + r]! -= this.deadFlows[w * R + r]!;
    const capRegion = new Float64Array(R);
    for (let s = 0; s < this.S; s++)
      if (this.alive[s]) capRegion[this.serverRegion[s]!]! += this.muPerMs * 1000;
    res.capacityRps.set(capRegion, w * R);
    res.ringSeen.set(this.seen, w * R * RINGS);
    res.ringKeep.set(this.keep, w * R * RINGS);
    res.p50PerWindow[w] = histPercentile(this.winHist, 50);
    res.p99PerWindow[w] = histPercentile(this.winHist, 99);
    // The window's latencies join the run's histogram (exact: whole request counts).
    const { hist, winHist, preHist } = this;
    if (this.preCount > 0) {
      for (let b = 0; b < HIST_BUCKETS; b++) hist[b]! += winHist[b]! - preHist[b]!;
      preHist.fill(0);
      this.preCount = 0;
    } else for (let b = 0; b < HIST_BUCKETS; b++) hist[b]! += winHist[b]!;
    winHist.fill(0);
    // Domino: a region kept above crashUtil for crashWindows windows fails.
    if (this.cfg.crashUtil > 0) {
      for (let r = 0; r < R; r++) {
        const cap = capRegion[r]!;
        if (cap === 0) continue;
        const util = res.landed[w * R + r]! / ((cap * res.windowMs) / 1000);
        this.overWindows[r] = util > this.cfg.crashUtil ? this.overWindows[r]! + 1 : 0;
        if (this.overWindows[r]! >= this.cfg.crashWindows) {
          this.setRegionAlive(r, false, t);
          res.crashed.push({ region: r, atS: t / 1000 });
          this.overWindows[r] = 0;
        }
      }
    }
    this.win++;
  }

  /** Run to the end; returns the per-window record and totals. */
  private stepStart = 0;
  private curW = 0;
  private cvNext = Infinity;
  private readonly handler = (ev: Control, time: number): void => this.handle(ev, time);

  /** Simulated time reached so far, in ms. */
  get nowMs(): number {
    return this.stepStart;
  }

  /** Simulate every step that starts before `untilMs` (and before the end of the run). */
  advance(untilMs: number): void {
    const endMs = this.cfg.durationS * 1000;
    const step = this.cfg.stepMs;
    const stop = Math.min(untilMs, endMs);
    while (this.stepStart < stop) {
      const t0 = this.stepStart;
      this.q.run(this.handler, { until: t0 });
      // Windows close at step boundaries, so all of a step's requests land in the same window (never split).
      this.curW = this.win < this.res.windows ? this.win : this.res.windows - 1;
      const expected = (this.totalDemand * step) / 1000 + this.carry;
      const n = Math.floor(expected / this.weight);
      this.carry = expected - n * this.weight;
      const t1 = Math.min(t0 + step, endMs);
      const dt = (t1 - t0) / Math.max(1, n);
      this.routeStep(n, t0, dt);
      while (this.cvNext < t1) {
        this.sampleCv(this.cvNext);
        this.cvNext += this.cfg.cvSampleMs;
      }
      this.stepStart = t0 + step;
    }
  }

  /** Close the run: last windows, in-flight requests drained to the end time, totals. */
  finish(): SimResult {
    const endMs = this.cfg.durationS * 1000;
    this.advance(endMs);
    this.q.run(this.handler, { until: endMs });
    while (this.win < this.res.windows) this.closeWindow(endMs);
    let outstanding = 0;
    for (let s = 0; s < this.S; s++) {
      const o = this.liveOut(s, endMs);
      if (!this.fifo) this.completed += this.out[s]! - o;
      this.out[s] = o;
      this.last[s] = endMs;
      outstanding += this.fifo ? this.fifo.outstanding(s, endMs) : o;
    }
    const res = this.res;
    res.sent = this.sent;
    res.completed = this.completed + (this.fifo ? this.fifo.done : 0);
    res.failed = this.failedN;
    res.outstanding = outstanding;
    // Cross-region requests and CPU are derived from the per-window record (not counted per request).
    let cross = 0;
    for (let w = 0; w < res.windows; w++)
      for (let c = 0; c < this.R; c++)
        for (let r = 0; r < this.R; r++) if (r !== c) cross += res.flows[(w * this.R + c) * this.R + r]!;
    res.crossRegion = cross;
    // SRLib vs SRProxy: a proxy costs more than 2x the CPU per request (§6, cost evaluation).
    res.cpuUnits = this.sent * this.cpuPerRequest;
    res.decisions = this.decisions;
    res.cvStats = { count: this.cvN, mean: this.cvN ? this.cvSum / this.cvN : 0 };
    return res;
  }

  run(): SimResult {
    return this.finish();
  }

  /**
   * Whole requests at server s at t, for the CV: with the rpc workload the exact count; with uniform requests
   * (a unit of work each, FIFO) the fluid backlog o holds ceil(o) of them, the first partly served.
   */
  private requestsAt(s: number, t: number): number {
    return this.fifo ? this.fifo.outstanding(s, t) : Math.ceil(this.liveOut(s, t) - 1e-9);
  }

  private sampleCv(t: number): void {
    let n = 0;
    let sum = 0;
    let sq = 0;
    for (let s = 0; s < this.S; s++) {
      if (!this.alive[s]) continue;
      const o = this.requestsAt(s, t);
      n++;
      sum += o;
      sq += o * o;
    }
    if (n === 0 || sum === 0) return;
    const m = sum / n;
    this.cvSum += Math.sqrt(Math.max(0, sq / n - m * m)) / m;
    this.cvN++;
  }

  /**
   * The n requests of one step, evenly spaced from t0 by dt: per request client, shard, ring, server; then
   * the server's fluid queue. The hot path: the decision's helpers are small enough for the JIT to inline
   * them all, and the landing is written out here (with the step's tables in locals) so that it does not
   * use up the JIT's inlining budget; no allocation and no closure per request unless it is traced.
   */
  private routeStep(n: number, t0: number, dt: number): void {
    const { R, weight, halfGroup, invMu, out, last, alive, serverRegion, rttMs, winHist } = this;
    const { S, pv, aliasProb, aliasOf } = this;
    const mu = this.muPerMs;
    const pc = this.policyCode;
    const piggy = this.signalCode === SignalCode.Piggybacked;
    const traceEvery = this.traceEvery;
    const wr = this.curW * R;
    const calls = this.calls;
    if (calls) calls.next(n);
    this.ensureDraws(n * MAX_DRAWS_PER_REQUEST);
    for (let i = 0; i < n; i++) {
      const t = t0 + (i + 0.5) * dt;
      // Client region by demand share: Walker's alias table, one draw.
      const u = this.draw() * R;
      const column = u | 0;
      const c = u - column >= aliasProb[column]! ? aliasOf[column]! : column;
      const g = this.G > 1 ? this.drawShard() : 0;
      const tracing = traceEvery > 0 && t >= this.traceNext[c]! && this.res.traces.length < this.traceLimit;
      const steps: RingStep[] | null = tracing ? [] : null;
      let server: number;
      if (pc === PolicyCode.RoundRobinGlobal) server = this.pickGlobal(g, c);
      else {
        const base = (g * R + c) * RINGS;
        const ring =
          pc === PolicyCode.Envoy ? this.pickEnvoyRing(base, steps) : this.pickRing(c, base, steps);
        server = ring < 0 ? -1 : this.pickServer(base + ring, c, t);
      }
      if (steps) this.openTrace(t, c, g, steps, server);
      if (server < 0 || alive[server] === 0) {
        const latency = server < 0 ? 0 : this.landOnDown(c, server);
        if (server < 0) this.countFailed(weight);
        if (steps) this.closeTrace(t, c, latency, true);
        continue;
      }
      // The request (group) joins the server's fluid FIFO queue at t.
      const region = serverRegion[server]!;
      // Ring use and landed counts are derived from the flows when the window closes.
      this.flows[(wr + c) * R + region]! += weight;
      const prev = out[server]!;
      let o = prev - mu * (t - last[server]!);
      if (o < 0) o = 0;
      last[server] = t;
      // RTT, a proxy hop each way (SRProxy, §6; its CPU is accounted in finish()), and the mean wait of
      // the group's requests in the fluid FIFO: (o + (w + 1) / 2) / mu; (o + 1) / mu for w = 1. An rpc call
      // waits for the work ahead and its own, (o + cost) / mu, plus its bytes on the wire.
      let now: number;
      let wait: number;
      if (calls === null) {
        this.completed += prev - o;
        now = o + weight;
        out[server] = now;
        wait = (o + halfGroup) * invMu;
      } else {
        const done = o + calls.cost[i]!;
        out[server] = done;
        wait = done * invMu;
        now = this.landCall(server, t, t + wait);
        wait += calls.transferMs[i]!;
      }
      const latency = rttMs[c * R + region]! + this.hopMs + wait;
      // Into the window's histogram (and the part before `measureFromS`).
      const b = latency < 1000 ? (latency * 10) | 0 : histBucket(latency);
      winHist[b]! += weight;
      if (t < this.measureFromMs) this.recordEarly(b);
      if (piggy) {
        // The server's outstanding count `now` rides back on the response: client c can use it once the
        // response has arrived, i.e. after this request's latency (one pending value per pair).
        const k = (c * S + server) * PV.Size;
        promote(pv, k, t);
        if (pv[k + PV.PendAt] === Infinity) {
          pv[k + PV.PendVal] = now;
          pv[k + PV.PendTime] = t;
          pv[k + PV.PendAt] = t + latency;
        }
      }
      if (steps) this.closeTrace(t, c, latency, false);
    }
    this.sent += n * weight;
    this.decisions += n;
  }

  /** An rpc call joins server s at t and finishes at `finish`: the server's outstanding requests, itself included. */
  private landCall(s: number, t: number, finish: number): number {
    const fifo = this.fifo!;
    const n = fifo.outstanding(s, t);
    fifo.push(s, finish);
    return n + 1;
  }

  /** A latency (bucket b) from before `measureFromS`: the run's histogram leaves it out. */
  private recordEarly(b: number): void {
    this.preHist[b]! += this.weight;
    this.preCount++;
  }

  /**
   * The one refill of the draw buffer: make sure `need` draws are buffered ahead (the draws not taken yet
   * move to the front and `rnd` fills the rest in order, so the sequence is the same as drawing one at a
   * time). Once per step, so a draw in the request loop is one read; the buffer holds several steps' worth,
   * so the move is rare and short.
   */
  private ensureDraws(need: number): void {
    const left = this.rbuf.length - this.rpos;
    if (left >= need) return;
    const buf = 4 * need > this.rbuf.length ? new Float64Array(4 * need) : this.rbuf;
    buf.set(this.rbuf.subarray(this.rpos));
    this.rnd.fill(buf.subarray(left));
    this.rbuf = buf;
    this.rpos = 0;
  }

  /** The next uniform draw in [0, 1) (ensureDraws has buffered enough for the step). */
  private draw(): number {
    return this.rbuf[this.rpos++]!;
  }

  /** Shard by popularity, one draw (a sharded service: G > 1). */
  private drawShard(): number {
    const G = this.G;
    const u = this.draw();
    let g = 0;
    while (g < G - 1 && this.shardCum[g]! <= u) g++;
    return g;
  }

  /** round-robin-global: the next server of the group the RIB holds healthy, in the client's rotation; -1: none. */
  private pickGlobal(g: number, c: number): number {
    const m = this.globalLen[g]!;
    if (m === 0) return -1;
    const k = g * this.R + c;
    const p = this.globalPtr[k]! % m;
    this.globalPtr[k] = p + 1;
    return this.globalCand[g]![p]!;
  }

  /** envoy-priority: each ring is a priority level, picked by its health-based share (one draw); -1: none. */
  private pickEnvoyRing(base: number, steps: RingStep[] | null): number {
    const candLen = this.candLen;
    const envCum = this.envCum;
    const u = this.draw();
    let ring = -1;
    for (let j = 0; j < RINGS; j++) {
      if (candLen[base + j]! > 0 && u < envCum[base + j]!) {
        ring = j;
        break;
      }
    }
    if (ring < 0) for (let j = 0; j < RINGS && ring < 0; j++) if (candLen[base + j]! > 0) ring = j;
    if (steps) this.envoySteps(steps, base, ring);
    return ring;
  }

  /**
   * servicerouter and latency-rings. §3: start from ring1; keep the first ring with a server in bound
   * (latency-rings), or, with load-aware rings, keep it unless its published load is over the threshold, in
   * which case the share above the threshold spills to the next ring. -1: no ring has a server.
   */
  private pickRing(c: number, base: number, steps: RingStep[] | null): number {
    const loadAware = this.policyCode === PolicyCode.ServiceRouter;
    const candLen = this.candLen;
    const cr = c * RINGS;
    let lastInBound = -1;
    for (let j = 0; j < RINGS; j++) {
      if (candLen[base + j] === 0) continue;
      lastInBound = j;
      const k = loadAware ? this.offer(cr + j) : 1;
      const spill = k < 1 && this.draw() >= k;
      if (steps) this.ringStep(steps, base, cr, j, loadAware, spill);
      if (!spill) return j;
    }
    // Every ring over threshold: the outermost ring with servers takes the rest.
    return lastInBound;
  }

  /** Load-aware rings: count the request as offered to (client, ring) `cr`; returns the ring's keep share. */
  private offer(cr: number): number {
    this.offered[cr]! += this.weight;
    return this.keep[cr]!;
  }

  /** A why-trace's step for ring j (servicerouter: the published load and keep share; else in bound). */
  private ringStep(
    steps: RingStep[],
    base: number,
    cr: number,
    j: number,
    loadAware: boolean,
    spill: boolean,
  ) {
    const servers = this.candLen[base + j]!;
    if (loadAware)
      steps.push({ ring: j, servers, seen: this.seen[cr + j]!, keep: this.keep[cr + j]!, spilled: spill });
    else steps.push({ ring: j, servers, seen: 0, keep: 1, spilled: false });
  }

  /**
   * A server of ring `slot` (which has one) by the configured choice. Power of two choices: one draw x,
   * uniform on [0, len), gives both candidates (secondIndex); the less loaded as this client sees them wins,
   * and with no load signal the first random pick stands.
   */
  private pickServer(slot: number, c: number, t: number): number {
    if (this.choiceCode === ChoiceCode.RoundRobin) return this.nextInRing(slot);
    const start = this.candStart[slot]!;
    const len = this.candLen[slot]!;
    const x = this.draw() * len;
    const a = this.cand[start + (x | 0)]!;
    if (this.choiceCode !== ChoiceCode.PowerOfTwo || len === 1) return a;
    const b = this.cand[start + secondIndex(x, len)]!;
    const sig = this.signalCode;
    if (sig === SignalCode.Piggybacked) {
      // piggyLoad for both, written out (the JIT inlines promote, not a second layer of helpers).
      const pv = this.pv;
      const ka = (c * this.S + a) * PV.Size;
      const kb = (c * this.S + b) * PV.Size;
      promote(pv, ka, t);
      promote(pv, kb, t);
      return pv[kb + PV.Val]! < pv[ka + PV.Val]! ? b : a;
    }
    if (sig === SignalCode.Polled) {
      // polledLoad for both, written out: the snapshot, or the live value when every decision polls.
      if (this.pollMs > 0) return this.snap[b]! < this.snap[a]! ? b : a;
      return this.load(b, t) < this.load(a, t) ? b : a;
    }
    return a;
  }

  /** round-robin choice: the next server of ring `slot` (which has one) in its rotation. */
  private nextInRing(slot: number): number {
    const p = this.rrPtr[slot]! % this.candLen[slot]!;
    this.rrPtr[slot] = p + 1;
    return this.cand[this.candStart[slot]! + p]!;
  }

  /**
   * The candidates a traced request compared, with the loads the client saw (called after pick, before
   * landing): rebuilt from the server draw, the decision's last, as pickServer read it. None for the
   * round-robin policies.
   */
  private compared(c: number, g: number, ring: number, t: number): Candidate[] {
    if (this.policyCode === PolicyCode.RoundRobinGlobal || this.choiceCode === ChoiceCode.RoundRobin)
      return [];
    const slot = (g * this.R + c) * RINGS + ring;
    const start = this.candStart[slot]!;
    const len = this.candLen[slot]!;
    const x = this.rbuf[this.rpos - 1]! * len;
    const out = [this.candidate(c, this.cand[start + (x | 0)]!, t)];
    if (this.choiceCode === ChoiceCode.PowerOfTwo && len > 1)
      out.push(this.candidate(c, this.cand[start + secondIndex(x, len)]!, t));
    return out;
  }

  /** Requests that failed (no server, or a server that was down), in the run and in the window now open. */
  private countFailed(n: number): void {
    this.failedN += n;
    this.res.errors[this.curW]! += n;
  }

  /** Flows of the request (group) from client c to `server` in the current window; returns the RTT + proxy hops. */
  private sendTo(c: number, server: number): number {
    const R = this.R;
    const region = this.serverRegion[server]!;
    // Ring use and landed counts are derived from the flows when the window closes.
    this.flows[(this.curW * R + c) * R + region]! += this.weight;
    // SRLib vs SRProxy: a proxy adds a hop each way (§6); its CPU is accounted in finish().
    return this.rttMs[c * R + region]! + this.hopMs;
  }

  /** The request (group) reached a server that is down: it fails. Returns its latency (RTT and hops). */
  private landOnDown(c: number, server: number): number {
    const latency = this.sendTo(c, server);
    this.countFailed(this.weight);
    this.deadFlows[this.curW * this.R + this.serverRegion[server]!]! += this.weight;
    return latency;
  }

  /** Piggybacked signal: the value client c holds for server s at t. */
  private piggyLoad(c: number, s: number, t: number): number {
    const k = (c * this.S + s) * PV.Size;
    promote(this.pv, k, t);
    return this.pv[k + PV.Val]!;
  }

  /** Polled signal: the last snapshot, or the live value when every decision polls (stalenessMs = 0). */
  private polledLoad(s: number, t: number): number {
    return this.pollMs > 0 ? this.snap[s]! : this.load(s, t);
  }

  /** Envoy's priority loads for a why-trace, up to the chosen level. */
  private envoySteps(steps: RingStep[], base: number, ring: number): void {
    let prev = 0;
    for (let j = 0; j < RINGS; j++) {
      const cum = this.envCum[base + j]!;
      steps.push({
        ring: j,
        servers: this.candLen[base + j]!,
        seen: cum - prev,
        keep: cum - prev,
        spilled: j < ring,
      });
      prev = cum;
      if (j === ring) break;
    }
  }

  /** A traced request's why-trace, opened once it is routed (before it lands) and closed by closeTrace. */
  private openTrace(t: number, c: number, g: number, steps: RingStep[], server: number): void {
    const region = server < 0 ? -1 : this.serverRegion[server]!;
    // The ring holding the server (for the ring policies, the ring they picked); -1: no server.
    const ring = server < 0 ? -1 : this.ringOf[c * this.R + region]!;
    this.trace = {
      timeMs: t,
      client: c,
      shard: g,
      policy: this.cfg.policy,
      threshold: this.cfg.threshold,
      rings: steps,
      ring,
      // Before landing, so that the loads are the ones the decision compared.
      candidates: server < 0 ? [] : this.compared(c, g, ring, t),
      chosen: server,
      chosenRegion: region,
      latencyMs: 0,
      failed: true,
    };
  }

  /** The traced request has landed (or failed): its why-trace is recorded; the client's next one is due later. */
  private closeTrace(t: number, c: number, latency: number, failed: boolean): void {
    const trace = this.trace!;
    trace.latencyMs = latency;
    trace.failed = failed;
    this.res.traces.push(trace);
    this.trace = null;
    this.traceNext[c] = t + this.traceEvery;
  }

  /** The why-trace of the request being routed (between openTrace and closeTrace). */
  private trace: WhyTrace | null = null;

  /** The servers holding shard g (all servers for an unsharded service). */
  shardServers(g: number): readonly number[] {
    return Array.from(this.groupServers[g] ?? []);
  }

  /** Server s as a traced request's candidate: the load client c saw for it at t, and that value's age. */
  private candidate(c: number, s: number, t: number): Candidate {
    const seen = this.seenLoad(c, s, t);
    return { server: s, region: this.serverRegion[s]!, seenOutstanding: seen, ageMs: this.seenAge(c, s, t) };
  }
}

/** The rpc workload's call sampler and finish times (none for uniform requests). */
function rpcState(
  workload: Workload,
  weight: number,
  servers: number,
  rng: Rng,
): [RpcCalls | null, FinishTimes | null] {
  if (workload !== 'rpc') return [null, null];
  if (weight !== 1) throw new Error('workload rpc routes every call on its own: requestWeight must be 1');
  return [new RpcCalls(rng.fork('rpc-calls')), new FinishTimes(servers)];
}

/** Convenience: build and run. */
export function simulate(config: SimConfig, rng: Rng): SimResult {
  return new MeshSim(config, rng).run();
}
