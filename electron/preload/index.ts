// Sandboxed preload: exposes exactly one typed object, `window.lab` (LabBridge), and never ipcRenderer.
// Bundled into out/preload/index.cjs, since a sandboxed preload cannot require() other files.
import { contextBridge, ipcRenderer } from 'electron';
import { createLabApi } from './api';

contextBridge.exposeInMainWorld('lab', createLabApi(ipcRenderer, process.argv));
