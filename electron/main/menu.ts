// The application menu as a pure template builder. Commands that act on the current result go to the
// renderer (which owns it) through `send`; the rest use Electron's built-in roles.
import type { MenuItemConstructorOptions } from 'electron';
import type { MenuCommand } from '../bridge';

export interface MenuOptions {
  isDev: boolean;
  isMac: boolean;
  send: (command: MenuCommand) => void;
  appName: string;
}

export function buildMenuTemplate(opts: MenuOptions): MenuItemConstructorOptions[] {
  const { isDev, isMac, send, appName } = opts;
  const command = (label: string, cmd: MenuCommand, accelerator?: string): MenuItemConstructorOptions => ({
    label,
    ...(accelerator ? { accelerator } : {}),
    click: () => send(cmd),
  });

  const appMenu: MenuItemConstructorOptions[] = isMac
    ? [
        {
          label: appName,
          submenu: [
            command(`About ${appName}`, 'about'),
            { type: 'separator' },
            { role: 'services' },
            { type: 'separator' },
            { role: 'hide' },
            { role: 'hideOthers' },
            { role: 'unhide' },
            { type: 'separator' },
            { role: 'quit' },
          ],
        },
      ]
    : [];

  const file: MenuItemConstructorOptions = {
    label: 'File',
    submenu: [
      command('Open result…', 'open-result', 'CmdOrCtrl+O'),
      command('Save report…', 'save-report', 'CmdOrCtrl+S'),
      command('Export PDF…', 'export-pdf', 'CmdOrCtrl+P'),
      { type: 'separator' },
      isMac ? { role: 'close' } : { role: 'quit' },
    ],
  };

  // Text fields (parameters) need the edit roles for copy/paste shortcuts, on macOS especially.
  const edit: MenuItemConstructorOptions = {
    label: 'Edit',
    submenu: [
      { role: 'undo' },
      { role: 'redo' },
      { type: 'separator' },
      { role: 'cut' },
      { role: 'copy' },
      { role: 'paste' },
      { role: 'selectAll' },
    ],
  };

  const view: MenuItemConstructorOptions = {
    label: 'View',
    submenu: [
      { role: 'reload' },
      ...(isDev ? [{ role: 'toggleDevTools' } as const] : []),
      { type: 'separator' },
      { role: 'resetZoom' },
      { role: 'zoomIn' },
      { role: 'zoomOut' },
      { type: 'separator' },
      { role: 'togglefullscreen' },
    ],
  };

  const windowMenu: MenuItemConstructorOptions[] = isMac ? [{ role: 'windowMenu' }] : [];

  const help: MenuItemConstructorOptions = {
    label: 'Help',
    role: 'help',
    submenu: [command(`About ${appName}`, 'about')],
  };

  return [...appMenu, file, edit, view, ...windowMenu, help];
}
