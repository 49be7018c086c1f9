// Tests for the preload's bridge object: channels invoked, menu commands filtered, version parsing.
import type { IpcRendererEvent } from 'electron';
import { describe, expect, it, vi } from 'vitest';
import { CHANNELS } from '../bridge';
import type { MenuCommand } from '../bridge';
import { MENU_COMMANDS, createLabApi, isMenuCommand, parseLabVersion } from './api';
import type { BridgeIpc } from './api';

type Listener = (event: IpcRendererEvent, ...args: unknown[]) => void;

function fakeIpc() {
  const listeners = new Map<string, Set<Listener>>();
  const ipc = {
    invoke: vi.fn(async (..._args: unknown[]) => ({ saved: false })),
    on: vi.fn((channel: string, listener: Listener) => {
      if (!listeners.has(channel)) listeners.set(channel, new Set());
      listeners.get(channel)?.add(listener);
      return ipc;
    }),
    removeListener: vi.fn((channel: string, listener: Listener) => {
      listeners.get(channel)?.delete(listener);
      return ipc;
    }),
  };
  const emit = (channel: string, ...args: unknown[]) =>
    listeners.get(channel)?.forEach((l) => l({} as IpcRendererEvent, ...args));
  return {
    ipc,
    emit,
    bridgeIpc: ipc as unknown as BridgeIpc,
    count: (c: string) => listeners.get(c)?.size ?? 0,
  };
}

describe('createLabApi', () => {
  it('invokes one channel per call, with the payload unchanged', async () => {
    const { ipc, bridgeIpc } = fakeIpc();
    const api = createLabApi(bridgeIpc, []);
    const report = { suggestedName: 'x', files: { 'a.csv': '1' } };
    await api.saveReport(report);
    await api.openResult();
    const pdf = { suggestedName: 'x', html: '<p>r</p>' };
    await api.exportPdf(pdf);
    expect(ipc.invoke.mock.calls).toEqual([
      [CHANNELS.saveReport, report],
      [CHANNELS.openResult],
      [CHANNELS.exportPdf, pdf],
    ]);
  });

  it('onMenu passes known commands only (without the event) and unsubscribes', () => {
    const { emit, bridgeIpc, count } = fakeIpc();
    const api = createLabApi(bridgeIpc, []);
    const seen: MenuCommand[] = [];
    const off = api.onMenu((cmd) => seen.push(cmd));
    emit(CHANNELS.menu, 'save-report');
    emit(CHANNELS.menu, 'rm -rf');
    emit(CHANNELS.menu, { command: 'about' });
    emit(CHANNELS.menu, 'about');
    expect(seen).toEqual(['save-report', 'about']);
    off();
    expect(count(CHANNELS.menu)).toBe(0);
    emit(CHANNELS.menu, 'about');
    expect(seen).toHaveLength(2);
  });

  it('exposes exactly the LabBridge members, and no ipcRenderer', () => {
    const api = createLabApi(fakeIpc().bridgeIpc, ['--lab-version=0.1.0']);
    expect(Object.keys(api).sort()).toEqual(['exportPdf', 'onMenu', 'openResult', 'saveReport', 'version']);
    expect(api.version).toBe('0.1.0');
  });
});

describe('parseLabVersion', () => {
  it('reads --lab-version= from argv', () => {
    expect(parseLabVersion(['/electron', '--type=renderer', '--lab-version=1.2.3-beta.1'])).toBe(
      '1.2.3-beta.1',
    );
  });
  it.each([[[]], [['--lab-version=']], [['--lab-version=<script>']], [[`--lab-version=${'1'.repeat(80)}`]]])(
    'falls back to dev for %j',
    (argv) => {
      expect(parseLabVersion(argv)).toBe('dev');
    },
  );
});

describe('isMenuCommand', () => {
  it('accepts every listed command and nothing else', () => {
    for (const cmd of MENU_COMMANDS) expect(isMenuCommand(cmd)).toBe(true);
    for (const v of ['', 'About', 'quit', 1, null, undefined, {}]) expect(isMenuCommand(v)).toBe(false);
  });
});

describe('preload entry (static check)', () => {
  it('exposes one object, window.lab, and never ipcRenderer itself', async () => {
    const { readFileSync } = await import('node:fs');
    const source = readFileSync(new URL('./index.ts', import.meta.url), 'utf8');
    expect(source.match(/exposeInMainWorld\(/g)).toHaveLength(1);
    expect(source).toContain(
      "contextBridge.exposeInMainWorld('lab', createLabApi(ipcRenderer, process.argv))",
    );
  });
});
