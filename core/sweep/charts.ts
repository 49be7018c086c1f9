// A sweep's charts: each chosen metric over the first grid axis (lines when its values are numbers, bars
// otherwise), one series per value of the second axis, averaged over seeds and any further axes; the
// published value, where every run compared the metric with the same one, as a flat reference series.
import type { BarChart, ChartSpec, LineChart } from '../experiments/types';
import { formatParam } from '../experiments/params';
import type { SweepDoc, SweepRun } from './sweep';

/**
 * The metrics a sweep report charts by default, up to four: those that vary over the runs, compared ones
 * first (a metric the grid does not move says nothing as a curve); all of them when none varies.
 */
export function defaultSweepMetrics(doc: SweepDoc): string[] {
  const names = [...new Set(doc.runs.flatMap((r) => Object.keys(r.metrics)))];
  const varies = (m: string) => new Set(doc.runs.map((r) => r.metrics[m])).size > 1;
  const compared = Object.keys(doc.published ?? {});
  const order = [...compared.filter(varies), ...names.filter((m) => varies(m) && !compared.includes(m))];
  return (order.length ? order : names).slice(0, 4);
}

/** A y range around the values with 10% room (a flat metric gets room of its own, not a 0..1e-9 axis). */
function yRange(values: readonly number[]): { min: number; max: number } {
  const finite = values.filter(Number.isFinite);
  const lo = Math.min(...finite);
  const hi = Math.max(...finite);
  if (!finite.length) return { min: 0, max: 1 };
  const pad = hi > lo ? (hi - lo) * 0.1 : Math.max(Math.abs(hi) * 0.1, 1e-3);
  return { min: lo - pad, max: hi + pad };
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

export function sweepCharts(doc: SweepDoc, metrics: readonly string[]): ChartSpec[] {
  const [xAxis, seriesAxis] = doc.grid;
  if (!xAxis) return [];
  const valueOf = (r: SweepRun, name: string) => formatParam(r.params[name]!);
  const numeric = xAxis.values.every((v) => v !== '' && Number.isFinite(Number(v)));
  const groups = seriesAxis ? seriesAxis.values : [''];
  return metrics.map((metric) => {
    const at = (x: string, g: string) =>
      mean(
        doc.runs
          .filter((r) => valueOf(r, xAxis.name) === x && (!seriesAxis || valueOf(r, seriesAxis.name) === g))
          .map((r) => r.metrics[metric])
          .filter((v): v is number => v !== undefined),
      );
    const name = (g: string) => (seriesAxis ? `${seriesAxis.name}=${g}` : `mean of ${doc.seeds} seed(s)`);
    const published = doc.published?.[metric];
    const title = `${metric} over ${xAxis.name}${seriesAxis ? ` and ${seriesAxis.name}` : ''}`;
    if (numeric) {
      const xs = xAxis.values.map(Number);
      const chart: LineChart = {
        kind: 'line',
        title,
        x: { label: xAxis.name },
        y: {
          label: metric,
          ...yRange([
            ...xAxis.values.flatMap((x) => groups.map((g) => at(x, g))),
            ...(published ? [published.value] : []),
          ]),
        },
        series: groups.map((g) => ({
          name: name(g),
          points: xAxis.values
            .map((x, i) => [xs[i]!, at(x, g)] as [number, number])
            .filter((p) => Number.isFinite(p[1])),
        })),
      };
      if (published)
        chart.series.push({
          name: 'published',
          points: [
            [Math.min(...xs), published.value],
            [Math.max(...xs), published.value],
          ],
        });
      return chart;
    }
    const bar: BarChart = {
      kind: 'bar',
      title,
      y: { label: metric },
      stacked: false,
      categories: xAxis.values,
      segments: groups.map((g) => ({ name: name(g), values: xAxis.values.map((x) => at(x, g)) })),
    };
    if (published)
      bar.segments.push({
        name: 'published',
        values: xAxis.values.map(() => published.value),
      });
    return bar;
  });
}
