// The one way a lab view builds its model: in the worker, as its own job, whenever its parameters or seed
// change (a newer change cancels the older build); progress and errors as one status line. An error
// clears the model, since the old picture would contradict the parameters now shown. And the view's draw
// counters (`data-renders`, `data-raf-callbacks`) that the paused-idle e2e checks read.
import { useEffect, useRef, useState } from 'react';
import type { RefObject } from 'react';
import type { LabId, ViewModels } from '../../core/labs';
import { labClient } from '../worker/client';

export interface LabViewModelState<M> {
  model: M | null;
  /** '' once built; "Simulating… 40%", "Could not simulate: …" or "Cancelled" otherwise. */
  status: string;
  failed: boolean;
}

export function useLabViewModel<L extends LabId>(
  lab: L,
  params: Readonly<Record<string, string>>,
  seed: string,
  verb = 'Simulating',
): LabViewModelState<ViewModels[L]> {
  const [state, setState] = useState<LabViewModelState<ViewModels[L]>>({
    model: null,
    status: `${verb}…`,
    failed: false,
  });
  const runKey = JSON.stringify([params, seed]);
  useEffect(() => {
    let stale = false;
    let done = false;
    setState((s) => ({ ...s, status: `${verb}…`, failed: false }));
    const job = labClient().view(lab, { ...params }, seed, (f) => {
      // Progress arrives on its own port and can land after the outcome: drop it then.
      if (!stale && !done) setState((s) => ({ ...s, status: `${verb}… ${Math.floor(f * 100)}%` }));
    });
    void job.done.then((outcome) => {
      done = true;
      if (stale) return;
      if (outcome.kind === 'done') setState({ model: outcome.view, status: '', failed: false });
      else if (outcome.kind === 'error')
        setState({
          model: null,
          status: `Could not ${verb.toLowerCase().replace(/ing$/, 'e')}: ${outcome.message}`,
          failed: true,
        });
      else setState((s) => ({ ...s, status: 'Cancelled' }));
    });
    return () => {
      stale = true;
      job.cancel();
    };
    // runKey stands for params and seed.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [lab, runKey, verb]);
  return state;
}

/** Count the view's commits (and its playback frames, when it plays) on its root, for the idle checks. */
export function useDrawCounters(
  root: RefObject<HTMLElement | null>,
  frames?: { readonly current: number },
): void {
  const renders = useRef(0);
  useEffect(() => {
    renders.current += 1;
    root.current?.setAttribute('data-renders', String(renders.current));
    if (frames) root.current?.setAttribute('data-raf-callbacks', String(frames.current));
  });
}
