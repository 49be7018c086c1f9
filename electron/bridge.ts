// The one typed object the preload exposes as `window.lab` (and the renderer's web host mimics).
// Channel names follow `lab:<noun>:<verb>`. The renderer imports only these *types*.

import type { ReportFiles } from '../core/experiments/result';

export type { ReportFiles };

export type SaveOutcome = { saved: true; path: string } | { saved: false; error?: string };

export interface OpenedFile {
  name: string;
  text: string;
}

/** A PDF to export: the report's self-contained HTML, printed by main in a hidden, script-less window. */
export interface PdfRequest {
  suggestedName: string;
  html: string;
}

/** Commands the app menu sends to the renderer (which owns the current result). */
export type MenuCommand = 'open-result' | 'save-report' | 'export-pdf' | 'about';

export interface LabBridge {
  readonly version: string;
  /** Ask for a new folder and write the report files into it; never overwrites an existing folder. */
  saveReport(report: ReportFiles): Promise<SaveOutcome>;
  /** Show an open dialog for result.json / report.html and return its text, or null if cancelled. */
  openResult(): Promise<OpenedFile | null>;
  /** printToPDF of the result's report (not the dark app window), saved where the user chooses. */
  exportPdf(request: PdfRequest): Promise<SaveOutcome>;
  /** Subscribe to menu commands; returns the unsubscribe function. */
  onMenu(listener: (command: MenuCommand) => void): () => void;
}

export const CHANNELS = {
  saveReport: 'lab:report:save',
  openResult: 'lab:result:open',
  exportPdf: 'lab:pdf:export',
  menu: 'lab:menu:command',
} as const;

declare global {
  interface Window {
    /** Present only inside the Electron app. */
    lab?: LabBridge;
  }
}
