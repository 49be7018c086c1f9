// WGSL sources are imported as text: `import src from './kernel.wgsl?raw'` (Vite and Vitest natively, the CLI
// bundle through scripts/build-cli.mjs, benches through scripts/raw-hook.mjs).
declare module '*.wgsl?raw' {
  const source: string;
  export default source;
}
