// Service categories of the RPC lab and the latency-tax constants of each (“RPC Latency” of the paper names SSD cache,
// F1, Bigtable-like storage and video metadata among the categories it breaks down). Every constant here is an
// ASSUMPTION (the paper's per-category figures are not available to this project); the qualitative ordering
// follows the paper as reported by secondary sources: SSD cache is dominated by the server send queue, F1 by the
// client receive queue, Bigtable by server processing (sensitive to CPU utilisation and memory bandwidth), video
// metadata by queuing.

export const CATEGORIES = [
  'network-disk',
  'ssd-cache',
  'f1-database',
  'bigtable',
  'video-metadata',
  'compute',
] as const;
export type Category = (typeof CATEGORIES)[number];

/** Categories that are storage (the paper: storage is by far the largest distributed application). */
export const STORAGE: ReadonlySet<Category> = new Set([
  'network-disk',
  'ssd-cache',
  'f1-database',
  'bigtable',
]);

/** The seven per-RPC latency components of the issue, in the order an RPC passes them. */
export const COMPONENTS = [
  'client-send-queue',
  'request-network',
  'server-recv-queue',
  'server-processing',
  'server-send-queue',
  'response-network',
  'client-recv-queue',
] as const;
export type Component = (typeof COMPONENTS)[number];

export interface CategoryTax {
  /** Mean queueing time (µs) at the reference point (CPU 50%, memory bandwidth 50%, no wake-up). */
  queueUs: { clientSend: number; serverRecv: number; serverSend: number; clientRecv: number };
  /** Relative slow-down of server processing per unit of CPU utilisation and of memory-bandwidth utilisation. */
  procCpu: number;
  procMem: number;
  /** Share of methods in this category (rank 1, the most popular method, is always network-disk). */
  methodShare: number;
}

/** ASSUMPTION: every number below (see the file's header for what follows the paper qualitatively). */
export const CATEGORY_TAX: Readonly<Record<Category, CategoryTax>> = {
  'network-disk': {
    queueUs: { clientSend: 5, serverRecv: 15, serverSend: 15, clientRecv: 10 },
    procCpu: 0.2,
    procMem: 0.2,
    methodShare: 0.1,
  },
  'ssd-cache': {
    queueUs: { clientSend: 5, serverRecv: 10, serverSend: 60, clientRecv: 10 },
    procCpu: 0.2,
    procMem: 0.2,
    methodShare: 0.1,
  },
  'f1-database': {
    queueUs: { clientSend: 10, serverRecv: 15, serverSend: 10, clientRecv: 80 },
    procCpu: 0.3,
    procMem: 0.3,
    methodShare: 0.15,
  },
  bigtable: {
    queueUs: { clientSend: 5, serverRecv: 10, serverSend: 10, clientRecv: 10 },
    procCpu: 1.0,
    procMem: 0.8,
    methodShare: 0.15,
  },
  'video-metadata': {
    queueUs: { clientSend: 30, serverRecv: 60, serverSend: 30, clientRecv: 40 },
    procCpu: 0.3,
    procMem: 0.2,
    methodShare: 0.1,
  },
  compute: {
    queueUs: { clientSend: 10, serverRecv: 20, serverSend: 10, clientRecv: 20 },
    procCpu: 0.5,
    procMem: 0.3,
    methodShare: 0.4,
  },
};

/** ASSUMPTION: one-way network latency inside a cluster and the link rate an RPC's bytes go at. */
export const NETWORK = { baseUs: 10, bytesPerUs: 12_500 /* 100 Gb/s */ } as const;

/** Exogenous variables of “RPC Latency” (cross-cluster variation): CPU utilisation, memory-bandwidth utilisation, wake-up. */
export interface Exogenous {
  cpuUtil: number;
  memBwUtil: number;
  wakeupUs: number;
}
export const REFERENCE_EXOGENOUS: Exogenous = { cpuUtil: 0.5, memBwUtil: 0.5, wakeupUs: 0 };

/**
 * Queueing factor at CPU utilisation u relative to the reference 50%: an M/M/1 queue's waiting time grows as
 * u / (1 − u) (ASSUMPTION: the RPC queues behave as M/M/1 in the server's CPU utilisation), times a
 * memory-bandwidth slow-down of the RPC stack (ASSUMPTION: +50% at full memory bandwidth relative to 50%).
 */
export function queueFactor(x: Exogenous): number {
  const u = Math.min(x.cpuUtil, 0.99);
  return (u / (1 - u)) * (1 + 0.5 * (x.memBwUtil - 0.5));
}

/** Server processing slow-down of a category at these exogenous variables (1 at the reference point). */
export function processingFactor(c: CategoryTax, x: Exogenous): number {
  return Math.max(0.1, (1 + c.procCpu * (x.cpuUtil - 0.5)) * (1 + c.procMem * (x.memBwUtil - 0.5)));
}

/**
 * The cycle tax: CPU cycles per byte and per call of each RPC-stack function (“Resource Utilization” reports that compression
 * dominates it). Sources: Snappy's README (compression about 250 MB/s and decompression about 500 MB/s on one
 * core of a Core i7; at an ASSUMED 3 GHz, 12 + 6 cycles per byte); AES-GCM with AES-NI about 1 cycle per byte
 * (Gueron, Intel white paper 2010, ASSUMPTION for the per-call cost); serialization and the kernel network
 * stack: ASSUMPTION.
 */
export const CYCLE_TAX = {
  serialization: { perByte: 3, perCall: 1_000 },
  compression: { perByte: 18, perCall: 200 },
  encryption: { perByte: 1, perCall: 500 },
  'network-stack': { perByte: 2, perCall: 20_000 },
} as const;
export type CycleComponent = keyof typeof CYCLE_TAX;
export const CYCLE_COMPONENTS = Object.keys(CYCLE_TAX) as CycleComponent[];
