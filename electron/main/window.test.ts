// Tests for the app window: windowOptions' security settings, the start URL, and the navigation, new-window
// and webview guards, run on a fake BrowserWindow and WebContents (Electron cannot launch here).
import type { BrowserWindowConstructorOptions } from 'electron';
import { describe, expect, it, vi } from 'vitest';
import { FakeContents } from './fakes';
import { createUrlPolicy } from './security';
import { guardWebContents, openAppWindow, startUrl, windowOptions } from './window';

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

describe('guardWebContents', () => {
  function guarded(isAppUrl: (url: string) => boolean) {
    const contents = new FakeContents();
    const refused: string[] = [];
    guardWebContents(contents, { isAppUrl, onRefused: (url) => refused.push(url) });
    return { contents, refused };
  }

  it('lets a navigation inside the app through and refuses one away from it', () => {
    const { contents, refused } = guarded((url) => url.startsWith('app://lab/index.html'));
    expect(contents.navigate('will-navigate', 'app://lab/index.html#/tpu')).toBe(false);
    expect(contents.navigate('will-navigate', 'https://evil.example/')).toBe(true);
    expect(contents.navigate('will-redirect', 'file:///etc/passwd')).toBe(true);
    expect(refused).toEqual(['https://evil.example/', 'file:///etc/passwd']);
  });

  it('denies every new window and every webview', () => {
    const { contents, refused } = guarded(() => true);
    expect(contents.openWindow('app://lab/index.html')).toEqual({ action: 'deny' });
    expect(contents.openWindow('https://www.usenix.org/')).toEqual({ action: 'deny' });
    expect(contents.attachWebview()).toBe(true);
    expect(refused).toEqual(['app://lab/index.html', 'https://www.usenix.org/']);
  });
});

describe('openAppWindow', () => {
  function open() {
    const contents = new FakeContents();
    let readyToShow: (() => void) | undefined;
    const win = {
      webContents: contents,
      options: undefined as BrowserWindowConstructorOptions | undefined,
      shown: false,
      loaded: [] as string[],
      once(event: 'ready-to-show', listener: () => void) {
        if (event === 'ready-to-show') readyToShow = listener;
        return this;
      },
      show() {
        this.shown = true;
      },
      loadURL(url: string) {
        this.loaded.push(url);
        return Promise.resolve();
      },
    };
    const openExternal = vi.fn<(url: string) => void>();
    const created = openAppWindow({
      create: (options) => {
        win.options = options;
        return win;
      },
      preloadPath: '/app/out/preload/index.cjs',
      settings: { labVersion: '1.2.3', devTools: false },
      urls: createUrlPolicy({}),
      openExternal,
    });
    return { win: created, contents, openExternal, readyToShow: () => readyToShow?.() };
  }

  it('builds the window from windowOptions and loads the app on app://', () => {
    const { win } = open();
    expect(win.options).toEqual(
      windowOptions('/app/out/preload/index.cjs', { labVersion: '1.2.3', devTools: false }),
    );
    expect(win.options?.webPreferences).toMatchObject({
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
    });
    expect(win.loaded).toEqual(['app://lab/index.html#/kv']);
  });

  it('shows the window only when it is ready', () => {
    const { win, readyToShow } = open();
    expect(win.shown).toBe(false);
    readyToShow();
    expect(win.shown).toBe(true);
  });

  it('keeps navigation in the app, and sends only https links to the OS browser', () => {
    const { contents, openExternal } = open();
    expect(contents.navigate('will-navigate', 'app://lab/index.html#/mesh')).toBe(false);
    expect(contents.navigate('will-navigate', 'https://www.usenix.org/conference/osdi23')).toBe(true);
    expect(contents.navigate('will-navigate', 'file:///etc/passwd')).toBe(true);
    expect(contents.openWindow('javascript:alert(1)')).toEqual({ action: 'deny' });
    expect(contents.openWindow('https://arxiv.org/abs/2309.06180')).toEqual({ action: 'deny' });
    expect(openExternal.mock.calls).toEqual([
      ['https://www.usenix.org/conference/osdi23'],
      ['https://arxiv.org/abs/2309.06180'],
    ]);
    expect(contents.attachWebview()).toBe(true);
  });
});
