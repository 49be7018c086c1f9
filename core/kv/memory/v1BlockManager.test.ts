// Tests for the vLLM V1 block-manager model: focused rules, and property tests that drive random
// scheduler-like op sequences against invariants and against a naive reference written from the rules.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { BlockManager } from './v1BlockManager';
import type { KVCacheConfig } from './v1BlockManager';

const cfg = (over: Partial<KVCacheConfig> = {}): KVCacheConfig => ({
  blockSize: 4,
  numGpuBlocks: 8,
  maxModelLen: 64,
  enableCaching: true,
  numPreallocateTokens: 0,
  ...over,
});

const range = (from: number, n: number): number[] => Array.from({ length: n }, (_, i) => from + i);

/** Arrive + lookup + allocate as vLLM's scheduler does (forcing the last block to be recomputed). */
function admit(bm: BlockManager, req: string): number[] | null {
  const hits = bm.lookup(req);
  const bs = bm.config.blockSize;
  const n = bm.tokens(req).length;
  if (hits.length * bs === n) hits.pop();
  return bm.allocate(req, hits.length * bs, n - hits.length * bs, hits);
}

describe('BlockManager: allocation and the free queue', () => {
  it('allocate(n) takes blocks from the front of the free queue', () => {
    const bm = new BlockManager(cfg());
    bm.addRequest('a', range(0, 6));
    expect(bm.allocate('a', 0, 6, [])).toEqual([0, 1]);
    expect(bm.freeQueue()).toEqual([2, 3, 4, 5, 6, 7]);
    expect(bm.blockTable('a')).toEqual([0, 1]);
    expect(bm.refCount(0)).toBe(1);
    expect(bm.numFreeBlocks).toBe(6);
    expect(bm.stats.allocatedBlocks).toBe(2);
  });

  it('allocate takes ceil(numPreallocateTokens / blockSize) extra blocks', () => {
    const bm = new BlockManager(cfg({ numPreallocateTokens: 5 }));
    bm.addRequest('a', range(0, 3));
    expect(bm.allocate('a', 0, 3, [])).toEqual([0, 1, 2]);
  });

  it('preallocation is capped by the free blocks', () => {
    const bm = new BlockManager(cfg({ numPreallocateTokens: 64 }));
    bm.addRequest('a', range(0, 3));
    expect(bm.allocate('a', 0, 3, [])).toEqual(range(0, 8));
    expect(bm.numFreeBlocks).toBe(0);
  });

  it('preallocation is capped by ceil(maxModelLen / blockSize) blocks per request', () => {
    const bm = new BlockManager(cfg({ maxModelLen: 10, numPreallocateTokens: 64 }));
    bm.addRequest('a', range(0, 3));
    expect(bm.allocate('a', 0, 3, [])).toEqual([0, 1, 2]);
  });

  it('append needs new blocks only past the table, then preallocates', () => {
    const bm = new BlockManager(cfg({ numPreallocateTokens: 4, enableCaching: false }));
    bm.addRequest('a', range(0, 4));
    expect(bm.allocate('a', 0, 4, [])).toEqual([0, 1]);
    for (let t = 4; t < 8; t++) {
      bm.appendToken('a', t);
      expect(bm.append('a', t, 1)).toEqual([]);
    }
    bm.appendToken('a', 8);
    expect(bm.append('a', 8, 1)).toEqual([2, 3]);
  });

  it('allocation fails with null and changes nothing when blocks run out', () => {
    const bm = new BlockManager(cfg({ numGpuBlocks: 3 }));
    bm.addRequest('a', range(0, 8));
    bm.addRequest('b', range(100, 8));
    expect(bm.allocate('a', 0, 8, [])).toEqual([0, 1]);
    const queue = bm.freeQueue();
    expect(bm.allocate('b', 0, 8, [])).toBeNull();
    expect(bm.freeQueue()).toEqual(queue);
    expect(bm.blockTable('b')).toEqual([]);
    expect(bm.numFreeBlocks).toBe(1);
  });

  it('append fails with null when more blocks are needed than are free', () => {
    const bm = new BlockManager(cfg({ numGpuBlocks: 1 }));
    bm.addRequest('a', range(0, 4));
    expect(bm.allocate('a', 0, 4, [])).toEqual([0]);
    bm.appendToken('a', 9);
    expect(bm.append('a', 4, 1)).toBeNull();
    expect(bm.blockTable('a')).toEqual([0]);
  });

  it('null counts cache-hit blocks that sit in the free queue as taken', () => {
    const bm = new BlockManager(cfg({ numGpuBlocks: 3 }));
    bm.addRequest('a', range(0, 9));
    expect(admit(bm, 'a')).toEqual([0, 1, 2]);
    bm.free('a', 'finish');
    // Queue: 2, 1, 0 — all three cached but free. b hits [0, 1] (both in the queue) and needs 2 more.
    bm.addRequest('b', [...range(0, 8), 50, 51, 52, 53, 54]);
    expect(bm.lookup('b')).toEqual([0, 1]);
    expect(bm.allocate('b', 8, 5, [0, 1])).toBeNull();
    expect(bm.freeQueue()).toEqual([2, 1, 0]);
    expect(bm.refCount(0)).toBe(0);
    // One more block fits: 3 free, 2 of them hits, 1 left.
    bm.addRequest('c', [...range(0, 8), 50]);
    expect(bm.allocate('c', 8, 1, [0, 1])).toEqual([2]);
    expect(bm.stats.cacheHitBlocks).toBe(2);
  });

  it('freeing with caching returns blocks tail-first', () => {
    const bm = new BlockManager(cfg());
    bm.addRequest('a', range(0, 12));
    expect(bm.allocate('a', 0, 12, [])).toEqual([0, 1, 2]);
    bm.free('a', 'finish');
    expect(bm.freeQueue()).toEqual([3, 4, 5, 6, 7, 2, 1, 0]);
  });

  it('freeing without caching returns blocks in table order', () => {
    const bm = new BlockManager(cfg({ enableCaching: false }));
    bm.addRequest('a', range(0, 12));
    expect(bm.allocate('a', 0, 12, [])).toEqual([0, 1, 2]);
    bm.free('a', 'finish');
    expect(bm.freeQueue()).toEqual([3, 4, 5, 6, 7, 0, 1, 2]);
    expect(bm.isCached(0)).toBe(false);
  });

  it('a shared block returns to the queue only when its last reference goes', () => {
    const bm = new BlockManager(cfg());
    bm.addRequest('a', range(0, 5));
    bm.addRequest('b', range(0, 5));
    expect(admit(bm, 'a')).toEqual([0, 1]);
    expect(admit(bm, 'b')).toEqual([2]);
    expect(bm.blockTable('b')).toEqual([0, 2]);
    expect(bm.refCount(0)).toBe(2);
    bm.free('a', 'finish');
    expect(bm.freeQueue()).toEqual([3, 4, 5, 6, 7, 1]);
    bm.free('b', 'finish');
    expect(bm.freeQueue()).toEqual([3, 4, 5, 6, 7, 1, 2, 0]);
  });
});

describe('BlockManager: prefix caching', () => {
  it('a cache hit on a free block removes it from the middle of the queue', () => {
    const bm = new BlockManager(cfg());
    bm.addRequest('a', range(0, 9));
    expect(admit(bm, 'a')).toEqual([0, 1, 2]);
    bm.free('a', 'finish');
    expect(bm.freeQueue()).toEqual([3, 4, 5, 6, 7, 2, 1, 0]);
    bm.addRequest('b', [...range(0, 4), 99]);
    expect(bm.lookup('b')).toEqual([0]);
    expect(bm.allocate('b', 4, 1, [0])).toEqual([3]);
    expect(bm.freeQueue()).toEqual([4, 5, 6, 7, 2, 1]);
    expect(bm.refCount(0)).toBe(1);
  });

  it('a block is cached once it is full, including blocks filled during append', () => {
    const bm = new BlockManager(cfg({ numPreallocateTokens: 8 }));
    bm.addRequest('a', range(0, 6));
    expect(bm.allocate('a', 0, 6, [])).toEqual([0, 1, 2, 3]);
    expect([0, 1, 2].map((b) => bm.isCached(b))).toEqual([true, false, false]);
    bm.appendToken('a', 6);
    bm.append('a', 6, 1);
    expect(bm.isCached(1)).toBe(false);
    bm.appendToken('a', 7);
    bm.append('a', 7, 1);
    expect(bm.isCached(1)).toBe(true);
    bm.addRequest('b', range(0, 9));
    expect(bm.lookup('b')).toEqual([0, 1]);
  });

  it('lookup walks prompt and generated tokens and stops at the first miss', () => {
    const bm = new BlockManager(cfg());
    bm.addRequest('a', range(0, 8));
    admit(bm, 'a');
    bm.addRequest('b', [0, 1, 2, 3, 9, 9, 9, 9, 8, 9, 10, 11]);
    expect(bm.lookup('b')).toEqual([0]);
    bm.addRequest('c', [0, 1, 2]);
    for (const t of [3, 4, 5, 6, 7, 8]) bm.appendToken('c', t);
    expect(bm.lookup('c')).toEqual([0, 1]);
  });

  it('the key is the whole chain: equal tokens after a different prefix do not hit', () => {
    const bm = new BlockManager(cfg());
    bm.addRequest('a', [1, 1, 1, 1, 7, 7, 7, 7, 0]);
    admit(bm, 'a');
    bm.addRequest('b', [2, 2, 2, 2, 7, 7, 7, 7, 0]);
    expect(bm.lookup('b')).toEqual([]);
  });

  it('the same content cached in several blocks: lookup returns the first cached, then the next', () => {
    const bm = new BlockManager(cfg({ numGpuBlocks: 6 }));
    bm.addRequest('a', range(0, 5));
    bm.addRequest('b', range(0, 5));
    expect(bm.allocate('a', 0, 5, [])).toEqual([0, 1]);
    expect(bm.allocate('b', 0, 5, [])).toEqual([2, 3]); // admitted without a lookup: a duplicate of block 0
    expect(bm.isCached(2)).toBe(true);
    bm.addRequest('c', range(0, 5));
    expect(bm.lookup('c')).toEqual([0]);
    bm.free('a', 'finish'); // queue: 4 5 1 0
    bm.addRequest('d', range(50, 16));
    expect(bm.allocate('d', 0, 16, [])).toEqual([4, 5, 1, 0]);
    expect(bm.stats.evictions).toBe(1);
    expect(bm.lookup('c')).toEqual([2]); // block 0 was evicted (and re-cached with d's tokens)
  });

  it('popping a cached block from the queue front evicts it from the cache', () => {
    const bm = new BlockManager(cfg({ numGpuBlocks: 2 }));
    bm.addRequest('a', range(0, 5));
    admit(bm, 'a');
    bm.free('a', 'finish'); // queue: 1 0; block 0 cached
    bm.addRequest('b', range(10, 5));
    expect(bm.allocate('b', 0, 5, [])).toEqual([1, 0]);
    expect(bm.stats.evictions).toBe(1);
    expect(bm.isCached(1)).toBe(true); // re-cached under b's first block
    bm.addRequest('c', range(0, 5));
    expect(bm.lookup('c')).toEqual([]);
  });

  it('lookup with caching disabled finds nothing', () => {
    const bm = new BlockManager(cfg({ enableCaching: false }));
    bm.addRequest('a', range(0, 8));
    admit(bm, 'a');
    bm.addRequest('b', range(0, 8));
    expect(bm.lookup('b')).toEqual([]);
    expect(() => bm.allocate('b', 4, 4, [0])).toThrow(/caching disabled/);
  });

  it('a preempted request keeps its tokens and is re-admitted via lookup + allocate', () => {
    const bm = new BlockManager(cfg({ numPreallocateTokens: 4 }));
    bm.addRequest('a', range(0, 6));
    expect(bm.allocate('a', 0, 6, [])).toEqual([0, 1, 2]);
    bm.appendToken('a', 6);
    bm.append('a', 6, 1);
    bm.appendToken('a', 7);
    bm.append('a', 7, 1);
    bm.appendToken('a', 8);
    bm.free('a', 'preempt');
    expect(bm.requests()).toEqual(['a']);
    expect(bm.blockTable('a')).toEqual([]);
    expect(bm.freeQueue()).toEqual([3, 4, 5, 6, 7, 2, 1, 0]);
    expect(bm.lookup('a')).toEqual([0, 1]);
    expect(bm.allocate('a', 8, 1, [0, 1])).toEqual([3, 4]);
    expect(bm.blockTable('a')).toEqual([0, 1, 3, 4]);
    bm.free('a', 'finish');
    expect(bm.requests()).toEqual([]);
    expect(() => bm.lookup('a')).toThrow(/unknown request/);
  });
});

describe('BlockManager: validation', () => {
  it.each([
    ['blockSize', 0],
    ['numGpuBlocks', 1.5],
    ['maxModelLen', -4],
    ['numPreallocateTokens', -1],
  ] as const)('rejects %s = %s, naming the field', (field, value) => {
    expect(() => new BlockManager(cfg({ [field]: value }))).toThrow(new RegExp(field));
  });

  it('rejects a non-boolean enableCaching', () => {
    expect(() => new BlockManager({ ...cfg(), enableCaching: 1 as unknown as boolean })).toThrow(
      /enableCaching/,
    );
  });

  it('rejects misuse: duplicate arrival, unknown request, append before allocate, bad token', () => {
    const bm = new BlockManager(cfg());
    bm.addRequest('a', [1]);
    expect(() => bm.addRequest('a', [1])).toThrow(/already exists/);
    expect(() => bm.appendToken('x', 1)).toThrow(/unknown request/);
    expect(() => bm.append('a', 0, 1)).toThrow(/holds no blocks/);
    expect(() => bm.appendToken('a', 1.5)).toThrow(/token/);
    expect(() => bm.allocate('a', 0, 0, [])).toThrow(/numTokens/);
    expect(() => bm.refCount(8)).toThrow(/no block 8/);
  });
});

// ---------------------------------------------------------------------------------------------------------
// Property tests: a naive reference written straight from the README rules (arrays, full-prefix string
// keys), compared op by op, plus structural invariants checked after every op.

class NaiveReference {
  queue: number[];
  refs: number[];
  key: (string | null)[];
  cache = new Map<string, number[]>();
  tables = new Map<string, number[]>();
  tokens = new Map<string, number[]>();
  constructor(readonly c: KVCacheConfig) {
    this.queue = range(0, c.numGpuBlocks);
    this.refs = this.queue.map(() => 0);
    this.key = this.queue.map(() => null);
  }
  prefixKey(tokens: number[], i: number): string {
    return tokens.slice(0, (i + 1) * this.c.blockSize).join(',');
  }
  lookup(req: string): number[] {
    if (!this.c.enableCaching) return [];
    const t = this.tokens.get(req)!;
    const out: number[] = [];
    for (let i = 0; i < Math.floor(t.length / this.c.blockSize); i++) {
      const list = this.cache.get(this.prefixKey(t, i));
      if (!list || list.length === 0) break;
      out.push(list[0]!);
    }
    return out;
  }
  take(n: number, table: number[]): number[] {
    const out = this.queue.splice(0, n);
    for (const b of out) {
      const k = this.key[b];
      if (k != null) {
        const list = this.cache.get(k)!;
        list.splice(list.indexOf(b), 1);
        this.key[b] = null;
      }
      this.refs[b] = 1;
      table.push(b);
    }
    return out;
  }
  cacheFull(req: string, from: number, to: number): void {
    if (!this.c.enableCaching) return;
    const table = this.tables.get(req)!;
    const t = this.tokens.get(req)!;
    for (let i = from; i < Math.min(to, table.length); i++) {
      const b = table[i]!;
      if (this.key[b] != null) continue;
      const k = this.prefixKey(t, i);
      this.key[b] = k;
      if (!this.cache.has(k)) this.cache.set(k, []);
      this.cache.get(k)!.push(b);
    }
  }
  maxPerReq(): number {
    return Math.ceil(this.c.maxModelLen / this.c.blockSize);
  }
  pre(): number {
    return Math.ceil(this.c.numPreallocateTokens / this.c.blockSize);
  }
  allocate(req: string, nt: number, hits: number[]): number[] | null {
    const bs = this.c.blockSize;
    const need = Math.ceil(nt / bs);
    const inQueue = hits.filter((b) => this.refs[b] === 0).length;
    if (need > this.queue.length - inQueue) return null;
    for (const b of hits) {
      if (this.refs[b] === 0) this.queue.splice(this.queue.indexOf(b), 1);
      this.refs[b]!++;
    }
    const table = [...hits];
    const n = Math.min(need + this.pre(), this.queue.length, this.maxPerReq() - hits.length);
    const out = this.take(n, table);
    this.tables.set(req, table);
    this.cacheFull(req, hits.length, Math.floor((hits.length * bs + nt) / bs));
    return out;
  }
  append(req: string, nc: number, nt: number): number[] | null {
    const bs = this.c.blockSize;
    const table = this.tables.get(req)!;
    const missing = Math.ceil((nc + nt) / bs) - table.length;
    let out: number[] = [];
    if (missing > 0) {
      if (missing > this.queue.length) return null;
      out = this.take(
        Math.min(missing + this.pre(), this.queue.length, this.maxPerReq() - table.length),
        table,
      );
    }
    this.cacheFull(req, Math.floor(nc / bs), Math.floor((nc + nt) / bs));
    return out;
  }
  free(req: string, reason: 'finish' | 'preempt'): void {
    const table = this.tables.get(req) ?? [];
    const order = this.c.enableCaching ? [...table].reverse() : table;
    for (const b of order) if (--this.refs[b]! === 0) this.queue.push(b);
    this.tables.delete(req);
    if (reason === 'finish') this.tokens.delete(req);
  }
}

const configArb = fc.record({
  blockSize: fc.integer({ min: 1, max: 4 }),
  numGpuBlocks: fc.integer({ min: 1, max: 20 }),
  maxModelLen: fc.integer({ min: 4, max: 40 }),
  enableCaching: fc.boolean(),
  numPreallocateTokens: fc.integer({ min: 0, max: 9 }),
});

const opArb = fc.record({
  kind: fc.constantFrom(
    'arrive',
    'arrive',
    'admit',
    'admit',
    'step',
    'step',
    'step',
    'step',
    'finish',
    'preempt',
  ),
  pick: fc.nat(),
  token: fc.integer({ min: 0, max: 2 }),
  // Shared system prompts plus a short random tail over a 2-token alphabet, so prefixes collide often.
  prompt: fc
    .tuple(
      fc.constantFrom([], [0, 0, 0, 0, 1, 1, 1, 1], [0, 0, 0, 0, 1, 1, 2, 2, 2, 2], [2, 1, 2, 1, 2, 1]),
      fc.array(fc.integer({ min: 0, max: 1 }), { maxLength: 8, size: 'max' }),
    )
    .map(([prefix, tail]) => (prefix.length + tail.length === 0 ? [0] : [...prefix, ...tail])),
});

function check(ok: boolean, what: string): void {
  if (!ok) throw new Error(`invariant broken: ${what}`);
}

/** Plain checks (not expect) so that thousands of runs stay fast. */
function checkInvariants(bm: BlockManager, c: KVCacheConfig): void {
  const n = c.numGpuBlocks;
  const queue = bm.freeQueue();
  check(queue.length === bm.numFreeBlocks, 'free-queue length equals numFreeBlocks');
  const inQueue = new Uint8Array(n);
  for (const b of queue) {
    check(inQueue[b] === 0, `block ${b} appears twice in the free queue`);
    inQueue[b] = 1;
  }
  const counted = new Array<number>(n).fill(0);
  const maxPerReq = Math.ceil(c.maxModelLen / c.blockSize);
  for (const req of bm.requests()) {
    const table = bm.blockTable(req);
    check(table.length <= maxPerReq, `${req}'s table exceeds ceil(maxModelLen / blockSize)`);
    check(new Set(table).size === table.length, `${req}'s table holds a block twice`);
    for (const b of table) counted[b]!++;
  }
  let used = 0;
  for (let b = 0; b < n; b++) {
    const rc = bm.refCount(b);
    check(rc === counted[b], `refCount(${b}) = ${rc} but ${counted[b]} table entries point at it`);
    // Partition: a block is either free (in the queue, refcount 0) or owned (refcount > 0), never both.
    check((inQueue[b] === 1) === (rc === 0), `block ${b} is in the queue iff its refcount is 0`);
    if (rc > 0) used++;
    if (!c.enableCaching) check(!bm.isCached(b), `block ${b} cached with caching disabled`);
  }
  check(bm.numFreeBlocks + used === n, 'numFreeBlocks + used = numGpuBlocks');
}

function same(a: readonly number[] | null, b: readonly number[] | null, what: string): void {
  check(
    JSON.stringify(a) === JSON.stringify(b),
    `${what}: model ${JSON.stringify(a)} vs reference ${JSON.stringify(b)}`,
  );
}

interface Coverage {
  hits: number;
  evictions: number;
  nulls: number;
  preempts: number;
}

/** Drives one random scheduler-like sequence, comparing with the reference and checking invariants. */
function drive(
  c: KVCacheConfig,
  ops: { kind: string; pick: number; token: number; prompt: number[] }[],
): Coverage {
  const seen = { nulls: 0, preempts: 0 };
  const bm = new BlockManager(c);
  const ref = new NaiveReference(c);
  const bs = c.blockSize;
  let nextId = 0;
  const waiting: string[] = [];
  const running: string[] = [];
  const pickFrom = (list: string[], k: number): string | undefined =>
    list.length === 0 ? undefined : list.splice(k % list.length, 1)[0];
  for (const op of ops) {
    switch (op.kind) {
      case 'arrive': {
        const id = `r${nextId++}`;
        const prompt = op.prompt.slice(0, c.maxModelLen);
        bm.addRequest(id, prompt);
        ref.tokens.set(id, [...prompt]);
        waiting.push(id);
        break;
      }
      case 'admit': {
        const id = pickFrom(waiting, op.pick);
        if (id === undefined) break;
        const hits = bm.lookup(id);
        same(hits, ref.lookup(id), `lookup ${id}`);
        for (const b of hits) check(bm.isCached(b), `lookup hit ${b} is cached`);
        const len = bm.tokens(id).length;
        if (hits.length * bs === len) hits.pop();
        const nc = hits.length * bs;
        const got = bm.allocate(id, nc, len - nc, hits);
        same(got, ref.allocate(id, len - nc, hits), `allocate ${id}`);
        if (got === null) seen.nulls++;
        (got === null ? waiting : running).push(id);
        break;
      }
      case 'step': {
        const id = running[op.pick % Math.max(1, running.length)];
        if (id === undefined) break;
        const len = bm.tokens(id).length;
        if (len >= c.maxModelLen) {
          running.splice(running.indexOf(id), 1);
          bm.free(id, 'finish');
          ref.free(id, 'finish');
          break;
        }
        bm.appendToken(id, op.token);
        ref.tokens.get(id)!.push(op.token);
        const got = bm.append(id, len, 1);
        same(got, ref.append(id, len, 1), `append ${id}`);
        if (got === null) {
          seen.nulls++;
          seen.preempts++;
          // Like vLLM's scheduler: preempt the request that could not grow.
          running.splice(running.indexOf(id), 1);
          bm.free(id, 'preempt');
          ref.free(id, 'preempt');
          waiting.push(id);
        }
        break;
      }
      case 'finish': {
        const fromRunning = op.pick % 2 === 0;
        const id = pickFrom(fromRunning ? running : waiting, op.pick >> 1);
        if (id === undefined) break;
        bm.free(id, 'finish');
        ref.free(id, 'finish');
        break;
      }
      case 'preempt': {
        const id = pickFrom(running, op.pick);
        if (id === undefined) break;
        bm.free(id, 'preempt');
        ref.free(id, 'preempt');
        waiting.push(id);
        seen.preempts++;
        break;
      }
    }
    checkInvariants(bm, c);
    same(bm.freeQueue(), ref.queue, 'free queue');
  }
  return { hits: bm.stats.cacheHitBlocks, evictions: bm.stats.evictions, ...seen };
}

describe('BlockManager: properties over random op sequences', () => {
  it('never loses or double-owns a block, and agrees with a naive reference op by op', () => {
    fc.assert(
      fc.property(
        configArb,
        fc.array(opArb, { maxLength: 120, size: 'max' }),
        (c, ops) => void drive(c, ops),
      ),
      { numRuns: 1000 },
    );
  });

  it('holds the invariants with caching on and small blocks under heavy sharing', () => {
    const shared = configArb.map((c) => ({ ...c, enableCaching: true, blockSize: Math.min(c.blockSize, 2) }));
    fc.assert(
      fc.property(
        shared,
        fc.array(opArb, { minLength: 50, maxLength: 150, size: 'max' }),
        (c, ops) => void drive(c, ops),
      ),
      { numRuns: 400 },
    );
  });

  it('the random sequences exercise hits, evictions, null allocations and preemptions', () => {
    const total: Coverage = { hits: 0, evictions: 0, nulls: 0, preempts: 0 };
    const runs = fc.sample(fc.tuple(configArb, fc.array(opArb, { maxLength: 120, size: 'max' })), {
      seed: 7,
      numRuns: 200,
    });
    for (const [c, ops] of runs) {
      const got = drive(c, ops);
      for (const k of Object.keys(total) as (keyof Coverage)[]) total[k] += got[k];
    }
    for (const k of Object.keys(total) as (keyof Coverage)[]) expect(total[k], k).toBeGreaterThan(50);
  });

  it('is deterministic: the same ops give the same free queue and stats', () => {
    fc.assert(
      fc.property(configArb, fc.array(opArb, { maxLength: 60 }), (c, ops) => {
        const run = (): unknown => {
          const bm = new BlockManager(c);
          let id = 0;
          for (const op of ops) {
            const r = `r${id++}`;
            bm.addRequest(r, op.prompt.slice(0, c.maxModelLen));
            if (admit(bm, r) !== null && op.pick % 3 === 0) bm.free(r, 'finish');
          }
          return { q: bm.freeQueue(), s: { ...bm.stats } };
        };
        expect(run()).toEqual(run());
      }),
      { numRuns: 50 },
    );
  });
});
