// A view's Play/Pause button and scrub bar over its playback clock (usePlayback), with the time as text.
import type { ReactNode } from 'react';
import type { Playback } from './usePlayback';

interface Props {
  /** The lab id: test ids are `<lab>-play`, `<lab>-scrub` and `<lab>-time`. */
  lab: string;
  playback: Playback;
  /** The scrub bar's end and step, in the clock's units. */
  max: number;
  step: number;
  /** What the bar scrubs, for screen readers, e.g. "Time in the run". */
  label: string;
  /** The time shown beside the bar. */
  time: ReactNode;
}

export function PlayControls({ lab, playback, max, step, label, time }: Props) {
  return (
    <>
      <button type="button" className="small" data-testid={`${lab}-play`} onClick={playback.toggle}>
        {playback.playing ? 'Pause' : 'Play'}
      </button>
      <input
        type="range"
        aria-label={label}
        data-testid={`${lab}-scrub`}
        min={0}
        max={max}
        step={step}
        value={playback.time}
        onChange={(e) => playback.step(Number(e.target.value))}
      />
      <span className={`${lab}-time`} data-testid={`${lab}-time`}>
        {time}
      </span>
    </>
  );
}
