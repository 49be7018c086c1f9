// Tests for the URL policy: which senders are trusted, which navigations stay, which links open outside,
// and which files the app:// scheme may serve.
import { describe, expect, it } from 'vitest';
import { APP_INDEX_URL, createUrlPolicy, resolveAppFile } from './security';

describe('createUrlPolicy (built app)', () => {
  const policy = createUrlPolicy({});

  it('trusts only app://lab/index.html, with any hash or query', () => {
    expect(policy.isTrustedSender(APP_INDEX_URL)).toBe(true);
    expect(policy.isTrustedSender(`${APP_INDEX_URL}#/kv`)).toBe(true);
    expect(policy.isTrustedSender(`${APP_INDEX_URL}?x=1#/tpu`)).toBe(true);
  });

  it.each([
    '',
    'not a url',
    'about:blank',
    'file:///etc/passwd',
    'file:///opt/lab/out/renderer/index.html',
    'app://lab/other.html',
    'app://evil/index.html',
    'http://localhost:5173/',
    'https://example.com/index.html',
    'devtools://devtools/bundled/inspector.html',
  ])('does not trust %j', (url) => {
    expect(policy.isTrustedSender(url)).toBe(false);
    expect(policy.isAppUrl(url)).toBe(false);
  });
});

describe('createUrlPolicy (dev server)', () => {
  const policy = createUrlPolicy({ devServerUrl: 'http://localhost:5173' });

  it('trusts the dev server origin and nothing else', () => {
    expect(policy.isTrustedSender('http://localhost:5173/#/kv')).toBe(true);
    expect(policy.isTrustedSender('http://localhost:5174/')).toBe(false);
    expect(policy.isTrustedSender('http://127.0.0.1:5173/')).toBe(false);
    expect(policy.isTrustedSender(APP_INDEX_URL)).toBe(false);
  });
});

describe('externalUrl', () => {
  const policy = createUrlPolicy({});

  it('passes plain https links on to the OS browser', () => {
    expect(policy.externalUrl('https://www.usenix.org/conference/nsdi24')).toBe(
      'https://www.usenix.org/conference/nsdi24',
    );
  });

  it.each([
    'http://example.com/',
    'file:///etc/passwd',
    'javascript:alert(1)',
    'smb://host/share',
    'https://user:pw@example.com/',
    'nonsense',
  ])('refuses %j', (url) => {
    expect(policy.externalUrl(url)).toBeNull();
  });
});

describe('resolveAppFile', () => {
  const dir = '/opt/lab/out/renderer';

  it('maps app://lab paths into the renderer folder', () => {
    expect(resolveAppFile(dir, 'app://lab/index.html#/kv')).toBe(`${dir}/index.html`);
    expect(resolveAppFile(dir, 'app://lab/')).toBe(`${dir}/index.html`);
    expect(resolveAppFile(dir, 'app://lab/assets/lab.worker-abc.js')).toBe(`${dir}/assets/lab.worker-abc.js`);
  });

  it.each([
    'app://lab/../../etc/passwd',
    'app://lab/assets/%2e%2e/%2e%2e/secret',
    'app://lab/a/%2e%2e%2f%2e%2e%2fsecret',
  ])('never leaves the renderer folder for %j', (url) => {
    const file = resolveAppFile(dir, url);
    if (file !== null) {
      expect(file.startsWith(`${dir}/`)).toBe(true);
      expect(file.split('/')).not.toContain('..');
    }
  });

  it.each([
    'app://lab/a%5c..%5csecret',
    'app://other/index.html',
    'file:///etc/passwd',
    'app://lab/%E0%A4%A',
  ])('refuses %j', (url) => {
    expect(resolveAppFile(dir, url)).toBeNull();
  });
});
