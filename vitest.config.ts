// Unit, property, golden and conformance tests (Node). The e2e suite has its own config.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      'core/**/*.test.ts',
      'electron/**/*.test.ts',
      'renderer/**/*.test.{ts,tsx}',
      'cli/**/*.test.ts',
      'report/**/*.test.{ts,tsx}',
      'webgpu/**/*.test.ts',
      'test/**/*.test.ts',
    ],
    exclude: ['test/e2e/**', 'node_modules/**', 'out/**'],
    testTimeout: 60_000,
  },
});
