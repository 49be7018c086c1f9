// Tests for the URL policy: which senders are trusted, which navigations stay, which links open outside.
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createUrlPolicy } from './security';

const indexPath = '/opt/Hyperscale Lab/resources/app/out/renderer/index.html';
const indexUrl = pathToFileURL(indexPath).href;

describe('createUrlPolicy (built app)', () => {
  const policy = createUrlPolicy({ rendererIndexPath: indexPath });

  it('trusts only the built index.html, with any hash or query', () => {
    expect(policy.isTrustedSender(indexUrl)).toBe(true);
    expect(policy.isTrustedSender(`${indexUrl}#/kv`)).toBe(true);
    expect(policy.isTrustedSender(`${indexUrl}?x=1#/tpu`)).toBe(true);
  });

  it.each([
    '',
    'not a url',
    'about:blank',
    'file:///etc/passwd',
    pathToFileURL('/opt/Hyperscale Lab/resources/app/out/renderer/other.html').href,
    'http://localhost:5173/',
    'https://example.com/out/renderer/index.html',
    'devtools://devtools/bundled/inspector.html',
  ])('does not trust %j', (url) => {
    expect(policy.isTrustedSender(url)).toBe(false);
    expect(policy.isAppUrl(url)).toBe(false);
  });
});

describe('createUrlPolicy (dev server)', () => {
  const policy = createUrlPolicy({ devServerUrl: 'http://localhost:5173', rendererIndexPath: indexPath });

  it('trusts the dev server origin and nothing else', () => {
    expect(policy.isTrustedSender('http://localhost:5173/#/kv')).toBe(true);
    expect(policy.isTrustedSender('http://localhost:5174/')).toBe(false);
    expect(policy.isTrustedSender('http://127.0.0.1:5173/')).toBe(false);
    expect(policy.isTrustedSender(indexUrl)).toBe(false);
  });
});

describe('externalUrl', () => {
  const policy = createUrlPolicy({ rendererIndexPath: indexPath });

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
