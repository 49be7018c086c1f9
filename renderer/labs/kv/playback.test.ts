// Playback over a streaming recording: it waits at the recording's edge and loops only once it is complete.
import { describe, expect, it } from 'vitest';
import { nextFrame, totalFrames } from './playback';

describe('kv playback', () => {
  it('advances by the step while the frames are recorded', () => {
    expect(nextFrame(3, 2, 50, false)).toBe(5);
    expect(nextFrame(3, 2, 50, true)).toBe(5);
  });

  it('holds at the last recorded frame while the recording is still arriving', () => {
    expect(nextFrame(48, 4, 50, false)).toBe(49);
    expect(nextFrame(49, 1, 50, false)).toBe(49);
    // More frames arrived: it goes on from where it waited.
    expect(nextFrame(49, 1, 75, false)).toBe(50);
  });

  it('loops only once the recording is complete', () => {
    expect(nextFrame(399, 1, 400, true)).toBe(0);
    expect(nextFrame(398, 4, 400, true)).toBe(2);
  });

  it('the scrubber spans the planned iterations while recording, the final count once ended', () => {
    expect(totalFrames({ frames: 75, plannedFrames: 400, complete: false })).toBe(400);
    expect(totalFrames({ frames: 312, plannedFrames: 400, complete: true })).toBe(312);
  });
});
