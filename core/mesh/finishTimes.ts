// Exact outstanding-request counts for servers whose requests cost different amounts of work (the RPC
// workload): per server, the finish times of its queued requests. A server's queue is FIFO with
// deterministic drain, so finish times arrive in increasing order and each server's list is a ring buffer.

/** Per server, the finish times of the requests it holds, oldest first. */
export class FinishTimes {
  private bufs: Float64Array[];
  private readonly head: Int32Array;
  private readonly len: Int32Array;
  /** Requests that finished (were drained) so far, over all servers. */
  done = 0;

  constructor(servers: number) {
    this.bufs = Array.from({ length: servers }, () => new Float64Array(8));
    this.head = new Int32Array(servers);
    this.len = new Int32Array(servers);
  }

  /** Server s's requests still outstanding at t (those finished by t are dropped and counted as done). */
  outstanding(s: number, t: number): number {
    const buf = this.bufs[s]!;
    const mask = buf.length - 1;
    let h = this.head[s]!;
    let n = this.len[s]!;
    while (n > 0 && buf[h]! <= t) {
      h = (h + 1) & mask;
      n--;
    }
    this.done += this.len[s]! - n;
    this.head[s] = h;
    this.len[s] = n;
    return n;
  }

  /** A request joins server s, finishing at `finish` (no earlier than the ones it holds). */
  push(s: number, finish: number): void {
    let buf = this.bufs[s]!;
    const n = this.len[s]!;
    if (n === buf.length) buf = this.grow(s);
    buf[(this.head[s]! + n) & (buf.length - 1)] = finish;
    this.len[s] = n + 1;
  }

  /** Server s fails: its outstanding requests are lost; returns how many. */
  clear(s: number): number {
    const n = this.len[s]!;
    this.len[s] = 0;
    this.head[s] = 0;
    return n;
  }

  private grow(s: number): Float64Array {
    const old = this.bufs[s]!;
    const h = this.head[s]!;
    const next = new Float64Array(old.length * 2);
    next.set(old.subarray(h));
    next.set(old.subarray(0, h), old.length - h);
    this.bufs[s] = next;
    this.head[s] = 0;
    return next;
  }
}
