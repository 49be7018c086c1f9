import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { COMMIT_PAUSE_MS, DraftCommitter } from './draft';

describe('DraftCommitter: a view field commits when the user is done, not per keystroke', () => {
  let commits: string[];
  let d: DraftCommitter;
  beforeEach(() => {
    vi.useFakeTimers();
    commits = [];
    d = new DraftCommitter((v) => commits.push(v));
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('keystrokes inside the pause commit once, the last value, a pause after the last one', () => {
    for (const v of ['1', '12', '120']) {
      d.edit(v);
      vi.advanceTimersByTime(COMMIT_PAUSE_MS - 1);
    }
    expect(commits).toEqual([]);
    expect(d.pending).toBe('120');
    vi.advanceTimersByTime(1);
    expect(commits).toEqual(['120']);
    expect(d.pending).toBeUndefined();
    vi.advanceTimersByTime(10 * COMMIT_PAUSE_MS);
    expect(commits).toEqual(['120']);
  });

  it('flush (Enter, blur) commits at once, and the pause then commits nothing more', () => {
    d.edit('4');
    d.edit('48');
    d.flush();
    expect(commits).toEqual(['48']);
    vi.advanceTimersByTime(COMMIT_PAUSE_MS * 2);
    expect(commits).toEqual(['48']);
    d.flush();
    expect(commits).toEqual(['48']);
  });

  it('cancel (unmount) drops the edit: nothing is committed later', () => {
    d.edit('7');
    d.cancel();
    vi.advanceTimersByTime(COMMIT_PAUSE_MS * 2);
    expect(commits).toEqual([]);
  });
});
