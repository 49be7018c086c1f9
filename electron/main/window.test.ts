// Tests for the window's security settings: windowOptions' values, and a static check of index.ts's
// source (Electron cannot launch here, so the wiring is checked by reading it).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startUrl, windowOptions } from './window';

describe('windowOptions', () => {
  const options = windowOptions('/app/out/preload/index.cjs', { labVersion: '1.2.3', devTools: false });

  it('isolates and sandboxes the renderer', () => {
    expect(options.webPreferences).toMatchObject({
      preload: '/app/out/preload/index.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    });
  });

  it('is the titled 1400x900 window, passing the version to the preload', () => {
    expect(options).toMatchObject({ title: 'Hyperscale Lab', width: 1400, height: 900 });
    expect(options.webPreferences?.additionalArguments).toEqual(['--lab-version=1.2.3']);
  });

  it('allows DevTools only when asked (development)', () => {
    expect(options.webPreferences?.devTools).toBe(false);
    expect(windowOptions('p', { labVersion: 'dev', devTools: true }).webPreferences?.devTools).toBe(true);
    expect(windowOptions('p').webPreferences?.devTools).toBe(false);
  });
});

describe('startUrl', () => {
  it('opens the built index.html on app:// at #/kv by default', () => {
    expect(startUrl({})).toBe('app://lab/index.html#/kv');
  });

  it('uses the dev server when electron-vite runs one', () => {
    expect(startUrl({ devServerUrl: 'http://localhost:5173', route: '/tpu' })).toBe(
      'http://localhost:5173/#/tpu',
    );
  });
});

describe('security settings in the source (static check)', () => {
  const read = (file: string) => readFileSync(join(import.meta.dirname, file), 'utf8');
  const windowSource = read('window.ts');
  const mainSource = read('index.ts');

  it('window.ts writes the webPreferences literally', () => {
    for (const setting of [
      'contextIsolation: true',
      'sandbox: true',
      'nodeIntegration: false',
      'webSecurity: true',
    ]) {
      expect(windowSource).toContain(setting);
    }
  });

  it('index.ts builds the window from windowOptions and enables the sandbox for every renderer', () => {
    expect(mainSource).toMatch(/new BrowserWindow\(\s*windowOptions\(/);
    expect(mainSource).toContain('app.enableSandbox()');
    expect(mainSource).not.toMatch(/nodeIntegration:\s*true|contextIsolation:\s*false|sandbox:\s*false/);
  });

  it('index.ts denies new windows and guards navigation and permissions', () => {
    expect(mainSource).toMatch(/setWindowOpenHandler\([\s\S]*?return \{ action: 'deny' \}/);
    expect(mainSource).not.toMatch(/action: 'allow'/);
    expect(mainSource).toMatch(/on\('will-navigate', \(event, url\) => \{[\s\S]*?event\.preventDefault\(\)/);
    expect(mainSource).toMatch(/setPermissionRequestHandler\([^)]*\) => callback\(false\)\)/);
  });

  it('index.ts hands every IPC channel to the validating handlers with the sender URL', () => {
    for (const channel of ['saveReport', 'openResult', 'exportPdf']) {
      expect(mainSource).toContain(
        `ipcMain.handle(CHANNELS.${channel}, (event, payload) => handlers.${channel}(senderUrl(event), payload))`,
      );
    }
  });
});
