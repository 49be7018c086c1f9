// The app window's options and start URL, as pure functions so tests can check the security settings
// (DESIGN.md rule 4) without launching Electron.
import type { BrowserWindowConstructorOptions } from 'electron';
import { APP_INDEX_URL } from './security';

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
