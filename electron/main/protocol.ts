// The app:// protocol handler: serves the built renderer with a MIME type per file and the
// Content-Security-Policy header on every response (the module worker gets no CSP from a meta tag).
import { extname } from 'node:path';
import { resolveAppFile } from './security';

/**
 * The policy used when the built index.html carries no CSP meta tag (a broken build): load nothing, so the
 * failure is visible instead of running the app without a policy.
 */
export const FALLBACK_CSP = "default-src 'none'";

const CSP_META = /<meta\s[^>]*http-equiv=["']?Content-Security-Policy["']?[^>]*>/i;
const CONTENT_ATTR = /\scontent=(?:"([^"]*)"|'([^']*)')/i;

/**
 * The policy of the built index.html's `<meta http-equiv="Content-Security-Policy">`, or null. The meta
 * tag (renderer/vite.config.ts, CONTENT_SECURITY_POLICY) stays the one definition; the header repeats it.
 */
export function cspFromIndexHtml(html: string): string | null {
  const meta = CSP_META.exec(html)?.[0];
  if (!meta) return null;
  const match = CONTENT_ATTR.exec(meta);
  return decodeEntities(match?.[1] ?? match?.[2] ?? '').trim() || null;
}

const ENTITIES: Readonly<Record<string, string>> = {
  '&#39;': "'",
  '&#x27;': "'",
  '&apos;': "'",
  '&quot;': '"',
  '&#34;': '"',
  '&lt;': '<',
  '&gt;': '>',
  '&amp;': '&',
};

/** Vite writes attributes through escape-html (`'` as `&#39;`); undo exactly those entities, in one pass. */
function decodeEntities(text: string): string {
  return text.replace(/&(?:#39|#x27|apos|quot|#34|lt|gt|amp);/g, (entity) => ENTITIES[entity] ?? entity);
}

/** What the built renderer contains; anything else is served as opaque bytes (with nosniff). */
export const MIME_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.wgsl': 'text/plain; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
};

export function mimeType(file: string): string {
  return MIME_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
}

export interface AppProtocolDeps {
  /** Folder of the built renderer (out/renderer). */
  rendererDir: string;
  /** The policy sent as the Content-Security-Policy header on every response, errors included. */
  csp: string;
  /** Reads one file (fs.promises.readFile); ENOENT, EISDIR and ENOTDIR become 404. */
  readFile(path: string): Promise<Uint8Array<ArrayBuffer>>;
}

/** The slice of Electron's GlobalRequest the handler reads. */
export interface AppRequest {
  readonly url: string;
  readonly method: string;
}

const NOT_FOUND_CODES = new Set(['ENOENT', 'EISDIR', 'ENOTDIR', 'ENAMETOOLONG']);

/** The function to pass to `protocol.handle('app', …)`. */
export function createAppProtocolHandler(deps: AppProtocolDeps): (request: AppRequest) => Promise<Response> {
  const headers = (contentType: string): Record<string, string> => ({
    'Content-Type': contentType,
    'Content-Security-Policy': deps.csp,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
  });
  const plain = (status: number, text: string): Response =>
    new Response(text, { status, headers: headers('text/plain; charset=utf-8') });

  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return plain(405, 'method not allowed');
    const file = resolveAppFile(deps.rendererDir, request.url);
    if (!file) return plain(404, 'not found');
    let body: Uint8Array<ArrayBuffer>;
    try {
      body = await deps.readFile(file);
    } catch (err) {
      const code = typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : '';
      return NOT_FOUND_CODES.has(code) ? plain(404, 'not found') : plain(500, 'could not read the file');
    }
    return new Response(request.method === 'HEAD' ? null : body, {
      status: 200,
      headers: headers(mimeType(file)),
    });
  };
}
