// Small fakes of the Electron objects main's handlers use (WebContents, Session), for the tests in Node only.
import type { PdfSession } from './pdf';
import type { GuardedContents } from './window';

type Listener = (...args: never[]) => unknown;

/** A navigation event as Electron passes it: `preventDefault()` marks it refused. */
export class FakeEvent {
  defaultPrevented = false;
  preventDefault(): void {
    this.defaultPrevented = true;
  }
}

/** A WebContents that records its listeners and window-open handler, and lets a test fire them. */
export class FakeContents implements GuardedContents {
  readonly listeners = new Map<string, Listener[]>();
  windowOpenHandler: ((details: { url: string }) => { action: 'deny' }) | undefined;

  on(event: string, listener: Listener): this {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
    return this;
  }

  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void {
    this.windowOpenHandler = handler;
  }

  /** Fire a navigation-like event the way Chromium would; true when a listener refused it. */
  navigate(event: 'will-navigate' | 'will-redirect', url: string): boolean {
    const e = new FakeEvent();
    for (const listener of this.listeners.get(event) ?? [])
      (listener as (e: FakeEvent, url: string) => void)(e, url);
    return e.defaultPrevented;
  }

  /** True when a `<webview>` attach would be refused. */
  attachWebview(): boolean {
    const e = new FakeEvent();
    for (const listener of this.listeners.get('will-attach-webview') ?? [])
      (listener as (e: FakeEvent) => void)(e);
    return e.defaultPrevented;
  }

  /** What `window.open(url)` (or a target=_blank link) would get. */
  openWindow(url: string): unknown {
    return this.windowOpenHandler?.({ url });
  }
}

/** A Session that records the handlers main installs. */
export class FakeSession implements PdfSession {
  requestHandler:
    ((contents: unknown, permission: string, callback: (granted: boolean) => void) => void) | null = null;
  checkHandler: ((contents: unknown, permission: string) => boolean) | null = null;
  beforeRequest:
    ((details: { url: string }, callback: (response: { cancel: boolean }) => void) => void) | null = null;

  setPermissionRequestHandler(
    handler: (contents: unknown, permission: string, callback: (granted: boolean) => void) => void,
  ): void {
    this.requestHandler = handler;
  }
  setPermissionCheckHandler(handler: (contents: unknown, permission: string) => boolean): void {
    this.checkHandler = handler;
  }
  readonly webRequest = {
    onBeforeRequest: (
      listener: (details: { url: string }, callback: (response: { cancel: boolean }) => void) => void,
    ): void => {
      this.beforeRequest = listener;
    },
  };

  /** What the request handler answers for `permission` (undefined if it never calls back). */
  request(permission: string): boolean | undefined {
    let granted: boolean | undefined;
    this.requestHandler?.(null, permission, (g) => {
      granted = g;
    });
    return granted;
  }
  /** Whether a request for `url` would be cancelled. */
  cancels(url: string): boolean | undefined {
    let cancel: boolean | undefined;
    this.beforeRequest?.({ url }, (r) => {
      cancel = r.cancel;
    });
    return cancel;
  }
}
