// Tests for the IPC handlers: payload validation, sender checks, never overwriting, and the happy paths,
// on a real temporary folder with the dialogs faked.
import { mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CHANNELS } from '../bridge';
import { FileName, LIMITS, REPORT_FILE_EXTENSIONS, createHandlers, registerIpcHandlers } from './ipc';
import type { IpcDeps, IpcHandlers, IpcMainPort } from './ipc';
import type { SenderEvent } from './security';

const APP_URL = 'app://lab/index.html#/kv';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'lab-ipc-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

function setup(overrides: Partial<IpcDeps> = {}) {
  const fs = {
    mkdir: vi.fn((path: string) => mkdir(path)),
    writeFile: vi.fn((path: string, data: string | Uint8Array, options: { flag: 'w' | 'wx' }) =>
      writeFile(path, data, options),
    ),
    readFile: vi.fn((path: string, encoding: 'utf8') => readFile(path, encoding)),
    stat: vi.fn((path: string) => stat(path)),
  };
  const deps: IpcDeps = {
    showSaveDialog: vi.fn(async () => ({ canceled: false, filePath: join(root, 'kv-seed1') })),
    showOpenDialog: vi.fn(async () => ({ canceled: false, filePaths: [join(root, 'result.json')] })),
    fs,
    printToPDF: vi.fn(async () => new Uint8Array([37, 80, 68, 70])),
    isTrustedSender: (url) => url === APP_URL,
    ...overrides,
  };
  return { deps, fs, handlers: createHandlers(deps) };
}

const goodReport = {
  suggestedName: 'kv-seed1',
  files: { 'report.html': '<html></html>', 'result.json': '{"seed":1}', 'utilization.csv': 'a,b\n1,2\n' },
};

describe('saveReport', () => {
  it('writes every file into the new folder the user chose', async () => {
    const { deps, handlers } = setup();
    const outcome = await handlers.saveReport(APP_URL, goodReport);
    expect(outcome).toEqual({ saved: true, path: join(root, 'kv-seed1') });
    expect(deps.showSaveDialog).toHaveBeenCalledWith(expect.objectContaining({ defaultPath: 'kv-seed1' }));
    expect((await readdir(join(root, 'kv-seed1'))).sort()).toEqual([
      'report.html',
      'result.json',
      'utilization.csv',
    ]);
    expect(await readFile(join(root, 'kv-seed1', 'utilization.csv'), 'utf8')).toBe('a,b\n1,2\n');
  });

  it('starts the dialog in the default directory when one is given', async () => {
    const { deps, handlers } = setup({ defaultDirectory: '/home/u/Documents' });
    await handlers.saveReport(APP_URL, goodReport);
    expect(deps.showSaveDialog).toHaveBeenCalledWith(
      expect.objectContaining({ defaultPath: join('/home/u/Documents', 'kv-seed1') }),
    );
  });

  it('refuses a folder that already exists and leaves its contents alone', async () => {
    await mkdir(join(root, 'kv-seed1'));
    await writeFile(join(root, 'kv-seed1', 'result.json'), 'old');
    const { fs, handlers } = setup();
    const outcome = await handlers.saveReport(APP_URL, goodReport);
    expect(outcome).toEqual({ saved: false, error: 'kv-seed1 already exists; choose another name' });
    expect(fs.writeFile).not.toHaveBeenCalled();
    expect(await readFile(join(root, 'kv-seed1', 'result.json'), 'utf8')).toBe('old');
  });

  it('refuses when the chosen path is an existing file', async () => {
    await writeFile(join(root, 'kv-seed1'), 'a file');
    const { fs, handlers } = setup();
    const outcome = await handlers.saveReport(APP_URL, goodReport);
    expect(outcome.saved).toBe(false);
    expect(outcome).toMatchObject({ error: expect.stringContaining('already exists') });
    expect(fs.writeFile).not.toHaveBeenCalled();
  });

  it('returns saved:false without an error when the dialog is cancelled', async () => {
    const { fs, handlers } = setup({ showSaveDialog: async () => ({ canceled: true }) });
    expect(await handlers.saveReport(APP_URL, goodReport)).toEqual({ saved: false });
    expect(fs.mkdir).not.toHaveBeenCalled();
  });

  it('rejects an untrusted sender before showing a dialog or writing', async () => {
    const { deps, fs, handlers } = setup();
    for (const url of ['', 'https://evil.example/', 'file:///tmp/other.html']) {
      await expect(handlers.saveReport(url, goodReport)).rejects.toThrow(/not the app window/);
    }
    expect(deps.showSaveDialog).not.toHaveBeenCalled();
    expect(fs.mkdir).not.toHaveBeenCalled();
    expect(fs.writeFile).not.toHaveBeenCalled();
  });

  const bad: [string, unknown, RegExp][] = [
    ['a non-object payload', 'report', /invalid report/],
    ['null', null, /invalid report/],
    ['a missing files map', { suggestedName: 'x' }, /files/],
    ['extra keys', { ...goodReport, path: '/etc' }, /invalid report/],
    ['a non-string file body', { suggestedName: 'x', files: { 'a.csv': 1 } }, /files/],
    ['an array of files', { suggestedName: 'x', files: ['a'] }, /files/],
    ['no files', { suggestedName: 'x', files: {} }, /at least one file/],
    ['a slash in a file name', { suggestedName: 'x', files: { 'sub/a.csv': '' } }, /files\."sub\/a\.csv"/],
    ['a backslash in a file name', { suggestedName: 'x', files: { 'sub\\a.csv': '' } }, /files/],
    ['a parent-directory file name', { suggestedName: 'x', files: { '..': '' } }, /files/],
    ['a traversal file name', { suggestedName: 'x', files: { '../../etc/passwd': '' } }, /files/],
    ['a hidden file name', { suggestedName: 'x', files: { '.bashrc': '' } }, /files/],
    ['a __proto__ file name', { suggestedName: 'x', files: JSON.parse('{"__proto__":"x"}') }, /files/],
    ['a space in a file name', { suggestedName: 'x', files: { 'a b.csv': '' } }, /files/],
    ['a reserved device name', { suggestedName: 'x', files: { 'NUL.txt': '' } }, /reserved/],
    ['names equal up to case', { suggestedName: 'x', files: { 'a.csv': '', 'A.csv': '' } }, /case/],
    ['an empty folder name', { suggestedName: '', files: { 'a.csv': '' } }, /suggestedName/],
    ['a folder name with a slash', { suggestedName: 'a/b', files: { 'a.csv': '' } }, /suggestedName/],
    ['a traversal folder name', { suggestedName: '..', files: { 'a.csv': '' } }, /suggestedName/],
    ['an absolute folder name', { suggestedName: '/etc', files: { 'a.csv': '' } }, /suggestedName/],
    ['a too-long folder name', { suggestedName: 'a'.repeat(121), files: { 'a.csv': '' } }, /120/],
    [
      'too many files',
      {
        suggestedName: 'x',
        files: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`f${i}.csv`, ''])),
      },
      /at most 50 files/,
    ],
    [
      'more than the total size cap',
      {
        suggestedName: 'x',
        files: {
          'a.csv': 'x'.repeat(LIMITS.maxReportBytes / 2),
          'b.csv': 'x'.repeat(LIMITS.maxReportBytes / 2 + 1),
        },
      },
      /total size/,
    ],
  ];
  it.each(bad)('rejects %s with a one-line error and writes nothing', async (_what, payload, message) => {
    const { deps, fs, handlers } = setup();
    const outcome = await handlers.saveReport(APP_URL, payload);
    expect(outcome.saved).toBe(false);
    const error = 'error' in outcome ? (outcome.error ?? '') : '';
    expect(error).toMatch(message);
    expect(error).not.toContain('\n');
    expect(deps.showSaveDialog).not.toHaveBeenCalled();
    expect(fs.mkdir).not.toHaveBeenCalled();
    expect(fs.writeFile).not.toHaveBeenCalled();
    expect(await readdir(root)).toEqual([]);
  });
});

describe('openResult', () => {
  it('returns the name and UTF-8 text of the chosen file', async () => {
    await writeFile(join(root, 'result.json'), '{"title":"π"}');
    const { deps, handlers } = setup();
    expect(await handlers.openResult(APP_URL)).toEqual({ name: 'result.json', text: '{"title":"π"}' });
    expect(deps.showOpenDialog).toHaveBeenCalledWith(
      expect.objectContaining({
        filters: [expect.objectContaining({ extensions: ['json', 'html', 'htm'] })],
      }),
    );
  });

  it('returns null when the dialog is cancelled', async () => {
    const { fs, handlers } = setup({ showOpenDialog: async () => ({ canceled: true, filePaths: [] }) });
    expect(await handlers.openResult(APP_URL)).toBeNull();
    expect(fs.readFile).not.toHaveBeenCalled();
  });

  it('refuses an oversize file with a one-line error, without reading it', async () => {
    const { fs, handlers } = setup({
      fs: {
        ...setup().fs,
        stat: async () => ({ size: LIMITS.maxOpenBytes + 1, isFile: () => true }),
      },
    });
    await expect(handlers.openResult(APP_URL)).rejects.toThrow(
      /^result\.json is too large \(20 MB; the limit is 20 MB\)$/,
    );
    expect(fs.readFile).not.toHaveBeenCalled();
  });

  it('refuses a file that is not .json or .html', async () => {
    await writeFile(join(root, 'notes.txt'), 'x');
    const { handlers } = setup({
      showOpenDialog: async () => ({ canceled: false, filePaths: [join(root, 'notes.txt')] }),
    });
    await expect(handlers.openResult(APP_URL)).rejects.toThrow('notes.txt is not a .json or .html file');
  });

  it('rejects an untrusted sender without showing a dialog', async () => {
    const { deps, handlers } = setup();
    await expect(handlers.openResult('http://localhost:5173/')).rejects.toThrow(/not the app window/);
    expect(deps.showOpenDialog).not.toHaveBeenCalled();
  });
});

describe('exportPdf', () => {
  const pdf = (suggestedName: string) => ({ suggestedName, html: '<h1>report</h1>' });

  it('prints the given report HTML and writes the PDF where the user chose', async () => {
    const target = join(root, 'kv-seed1.pdf');
    const { deps, handlers } = setup({
      showSaveDialog: vi.fn(async () => ({ canceled: false, filePath: target })),
    });
    expect(await handlers.exportPdf(APP_URL, pdf('kv-seed1.pdf'))).toEqual({ saved: true, path: target });
    expect(deps.printToPDF).toHaveBeenCalledWith('<h1>report</h1>');
    expect(deps.showSaveDialog).toHaveBeenCalledWith(
      expect.objectContaining({ defaultPath: 'kv-seed1.pdf' }),
    );
    expect([...(await readFile(target))]).toEqual([37, 80, 68, 70]);
  });

  it('adds .pdf to a chosen name without it, and never overwrites that unconfirmed name', async () => {
    await writeFile(join(root, 'out.pdf'), 'old');
    const { handlers } = setup({
      showSaveDialog: async () => ({ canceled: false, filePath: join(root, 'out') }),
    });
    expect(await handlers.exportPdf(APP_URL, pdf('x'))).toEqual({
      saved: false,
      error: 'out.pdf already exists; choose another name',
    });
    expect(await readFile(join(root, 'out.pdf'), 'utf8')).toBe('old');
  });

  it('returns saved:false when cancelled, without printing', async () => {
    const { deps, handlers } = setup({ showSaveDialog: async () => ({ canceled: true }) });
    expect(await handlers.exportPdf(APP_URL, pdf('x'))).toEqual({ saved: false });
    expect(deps.printToPDF).not.toHaveBeenCalled();
  });

  it.each([
    [42],
    ['x'],
    [pdf('../x')],
    [pdf('a/b')],
    [pdf('')],
    [{ name: 'x' }],
    [{ suggestedName: 'x', html: 7 }],
    [{ ...pdf('x'), extra: 1 }],
  ])('rejects the request %j and prints nothing', async (request) => {
    const { deps, fs, handlers } = setup();
    const outcome = await handlers.exportPdf(APP_URL, request);
    expect(outcome).toMatchObject({
      saved: false,
      error: expect.stringMatching(/^invalid PDF request: [^\n]+$/),
    });
    expect(deps.showSaveDialog).not.toHaveBeenCalled();
    expect(deps.printToPDF).not.toHaveBeenCalled();
    expect(fs.writeFile).not.toHaveBeenCalled();
  });

  it('rejects an untrusted sender', async () => {
    const { deps, handlers } = setup();
    await expect(handlers.exportPdf('https://example.com/', pdf('x'))).rejects.toThrow(/not the app window/);
    expect(deps.printToPDF).not.toHaveBeenCalled();
  });
});

describe('FileName (saved report files)', () => {
  it.each(['report.html', 'result.json', 'utilization.csv', 'kv-seed1.pdf', 'waste.by.kind.csv'])(
    'accepts %s',
    (name) => {
      expect(FileName.safeParse(name).success).toBe(true);
    },
  );

  it.each([
    'run.exe',
    'app.desktop',
    'open.command',
    'x.lnk',
    'script.sh',
    'x.bat',
    'macro.docm',
    'report.html.exe',
    'report.html.desktop',
    'README',
    'report.HTML',
    'report.htm',
    'a.svg',
  ])('refuses %s, naming the allowed extensions', (name) => {
    const parsed = FileName.safeParse(name);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((i) => i.message)).toContain(
      `must end with ${REPORT_FILE_EXTENSIONS.join(', ')}`,
    );
  });

  it('keeps a report with an executable file from reaching the file system', async () => {
    const { deps, fs, handlers } = setup();
    const outcome = await handlers.saveReport(APP_URL, {
      suggestedName: 'x',
      files: { 'report.html': '<html></html>', 'run.desktop': '[Desktop Entry]\nExec=sh' },
    });
    expect(outcome).toEqual({
      saved: false,
      error: 'invalid report: files."run.desktop": must end with .html, .json, .csv, .pdf',
    });
    expect(deps.showSaveDialog).not.toHaveBeenCalled();
    expect(fs.writeFile).not.toHaveBeenCalled();
  });
});

describe('registerIpcHandlers', () => {
  function wire() {
    const listeners = new Map<string, (event: SenderEvent, payload?: unknown) => Promise<unknown>>();
    const ipc: IpcMainPort = { handle: (channel, listener) => void listeners.set(channel, listener) };
    const handlers: IpcHandlers = {
      saveReport: vi.fn(async () => ({ saved: false as const })),
      openResult: vi.fn(async () => null),
      exportPdf: vi.fn(async () => ({ saved: false as const })),
    };
    registerIpcHandlers(ipc, handlers);
    return { listeners, handlers };
  }
  const mainFrame = { url: APP_URL };
  const fromApp: SenderEvent = { senderFrame: mainFrame, sender: { mainFrame } };
  const fromSubframe: SenderEvent = { senderFrame: { url: APP_URL }, sender: { mainFrame } };

  it('handles exactly the three invoke channels', () => {
    const { listeners } = wire();
    expect([...listeners.keys()].sort()).toEqual(
      [CHANNELS.saveReport, CHANNELS.openResult, CHANNELS.exportPdf].sort(),
    );
  });

  it.each([
    [CHANNELS.saveReport, 'saveReport'],
    [CHANNELS.openResult, 'openResult'],
    [CHANNELS.exportPdf, 'exportPdf'],
  ] as const)('%s passes the main frame URL and the payload to %s', async (channel, name) => {
    const { listeners, handlers } = wire();
    await listeners.get(channel)?.(fromApp, { p: 1 });
    expect(handlers[name]).toHaveBeenCalledWith(APP_URL, { p: 1 });
    await listeners.get(channel)?.(fromSubframe, { p: 2 });
    expect(handlers[name]).toHaveBeenLastCalledWith('', { p: 2 });
  });

  it('so a subframe is refused by the real handlers before any dialog', async () => {
    const { deps, handlers } = setup();
    const listeners = new Map<string, (event: SenderEvent, payload?: unknown) => Promise<unknown>>();
    registerIpcHandlers({ handle: (channel, listener) => void listeners.set(channel, listener) }, handlers);
    await expect(listeners.get(CHANNELS.saveReport)?.(fromSubframe, goodReport)).rejects.toThrow(
      /not the app window/,
    );
    expect(deps.showSaveDialog).not.toHaveBeenCalled();
  });
});
