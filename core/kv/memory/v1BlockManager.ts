// A faithful model of vLLM V1's KV-cache block manager (`KVCacheManager`, upstream 94d545a, Dec 2024, with
// the later fix that checks free capacity before taking references on cache hits): paged KV blocks
// (PagedAttention, SOSP'23 §4.1–4.3), an LRU free queue, reference counts and prefix caching (§4.4).

/** The allocator's configuration; the first line of a conformance trace. */
export interface KVCacheConfig {
  /** Tokens per KV block. */
  blockSize: number;
  /** Physical blocks, numbered 0 .. numGpuBlocks-1. */
  numGpuBlocks: number;
  /** Longest sequence a request may reach; caps a request's table at ceil(maxModelLen / blockSize) blocks. */
  maxModelLen: number;
  /** Prefix caching: full blocks are keyed by their token chain and reused across requests. */
  enableCaching: boolean;
  /** Extra slots taken whenever a request needs new blocks (rounded up to whole blocks). */
  numPreallocateTokens: number;
}

/** Counters kept for views and the benchmark checksum. */
export interface BlockManagerStats {
  /** Cached blocks popped from the free-queue front for reuse (their cache entry dropped). */
  evictions: number;
  /** Cache-hit blocks referenced by successful `allocate` calls. */
  cacheHitBlocks: number;
  /** Blocks popped from the free queue for new allocations. */
  allocatedBlocks: number;
}

export type FreeReason = 'finish' | 'preempt';

interface RequestState {
  /** All token ids so far: prompt, then generated tokens. */
  readonly tokens: number[];
  /** The block table while the request runs; null while it waits (new or preempted). */
  table: number[] | null;
}

const NONE = -1;
const EMPTY: readonly number[] = Object.freeze([]);

function isInt32(x: unknown): x is number {
  return typeof x === 'number' && (x | 0) === x;
}

/** Throws an Error naming the first invalid field of `config`. */
export function checkKVCacheConfig(config: KVCacheConfig): void {
  const positive = ['blockSize', 'numGpuBlocks', 'maxModelLen'] as const;
  for (const field of positive) {
    const v: unknown = config[field];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > 0x3fffffff) {
      throw new Error(`KVCacheConfig.${field} must be a positive integer (got ${String(v)})`);
    }
  }
  const pre: unknown = config.numPreallocateTokens;
  if (typeof pre !== 'number' || !Number.isInteger(pre) || pre < 0 || pre > 0x3fffffff) {
    throw new Error(`KVCacheConfig.numPreallocateTokens must be a non-negative integer (got ${String(pre)})`);
  }
  if (typeof config.enableCaching !== 'boolean') {
    throw new Error(`KVCacheConfig.enableCaching must be a boolean (got ${String(config.enableCaching)})`);
  }
}

/**
 * vLLM V1 `KVCacheManager` as its scheduler drives it (no chunked prefill). Invariants, checked by the
 * property tests: a block has refCount 0 exactly when it sits in the free queue; refCount(b) is the number
 * of table entries pointing at b; a block is cached iff it is indexed under its content key.
 *
 * DEVIATION: vLLM keys a full block by Python hash(parent block's hash, token ids). Here each distinct
 * token chain is interned exactly as a node (parent node, block tokens) in a chained hash table, so a
 * hash collision can never give a wrong hit (tokens and parent are compared on every probe). A node lives
 * while blocks are cached under it or it has live children; cached blocks under one node form an
 * insertion-ordered list, so a lookup returns the block cached first (Python dict order in vLLM).
 */
export class BlockManager {
  readonly config: Readonly<KVCacheConfig>;
  readonly stats: BlockManagerStats = { evictions: 0, cacheHitBlocks: 0, allocatedBlocks: 0 };

  private readonly blockSize: number;
  private readonly numBlocks: number;
  private readonly maxBlocksPerReq: number;
  private readonly preallocBlocks: number;
  private readonly caching: boolean;

  // Free queue: intrusive circular doubly linked list; index numBlocks is the sentinel.
  private readonly qPrev: Int32Array;
  private readonly qNext: Int32Array;
  private nFree: number;
  private readonly refs: Int32Array;

  // Per block: the chain node it is cached under (NONE if not cached) and its place in that node's list.
  private readonly blkNode: Int32Array;
  private readonly blkSameNext: Int32Array;
  private readonly blkSamePrev: Int32Array;

  // Interned chain nodes (grown on demand).
  private nodeCap = 0;
  private nodeParent: Int32Array = new Int32Array(0);
  private nodeHash: Int32Array = new Int32Array(0);
  private nodeChain: Int32Array = new Int32Array(0); // next node in the same hash bucket, or next free node
  private nodeRefs: Int32Array = new Int32Array(0); // cached blocks under it + live child nodes
  private nodeFirst: Int32Array = new Int32Array(0);
  private nodeLast: Int32Array = new Int32Array(0);
  private nodeTokens: Int32Array = new Int32Array(0);
  private buckets: Int32Array = new Int32Array(0);
  private bucketMask = 0;
  private nodeFreeHead = NONE;
  private nodesUsed = 0;

  private readonly reqs = new Map<string, RequestState>();

  constructor(config: KVCacheConfig) {
    checkKVCacheConfig(config);
    this.config = Object.freeze({ ...config });
    this.blockSize = config.blockSize;
    this.numBlocks = config.numGpuBlocks;
    this.maxBlocksPerReq = Math.ceil(config.maxModelLen / config.blockSize);
    this.preallocBlocks = Math.ceil(config.numPreallocateTokens / config.blockSize);
    this.caching = config.enableCaching;

    const n = this.numBlocks;
    this.qPrev = new Int32Array(n + 1);
    this.qNext = new Int32Array(n + 1);
    // Initially every block is free, in id order.
    for (let i = 0; i <= n; i++) {
      this.qPrev[i] = i === 0 ? n : i - 1;
      this.qNext[i] = i === n ? 0 : i + 1;
    }
    this.nFree = n;
    this.refs = new Int32Array(n);
    this.blkNode = new Int32Array(n).fill(NONE);
    this.blkSameNext = new Int32Array(n).fill(NONE);
    this.blkSamePrev = new Int32Array(n).fill(NONE);
    if (this.caching) this.growNodes(64);
  }

  // ---------------------------------------------------------------- trace ops

  /** Op `arrive`: a request exists with these prompt tokens; nothing is allocated. */
  addRequest(req: string, prompt: readonly number[]): void {
    if (this.reqs.has(req)) throw new Error(`request "${req}" already exists`);
    const tokens = new Array<number>(prompt.length);
    for (let i = 0; i < prompt.length; i++) {
      const t = prompt[i];
      if (!isInt32(t)) throw new Error(`request "${req}": prompt[${i}] must be an int32 token id (got ${t})`);
      tokens[i] = t;
    }
    this.reqs.set(req, { tokens, table: null });
  }

  /** Op `token`: the model produced this token; it is appended to the request's token list. */
  appendToken(req: string, token: number): void {
    if (!isInt32(token)) throw new Error(`request "${req}": token must be an int32 token id (got ${token})`);
    this.state(req).tokens.push(token);
  }

  /**
   * Op `lookup` (vLLM `get_computed_blocks`): the longest chain of cached full blocks matching the
   * request's tokens so far, walked from the start and stopping at the first miss. Takes no references.
   * (vLLM reuses the block hashes stored on the request; the chains, hence the answers, are the same.)
   */
  lookup(req: string): number[] {
    const r = this.state(req);
    const out: number[] = [];
    if (!this.caching) return out;
    const bs = this.blockSize;
    const tokens = r.tokens;
    const full = Math.floor(tokens.length / bs);
    let parent = NONE;
    for (let i = 0; i < full; i++) {
      const node = this.findNode(parent, tokens, i * bs);
      if (node === NONE) break;
      const first = this.nodeFirst[node]!;
      if (first === NONE) break; // the chain exists only as an ancestor of cached blocks: a miss
      out.push(first);
      parent = node;
    }
    return out;
  }

  /**
   * Op `allocate` (vLLM `allocate_slots`): admit a waiting request. Takes a reference on `computedBlocks`,
   * then ceil(numTokens / blockSize) new blocks plus the preallocation, capped by the free blocks and by
   * the per-request maximum. Returns the new block ids, or null (and changes nothing) when the free queue,
   * less the hit blocks sitting in it, cannot hold the required blocks.
   *
   * As in vLLM, the computed token count is computedBlocks.length * blockSize; `numComputed` (recorded by
   * the traces) must agree with it, else this throws (vLLM's scheduler always passes exactly that).
   */
  allocate(
    req: string,
    numComputed: number,
    numTokens: number,
    computedBlocks: readonly number[],
  ): number[] | null {
    const r = this.state(req);
    if (r.table !== null) throw new Error(`allocate: request "${req}" already holds blocks`);
    if (!Number.isInteger(numTokens) || numTokens < 1) {
      throw new Error(`allocate: numTokens must be a positive integer (got ${numTokens})`);
    }
    const bs = this.blockSize;
    const nHit = computedBlocks.length;
    if (numComputed !== nHit * bs) {
      throw new Error(
        `allocate: numComputed (${numComputed}) must equal computedBlocks.length * blockSize (${nHit * bs})`,
      );
    }
    if (!this.caching && nHit > 0)
      throw new Error('allocate: computedBlocks must be empty with caching disabled');
    const refs = this.refs;
    let evictableHits = 0;
    for (let i = 0; i < nHit; i++) {
      const b = computedBlocks[i]!;
      if (!(b >= 0 && b < this.numBlocks && (b | 0) === b)) throw new Error(`allocate: no block ${b}`);
      if (refs[b] === 0) evictableHits++;
    }
    const required = Math.ceil(numTokens / bs);
    const freeAfterTouch = this.nFree - evictableHits;
    if (required > freeAfterTouch) return null;
    const numNew = Math.min(required + this.preallocBlocks, freeAfterTouch, this.maxBlocksPerReq - nHit);
    if (numNew <= 0) {
      // DEVIATION: vLLM fails an assert here (after touching the hits); we throw before changing anything.
      // Its scheduler never admits a request whose hits already fill maxModelLen.
      throw new Error(`allocate: request "${req}" already has ${nHit} blocks, the per-request maximum`);
    }

    // Touch the hit blocks so they cannot be evicted by the allocation below.
    const table = new Array<number>(nHit);
    for (let i = 0; i < nHit; i++) {
      const b = computedBlocks[i]!;
      if (refs[b] === 0) this.queueRemove(b);
      refs[b]!++;
      table[i] = b;
    }
    this.stats.cacheHitBlocks += nHit;
    const newBlocks = this.takeBlocks(numNew, table);
    r.table = table;

    if (this.caching) this.cacheFull(r, nHit, Math.floor((nHit * bs + numTokens) / bs));
    return newBlocks;
  }

  /**
   * Op `append` (vLLM `append_slots`): a running request needs slots for numTokens more tokens after
   * numComputed computed ones. Returns the new block ids ([] when its preallocated blocks suffice) or
   * null when more blocks are needed than are free. Blocks that become full are cached.
   */
  append(req: string, numComputed: number, numTokens: number): number[] | null {
    const r = this.reqs.get(req);
    const table = r?.table;
    if (r === undefined || table === null || table === undefined) {
      throw new Error(`append: request "${req}" holds no blocks`);
    }
    const bs = this.blockSize;
    const end = numComputed + numTokens;
    const missing = Math.ceil(end / bs) - table.length;
    let newBlocks: number[];
    if (missing <= 0) {
      newBlocks = [];
    } else {
      if (missing > this.nFree) return null;
      const numNew = Math.min(missing + this.preallocBlocks, this.nFree, this.maxBlocksPerReq - table.length);
      if (numNew <= 0) {
        // DEVIATION: vLLM fails an assert here; we throw. Its scheduler stops a request at maxModelLen.
        throw new Error(
          `append: request "${req}" already has ${table.length} blocks, the per-request maximum`,
        );
      }
      newBlocks = this.takeBlocks(numNew, table);
    }
    if (this.caching) {
      const from = Math.floor(numComputed / bs);
      const to = Math.floor(end / bs);
      if (to > from) this.cacheFull(r, from, to);
    }
    return newBlocks;
  }

  /**
   * Op `free`: release every block of the request; a block whose count drops to 0 goes to the back of the
   * free queue (still cached). With caching the tail block is freed first, so a prefix chain is evicted
   * tail before head; without caching, in table order. After 'preempt' the request keeps its tokens and
   * waits to be looked up and allocated again; after 'finish' it is forgotten.
   */
  free(req: string, reason: FreeReason): void {
    const r = this.state(req);
    const table = r.table;
    if (table !== null) {
      const refs = this.refs;
      if (this.caching) {
        for (let i = table.length - 1; i >= 0; i--) {
          const b = table[i]!;
          if (--refs[b]! === 0) this.queuePushBack(b);
        }
      } else {
        for (let i = 0; i < table.length; i++) {
          const b = table[i]!;
          if (--refs[b]! === 0) this.queuePushBack(b);
        }
      }
      r.table = null;
    }
    if (reason === 'finish') this.reqs.delete(req);
    else if (reason !== 'preempt')
      throw new Error(`free: reason must be "finish" or "preempt" (got ${String(reason)})`);
  }

  /** Blocks in the free queue (including cached blocks that no request references). */
  get numFreeBlocks(): number {
    return this.nFree;
  }

  // ---------------------------------------------------------------- inspection

  /** The request's block table (live, do not mutate); empty while it waits or if unknown. */
  blockTable(req: string): readonly number[] {
    return this.reqs.get(req)?.table ?? EMPTY;
  }

  refCount(block: number): number {
    this.checkBlock(block);
    return this.refs[block]!;
  }

  isCached(block: number): boolean {
    this.checkBlock(block);
    return this.blkNode[block] !== NONE;
  }

  /** Free-queue block ids, front (next to be allocated, least recently used) to back. A copy. */
  freeQueue(): number[] {
    const out: number[] = [];
    const s = this.numBlocks;
    for (let b = this.qNext[s]!; b !== s; b = this.qNext[b]!) out.push(b);
    return out;
  }

  /** Ids of known requests (arrived and not finished), in arrival order. */
  requests(): string[] {
    return [...this.reqs.keys()];
  }

  /** Whether the request holds blocks (is running). */
  isRunning(req: string): boolean {
    return (this.reqs.get(req)?.table ?? null) !== null;
  }

  /** The request's token list (live, do not mutate); empty if unknown. */
  tokens(req: string): readonly number[] {
    return this.reqs.get(req)?.tokens ?? EMPTY;
  }

  /** Interned token chains currently alive (a measure of the prefix index's size). */
  get cacheNodes(): number {
    return this.nodesUsed;
  }

  // ---------------------------------------------------------------- internals

  private state(req: string): RequestState {
    const r = this.reqs.get(req);
    if (r === undefined) throw new Error(`unknown request "${req}"`);
    return r;
  }

  private checkBlock(block: number): void {
    if (!Number.isInteger(block) || block < 0 || block >= this.numBlocks) {
      throw new Error(`no block ${block} (blocks are 0..${this.numBlocks - 1})`);
    }
  }

  /** Pops `count` blocks from the free-queue front (evicting cached ones), appending them to `table`. */
  private takeBlocks(count: number, table: number[]): number[] {
    const out = new Array<number>(count);
    const s = this.numBlocks;
    const qNext = this.qNext;
    const qPrev = this.qPrev;
    const refs = this.refs;
    const blkNode = this.blkNode;
    for (let i = 0; i < count; i++) {
      const b = qNext[s]!;
      const after = qNext[b]!;
      qNext[s] = after;
      qPrev[after] = s;
      if (blkNode[b] !== NONE) {
        this.evict(b);
        this.stats.evictions++;
      }
      refs[b] = 1;
      out[i] = b;
      table.push(b);
    }
    this.nFree -= count;
    this.stats.allocatedBlocks += count;
    return out;
  }

  private queueRemove(b: number): void {
    const p = this.qPrev[b]!;
    const nx = this.qNext[b]!;
    this.qNext[p] = nx;
    this.qPrev[nx] = p;
    this.nFree--;
  }

  private queuePushBack(b: number): void {
    const s = this.numBlocks;
    const last = this.qPrev[s]!;
    this.qNext[last] = b;
    this.qPrev[b] = last;
    this.qNext[b] = s;
    this.qPrev[s] = b;
    this.nFree++;
  }

  /**
   * vLLM `_cache_full_blocks`: caches table[from..to), each keyed by the chain of its predecessor. Blocks
   * already cached are left where they are (in vLLM re-inserting the same key keeps its dict position).
   * DEVIATION: the range is clipped to the table and to the tokens the request has, where vLLM asserts.
   */
  private cacheFull(r: RequestState, from: number, to: number): void {
    const table = r.table!;
    const tokens = r.tokens;
    const bs = this.blockSize;
    const last = Math.min(to, table.length, Math.floor(tokens.length / bs));
    if (from >= last) return;
    let parent = from === 0 ? NONE : this.blkNode[table[from - 1]!]!;
    if (parent === NONE && from > 0) parent = this.internChain(tokens, from);
    for (let i = from; i < last; i++) {
      const b = table[i]!;
      let node = this.blkNode[b]!;
      if (node === NONE) {
        node = this.internNode(parent, tokens, i * bs);
        this.attachBlock(node, b);
      }
      parent = node;
    }
  }

  /**
   * Interns the chain for the request's first `count` full blocks and returns the last node. Only reached
   * when a block is cached after a predecessor that is not, which vLLM's scheduler never does.
   * DEVIATION: vLLM would crash on the missing parent hash. The nodes created here live as ancestors of
   * the block about to be cached.
   */
  private internChain(tokens: readonly number[], count: number): number {
    let parent = NONE;
    for (let i = 0; i < count; i++) parent = this.internNode(parent, tokens, i * this.blockSize);
    return parent;
  }

  private hashBlock(parent: number, tokens: readonly number[], start: number): number {
    // murmur3-style mixing of (parent node id, block tokens); 32 bits, verified on every probe.
    let h = Math.imul(parent + 2, 0x9e3779b1) ^ 0x5bd1e995;
    const end = start + this.blockSize;
    for (let i = start; i < end; i++) {
      let k = Math.imul(tokens[i]!, 0xcc9e2d51);
      k = (k << 15) | (k >>> 17);
      h ^= Math.imul(k, 0x1b873593);
      h = (h << 13) | (h >>> 19);
      h = (Math.imul(h, 5) + 0xe6546b64) | 0;
    }
    h ^= h >>> 16;
    h = Math.imul(h, 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    return h ^ (h >>> 16);
  }

  private findNode(parent: number, tokens: readonly number[], start: number): number {
    const h = this.hashBlock(parent, tokens, start);
    return this.findHashed(h, parent, tokens, start);
  }

  private findHashed(h: number, parent: number, tokens: readonly number[], start: number): number {
    const bs = this.blockSize;
    const nodeTokens = this.nodeTokens;
    for (let n = this.buckets[h & this.bucketMask]!; n !== NONE; n = this.nodeChain[n]!) {
      if (this.nodeHash[n] !== h || this.nodeParent[n] !== parent) continue;
      const base = n * bs;
      let same = true;
      for (let j = 0; j < bs; j++) {
        if (nodeTokens[base + j] !== tokens[start + j]) {
          same = false;
          break;
        }
      }
      if (same) return n;
    }
    return NONE;
  }

  /** Finds or creates the node (parent, tokens[start..start+blockSize)). */
  private internNode(parent: number, tokens: readonly number[], start: number): number {
    const h = this.hashBlock(parent, tokens, start);
    const found = this.findHashed(h, parent, tokens, start);
    if (found !== NONE) return found;
    if (this.nodeFreeHead === NONE) this.growNodes(this.nodeCap * 2);
    const n = this.nodeFreeHead;
    this.nodeFreeHead = this.nodeChain[n]!;
    this.nodesUsed++;
    this.nodeParent[n] = parent;
    this.nodeHash[n] = h;
    this.nodeRefs[n] = 0;
    this.nodeFirst[n] = NONE;
    this.nodeLast[n] = NONE;
    const bs = this.blockSize;
    const base = n * bs;
    for (let j = 0; j < bs; j++) this.nodeTokens[base + j] = tokens[start + j]!;
    const bucket = h & this.bucketMask;
    this.nodeChain[n] = this.buckets[bucket]!;
    this.buckets[bucket] = n;
    if (parent !== NONE) this.nodeRefs[parent]!++;
    return n;
  }

  /** Appends block b to node's list of cached blocks (so the first cached stays first). */
  private attachBlock(node: number, b: number): void {
    const last = this.nodeLast[node]!;
    this.blkSamePrev[b] = last;
    this.blkSameNext[b] = NONE;
    if (last === NONE) this.nodeFirst[node] = b;
    else this.blkSameNext[last] = b;
    this.nodeLast[node] = b;
    this.blkNode[b] = node;
    this.nodeRefs[node]!++;
  }

  /** vLLM `_evict_cached_block`: drops b from the prefix index. */
  private evict(b: number): void {
    const node = this.blkNode[b]!;
    const p = this.blkSamePrev[b]!;
    const nx = this.blkSameNext[b]!;
    if (p === NONE) this.nodeFirst[node] = nx;
    else this.blkSameNext[p] = nx;
    if (nx === NONE) this.nodeLast[node] = p;
    else this.blkSamePrev[nx] = p;
    this.blkNode[b] = NONE;
    this.blkSamePrev[b] = NONE;
    this.blkSameNext[b] = NONE;
    this.releaseNode(node);
  }

  /** Drops one reference on a node; a node with none left is unlinked and its parent released in turn. */
  private releaseNode(node: number): void {
    let n = node;
    while (n !== NONE && --this.nodeRefs[n]! === 0) {
      const bucket = this.nodeHash[n]! & this.bucketMask;
      let cur = this.buckets[bucket]!;
      if (cur === n) {
        this.buckets[bucket] = this.nodeChain[n]!;
      } else {
        while (this.nodeChain[cur] !== n) cur = this.nodeChain[cur]!;
        this.nodeChain[cur] = this.nodeChain[n]!;
      }
      const parent = this.nodeParent[n]!;
      this.nodeChain[n] = this.nodeFreeHead;
      this.nodeFreeHead = n;
      this.nodesUsed--;
      n = parent;
    }
  }

  private growNodes(cap: number): void {
    const old = this.nodeCap;
    const grow = (a: Int32Array): Int32Array => {
      const next = new Int32Array(cap);
      next.set(a);
      return next;
    };
    this.nodeParent = grow(this.nodeParent);
    this.nodeHash = grow(this.nodeHash);
    this.nodeChain = grow(this.nodeChain);
    this.nodeRefs = grow(this.nodeRefs);
    this.nodeFirst = grow(this.nodeFirst);
    this.nodeLast = grow(this.nodeLast);
    const tokens = new Int32Array(cap * this.blockSize);
    tokens.set(this.nodeTokens);
    this.nodeTokens = tokens;
    // New nodes go on the free list, lowest id first.
    for (let n = cap - 1; n >= old; n--) {
      this.nodeChain[n] = this.nodeFreeHead;
      this.nodeFreeHead = n;
    }
    this.nodeCap = cap;
    // Rehash with load factor <= 1.
    const buckets = new Int32Array(cap).fill(NONE);
    const mask = cap - 1;
    if (old > 0) {
      // Live nodes are those not on the free list; collect them from the old buckets.
      const oldBuckets = this.buckets;
      for (let i = 0; i < oldBuckets.length; i++) {
        let n = oldBuckets[i]!;
        while (n !== NONE) {
          const next = this.nodeChain[n]!;
          const bucket = this.nodeHash[n]! & mask;
          this.nodeChain[n] = buckets[bucket]!;
          buckets[bucket] = n;
          n = next;
        }
      }
    }
    this.buckets = buckets;
    this.bucketMask = mask;
  }
}
