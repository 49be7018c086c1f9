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
const layers = [
  {
    name: 'core is pure: no DOM, Node built-ins, electron, renderer, react or three',
    files: ['core/**/*.ts'],
    ignores: ['core/**/*.test.ts'],
    forbidden: [
      ...nodeBuiltins,
      'electron',
      'electron/*',
      'react',
      'react/*',
      'react-dom',
      'react-dom/*',
      'three',
      'three/*',
      '**/electron/**',
      '**/renderer/**',
      '**/cli/**',
    ],
  },
  {
    name: 'renderer sits on core; from electron/ it may import only the bridge types',
    files: ['renderer/**/*.ts', 'renderer/**/*.tsx'],
    ignores: ['renderer/vite.config.ts'],
    forbidden: [...nodeBuiltins, 'electron', '**/electron/main/**', '**/electron/preload/**', '**/cli/**'],
    typesOnly: ['**/electron/bridge'],
  },
  {
    name: 'electron main/preload sit on core; never on the renderer',
    files: ['electron/**/*.ts'],
    forbidden: ['**/renderer/**', '**/cli/**', 'react', 'react-dom', 'three'],
  },
];

export default tseslint.config(
  { ignores: ['out/**', 'node_modules/**', 'lab-out/**', 'test-results/**'] },
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
