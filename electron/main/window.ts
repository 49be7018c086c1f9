// The app window: its options, start URL and guards (no navigation away, no new windows, no webviews), as
// plain functions over the Electron objects they touch, so tests run them on fakes (DESIGN.md rule 4).
import type { BrowserWindowConstructorOptions } from 'electron';
import { APP_INDEX_URL } from './security';
import type { UrlPolicy } from './security';

/** The route the window opens on: a default scenario that is already running (DESIGN.md, "Users"). */
export const DEFAULT_ROUTE = '/kv';

export interface WindowSettings {
  /** Passed to the preload as `--lab-version=…` (a sandboxed preload can read `process.argv`). */
  labVersion: string;
  /** DevTools only in development. */
  devTools: boolean;
}

export function windowOptions(
  preloadPath: string,
  settings: WindowSettings = { labVersion: 'dev', devTools: false },
): BrowserWindowConstructorOptions {
  return {
    title: 'Hyperscale Lab',
    width: 1400,
    height: 900,
    minWidth: 900,
    minHeight: 600,
    show: false, // shown on 'ready-to-show', so the window never flashes blank
    backgroundColor: '#111418',
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      devTools: settings.devTools,
      additionalArguments: [`--lab-version=${settings.labVersion}`],
    },
  };
}

/** The URL the window loads: the dev server when electron-vite runs one, else the built app on app://. */
export function startUrl(opts: { devServerUrl?: string; route?: string }): string {
  const base = new URL(opts.devServerUrl ?? APP_INDEX_URL);
  base.hash = opts.route ?? DEFAULT_ROUTE;
  return base.href;
}

/** What a guarded navigation event offers (Electron's Event). */
export interface PreventableEvent {
  preventDefault(): void;
}

/** The slice of Electron's WebContents the guards use. */
export interface GuardedContents {
  on(
    event: 'will-navigate' | 'will-redirect',
    listener: (event: PreventableEvent, url: string) => void,
  ): unknown;
  on(event: 'will-attach-webview', listener: (event: PreventableEvent) => void): unknown;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void;
}

export interface NavigationPolicy {
  /** True when a navigation stays inside the page; every other navigation is refused. */
  isAppUrl(url: string): boolean;
  /** Called with a refused navigation's or window's URL (e.g. to open https links in the OS browser). */
  onRefused(url: string): void;
}

/**
 * Refuse new windows, navigation (and redirects) away from `isAppUrl`, and `<webview>`. Refused URLs go
 * to `onRefused`, which decides whether the OS browser may open them.
 */
export function guardWebContents(contents: GuardedContents, policy: NavigationPolicy): void {
  contents.setWindowOpenHandler(({ url }) => {
    policy.onRefused(url);
    return { action: 'deny' };
  });
  const guardNavigation = (event: PreventableEvent, url: string): void => {
    if (policy.isAppUrl(url)) return;
    event.preventDefault();
    policy.onRefused(url);
  };
  contents.on('will-navigate', guardNavigation);
  contents.on('will-redirect', guardNavigation);
  contents.on('will-attach-webview', (event) => event.preventDefault());
}

/** The slice of Electron's BrowserWindow that openAppWindow uses. */
export interface AppWindowPort {
  readonly webContents: GuardedContents;
  once(event: 'ready-to-show', listener: () => void): unknown;
  show(): void;
  loadURL(url: string): Promise<void>;
}

export interface AppWindowDeps<W extends AppWindowPort> {
  /** `(options) => new BrowserWindow(options)`. */
  create(options: BrowserWindowConstructorOptions): W;
  preloadPath: string;
  settings: WindowSettings;
  urls: Pick<UrlPolicy, 'isAppUrl' | 'externalUrl'>;
  /** shell.openExternal; given only URLs that `urls.externalUrl` let through. */
  openExternal(url: string): void;
  devServerUrl?: string;
}

/** Create the app window with windowOptions, guard it, show it when ready, and load the start URL. */
export function openAppWindow<W extends AppWindowPort>(deps: AppWindowDeps<W>): W {
  const win = deps.create(windowOptions(deps.preloadPath, deps.settings));
  guardWebContents(win.webContents, {
    isAppUrl: deps.urls.isAppUrl,
    onRefused(url) {
      const safe = deps.urls.externalUrl(url);
      if (safe) deps.openExternal(safe);
    },
  });
  win.once('ready-to-show', () => win.show());
  void win.loadURL(startUrl({ devServerUrl: deps.devServerUrl }));
  return win;
}
