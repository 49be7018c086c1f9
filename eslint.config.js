// Lint, including the layer table (STYLE.md): which folder may import which. Violations are errors.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

const nodeBuiltins = [
  'node:*',
  'fs',
  'fs/*',
  'path',
  'os',
  'child_process',
  'url',
  'util',
  'worker_threads',
  'crypto',
  'stream',
  'events',
  'http',
  'https',
  'net',
  'process',
  'buffer',
  'module',
];

/** Layer table: for files matching `files`, importing any of `forbidden` is an error. */
const ui = ['react', 'react/*', 'react-dom', 'react-dom/*'];
const layers = [
  {
    name: 'core is pure: no DOM, Node built-ins, electron, react, three, nor any folder above it',
    files: ['core/**/*.ts'],
    ignores: ['core/**/*.test.ts'],
    forbidden: [
      ...nodeBuiltins,
      'electron',
      'electron/*',
      ...ui,
      'three',
      'three/*',
      '**/electron/**',
      '**/renderer/**',
      '**/cli/**',
      '**/report/**',
      '**/webgpu/**',
    ],
  },
  {
    name: 'webgpu/ (WGSL kernels and their hosts) sits on core only: it runs in the browser and in Node',
    files: ['webgpu/**/*.ts'],
    ignores: ['webgpu/**/*.test.ts'],
    forbidden: [
      ...nodeBuiltins,
      'electron',
      ...ui,
      'three',
      '**/electron/**',
      '**/renderer/**',
      '**/cli/**',
      '**/report/**',
    ],
  },
  {
    name: 'report/ (DOM-free React of reports and charts) sits on core only: the app and the CLI render it',
    files: ['report/**/*.ts', 'report/**/*.tsx'],
    ignores: ['report/**/*.test.ts', 'report/**/*.test.tsx'],
    forbidden: [
      ...nodeBuiltins,
      'electron',
      'three',
      '**/electron/**',
      '**/renderer/**',
      '**/cli/**',
      '**/webgpu/**',
    ],
  },
  {
    name: 'renderer sits on core, report and webgpu; from electron/ it may import only the bridge types',
    files: ['renderer/**/*.ts', 'renderer/**/*.tsx'],
    ignores: ['renderer/vite.config.ts'],
    forbidden: [...nodeBuiltins, 'electron', '**/electron/main/**', '**/electron/preload/**', '**/cli/**'],
    typesOnly: ['**/electron/bridge'],
  },
  {
    name: 'cli sits on core, report and webgpu; never on the renderer, electron, or a UI library',
    files: ['cli/**/*.ts', 'cli/**/*.mjs'],
    ignores: ['cli/**/*.test.ts'],
    forbidden: ['electron', ...ui, 'three', '**/electron/**', '**/renderer/**'],
  },
  {
    name: 'electron main/preload sit on core; never on the renderer, cli, report or webgpu',
    files: ['electron/**/*.ts'],
    forbidden: ['**/renderer/**', '**/cli/**', '**/report/**', '**/webgpu/**', ...ui, 'three'],
  },
];

export default tseslint.config(
  { ignores: ['out/**', 'out-cli/**', 'runs/**', 'node_modules/**', 'lab-out/**', 'test-results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.es2022 } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    languageOptions: { globals: { ...globals.browser } },
    rules: { 'react-hooks/rules-of-hooks': 'error', 'react-hooks/exhaustive-deps': 'warn' },
  },
  {
    files: [
      'electron/**/*.ts',
      'cli/**/*.{ts,mjs}',
      'scripts/**/*.mjs',
      'bench/**/*.{ts,mjs}',
      'test/**/*.ts',
      '*.config.{ts,js}',
      'renderer/vite.config.ts',
    ],
    languageOptions: { globals: { ...globals.node } },
  },
  ...layers.map((layer) => ({
    files: layer.files,
    ignores: layer.ignores ?? [],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: layer.forbidden, message: `Layer rule: ${layer.name}.` },
            ...(layer.typesOnly
              ? [{ group: layer.typesOnly, allowTypeImports: true, message: `Layer rule: ${layer.name}.` }]
              : []),
          ],
        },
      ],
    },
  })),
  {
    // Short functions (STYLE.md): a long one is a design smell; 150 lines is the hard limit.
    files: ['core/**/*.ts', 'cli/**/*.{ts,mjs}'],
    ignores: ['**/*.test.ts'],
    rules: { 'max-lines-per-function': ['error', { max: 150 }] },
  },
  {
    // Determinism (DESIGN.md rule 2): core draws randomness and time only from its context.
    files: ['core/**/*.ts'],
    ignores: ['core/**/*.test.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'Math', property: 'random', message: 'core is deterministic: use the seeded Rng.' },
        { object: 'Date', property: 'now', message: 'core has no wall clock.' },
        { object: 'performance', property: 'now', message: 'core has no wall clock.' },
      ],
      'no-restricted-globals': [
        'error',
        'window',
        'document',
        'process',
        'require',
        'setTimeout',
        'setInterval',
        'setImmediate',
        'queueMicrotask',
        'crypto',
      ],
      'no-restricted-syntax': [
        'error',
        { selector: "NewExpression[callee.name='Date']", message: 'core has no wall clock.' },
        { selector: "CallExpression[callee.name='Date']", message: 'core has no wall clock.' },
      ],
    },
  },
);
