// The one playback clock of the lab views: playing or paused, speed, time, step and scrub over a timeline
// [0, end]. While playing it advances with requestAnimationFrame; paused, no loop runs at all (the views
// draw only when something changes). Time lives in a ref for per-frame drawing (`onFrame`) and in React
// state for the controls, published at most every `publishEveryMs`.
import { useCallback, useEffect, useRef, useState } from 'react';

export interface PlaybackOptions {
  /** The last reachable time (e.g. the last recorded frame, the scenario's length). */
  end: number;
  /** Timeline units per real second at speed 1. */
  rate: number;
  initialSpeed: number;
  /** At the end: stop (the default), loop to 0, or hold and wait for the end to grow (a recording arriving). */
  atEnd?: 'stop' | 'loop' | 'hold';
  /** Publish `time` to React at most this often while playing (0 = every frame). */
  publishEveryMs?: number;
  /** Publish only when the whole part of the time changes (a timeline of discrete frames). */
  whole?: boolean;
  /** Called every animation frame while playing, with the new time (before it is published). */
  onFrame?(time: number): void;
}

export interface Playback {
  playing: boolean;
  speed: number;
  /** The time the controls show (every frame, or as often as `publishEveryMs` allows). */
  time: number;
  /** The time now, for per-frame drawing. */
  timeRef: { current: number };
  setPlaying(playing: boolean): void;
  toggle(): void;
  setSpeed(speed: number): void;
  /** Move to `t` (clamped to [0, end]); playing goes on from there. */
  seek(t: number): void;
  /** Pause and move to `t` (the next frame, the next event). */
  step(t: number): void;
  /** Animation frames run so far (a paused view's count stays still). */
  frames: { readonly current: number };
}

export function usePlayback(options: PlaybackOptions): Playback {
  const [playing, setPlayingState] = useState(false);
  const [speed, setSpeed] = useState(options.initialSpeed);
  const [time, setTime] = useState(0);
  const timeRef = useRef(0);
  const frames = useRef(0);
  const opts = useRef(options);
  opts.current = options;

  const seek = useCallback((t: number) => {
    const clamped = Math.max(0, Math.min(opts.current.end, t));
    timeRef.current = clamped;
    setTime(clamped);
  }, []);

  useEffect(() => {
    if (!playing) return;
    let raf = 0;
    let last = performance.now();
    let lastPublished = -Infinity;
    let publishedT = timeRef.current;
    const tick = (now: number) => {
      frames.current++;
      const o = opts.current;
      // A frame's timestamp can precede the performance.now() read when playback started.
      const dt = Math.min(0.5, Math.max(0, now - last) / 1000);
      last = now;
      let t = timeRef.current + dt * o.rate * speed;
      let stop = false;
      if (t >= o.end) {
        if (o.atEnd === 'loop' && o.end > 0) t = t % o.end;
        else {
          t = o.end;
          stop = o.atEnd !== 'hold';
        }
      }
      timeRef.current = t;
      o.onFrame?.(t);
      const due = o.whole
        ? Math.floor(t) !== Math.floor(publishedT)
        : now - lastPublished >= (o.publishEveryMs ?? 0);
      if (stop || due) {
        lastPublished = now;
        publishedT = t;
        setTime(t);
      }
      if (stop) setPlayingState(false);
      else raf = requestAnimationFrame(tick);
    };
    raf = requestAnimationFrame(tick);
    return () => cancelAnimationFrame(raf);
  }, [playing, speed]);

  const setPlaying = useCallback((next: boolean) => {
    // Play at the end of a finished timeline starts it over.
    if (next && opts.current.atEnd !== 'hold' && timeRef.current >= opts.current.end) {
      timeRef.current = 0;
      setTime(0);
    }
    setPlayingState(next);
  }, []);
  const toggle = useCallback(() => setPlaying(!playing), [playing, setPlaying]);
  const step = useCallback(
    (t: number) => {
      setPlayingState(false);
      seek(t);
    },
    [seek],
  );
  return { playing, speed, time, timeRef, setPlaying, toggle, setSpeed, seek, step, frames };
}
