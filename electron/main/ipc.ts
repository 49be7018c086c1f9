// IPC handlers for the bridge (save report, open result, export PDF) as plain functions over injected
// dialogs and file system, so they run in unit tests without Electron. Every payload is validated with
// zod and every sender checked; a bad payload or sender never reaches the file system.
import { basename, extname, join } from 'node:path';
import { z } from 'zod';
import { CHANNELS } from '../bridge';
import type { OpenedFile, ReportFiles, SaveOutcome } from '../bridge';
import { senderUrl } from './security';
import type { SenderEvent } from './security';

export const LIMITS = {
  maxFiles: 50,
  maxReportBytes: 50 * 1024 * 1024,
  maxOpenBytes: 20 * 1024 * 1024,
  maxNameLength: 120,
} as const;

/** Names that Windows reserves whatever the extension (CON, NUL.txt, COM1…). */
const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$/i;

/** A folder name the user is offered: letters, digits, space, `.`, `_`, `-`; no separators, no `..`. */
export const SuggestedName = z
  .string()
  .min(1, 'must not be empty')
  .max(LIMITS.maxNameLength, `must be at most ${LIMITS.maxNameLength} characters`)
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9 ._-]*$/,
    'must be letters, digits, space, ".", "_" or "-", starting alphanumeric',
  )
  .refine((s) => !s.includes('..'), 'must not contain ".."')
  .refine((s) => !/[ .]$/.test(s), 'must not end with a space or "."')
  .refine((s) => !WINDOWS_RESERVED.test(s), 'is a reserved device name');

/**
 * What a saved report may contain: its HTML, result.json, one CSV per table, a PDF. Nothing that a file
 * manager would run or open as a program (`.exe`, `.desktop`, `.command`, `.lnk`, …).
 */
export const REPORT_FILE_EXTENSIONS = ['.html', '.json', '.csv', '.pdf'] as const;

/** A plain file name inside the report folder (starting alphanumeric also rules out `__proto__`). */
export const FileName = z
  .string()
  .max(LIMITS.maxNameLength, `must be at most ${LIMITS.maxNameLength} characters`)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'must match [A-Za-z0-9._-], starting alphanumeric')
  .refine((s) => !s.includes('..'), 'must not contain ".."')
  .refine((s) => !s.endsWith('.'), 'must not end with "."')
  .refine((s) => !WINDOWS_RESERVED.test(s), 'is a reserved device name')
  .refine(
    (s) => (REPORT_FILE_EXTENSIONS as readonly string[]).includes(extname(s)),
    `must end with ${REPORT_FILE_EXTENSIONS.join(', ')}`,
  );

export const ReportFilesSchema = z
  .strictObject({
    suggestedName: SuggestedName,
    files: z.record(FileName, z.string()),
  })
  .superRefine((report, ctx) => {
    const names = Object.keys(report.files);
    if (names.length === 0)
      ctx.addIssue({ code: 'custom', path: ['files'], message: 'must hold at least one file' });
    if (names.length > LIMITS.maxFiles)
      ctx.addIssue({
        code: 'custom',
        path: ['files'],
        message: `must hold at most ${LIMITS.maxFiles} files`,
      });
    const seen = new Set<string>();
    for (const name of names) {
      // Case-insensitive file systems (macOS, Windows) would let one file overwrite another.
      const key = name.toLowerCase();
      if (seen.has(key))
        ctx.addIssue({
          code: 'custom',
          path: ['files', name],
          message: 'differs from another name only in case',
        });
      seen.add(key);
    }
    let bytes = 0;
    for (const text of Object.values(report.files)) bytes += Buffer.byteLength(text, 'utf8');
    if (bytes > LIMITS.maxReportBytes)
      ctx.addIssue({
        code: 'custom',
        path: ['files'],
        message: `total size must be at most ${mb(LIMITS.maxReportBytes)}`,
      });
  });

export const PdfRequestSchema = z
  .object({
    suggestedName: z
      .string()
      .transform((s) => s.replace(/\.pdf$/i, ''))
      .pipe(SuggestedName),
    html: z.string().max(LIMITS.maxReportBytes, { error: `must be at most ${LIMITS.maxReportBytes} bytes` }),
  })
  .strict();

function mb(bytes: number): string {
  return `${Math.round(bytes / (1024 * 1024))} MB`;
}

/** One line naming the first problem: `files."../x": must match …`. */
export function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid';
  const path = issue.path
    .map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? String(p) : `.${JSON.stringify(p)}`))
    .join('');
  // A bad record key comes wrapped ("Invalid key in record"); its inner issue says what is wrong.
  const message = issue.code === 'invalid_key' ? (issue.issues[0]?.message ?? issue.message) : issue.message;
  return oneLine(path ? `${path}: ${message}` : message);
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim().slice(0, 300);
}

function errorMessage(err: unknown): string {
  return oneLine(err instanceof Error ? err.message : String(err));
}

function errorCode(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && 'code' in err
    ? String((err as { code: unknown }).code)
    : undefined;
}

/** The subset of Electron's dialog options and results the handlers use. */
export interface SaveDialogRequest {
  title: string;
  defaultPath: string;
  buttonLabel: string;
  filters?: { name: string; extensions: string[] }[];
  properties?: ('createDirectory' | 'showOverwriteConfirmation')[];
}
export interface OpenDialogRequest {
  title: string;
  filters: { name: string; extensions: string[] }[];
  properties: 'openFile'[];
}

export interface IpcDeps {
  showSaveDialog(request: SaveDialogRequest): Promise<{ canceled: boolean; filePath?: string }>;
  showOpenDialog(request: OpenDialogRequest): Promise<{ canceled: boolean; filePaths: string[] }>;
  fs: {
    /** Non-recursive: must fail with EEXIST when the folder exists (the guard against overwriting). */
    mkdir(path: string): Promise<unknown>;
    writeFile(path: string, data: string | Uint8Array, options: { flag: 'w' | 'wx' }): Promise<void>;
    readFile(path: string, encoding: 'utf8'): Promise<string>;
    stat(path: string): Promise<{ size: number; isFile(): boolean }>;
  };
  /** Render self-contained HTML (scripts off) in a hidden window and print it to PDF (see pdf.ts). */
  printToPDF(html: string): Promise<Uint8Array>;
  isTrustedSender(frameUrl: string): boolean;
  /** Folder the save dialogs start in (e.g. Documents); the dialog's last folder when absent. */
  defaultDirectory?: string;
}

export interface IpcHandlers {
  saveReport(senderUrl: string, payload: unknown): Promise<SaveOutcome>;
  openResult(senderUrl: string, payload?: unknown): Promise<OpenedFile | null>;
  exportPdf(senderUrl: string, payload: unknown): Promise<SaveOutcome>;
}

export class UntrustedSenderError extends Error {
  constructor(channel: string, senderUrl: string) {
    super(
      oneLine(`${channel}: refused, sender ${JSON.stringify(senderUrl.slice(0, 100))} is not the app window`),
    );
    this.name = 'UntrustedSenderError';
  }
}

const OPEN_EXTENSIONS = ['json', 'html', 'htm'];

export function createHandlers(deps: IpcDeps): IpcHandlers {
  const checkSender = (channel: string, senderUrl: string): void => {
    if (!deps.isTrustedSender(senderUrl)) throw new UntrustedSenderError(channel, senderUrl);
  };
  const startPath = (name: string): string =>
    deps.defaultDirectory ? join(deps.defaultDirectory, name) : name;

  return {
    async saveReport(senderUrl, payload) {
      checkSender('save report', senderUrl);
      const parsed = ReportFilesSchema.safeParse(payload);
      if (!parsed.success) return { saved: false, error: `invalid report: ${describeIssue(parsed.error)}` };
      const report: ReportFiles = parsed.data;

      const choice = await deps.showSaveDialog({
        title: 'Save report as a new folder',
        defaultPath: startPath(report.suggestedName),
        buttonLabel: 'Save report',
        properties: ['createDirectory'],
      });
      if (choice.canceled || !choice.filePath) return { saved: false };
      const folder = choice.filePath;

      // mkdir without `recursive` fails if the path exists: a saved report is never overwritten.
      try {
        await deps.fs.mkdir(folder);
      } catch (err) {
        if (errorCode(err) === 'EEXIST')
          return { saved: false, error: `${basename(folder)} already exists; choose another name` };
        return { saved: false, error: `could not create ${basename(folder)}: ${errorMessage(err)}` };
      }
      try {
        for (const [name, text] of Object.entries(report.files)) {
          await deps.fs.writeFile(join(folder, name), text, { flag: 'wx' });
        }
      } catch (err) {
        return {
          saved: false,
          error: `could not write the report into ${basename(folder)}: ${errorMessage(err)}`,
        };
      }
      return { saved: true, path: folder };
    },

    async openResult(senderUrl) {
      checkSender('open result', senderUrl);
      const choice = await deps.showOpenDialog({
        title: 'Open a result',
        filters: [{ name: 'Lab results (result.json, report.html)', extensions: OPEN_EXTENSIONS }],
        properties: ['openFile'],
      });
      const path = choice.filePaths[0];
      if (choice.canceled || !path) return null;
      const name = basename(path);
      if (!OPEN_EXTENSIONS.includes(extname(name).slice(1).toLowerCase()))
        throw new Error(`${name} is not a .json or .html file`);
      const info = await deps.fs.stat(path);
      if (!info.isFile()) throw new Error(`${name} is not a file`);
      if (info.size > LIMITS.maxOpenBytes)
        throw new Error(`${name} is too large (${mb(info.size)}; the limit is ${mb(LIMITS.maxOpenBytes)})`);
      const text = await deps.fs.readFile(path, 'utf8');
      // The file may have grown between stat and read.
      if (Buffer.byteLength(text, 'utf8') > LIMITS.maxOpenBytes)
        throw new Error(`${name} is too large (the limit is ${mb(LIMITS.maxOpenBytes)})`);
      return { name, text };
    },

    async exportPdf(senderUrl, payload) {
      checkSender('export PDF', senderUrl);
      const parsed = PdfRequestSchema.safeParse(payload);
      if (!parsed.success)
        return { saved: false, error: `invalid PDF request: ${describeIssue(parsed.error)}` };

      const choice = await deps.showSaveDialog({
        title: 'Export PDF',
        defaultPath: startPath(`${parsed.data.suggestedName}.pdf`),
        buttonLabel: 'Export PDF',
        filters: [{ name: 'PDF', extensions: ['pdf'] }],
        properties: ['createDirectory', 'showOverwriteConfirmation'],
      });
      if (choice.canceled || !choice.filePath) return { saved: false };

      // The OS dialog confirmed any overwrite of the path it returned; a name we extend was not confirmed.
      const chosen = choice.filePath;
      const hasPdfExt = extname(chosen).toLowerCase() === '.pdf';
      const path = hasPdfExt ? chosen : `${chosen}.pdf`;
      try {
        const pdf = await deps.printToPDF(parsed.data.html);
        await deps.fs.writeFile(path, pdf, { flag: hasPdfExt ? 'w' : 'wx' });
      } catch (err) {
        if (errorCode(err) === 'EEXIST')
          return { saved: false, error: `${basename(path)} already exists; choose another name` };
        return { saved: false, error: `could not export ${basename(path)}: ${errorMessage(err)}` };
      }
      return { saved: true, path };
    },
  };
}

/** The slice of Electron's ipcMain that registerIpcHandlers uses. */
export interface IpcMainPort {
  handle(channel: string, listener: (event: SenderEvent, payload?: unknown) => Promise<unknown>): void;
}

/** Route each invoke channel to its handler with the sender's URL (main frame only; '' otherwise). */
export function registerIpcHandlers(ipc: IpcMainPort, handlers: IpcHandlers): void {
  ipc.handle(CHANNELS.saveReport, (event, payload) => handlers.saveReport(senderUrl(event), payload));
  ipc.handle(CHANNELS.openResult, (event, payload) => handlers.openResult(senderUrl(event), payload));
  ipc.handle(CHANNELS.exportPdf, (event, payload) => handlers.exportPdf(senderUrl(event), payload));
}
