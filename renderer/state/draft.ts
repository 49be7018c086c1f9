// A typed value that is committed when the user is done with it, not on every keystroke: a lab view rebuilds
// its simulation on each committed parameter, so its bar's text fields (numbers, lists, names, the seed)
// commit on Enter, on leaving the field, or after a pause in typing. Framework-free so the timing is
// unit-tested with fake timers; `useDraft` (components) binds it to an input.

/** Pause in typing after which a view's text field commits what it holds, ms. */
export const COMMIT_PAUSE_MS = 700;

export interface Timers {
  set(fn: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

const browserTimers: Timers = {
  set: (fn, ms) => setTimeout(fn, ms),
  clear: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

/**
 * Holds at most one uncommitted edit. `edit` replaces it and restarts the pause; `flush` commits it now
 * (Enter, blur); `cancel` drops it (unmount). A value is committed at most once.
 */
export class DraftCommitter {
  private draft: string | undefined;
  private timer: unknown;

  constructor(
    private readonly commit: (value: string) => void,
    private readonly pauseMs = COMMIT_PAUSE_MS,
    private readonly timers: Timers = browserTimers,
  ) {}

  /** The edit not yet committed, if any. */
  get pending(): string | undefined {
    return this.draft;
  }

  edit(value: string): void {
    this.draft = value;
    this.stopTimer();
    this.timer = this.timers.set(() => this.flush(), this.pauseMs);
  }

  flush(): void {
    this.stopTimer();
    const value = this.draft;
    this.draft = undefined;
    if (value !== undefined) this.commit(value);
  }

  cancel(): void {
    this.stopTimer();
    this.draft = undefined;
  }

  private stopTimer(): void {
    if (this.timer !== undefined) this.timers.clear(this.timer);
    this.timer = undefined;
  }
}
