import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { LAB_VERSION } from './version';

it('LAB_VERSION matches package.json', () => {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  expect(LAB_VERSION).toBe(pkg.version);
});
