// Golden results: kv-prefix-cache at a fixed seed must reproduce the stored result.json byte for byte.
// Update on purpose with UPDATE_GOLDEN=1 and review the diff.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runExperiment } from '../core/experiments/registry';
import { serializeResult } from '../core/experiments/result';

const GOLDEN = [
  { id: 'kv-prefix-cache', seed: 1, params: { blocks: '64,128,256,512,1024', duration: '60' } },
];

describe('golden results', () => {
  for (const g of GOLDEN) {
    it(`${g.id} seed ${g.seed} reproduces test/golden/${g.id}.seed${g.seed}.json`, async () => {
      const file = join(import.meta.dirname, 'golden', `${g.id}.seed${g.seed}.json`);
      const text = serializeResult(await runExperiment(g.id, g.params, g.seed));
      if (process.env.UPDATE_GOLDEN) writeFileSync(file, text);
      expect(existsSync(file), `${file} is missing: run with UPDATE_GOLDEN=1`).toBe(true);
      expect(text).toBe(readFileSync(file, 'utf8'));
    });
  }
});
