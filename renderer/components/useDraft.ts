// Binds a DraftCommitter to one input: the input shows what is being typed, and `commit` sees it on Enter,
// on blur or after a pause in typing (renderer/state/draft.ts). With `enabled` false every change commits
// at once (selects, checkboxes: one event is one choice).
import { useEffect, useMemo, useRef, useState } from 'react';
import type { KeyboardEvent } from 'react';
import { DraftCommitter } from '../state/draft';

export interface Draft {
  /** What the input shows: the edit being typed, else the committed value. */
  shown: string;
  change(value: string): void;
  /** Commit now (blur). */
  flush(): void;
  /** Enter commits now. */
  onKeyDown(e: KeyboardEvent): void;
}

export function useDraft(value: string, commit: (value: string) => void, enabled: boolean): Draft {
  const commitRef = useRef(commit);
  commitRef.current = commit;
  const [typed, setTyped] = useState<string | undefined>(undefined);
  const committer = useMemo(
    () =>
      new DraftCommitter((v) => {
        setTyped(undefined);
        commitRef.current(v);
      }),
    [],
  );
  useEffect(() => () => committer.cancel(), [committer]);
  return {
    shown: enabled && typed !== undefined ? typed : value,
    change(v) {
      if (!enabled) return commitRef.current(v);
      setTyped(v);
      committer.edit(v);
    },
    flush: () => committer.flush(),
    onKeyDown(e) {
      if (e.key === 'Enter') committer.flush();
    },
  };
}
