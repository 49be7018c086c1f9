// Tests for the PDF path with a fake BrowserWindow over the real file system: a 9 MB report goes through a
// private temp file (never a data: URL), the file is removed whatever happens, the hidden window is guarded,
// and its session refuses permissions and every request but the report.
import { mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BrowserWindowConstructorOptions } from 'electron';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FakeContents, FakeSession } from './fakes';
import { createHandlers } from './ipc';
import type { PdfDeps } from './pdf';
import { PDF_PARTITION, PDF_TEMP_PREFIX, guardPdfSession, isPdfRequestAllowed, printHtmlToPdf } from './pdf';

const PDF_BYTES = new Uint8Array([37, 80, 68, 70, 45]); // "%PDF-"
const posix = process.platform !== 'win32';

let tempDir: string;
beforeEach(async () => {
  tempDir = await mkdtemp(join(tmpdir(), 'lab-pdf-test-'));
});
afterEach(async () => {
  await rm(tempDir, { recursive: true, force: true });
});

/** What the fake window saw while it was alive. */
interface Seen {
  options?: BrowserWindowConstructorOptions;
  loadedPath?: string;
  loadedText?: string;
  fileMode?: number;
  folderMode?: number;
  navigationRefused?: boolean;
  redirectRefused?: boolean;
  newWindow?: unknown;
  destroyed: boolean;
}

function fakeWindowFactory(
  behaviour: { print?: () => Promise<Uint8Array>; load?: () => Promise<void> } = {},
) {
  const seen: Seen = { destroyed: false };
  const createWindow = vi.fn((options: BrowserWindowConstructorOptions) => {
    seen.options = options;
    const contents = Object.assign(new FakeContents(), {
      printToPDF: vi.fn(behaviour.print ?? (async () => PDF_BYTES)),
    });
    return {
      webContents: contents,
      async loadFile(path: string) {
        seen.loadedPath = path;
        seen.loadedText = await readFile(path, 'utf8');
        seen.fileMode = (await stat(path)).mode & 0o777;
        seen.folderMode = (await stat(join(path, '..'))).mode & 0o777;
        // The report (or an attacker's HTML) tries to leave: a meta refresh, a redirect, a window.
        seen.navigationRefused = contents.navigate('will-navigate', 'https://evil.example/');
        seen.redirectRefused = contents.navigate('will-redirect', 'file:///etc/passwd');
        seen.newWindow = contents.openWindow('https://evil.example/popup');
        if (behaviour.load) await behaviour.load();
      },
      destroy() {
        seen.destroyed = true;
      },
      isDestroyed() {
        return seen.destroyed;
      },
    };
  });
  return { seen, createWindow };
}

function deps(createWindow: PdfDeps['createWindow'], overrides: Partial<PdfDeps> = {}): PdfDeps {
  return {
    tempDir,
    fs: {
      mkdtemp: (prefix) => mkdtemp(prefix),
      writeFile: (path, data, options) => writeFile(path, data, options),
      rm: (path, options) => rm(path, options),
    },
    createWindow,
    ...overrides,
  };
}

/** A report with an embedded trace: 9 MB, far over Chromium's 2 MB URL limit. */
function bigReport(): string {
  const trace = 'x'.repeat(9 * 1024 * 1024);
  return `<!doctype html><html><body><h1>kv</h1><script type="application/json">"${trace}"</script></body></html>`;
}

describe('printHtmlToPdf', () => {
  it('prints a 9 MB report through a private temp file and removes it afterwards', async () => {
    const html = bigReport();
    const { seen, createWindow } = fakeWindowFactory();
    const pdf = await printHtmlToPdf(html, deps(createWindow));

    expect([...pdf]).toEqual([...PDF_BYTES]);
    expect(seen.loadedPath?.startsWith(join(tempDir, PDF_TEMP_PREFIX))).toBe(true);
    expect(seen.loadedPath?.endsWith('report.html')).toBe(true);
    expect(seen.loadedText?.length).toBe(html.length);
    if (posix) {
      expect(seen.fileMode).toBe(0o600);
      expect(seen.folderMode).toBe(0o700);
    }
    expect(seen.destroyed).toBe(true);
    expect(await readdir(tempDir)).toEqual([]);
  });

  it('removes the temp file and destroys the window when printing fails', async () => {
    const { seen, createWindow } = fakeWindowFactory({
      print: () => Promise.reject(new Error('printing failed')),
    });
    await expect(printHtmlToPdf('<h1>r</h1>', deps(createWindow))).rejects.toThrow('printing failed');
    expect(seen.loadedPath).toBeDefined();
    expect(seen.destroyed).toBe(true);
    expect(await readdir(tempDir)).toEqual([]);
  });

  it('removes the temp file when loading fails', async () => {
    const { seen, createWindow } = fakeWindowFactory({
      load: () => Promise.reject(new Error('ERR_FAILED')),
    });
    await expect(printHtmlToPdf('<h1>r</h1>', deps(createWindow))).rejects.toThrow('ERR_FAILED');
    expect(seen.destroyed).toBe(true);
    expect(await readdir(tempDir)).toEqual([]);
  });

  it('gives up on a window that never finishes loading, and still cleans up', async () => {
    const { seen, createWindow } = fakeWindowFactory({ load: () => new Promise<void>(() => undefined) });
    await expect(printHtmlToPdf('<h1>r</h1>', deps(createWindow, { timeoutMs: 20 }))).rejects.toThrow(
      /did not finish printing in time/,
    );
    expect(seen.destroyed).toBe(true);
    expect(await readdir(tempDir)).toEqual([]);
  });

  it('removes the folder when writing the file fails, without opening a window', async () => {
    const { createWindow } = fakeWindowFactory();
    const failingWrite = deps(createWindow);
    failingWrite.fs.writeFile = () => Promise.reject(new Error('ENOSPC: no space left on device'));
    await expect(printHtmlToPdf('<h1>r</h1>', failingWrite)).rejects.toThrow('ENOSPC');
    expect(createWindow).not.toHaveBeenCalled();
    expect(await readdir(tempDir)).toEqual([]);
  });

  it('keeps the PDF when removing the temp folder fails', async () => {
    const { createWindow } = fakeWindowFactory();
    const d = deps(createWindow);
    d.fs.rm = () => Promise.reject(new Error('EBUSY'));
    expect([...(await printHtmlToPdf('<h1>r</h1>', d))]).toEqual([...PDF_BYTES]);
  });

  it('refuses navigation, redirects and new windows from the hidden window', async () => {
    const { seen, createWindow } = fakeWindowFactory();
    await printHtmlToPdf(
      '<meta http-equiv="refresh" content="0;url=https://evil.example/">',
      deps(createWindow),
    );
    expect(seen.navigationRefused).toBe(true);
    expect(seen.redirectRefused).toBe(true);
    expect(seen.newWindow).toEqual({ action: 'deny' });
  });

  it('opens a hidden, sandboxed, script-less window without Node, preload or DevTools, on its own session', async () => {
    const { seen, createWindow } = fakeWindowFactory();
    await printHtmlToPdf('<h1>r</h1>', deps(createWindow));
    expect(seen.options?.show).toBe(false);
    expect(seen.options?.webPreferences).toMatchObject({
      partition: PDF_PARTITION,
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      javascript: false,
      webSecurity: true,
      webviewTag: false,
      devTools: false,
    });
    expect(seen.options?.webPreferences?.preload).toBeUndefined();
    expect(PDF_PARTITION.startsWith('persist:')).toBe(false);
  });
});

describe('the PDF session', () => {
  async function reportUrl(): Promise<string> {
    const folder = await mkdtemp(join(tempDir, PDF_TEMP_PREFIX));
    return pathToFileURL(join(folder, 'report.html')).href;
  }

  it('refuses every permission, asked for or checked', () => {
    const session = new FakeSession();
    guardPdfSession(session, tempDir);
    for (const permission of ['media', 'notifications', 'clipboard-read', 'fullscreen', 'openExternal']) {
      expect(session.request(permission)).toBe(false);
      expect(session.checkHandler?.(null, permission)).toBe(false);
    }
  });

  it('lets through only the report file it wrote (and data: URLs)', async () => {
    const session = new FakeSession();
    guardPdfSession(session, tempDir);
    expect(session.cancels(await reportUrl())).toBe(false);
    expect(session.cancels('data:image/png;base64,AAAA')).toBe(false);
  });

  it.each([
    'https://evil.example/beacon.gif',
    'http://127.0.0.1:8080/',
    'app://lab/index.html',
    'file:///etc/passwd',
    'ftp://example.com/x',
  ])('cancels %s', (url) => {
    const session = new FakeSession();
    guardPdfSession(session, tempDir);
    expect(session.cancels(url)).toBe(true);
  });

  it('cancels other files in or beside the temp folder', async () => {
    const url = await reportUrl();
    const folder = join(tempDir, 'elsewhere');
    await mkdir(folder);
    expect(isPdfRequestAllowed(url.replace(/report\.html$/, 'other.html'), tempDir)).toBe(false);
    expect(isPdfRequestAllowed(pathToFileURL(join(folder, 'report.html')).href, tempDir)).toBe(false);
    expect(isPdfRequestAllowed(pathToFileURL(join(tempDir, 'report.html')).href, tempDir)).toBe(false);
    expect(isPdfRequestAllowed('file://host/share/report.html', tempDir)).toBe(false);
  });
});

describe('exportPdf through the real PDF path', () => {
  it('exports a 9 MB report: printed from a temp file, written where the user chose, temp removed', async () => {
    const out = await mkdtemp(join(tmpdir(), 'lab-pdf-out-'));
    try {
      const { seen, createWindow } = fakeWindowFactory();
      const handlers = createHandlers({
        showSaveDialog: async () => ({ canceled: false, filePath: join(out, 'kv-seed1.pdf') }),
        showOpenDialog: async () => ({ canceled: true, filePaths: [] }),
        fs: {
          mkdir: (path) => mkdir(path),
          writeFile: (path, data, options) => writeFile(path, data, options),
          readFile: (path, encoding) => readFile(path, encoding),
          stat: (path) => stat(path),
        },
        printToPDF: (html) => printHtmlToPdf(html, deps(createWindow)),
        isTrustedSender: (url) => url === 'app://lab/index.html',
      });
      const outcome = await handlers.exportPdf('app://lab/index.html', {
        suggestedName: 'kv-seed1',
        html: bigReport(),
      });
      expect(outcome).toEqual({ saved: true, path: join(out, 'kv-seed1.pdf') });
      expect([...(await readFile(join(out, 'kv-seed1.pdf')))]).toEqual([...PDF_BYTES]);
      expect(seen.loadedText?.length).toBeGreaterThan(9 * 1024 * 1024);
      expect(await readdir(tempDir)).toEqual([]);
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  });
});
