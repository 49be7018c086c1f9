// The run's status lines: the panel's, and the footer's, which names the experiment (the footer stays while
// the user moves between labs, so a bare "Done in 0.73 s" would read as the shown lab's run).
import { describe, expect, it } from 'vitest';
import { footerText, statusText } from './RunControls';

describe('status lines', () => {
  it('the footer names the experiment of the run it reports; idle says what is shown', () => {
    const done = { phase: 'done', expId: 'kv-prefix-cache', purpose: 'run', elapsedMs: 730 } as const;
    expect(statusText(done)).toBe('Done in 0.73 s');
    expect(footerText(done)).toBe('kv-prefix-cache: Done in 0.73 s');
    const failed = { phase: 'error', expId: 'mesh-spike', purpose: 'run', message: 'too much work' } as const;
    expect(footerText(failed)).toBe('mesh-spike: Failed: too much work');
    expect(footerText({ phase: 'idle' })).toBe('Ready');
    expect(footerText({ phase: 'idle', note: 'Opened a result' })).toBe('Opened a result');
  });
});
