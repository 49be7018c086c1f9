// Where the renderer lives: the Electron app (window.lab: dialogs, files, menu) or a plain browser
// tab (downloads, a file input, print, keyboard shortcuts). Everything else is the same code.
import type { LabBridge, MenuCommand, ReportFiles, SaveOutcome } from '../../electron/bridge';

export interface OpenedResultFile {
  name: string;
  text: string;
}

export interface Host {
  kind: 'electron' | 'web';
  /** Save the report; resolves with where it went (a path or a file name), or null if the user cancelled. */
  saveReport(files: ReportFiles): Promise<string | null>;
  /** Let the user pick a result.json or report.html; null if they cancelled. */
  openResult(): Promise<OpenedResultFile | null>;
  /** Export a report's HTML as PDF (the browser's print dialog on the web); resolves with the saved path if known. */
  exportPdf(name: string, html: string): Promise<string | null>;
  /** Menu commands (Electron menu or the page's keyboard shortcuts); returns the unsubscribe function. */
  onMenu(cb: (command: MenuCommand) => void): () => void;
  /** Offer one file as a download (web host only; the Electron app saves whole reports). */
  download?(name: string, text: string, mime: string): void;
}

function savedPath(outcome: SaveOutcome): string | null {
  if (outcome.saved) return outcome.path;
  if (outcome.error) throw new Error(outcome.error);
  return null;
}

export function electronHost(lab: LabBridge): Host {
  return {
    kind: 'electron',
    saveReport: async (files) => savedPath(await lab.saveReport(files)),
    openResult: () => lab.openResult(),
    exportPdf: async (name, html) => savedPath(await lab.exportPdf({ suggestedName: name, html })),
    onMenu: (cb) => lab.onMenu(cb),
  };
}

function downloadText(name: string, text: string, mime: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: mime }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.style.display = 'none';
  document.body.append(a);
  a.click();
  a.remove();
  // Revoke after the browser has started the download.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Pick a file through a hidden <input type="file">; resolves null when the picker is dismissed. */
function pickFile(): Promise<OpenedResultFile | null> {
  return new Promise((resolve, reject) => {
    const input = document.createElement('input');
    input.type = 'file';
    input.accept = '.json,.html,application/json,text/html';
    input.style.display = 'none';
    input.dataset.testid = 'open-result-input';
    const done = () => input.remove();
    input.addEventListener('cancel', () => {
      done();
      resolve(null);
    });
    input.addEventListener('change', () => {
      const file = input.files?.[0];
      done();
      if (!file) return resolve(null);
      file.text().then((text) => resolve({ name: file.name, text }), reject);
    });
    document.body.append(input);
    input.click();
  });
}

const SHORTCUTS: Readonly<Record<string, MenuCommand>> = {
  o: 'open-result',
  s: 'save-report',
  p: 'export-pdf',
};

export function webHost(): Host {
  return {
    kind: 'web',
    saveReport: async (files) => {
      const html = files.files['report.html'];
      if (html === undefined) throw new Error('the report has no report.html');
      downloadText('report.html', html, 'text/html');
      return 'report.html (downloaded)';
    },
    openResult: pickFile,
    exportPdf: async (_name, html) => {
      // Print the report, not the app: a hidden same-origin frame holding the self-contained report.
      const frame = document.createElement('iframe');
      frame.style.cssText = 'position:fixed;width:0;height:0;border:0;visibility:hidden';
      frame.srcdoc = html;
      document.body.append(frame);
      await new Promise((resolve) => frame.addEventListener('load', resolve, { once: true }));
      frame.contentWindow?.print();
      setTimeout(() => frame.remove(), 60_000);
      return null;
    },
    onMenu: (cb) => {
      const onKey = (event: KeyboardEvent) => {
        if (!(event.ctrlKey || event.metaKey) || event.altKey || event.shiftKey) return;
        const command = SHORTCUTS[event.key.toLowerCase()];
        if (!command) return;
        event.preventDefault();
        cb(command);
      };
      window.addEventListener('keydown', onKey);
      return () => window.removeEventListener('keydown', onKey);
    },
    download: downloadText,
  };
}

export function pickHost(): Host {
  return window.lab ? electronHost(window.lab) : webHost();
}
