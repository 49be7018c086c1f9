// An element's content box, kept current with a ResizeObserver: the one resize hook of the lab views and the
// results panel (charts and canvases take explicit sizes). Sizes are whole pixels; an unchanged size does
// not re-render.
import { useCallback, useRef, useState } from 'react';

export interface Size {
  width: number;
  height: number;
}

export function useElementSize(initial: Size): [Size, (el: HTMLElement | null) => void] {
  const [size, setSize] = useState(initial);
  const observer = useRef<ResizeObserver | null>(null);
  const ref = useCallback((el: HTMLElement | null) => {
    observer.current?.disconnect();
    observer.current = null;
    if (!el) return;
    const obs = new ResizeObserver((entries) => {
      const box = entries[0]?.contentRect;
      if (!box || box.width <= 0 || box.height <= 0) return;
      const next = { width: Math.floor(box.width), height: Math.floor(box.height) };
      setSize((s) => (s.width === next.width && s.height === next.height ? s : next));
    });
    obs.observe(el);
    observer.current = obs;
  }, []);
  return [size, ref];
}
