// Electron main process, kept thin (DESIGN.md rule 4): app lifecycle, the one window, its menu, and the
// IPC wiring. Security settings live in window.ts / security.ts, handlers in ipc.ts; no simulation here.
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { BrowserWindow, Menu, app, dialog, ipcMain, net, protocol, session, shell } from 'electron';
import type { IpcMainInvokeEvent } from 'electron';
import { CHANNELS } from '../bridge';
import { createHandlers } from './ipc';
import { buildMenuTemplate } from './menu';
import { APP_SCHEME, createUrlPolicy, resolveAppFile } from './security';
import { startUrl, windowOptions } from './window';

// Built layout: out/main/index.js, out/preload/index.cjs, out/renderer/index.html.
const preloadPath = join(import.meta.dirname, '../preload/index.cjs');
const rendererDir = join(import.meta.dirname, '../renderer');
const devServerUrl = process.env.ELECTRON_RENDERER_URL || undefined; // set by `electron-vite dev`
// DevTools only in development: under `electron-vite dev`, or when asked for with LAB_DEVTOOLS=1.
const isDev = Boolean(devServerUrl) || process.env.LAB_DEVTOOLS === '1';
const urls = createUrlPolicy({ devServerUrl });

// app:// serves out/renderer: a standard, secure origin (module workers, fetch) instead of file://.
protocol.registerSchemesAsPrivileged([
  { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
]);

function serveAppFiles(): void {
  protocol.handle(APP_SCHEME, (request) => {
    const file = resolveAppFile(rendererDir, request.url);
    return file ? net.fetch(pathToFileURL(file).href) : new Response('not found', { status: 404 });
  });
}

let mainWindow: BrowserWindow | null = null;

app.enableSandbox();

function openExternally(url: string): void {
  const safe = urls.externalUrl(url);
  if (safe) void shell.openExternal(safe);
}

function createWindow(): BrowserWindow {
  const win = new BrowserWindow(
    windowOptions(preloadPath, { labVersion: app.getVersion(), devTools: isDev }),
  );
  const contents = win.webContents;

  // No new windows; https links open in the user's browser.
  contents.setWindowOpenHandler(({ url }) => {
    openExternally(url);
    return { action: 'deny' };
  });
  // No navigation away from the app's own page.
  contents.on('will-navigate', (event, url) => {
    if (urls.isAppUrl(url)) return;
    event.preventDefault();
    openExternally(url);
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());

  win.once('ready-to-show', () => win.show());
  win.on('closed', () => {
    if (mainWindow === win) mainWindow = null;
  });
  void win.loadURL(startUrl({ devServerUrl }));
  return win;
}

/**
 * Print a self-contained report to PDF in a hidden window with scripts off and no preload, so the PDF is
 * the light report with its title and citation, not the dark app.
 */
async function printHtmlToPdf(html: string): Promise<Uint8Array> {
  const printer = new BrowserWindow({
    show: false,
    webPreferences: { sandbox: true, contextIsolation: true, nodeIntegration: false, javascript: false },
  });
  try {
    await printer.loadURL(`data:text/html;charset=utf-8,${encodeURIComponent(html)}`);
    return await printer.webContents.printToPDF({ printBackground: true });
  } finally {
    printer.destroy();
  }
}

/** The sender's URL, or '' (untrusted) unless the message comes from a window's main frame. */
function senderUrl(event: IpcMainInvokeEvent): string {
  const frame = event.senderFrame;
  return frame && frame === event.sender.mainFrame ? frame.url : '';
}

function registerIpc(): void {
  const windowOrThrow = (): BrowserWindow => {
    if (!mainWindow || mainWindow.isDestroyed()) throw new Error('the app window is closed');
    return mainWindow;
  };
  const handlers = createHandlers({
    showSaveDialog: (request) => dialog.showSaveDialog(windowOrThrow(), request),
    showOpenDialog: (request) => dialog.showOpenDialog(windowOrThrow(), request),
    fs: {
      mkdir: (path) => mkdir(path),
      writeFile: (path, data, options) => writeFile(path, data, options),
      readFile: (path, encoding) => readFile(path, encoding),
      stat: (path) => stat(path),
    },
    printToPDF: (html) => printHtmlToPdf(html),
    isTrustedSender: urls.isTrustedSender,
    defaultDirectory: app.getPath('documents'),
  });
  ipcMain.handle(CHANNELS.saveReport, (event, payload) => handlers.saveReport(senderUrl(event), payload));
  ipcMain.handle(CHANNELS.openResult, (event, payload) => handlers.openResult(senderUrl(event), payload));
  ipcMain.handle(CHANNELS.exportPdf, (event, payload) => handlers.exportPdf(senderUrl(event), payload));
}

function installMenu(): void {
  const template = buildMenuTemplate({
    isDev,
    isMac: process.platform === 'darwin',
    appName: 'Hyperscale Lab',
    send: (command) => {
      if (mainWindow && !mainWindow.isDestroyed()) mainWindow.webContents.send(CHANNELS.menu, command);
    },
  });
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
}

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => {
    if (!mainWindow) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });

  // The built index.html carries the Content-Security-Policy as a meta tag; the dev server needs inline
  // HMR code, so no header is added in either case.
  void app.whenReady().then(() => {
    session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
    serveAppFiles();
    registerIpc();
    installMenu();
    mainWindow = createWindow();
    app.on('activate', () => {
      if (BrowserWindow.getAllWindows().length === 0) mainWindow = createWindow();
    });
  });

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
}
