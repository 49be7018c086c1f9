// Runs in the worker as React state: one run at a time (a new run cancels the old one), progress
// coalesced to one update per animation frame, and the outcome handed back to the caller.
import { useCallback, useRef, useState } from 'react';
import { labClient } from '../worker/client';
import type { Job } from '../worker/client';
import type { ParamValue } from '../../core/experiments/types';
import type { RunOutcome } from '../worker/protocol';

export type RunPurpose = 'run' | 'check';

export type RunStatus =
  /** Nothing running; `note` says what is shown instead (e.g. a result opened from a file). */
  | { phase: 'idle'; note?: string }
  | { phase: 'running'; expId: string; purpose: RunPurpose; fraction: number; label?: string }
  | { phase: 'done'; expId: string; purpose: RunPurpose; elapsedMs: number }
  | { phase: 'cancelled'; expId: string; purpose: RunPurpose }
  | { phase: 'error'; expId: string; purpose: RunPurpose; message: string };

export interface RunRequest {
  expId: string;
  params: Record<string, ParamValue>;
  seed: string | number;
  purpose: RunPurpose;
}

/** What `start` resolves with; `superseded` when a later run replaced this one. */
export type StartOutcome = RunOutcome | { kind: 'superseded' };

export function useRunner(): {
  status: RunStatus;
  start(request: RunRequest): Promise<StartOutcome>;
  cancel(): void;
  /** Cancel quietly and forget the last run's state (its outcome, if it still arrives, is dropped). */
  reset(note?: string): void;
} {
  const [status, setStatus] = useState<RunStatus>({ phase: 'idle' });
  const generation = useRef(0);
  /** The run in progress: cancelling it never touches the views' jobs. */
  const current = useRef<Job<RunOutcome> | null>(null);

  const start = useCallback(async (request: RunRequest): Promise<StartOutcome> => {
    const client = labClient();
    current.current?.cancel();
    const mine = ++generation.current;
    const { purpose, expId } = request;
    setStatus({ phase: 'running', expId, purpose, fraction: 0, label: 'starting' });

    // Progress arrives on its own comlink port, so a last update can land after the outcome: `finished`
    // drops it rather than flipping a finished run back to "running".
    let finished = false;
    let pending: { fraction: number; label?: string } | null = null;
    const flush = () => {
      if (pending && !finished && generation.current === mine)
        setStatus({ phase: 'running', expId, purpose, ...pending });
      pending = null;
    };
    const onProgress = (fraction: number, label?: string) => {
      if (finished) return;
      if (pending === null) requestAnimationFrame(flush);
      pending = label === undefined ? { fraction } : { fraction, label };
    };

    const startedMs = performance.now();
    const job = client.run(request.expId, request.params, request.seed, onProgress);
    current.current = job;
    const outcome = await job.done;
    finished = true;
    if (generation.current !== mine) return { kind: 'superseded' };
    current.current = null;
    if (outcome.kind === 'done')
      setStatus({ phase: 'done', expId, purpose, elapsedMs: performance.now() - startedMs });
    else if (outcome.kind === 'cancelled') setStatus({ phase: 'cancelled', expId, purpose });
    else setStatus({ phase: 'error', expId, purpose, message: outcome.message });
    return outcome;
  }, []);

  const cancel = useCallback(() => {
    current.current?.cancel();
  }, []);

  const reset = useCallback((note?: string) => {
    current.current?.cancel();
    current.current = null;
    generation.current++;
    setStatus(note === undefined ? { phase: 'idle' } : { phase: 'idle', note });
  }, []);

  return { status, start, cancel, reset };
}
