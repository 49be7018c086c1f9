// Playback over a recording that may still be arriving: where the iteration counter goes next, and how far
// the scrubber reaches. Pure, so the view's timer and its tests share it.

/**
 * The frame `step` frames after `frame`. A complete recording loops; one still arriving holds at its last
 * recorded frame until more frames come, rather than looping early.
 */
export function nextFrame(frame: number, step: number, recorded: number, complete: boolean): number {
  if (recorded <= 0) return 0;
  if (complete) return (frame + step) % recorded;
  return Math.min(frame + step, recorded - 1);
}

/** The iterations the recording will hold: the planned count while it arrives, the final count once ended. */
export function totalFrames(v: { frames: number; plannedFrames: number; complete: boolean }): number {
  return v.complete ? v.frames : v.plannedFrames;
}
