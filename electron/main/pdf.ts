// PDF export: the report's self-contained HTML goes to a private temp file (no data: URL, so no 2 MB
// limit), is loaded in a hidden, guarded, script-less window on its own session, printed, and deleted.
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BrowserWindowConstructorOptions } from 'electron';
import type { PermissionSession } from './security';
import { denyAllPermissions } from './security';
import type { GuardedContents } from './window';
import { guardWebContents } from './window';

/** In-memory session (no `persist:`) used only by the PDF window: no cookies or cache shared with the app. */
export const PDF_PARTITION = 'lab-pdf';
/** mkdtemp prefix of the private folder holding one report while it prints. */
export const PDF_TEMP_PREFIX = 'hyperscale-lab-pdf-';
const REPORT_FILE = 'report.html';
/** Loading plus printing a 50 MB report takes seconds; a window that never finishes is given up. */
export const PDF_TIMEOUT_MS = 120_000;

/**
 * The hidden window's options: sandboxed, isolated, no Node, no preload, no DevTools, and JavaScript off
 * (reports are static HTML + SVG; their embedded result is a `type="application/json"` script, never run).
 */
export function pdfWindowOptions(): BrowserWindowConstructorOptions {
  return {
    show: false,
    webPreferences: {
      partition: PDF_PARTITION,
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      javascript: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      devTools: false,
    },
  };
}

/** The slice of Electron's BrowserWindow the PDF path uses. */
export interface PdfWindowPort {
  readonly webContents: GuardedContents & {
    printToPDF(options: { printBackground: boolean }): Promise<Uint8Array>;
  };
  loadFile(path: string): Promise<void>;
  destroy(): void;
  isDestroyed(): boolean;
}

export interface PdfDeps {
  /** The OS temp folder (app.getPath('temp')). */
  tempDir: string;
  fs: {
    /** fs.promises.mkdtemp: a new folder only this user can read (mode 0700). */
    mkdtemp(prefix: string): Promise<string>;
    writeFile(path: string, data: string, options: { mode: number; flag: 'wx' }): Promise<void>;
    rm(path: string, options: { recursive: true; force: true }): Promise<void>;
  };
  /** `(options) => new BrowserWindow(options)`. */
  createWindow(options: BrowserWindowConstructorOptions): PdfWindowPort;
  timeoutMs?: number;
}

function withTimeout<T>(work: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Print self-contained report HTML to PDF. The HTML is written to `<temp>/hyperscale-lab-pdf-XXXXXX/
 * report.html` (folder 0700, file 0600, never overwriting), loaded with loadFile into a window that may not
 * navigate, open windows or attach webviews, printed, and the folder removed whatever happened.
 */
export async function printHtmlToPdf(html: string, deps: PdfDeps): Promise<Uint8Array> {
  const folder = await deps.fs.mkdtemp(join(deps.tempDir, PDF_TEMP_PREFIX));
  let win: PdfWindowPort | undefined;
  try {
    const file = join(folder, REPORT_FILE);
    await deps.fs.writeFile(file, html, { mode: 0o600, flag: 'wx' });
    const printer = deps.createWindow(pdfWindowOptions());
    win = printer;
    guardWebContents(printer.webContents, { isAppUrl: () => false, onRefused: () => undefined });
    return await withTimeout(
      (async () => {
        await printer.loadFile(file);
        return await printer.webContents.printToPDF({ printBackground: true });
      })(),
      deps.timeoutMs ?? PDF_TIMEOUT_MS,
      'the report did not finish printing in time',
    );
  } finally {
    if (win && !win.isDestroyed()) win.destroy();
    // Best effort: a failed removal must not hide the PDF or the printing error (the OS clears temp).
    await deps.fs.rm(folder, { recursive: true, force: true }).catch(() => undefined);
  }
}

/**
 * Requests the PDF session lets through: the report files this module writes, and data: URLs. Everything
 * else (http, other local files, app://) is cancelled, so a report cannot pull in local files or the network.
 */
export function isPdfRequestAllowed(url: string, tempDir: string): boolean {
  if (url.startsWith('data:')) return true;
  if (!url.startsWith('file:')) return false;
  let path: string;
  try {
    path = fileURLToPath(url);
  } catch {
    return false;
  }
  const folder = dirname(path);
  // Windows paths compare without case (Chromium may spell the drive letter differently).
  const fold = (p: string): string => (process.platform === 'win32' ? p.toLowerCase() : p);
  return (
    basename(path) === REPORT_FILE &&
    basename(folder).startsWith(PDF_TEMP_PREFIX) &&
    fold(dirname(folder)) === fold(resolve(tempDir))
  );
}

/** The slice of Electron's Session the PDF session's guards use. */
export interface PdfSession extends PermissionSession {
  webRequest: {
    onBeforeRequest(
      listener: (details: { url: string }, callback: (response: { cancel: boolean }) => void) => void,
    ): void;
  };
}

/** Deny every permission on the PDF session and cancel every request but the report file itself. */
export function guardPdfSession(session: PdfSession, tempDir: string): void {
  denyAllPermissions(session);
  session.webRequest.onBeforeRequest((details, callback) =>
    callback({ cancel: !isPdfRequestAllowed(details.url, tempDir) }),
  );
}
