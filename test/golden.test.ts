// Golden results: every test/golden/*.json is a result.json that must re-run byte for byte from its own
// experiment, params and seed. Add one with `npm run lab -- run <id> … --out DIR` and copy DIR/result.json
// here as <id>.seed<N>.json; after an intended model change, refresh with UPDATE_GOLDEN=1 and review.
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseResultFile, reproducible, serializeResult } from '../core/experiments/result';
import { listExperiments, rerunResult } from '../core/labs';

const DIR = join(import.meta.dirname, 'golden');
const FILES = readdirSync(DIR)
  .filter((f) => f.endsWith('.json'))
  .sort();

describe('golden results', () => {
  it('covers every experiment of every lab', () => {
    const covered = new Set(FILES.map((f) => f.slice(0, f.indexOf('.seed'))));
    expect(
      listExperiments()
        .filter((e) => !covered.has(e.id))
        .map((e) => e.id),
    ).toEqual([]);
  });

  it.each(FILES)('%s re-runs byte for byte', async (file) => {
    const path = join(DIR, file);
    const stored = readFileSync(path, 'utf8');
    const fresh = serializeResult(reproducible(await rerunResult(parseResultFile(stored, file))));
    if (process.env.UPDATE_GOLDEN) writeFileSync(path, fresh);
    expect(fresh).toBe(stored);
  });
});
