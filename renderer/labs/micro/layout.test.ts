import { describe, expect, it } from 'vitest';
import type { MicroViewModel } from '../../../core/micro/view';
import { layoutGraph } from './layout';

/** A chain of `n` services, one per call depth. */
function chain(n: number): MicroViewModel {
  return {
    nodes: Array.from({ length: n }, (_, i) => ({ name: `s${i}`, kind: 'service', depth: i, where: 'p' })),
    edges: Array.from({ length: n - 1 }, (_, i) => ({ from: i, to: i + 1, rate: 1, remote: true })),
  } as unknown as MicroViewModel;
}

describe('the service graph layout', () => {
  it('keeps every box inside its column with a positive width, however deep the graph', () => {
    for (const n of [1, 3, 20, 60, 400]) {
      const width = 600;
      const { boxes } = layoutGraph(chain(n), width, 300);
      const colW = width / n;
      boxes.forEach((b, i) => {
        expect(b.w).toBeGreaterThan(0);
        expect(b.w).toBeLessThanOrEqual(150);
        expect(b.x).toBeGreaterThanOrEqual(i * colW - 1e-9);
        expect(b.x + b.w).toBeLessThanOrEqual((i + 1) * colW + 1e-9);
      });
    }
  });
});
