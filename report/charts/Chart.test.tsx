// The chart renders to static markup (as in report.html) for results far larger than the paper's: a
// 200,000-point series and a 5,000-category bar chart draw without overflowing the call stack.
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { Chart } from './Chart';

describe('Chart', () => {
  it('draws a 200,000-point series thinned, saying so', () => {
    const points = Array.from({ length: 200_000 }, (_, i): [number, number] => [i, Math.sin(i / 1000)]);
    const svg = renderToStaticMarkup(
      <Chart
        spec={{
          kind: 'line',
          title: 'big',
          x: { label: 'i' },
          y: { label: 'v' },
          series: [{ name: 's', points }],
        }}
      />,
    );
    expect(svg).toMatch(/every k-th point drawn/);
    expect((svg.match(/<circle/g) ?? []).length).toBeLessThanOrEqual(1000);
  });

  it('draws a 5,000-category bar chart with thinned, turned labels', () => {
    const categories = Array.from({ length: 5000 }, (_, i) => `row ${i}`);
    const svg = renderToStaticMarkup(
      <Chart
        spec={{
          kind: 'bar',
          title: 'many',
          y: { label: 'n' },
          stacked: false,
          categories,
          segments: [{ name: 'n', values: categories.map((_, i) => i) }],
        }}
      />,
    );
    expect(svg).toMatch(/rotate\(-40\)/);
    expect((svg.match(/>row \d+</g) ?? []).length).toBeLessThan(100);
  });

  it('cuts a title or a y label longer than its room with "…", the whole text in its tooltip', () => {
    const title = 'A title far longer than any chart of 300 pixels could ever hold on one line of text';
    const yLabel = 'requests answered in time per second, over the whole run';
    const svg = renderToStaticMarkup(
      <Chart
        width={300}
        height={200}
        spec={{
          kind: 'line',
          title,
          x: { label: 's' },
          y: { label: yLabel },
          series: [
            {
              name: 'a',
              points: [
                [0, 1],
                [1, 2],
              ],
            },
          ],
        }}
      />,
    );
    expect(svg).toContain(`<title>${title}</title>`);
    expect(svg).toContain(`<title>${yLabel}</title>`);
    expect(svg).not.toContain(`>${title}<title>`);
    expect(svg).toMatch(/>requests answered[^<]*…<title>/);
  });
});
