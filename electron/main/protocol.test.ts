// Tests for the app:// protocol handler on a real folder laid out like out/renderer: the CSP header on
// every response, MIME types, 404 for anything outside the folder, and the CSP read from the built meta tag.
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FALLBACK_CSP, createAppProtocolHandler, cspFromIndexHtml, mimeType } from './protocol';

const CSP = "default-src 'self'; script-src 'self'; worker-src 'self' blob:; object-src 'none'";

/** The meta tag as Vite writes it (attributes through escape-html). */
const BUILT_INDEX = `<!doctype html>
<html lang="en">
  <head>
    <meta http-equiv="Content-Security-Policy" content="${CSP.replace(/'/g, '&#39;')}">
    <meta charset="UTF-8" />
    <script type="module" crossorigin src="./assets/index-abc.js"></script>
  </head>
  <body><div id="root"></div></body>
</html>
`;

let root: string;
let rendererDir: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'lab-protocol-'));
  rendererDir = join(root, 'renderer');
  await mkdir(join(rendererDir, 'assets'), { recursive: true });
  await writeFile(join(rendererDir, 'index.html'), BUILT_INDEX);
  await writeFile(join(rendererDir, 'assets', 'index-abc.js'), 'export {};');
  await writeFile(join(rendererDir, 'assets', 'lab.worker-def.js'), 'self.onmessage = () => {};');
  await writeFile(join(rendererDir, 'assets', 'index-abc.css'), 'body{}');
  await writeFile(join(rendererDir, 'assets', 'logo.svg'), '<svg/>');
  await writeFile(join(rendererDir, 'assets', 'blob.bin'), 'xx');
  await writeFile(join(root, 'secret.txt'), 'do not serve');
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

function setup() {
  const read = vi.fn((path: string) => readFile(path) as Promise<Uint8Array<ArrayBuffer>>);
  const handle = createAppProtocolHandler({ rendererDir, csp: CSP, readFile: read });
  const get = (url: string, method = 'GET') => handle({ url, method });
  return { get, read };
}

describe('createAppProtocolHandler', () => {
  it.each([
    ['app://lab/index.html', 'text/html; charset=utf-8', BUILT_INDEX],
    ['app://lab/', 'text/html; charset=utf-8', BUILT_INDEX],
    ['app://lab/assets/index-abc.js', 'text/javascript; charset=utf-8', 'export {};'],
    ['app://lab/assets/lab.worker-def.js', 'text/javascript; charset=utf-8', 'self.onmessage = () => {};'],
    ['app://lab/assets/index-abc.css', 'text/css; charset=utf-8', 'body{}'],
    ['app://lab/assets/logo.svg', 'image/svg+xml', '<svg/>'],
    ['app://lab/assets/blob.bin', 'application/octet-stream', 'xx'],
  ])('serves %s as %s with the CSP header', async (url, type, body) => {
    const { get } = setup();
    const response = await get(url);
    expect(response.status).toBe(200);
    expect(response.headers.get('Content-Type')).toBe(type);
    expect(response.headers.get('Content-Security-Policy')).toBe(CSP);
    expect(response.headers.get('X-Content-Type-Options')).toBe('nosniff');
    expect(await response.text()).toBe(body);
  });

  it('sends the policy on the module worker script, which a meta tag cannot cover', async () => {
    const { get } = setup();
    const worker = await get('app://lab/assets/lab.worker-def.js');
    expect(worker.headers.get('Content-Security-Policy')).toBe(CSP);
  });

  it.each([
    'app://lab/../secret.txt',
    'app://lab/%2e%2e/secret.txt',
    'app://lab/assets/%2e%2e%2f%2e%2e%2fsecret.txt',
    'app://lab/assets/..%5c..%5csecret.txt',
    'app://other/index.html',
    'app://lab/missing.js',
    'app://lab/assets',
    'app://lab/%E0%A4%A',
  ])('answers 404 for %s, with the CSP header, and never serves the outside file', async (url) => {
    const { get, read } = setup();
    const response = await get(url);
    expect(response.status).toBe(404);
    expect(response.headers.get('Content-Security-Policy')).toBe(CSP);
    expect(await response.text()).not.toContain('do not serve');
    for (const [path] of read.mock.calls) expect(path.startsWith(`${rendererDir}/`)).toBe(true);
  });

  it('refuses methods other than GET and HEAD', async () => {
    const { get, read } = setup();
    const response = await get('app://lab/index.html', 'POST');
    expect(response.status).toBe(405);
    expect(response.headers.get('Content-Security-Policy')).toBe(CSP);
    expect(read).not.toHaveBeenCalled();
  });

  it('answers HEAD with headers and no body', async () => {
    const { get } = setup();
    const response = await get('app://lab/assets/index-abc.js', 'HEAD');
    expect(response.status).toBe(200);
    expect(response.headers.get('Content-Type')).toBe('text/javascript; charset=utf-8');
    expect(await response.text()).toBe('');
  });

  it('answers 500 (with the CSP) when a file cannot be read for another reason', async () => {
    const handle = createAppProtocolHandler({
      rendererDir,
      csp: CSP,
      readFile: () => Promise.reject(Object.assign(new Error('denied'), { code: 'EACCES' })),
    });
    const response = await handle({ url: 'app://lab/index.html', method: 'GET' });
    expect(response.status).toBe(500);
    expect(response.headers.get('Content-Security-Policy')).toBe(CSP);
  });
});

describe('cspFromIndexHtml', () => {
  it("reads the policy of the built index.html's meta tag, undoing Vite's escaping", () => {
    expect(cspFromIndexHtml(BUILT_INDEX)).toBe(CSP);
  });

  it('accepts single-quoted attributes and other attribute orders', () => {
    expect(cspFromIndexHtml(`<meta content='default-src "self"' http-equiv='content-security-policy'>`)).toBe(
      'default-src "self"',
    );
  });

  it('is null without a CSP meta tag, so main falls back to a policy that loads nothing', () => {
    expect(cspFromIndexHtml('<html><head><meta charset="utf-8"></head></html>')).toBeNull();
    expect(cspFromIndexHtml('<meta http-equiv="Content-Security-Policy" content="">')).toBeNull();
    expect(FALLBACK_CSP).toBe("default-src 'none'");
  });
});

describe('mimeType', () => {
  it('gives JavaScript a JavaScript type (module scripts and workers require one), case-insensitively', () => {
    expect(mimeType('/x/a.JS')).toBe('text/javascript; charset=utf-8');
    expect(mimeType('/x/a.mjs')).toBe('text/javascript; charset=utf-8');
    expect(mimeType('/x/a.wasm')).toBe('application/wasm');
    expect(mimeType('/x/noext')).toBe('application/octet-stream');
  });
});
