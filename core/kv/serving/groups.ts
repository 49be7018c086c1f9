// Sequence groups as the serving scheduler tracks them (§4.5: a request's sequences are scheduled, preempted
// and swapped together), the states a group moves through, and the FCFS queue waiting groups stand in.
import type { Request } from '../workloads';

/**
 * A group's place in the scheduler: waiting → running → done; a running group is preempted back to waiting
 * (recompute) or to swapped (§4.5), and a group that can never fit is rejected.
 */
export type GroupState = 'waiting' | 'running' | 'swapped' | 'done' | 'rejected';

export interface Group {
  id: number;
  req: Request;
  /** Sequences after the prompt: n samples or k beams. */
  width: number;
  state: GroupState;
  /** Output tokens generated so far (the same for every sequence of the group). */
  generated: number;
  /** Block-manager slots (vllm), sample indices (vllm-v1) or chunk starts (orca) of the group's sequences. */
  seqs: number[];
  /** Orca: token slots reserved per sequence. */
  reserved: number;
  firstTokenS: number;
  finishS: number;
  preemptions: number;
  /** Beam scores (cumulative log-probabilities), one per beam. */
  scores: Float64Array | null;
}

/** One waiting group per request, in arrival order (the id is the request's index). */
export function newGroups(requests: readonly Request[], width: number, beam: boolean): Group[] {
  return requests.map((req, id) => ({
    id,
    req,
    width,
    state: 'waiting',
    generated: 0,
    seqs: [],
    reserved: 0,
    firstTokenS: -1,
    finishS: -1,
    preemptions: 0,
    scores: beam ? new Float64Array(width) : null,
  }));
}

/** Tokens a group's prompt holds now: the input plus what it generated (recomputed after a preemption). */
export function promptLen(g: Group): number {
  return g.req.inputLen + g.generated;
}

/** Inserts `g` into `list`, kept sorted by id (arrival order). */
export function insertById(list: Group[], g: Group): void {
  let i = list.length;
  while (i > 0 && list[i - 1]!.id > g.id) i--;
  list.splice(i, 0, g);
}

/** FCFS waiting queue with O(1) push, shift and put-back-at-front (for preempted groups). */
export class GroupQueue {
  private readonly items: Group[] = [];
  private head = 0;
  /** Preempted groups, frontmost last. */
  private readonly front: Group[] = [];

  get length(): number {
    return this.front.length + this.items.length - this.head;
  }

  peek(): Group | undefined {
    return this.front.length > 0 ? this.front[this.front.length - 1] : this.items[this.head];
  }

  shift(): void {
    if (this.front.length > 0) this.front.pop();
    else if (this.head < this.items.length) this.head++;
    if (this.head > 4096 && this.head * 2 > this.items.length) {
      this.items.splice(0, this.head);
      this.head = 0;
    }
  }

  push(g: Group): void {
    this.items.push(g);
  }

  unshift(g: Group): void {
    this.front.push(g);
  }
}
