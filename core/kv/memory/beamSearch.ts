// Beam search over the paper's block manager (§4.4, Fig. 9): every beam proposes k candidates, the best k of
// all k² survive; children of one parent fork its blocks and beams left without a child free theirs.
import type { Rng } from '../../kernel/rng';
import type { Group } from '../serving/groups';
import type { PagedBlockManager } from './pagedBlockManager';

/** The scratch of one beam step, allocated once per run (nothing is allocated per step). */
export class BeamSearch {
  private readonly candScore: Float64Array;
  private readonly candParent: Int32Array;
  private readonly order: Int32Array;
  private readonly usedParent: Uint8Array;
  private readonly nextSeqs: Int32Array;
  private readonly newScores: Float64Array;

  constructor(
    width: number,
    private readonly rng: Rng,
  ) {
    const cands = Math.max(1, width * width);
    this.candScore = new Float64Array(cands);
    this.candParent = new Int32Array(cands);
    this.order = new Int32Array(cands);
    this.usedParent = new Uint8Array(width);
    this.nextSeqs = new Int32Array(width);
    this.newScores = new Float64Array(width);
  }

  /** One decode step of a beam group: re-select its k beams (forking and freeing their block tables). */
  step(g: Group, blocks: PagedBlockManager): void {
    const c = this.proposeCandidates(g);
    this.selectTop(g.width, c);
    this.reseat(g, blocks);
  }

  /** Log-probabilities of each beam's top-k next tokens: cumulative sums of exponential gaps (a sorted draw). */
  private proposeCandidates(g: Group): number {
    const k = g.width;
    const scores = g.scores!;
    const r = this.rng;
    let c = 0;
    for (let j = 0; j < k; j++) {
      let lp = 0;
      for (let i = 0; i < k; i++) {
        lp -= -Math.log(1 - r.float());
        this.candScore[c] = scores[j]! + lp;
        this.candParent[c] = j;
        c++;
      }
    }
    return c;
  }

  /** Partial selection sort for the top k of the k² candidates. */
  private selectTop(k: number, c: number): void {
    const { order, candScore } = this;
    for (let i = 0; i < c; i++) order[i] = i;
    for (let i = 0; i < k; i++) {
      let best = i;
      for (let m = i + 1; m < c; m++) if (candScore[order[m]!]! > candScore[order[best]!]!) best = m;
      const t = order[i]!;
      order[i] = order[best]!;
      order[best] = t;
    }
  }

  /** Children of the same parent fork from it; beams with no child are freed (their blocks return, §4.4). */
  private reseat(g: Group, b: PagedBlockManager): void {
    const k = g.width;
    const scores = g.scores!;
    const { order, candParent, candScore, usedParent, nextSeqs, newScores } = this;
    const old = g.seqs;
    for (let i = 0; i < k; i++) usedParent[i] = 0;
    for (let i = 0; i < k; i++) {
      const p = candParent[order[i]!]!;
      newScores[i] = candScore[order[i]!]!;
      if (!usedParent[p]) {
        usedParent[p] = 1;
        nextSeqs[i] = old[p]!;
      } else nextSeqs[i] = b.fork(old[p]!);
    }
    for (let j = 0; j < k; j++) if (!usedParent[j]) b.free(old[j]!);
    const top = newScores[0]!;
    for (let i = 0; i < k; i++) {
      old[i] = nextSeqs[i]!;
      scores[i] = newScores[i]! - top;
    }
  }
}
