// Which URLs belong to the app: the only trusted IPC senders and navigation targets. Everything else is
// denied; https links may open in the user's browser instead.
import { pathToFileURL } from 'node:url';

export interface UrlPolicy {
  /** True only for the app's own renderer: the built index.html (file://) or the dev server's origin. */
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

export function createUrlPolicy(opts: { devServerUrl?: string; rendererIndexPath: string }): UrlPolicy {
  const devOrigin = opts.devServerUrl ? parse(opts.devServerUrl)?.origin : undefined;
  const indexUrl = pathToFileURL(opts.rendererIndexPath);

  const isAppUrl = (url: string): boolean => {
    const u = parse(url);
    if (!u) return false;
    if (devOrigin) return u.origin === devOrigin;
    return u.protocol === 'file:' && u.host === indexUrl.host && u.pathname === indexUrl.pathname;
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
