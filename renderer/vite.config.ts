// Vite settings for the renderer, shared by `npm run web` (browser dev server) and electron-vite's build.
import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import type { Plugin, UserConfig } from 'vite';

/** Strict Content-Security-Policy, injected into the built index.html only (the dev server needs inline HMR code). */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "worker-src 'self' blob:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

function cspMeta(): Plugin {
  return {
    name: 'hyperscale-lab:csp',
    apply: 'build',
    transformIndexHtml: () => [
      { tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: CONTENT_SECURITY_POLICY }, injectTo: 'head-prepend' },
    ],
  };
}

const rendererRoot = resolve(import.meta.dirname, '.');

export const rendererConfig: UserConfig = {
  root: rendererRoot,
  // Relative asset URLs: out/renderer/index.html works from file:// (Electron) and any static server.
  base: './',
  plugins: [react(), cspMeta()],
  worker: { format: 'es' },
  build: {
    outDir: resolve(import.meta.dirname, '../out/renderer'),
    emptyOutDir: true,
    rollupOptions: { input: resolve(rendererRoot, 'index.html') },
  },
};

export default rendererConfig;
