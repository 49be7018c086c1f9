// Tests for the URL policy (trusted senders, navigations, external links), the files app:// may serve,
// senderUrl on fake IPC events, and the deny-all permission handlers on a fake Session.
import { describe, expect, it } from 'vitest';
import { FakeSession } from './fakes';
import { APP_INDEX_URL, createUrlPolicy, denyAllPermissions, resolveAppFile, senderUrl } from './security';

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

describe('senderUrl', () => {
  const mainFrame = { url: 'app://lab/index.html#/kv' };
  const sender = { mainFrame };

  it("is the main frame's URL when the main frame sent the message", () => {
    expect(senderUrl({ senderFrame: mainFrame, sender })).toBe('app://lab/index.html#/kv');
  });

  it('is empty for a subframe, even one showing the app URL', () => {
    expect(senderUrl({ senderFrame: { url: 'app://lab/index.html' }, sender })).toBe('');
  });

  it('is empty when the frame has gone (senderFrame null)', () => {
    expect(senderUrl({ senderFrame: null, sender })).toBe('');
  });

  it('is empty when reading the frame throws (a destroyed frame)', () => {
    const destroyed = {
      get url(): string {
        throw new Error('Render frame was disposed before WebFrameMain could be accessed');
      },
    };
    expect(senderUrl({ senderFrame: destroyed, sender: { mainFrame: destroyed } })).toBe('');
  });

  it('feeds isTrustedSender: only the app page in the main frame is trusted', () => {
    const policy = createUrlPolicy({});
    const evil = { url: 'https://evil.example/' };
    expect(policy.isTrustedSender(senderUrl({ senderFrame: mainFrame, sender }))).toBe(true);
    expect(policy.isTrustedSender(senderUrl({ senderFrame: evil, sender: { mainFrame: evil } }))).toBe(false);
  });
});

describe('denyAllPermissions', () => {
  const permissions = [
    'media',
    'geolocation',
    'notifications',
    'clipboard-read',
    'clipboard-sanitized-write',
    'fullscreen',
    'openExternal',
    'hid',
    'serial',
    'usb',
    'fileSystem',
    'storage-access',
  ];

  it('installs both a request and a check handler', () => {
    const session = new FakeSession();
    denyAllPermissions(session);
    expect(session.requestHandler).toBeTypeOf('function');
    expect(session.checkHandler).toBeTypeOf('function');
  });

  it.each(permissions)('refuses a request for %s', (permission) => {
    const session = new FakeSession();
    denyAllPermissions(session);
    expect(session.request(permission)).toBe(false);
  });

  it.each(permissions)('answers false to a check for %s', (permission) => {
    const session = new FakeSession();
    denyAllPermissions(session);
    expect(session.checkHandler?.(null, permission)).toBe(false);
  });
});
