// Electron main process, kept thin (DESIGN.md rule 4): app lifecycle, the one window, its menu, and the
// IPC wiring. Security settings live in window.ts / security.ts, handlers in ipc.ts; no simulation here.
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BrowserWindow, Menu, app, dialog, ipcMain, protocol, session, shell } from 'electron';
import { CHANNELS } from '../bridge';
import { createHandlers, registerIpcHandlers } from './ipc';
import { buildMenuTemplate } from './menu';
import { PDF_PARTITION, guardPdfSession, printHtmlToPdf } from './pdf';
import { FALLBACK_CSP, createAppProtocolHandler, cspFromIndexHtml } from './protocol';
import { APP_SCHEME, createUrlPolicy, denyAllPermissions } from './security';
import { openAppWindow } from './window';

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

/**
 * Serve out/renderer on app://, sending the built index.html's CSP (its meta tag is the one definition) as a
 * header on every response, so the module worker is under the same policy as the page.
 */
async function serveAppFiles(): Promise<void> {
  const indexHtml = await readFile(join(rendererDir, 'index.html'), 'utf8').catch(() => '');
  const csp = cspFromIndexHtml(indexHtml);
  if (!csp)
    console.error(`no Content-Security-Policy in ${rendererDir}/index.html; serving "${FALLBACK_CSP}"`);
  protocol.handle(
    APP_SCHEME,
    createAppProtocolHandler({ rendererDir, csp: csp ?? FALLBACK_CSP, readFile: (path) => readFile(path) }),
  );
}

let mainWindow: BrowserWindow | null = null;

app.enableSandbox();

function createWindow(): BrowserWindow {
  const win = openAppWindow({
    create: (options) => new BrowserWindow(options),
    preloadPath,
    settings: { labVersion: app.getVersion(), devTools: isDev },
    urls,
    openExternal: (url) => void shell.openExternal(url),
    devServerUrl,
  });
  win.on('closed', () => {
    if (mainWindow === win) mainWindow = null;
  });
  return win;
}

function registerIpc(): void {
  const windowOrThrow = (): BrowserWindow => {
    if (!mainWindow || mainWindow.isDestroyed()) throw new Error('the app window is closed');
    return mainWindow;
  };
  const tempDir = app.getPath('temp');
  guardPdfSession(session.fromPartition(PDF_PARTITION), tempDir);
  const handlers = createHandlers({
    showSaveDialog: (request) => dialog.showSaveDialog(windowOrThrow(), request),
    showOpenDialog: (request) => dialog.showOpenDialog(windowOrThrow(), request),
    fs: {
      mkdir: (path) => mkdir(path),
      writeFile: (path, data, options) => writeFile(path, data, options),
      readFile: (path, encoding) => readFile(path, encoding),
      stat: (path) => stat(path),
    },
    printToPDF: (html) =>
      printHtmlToPdf(html, {
        tempDir,
        fs: {
          mkdtemp: (prefix) => mkdtemp(prefix),
          writeFile: (path, data, options) => writeFile(path, data, options),
          rm: (path, options) => rm(path, options),
        },
        createWindow: (options) => new BrowserWindow(options),
      }),
    isTrustedSender: urls.isTrustedSender,
    defaultDirectory: app.getPath('documents'),
  });
  registerIpcHandlers(ipcMain, handlers);
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

  // The dev server needs inline HMR code, so only app:// (the built app) sends a CSP header.
  void app.whenReady().then(async () => {
    denyAllPermissions(session.defaultSession);
    await serveAppFiles();
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
