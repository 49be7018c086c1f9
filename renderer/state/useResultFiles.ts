// Files in and out through the host: open a saved result.json/report.html (validated by core; a bad
// file leaves the state untouched), export the report, download result.json/CSVs, export a PDF.
import { getExperiment, labOf } from '../../core/labs';
import type { LabId } from '../../core/labs';
import { parseResultFile, serializeResult, tableToCsv } from '../../core/experiments/result';
import type { Experiment, Result } from '../../core/experiments/types';
import type { BannerState } from '../components/Banner';
import type { Host } from '../host/host';
import { oneLine } from '../worker/protocol';

interface Deps {
  host: Host;
  result: Result | undefined;
  setBanner(banner: BannerState | null): void;
  showResult(result: Result, experiment: Experiment, lab: LabId): void;
}

/** A file name made of safe characters (table names come from experiments). */
function safeName(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]+/g, '-');
}

export function useResultFiles({ host, result, setBanner, showResult }: Deps) {
  const error = (what: string, e: unknown) => setBanner({ kind: 'error', text: `${what}: ${oneLine(e)}` });

  async function open() {
    let file;
    try {
      file = await host.openResult();
    } catch (e) {
      return error('Could not open the file', e);
    }
    if (!file) return;
    let loaded: Result;
    let experiment: Experiment;
    try {
      loaded = parseResultFile(file.text, file.name);
      experiment = getExperiment(loaded.experiment);
    } catch (e) {
      return setBanner({ kind: 'error', text: oneLine(e) });
    }
    showResult(loaded, experiment, labOf(experiment));
    setBanner({ kind: 'info', text: `Opened ${file.name}: ${loaded.experiment}, seed ${loaded.seed}` });
  }

  async function exportReport() {
    if (!result) return setBanner({ kind: 'info', text: 'Nothing to export yet: run an experiment first.' });
    try {
      // Loaded on first export: keeps react-dom/server out of the window's start-up bundle.
      const { reportFiles } = await import('../../report/buildReport');
      const where = await host.saveReport(reportFiles(result));
      if (where) setBanner({ kind: 'info', text: `Report saved: ${where}` });
    } catch (e) {
      error('Could not save the report', e);
    }
  }

  async function exportPdf() {
    if (!result) return setBanner({ kind: 'info', text: 'Nothing to export yet: run an experiment first.' });
    try {
      const { buildReportHtml } = await import('../../report/buildReport');
      const where = await host.exportPdf(
        `${result.experiment}-seed${result.seed}.pdf`,
        buildReportHtml(result),
      );
      if (where) setBanner({ kind: 'info', text: `PDF saved: ${where}` });
    } catch (e) {
      error('Could not export the PDF', e);
    }
  }

  function download(what: 'result.json' | { table: string }) {
    if (!result || !host.download) return;
    if (what === 'result.json')
      return host.download('result.json', serializeResult(result), 'application/json');
    const table = result.tables[what.table];
    if (table) host.download(`${safeName(what.table)}.csv`, tableToCsv(table), 'text/csv');
  }

  return { open, exportReport, exportPdf, download };
}
