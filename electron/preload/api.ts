// Builds the `window.lab` object (LabBridge) over a narrow slice of ipcRenderer. Kept apart from
// index.ts so it can be tested without Electron; nothing here hands ipcRenderer or events to the page.
import type { IpcRenderer, IpcRendererEvent } from 'electron';
import { CHANNELS } from '../bridge';
import type { LabBridge, MenuCommand, OpenedFile, ReportFiles, SaveOutcome, PdfRequest } from '../bridge';

export const MENU_COMMANDS = [
  'open-result',
  'save-report',
  'export-pdf',
  'about',
] as const satisfies readonly MenuCommand[];

// Compile-time check that MENU_COMMANDS lists every MenuCommand.
type Unlisted = Exclude<MenuCommand, (typeof MENU_COMMANDS)[number]>;
const _allListed: [Unlisted] extends [never] ? true : never = true;
void _allListed;

export function isMenuCommand(value: unknown): value is MenuCommand {
  return typeof value === 'string' && (MENU_COMMANDS as readonly string[]).includes(value);
}

/** The app version main passes as `--lab-version=x.y.z`; 'dev' when absent or malformed. */
export function parseLabVersion(argv: readonly string[]): string {
  const prefix = '--lab-version=';
  const arg = argv.find((a) => a.startsWith(prefix));
  const version = arg?.slice(prefix.length) ?? '';
  return /^[0-9A-Za-z][0-9A-Za-z.+-]{0,63}$/.test(version) ? version : 'dev';
}

export type BridgeIpc = Pick<IpcRenderer, 'invoke' | 'on' | 'removeListener'>;

export function createLabApi(ipc: BridgeIpc, argv: readonly string[]): LabBridge {
  const api: LabBridge = {
    version: parseLabVersion(argv),
    saveReport: (report: ReportFiles) => ipc.invoke(CHANNELS.saveReport, report) as Promise<SaveOutcome>,
    openResult: () => ipc.invoke(CHANNELS.openResult) as Promise<OpenedFile | null>,
    exportPdf: (request: PdfRequest) => ipc.invoke(CHANNELS.exportPdf, request) as Promise<SaveOutcome>,
    onMenu(listener) {
      const onCommand = (_event: IpcRendererEvent, command: unknown): void => {
        if (isMenuCommand(command)) listener(command);
      };
      ipc.on(CHANNELS.menu, onCommand);
      return () => {
        ipc.removeListener(CHANNELS.menu, onCommand);
      };
    },
  };
  return Object.freeze(api);
}
