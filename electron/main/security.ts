// Which URLs belong to the app: the only trusted IPC senders and navigation targets. Everything else is
// denied; https links may open in the user's browser instead.

/**
 * The built renderer is served from this privileged custom scheme, not file:// (Electron's security
 * checklist: prefer custom protocols; module Web Workers also need a real origin).
 */
export const APP_SCHEME = 'app';
export const APP_ORIGIN = `${APP_SCHEME}://lab`;
export const APP_INDEX_URL = `${APP_ORIGIN}/index.html`;

export interface UrlPolicy {
  /** True only for the app's own renderer: app://lab/index.html or the dev server's origin. */
  isTrustedSender(frameUrl: string): boolean;
  /** True when a navigation stays inside the app (same page, any hash); false means block it. */
  isAppUrl(url: string): boolean;
  /** The URL to hand to the OS browser, or null: only plain https URLs without credentials. */
  externalUrl(url: string): string | null;
}

function parse(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

export function createUrlPolicy(opts: { devServerUrl?: string }): UrlPolicy {
  const devOrigin = opts.devServerUrl ? parse(opts.devServerUrl)?.origin : undefined;
  const index = new URL(APP_INDEX_URL);

  const isAppUrl = (url: string): boolean => {
    const u = parse(url);
    if (!u) return false;
    if (devOrigin) return u.origin === devOrigin;
    return u.protocol === index.protocol && u.host === index.host && u.pathname === index.pathname;
  };

  return {
    isTrustedSender: isAppUrl,
    isAppUrl,
    externalUrl(url) {
      const u = parse(url);
      if (!u || u.protocol !== 'https:' || u.username || u.password) return null;
      return u.href;
    },
  };
}

/**
 * The file under `rendererDir` that an app:// request names, or null (404) for anything outside it:
 * another host, `..` segments, encoded separators.
 */
export function resolveAppFile(rendererDir: string, requestUrl: string): string | null {
  const u = parse(requestUrl);
  if (!u || u.protocol !== `${APP_SCHEME}:` || u.host !== 'lab') return null;
  let path: string;
  try {
    path = decodeURIComponent(u.pathname);
  } catch {
    return null;
  }
  const segments = path.split('/').filter((s) => s !== '');
  if (segments.length === 0) segments.push('index.html');
  if (segments.some((s) => s === '.' || s === '..' || s.includes('\\') || s.includes('\0'))) return null;
  return [rendererDir.replace(/[/\\]+$/, ''), ...segments].join('/');
}

/** The slice of an IPC event that says who sent it (Electron's IpcMainInvokeEvent has these fields). */
export interface SenderEvent {
  readonly senderFrame: { readonly url: string } | null;
  readonly sender: { readonly mainFrame: unknown };
}

/**
 * The sender's URL, or '' (untrusted) unless the message comes from a window's main frame: a subframe,
 * a frame that has gone (null), or one whose URL cannot be read is never trusted.
 */
export function senderUrl(event: SenderEvent): string {
  try {
    const frame = event.senderFrame;
    if (!frame || frame !== event.sender.mainFrame) return '';
    return typeof frame.url === 'string' ? frame.url : '';
  } catch {
    return ''; // a destroyed frame throws on access
  }
}

/** The slice of Electron's Session whose permission handlers main sets. */
export interface PermissionSession {
  setPermissionRequestHandler(
    handler: (contents: unknown, permission: string, callback: (granted: boolean) => void) => void,
  ): void;
  setPermissionCheckHandler(handler: (contents: unknown, permission: string) => boolean): void;
}

/**
 * Deny every permission, both when a page asks (request: camera, notifications, …) and when Chromium
 * checks one synchronously (check: clipboard, fullscreen, HID, serial, USB, …). The app needs none.
 */
export function denyAllPermissions(session: PermissionSession): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
}
