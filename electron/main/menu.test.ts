// Tests for the application menu template: labels, accelerators, dev-only items and what clicks send.
import type { MenuItemConstructorOptions } from 'electron';
import { describe, expect, it, vi } from 'vitest';
import type { MenuCommand } from '../bridge';
import { buildMenuTemplate } from './menu';

function build(opts: { isDev?: boolean; isMac?: boolean } = {}) {
  const send = vi.fn<(cmd: MenuCommand) => void>();
  const template = buildMenuTemplate({
    isDev: false,
    isMac: false,
    appName: 'Hyperscale Lab',
    send,
    ...opts,
  });
  return { send, template };
}

function submenu(template: MenuItemConstructorOptions[], label: string): MenuItemConstructorOptions[] {
  const menu = template.find((m) => m.label === label);
  expect(menu, `menu ${label}`).toBeDefined();
  return menu?.submenu as MenuItemConstructorOptions[];
}

function all(template: MenuItemConstructorOptions[]): MenuItemConstructorOptions[] {
  return template.flatMap((m) => [m, ...(Array.isArray(m.submenu) ? all(m.submenu) : [])]);
}

function click(item: MenuItemConstructorOptions | undefined): void {
  (item?.click as (() => void) | undefined)?.();
}

describe('buildMenuTemplate', () => {
  it('has File, Edit, View and Help menus in that order (plus the app and Window menus on macOS)', () => {
    expect(build().template.map((m) => m.label)).toEqual(['File', 'Edit', 'View', 'Help']);
    expect(build({ isMac: true }).template.map((m) => m.label ?? m.role)).toEqual([
      'Hyperscale Lab',
      'File',
      'Edit',
      'View',
      'windowMenu',
      'Help',
    ]);
  });

  it.each<[string, string, MenuCommand]>([
    ['Open result…', 'CmdOrCtrl+O', 'open-result'],
    ['Save report…', 'CmdOrCtrl+S', 'save-report'],
    ['Export PDF…', 'CmdOrCtrl+P', 'export-pdf'],
  ])('File → %s has %s and sends %s to the renderer', (label, accelerator, command) => {
    const { send, template } = build();
    const item = submenu(template, 'File').find((i) => i.label === label);
    expect(item?.accelerator).toBe(accelerator);
    click(item);
    expect(send).toHaveBeenCalledExactlyOnceWith(command);
  });

  it('File ends with Quit on Windows and Linux; on macOS Quit is in the app menu', () => {
    expect(submenu(build().template, 'File').at(-1)?.role).toBe('quit');
    const mac = build({ isMac: true }).template;
    expect(submenu(mac, 'File').some((i) => i.role === 'quit')).toBe(false);
    expect(submenu(mac, 'Hyperscale Lab').some((i) => i.role === 'quit')).toBe(true);
  });

  it('Help → About Hyperscale Lab sends about', () => {
    const { send, template } = build();
    click(submenu(template, 'Help').find((i) => i.label === 'About Hyperscale Lab'));
    expect(send).toHaveBeenCalledExactlyOnceWith('about');
  });

  it('View has reload and zoom, and Toggle DevTools only in development', () => {
    const roles = (isDev: boolean) => submenu(build({ isDev }).template, 'View').map((i) => i.role);
    expect(roles(false)).toEqual(expect.arrayContaining(['reload', 'resetZoom', 'zoomIn', 'zoomOut']));
    expect(roles(false)).not.toContain('toggleDevTools');
    expect(roles(true)).toContain('toggleDevTools');
    for (const isMac of [false, true]) {
      expect(all(build({ isMac }).template).some((i) => i.role === 'toggleDevTools')).toBe(false);
    }
  });

  it('sends nothing while building the menu', () => {
    expect(build({ isDev: true, isMac: true }).send).not.toHaveBeenCalled();
  });
});
