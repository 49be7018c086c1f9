// The pod scheduler's wait queue: jobs in Borg-like order (priority, then arrival, then id), read and
// removed near the front, appended at the back. One lane per priority, each an array with a moving head,
// so that taking a job from the first few places and appending a new arrival cost O(1) amortised instead
// of shifting the whole queue (an overloaded pod keeps tens of thousands of jobs waiting).

export interface Queued {
  job: { id: number; arrivalH: number; priority: 0 | 1 };
}

function before(a: Queued, b: Queued): number {
  return a.job.arrivalH - b.job.arrivalH || a.job.id - b.job.id;
}

class Lane<T extends Queued> {
  items: (T | undefined)[] = [];
  head = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  at(i: number): T {
    return this.items[this.head + i]!;
  }

  insert(r: T): void {
    const n = this.items.length;
    if (n === this.head || before(this.items[n - 1]!, r) < 0) {
      this.items.push(r);
      return;
    }
    let lo = this.head;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (before(this.items[mid]!, r) < 0) lo = mid + 1;
      else hi = mid;
    }
    this.items.splice(lo, 0, r);
  }

  /** Remove the i-th item: the ones ahead of it move back one place (i is small: the scheduler's window). */
  removeAt(i: number): void {
    for (let k = this.head + i; k > this.head; k--) this.items[k] = this.items[k - 1];
    this.items[this.head] = undefined;
    this.head++;
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
  }
}

/** Ordered by (priority, arrival, id); `at(i)` / `removeAt(i)` index the whole order, priority 0 first. */
export class WaitQueue<T extends Queued> {
  private readonly lanes = [new Lane<T>(), new Lane<T>()];

  get length(): number {
    return this.lanes[0]!.length + this.lanes[1]!.length;
  }

  at(i: number): T {
    const l0 = this.lanes[0]!;
    return i < l0.length ? l0.at(i) : this.lanes[1]!.at(i - l0.length);
  }

  insert(r: T): void {
    this.lanes[r.job.priority]!.insert(r);
  }

  removeAt(i: number): void {
    const l0 = this.lanes[0]!;
    if (i < l0.length) l0.removeAt(i);
    else this.lanes[1]!.removeAt(i - l0.length);
  }

  toArray(): T[] {
    const out: T[] = [];
    for (const lane of this.lanes) for (let i = 0; i < lane.length; i++) out.push(lane.at(i));
    return out;
  }
}
