// The content width of an element, kept current with a ResizeObserver (charts take explicit sizes).
import { useCallback, useState } from 'react';

export function useElementWidth(initial: number): [number, (el: HTMLElement | null) => void] {
  const [width, setWidth] = useState(initial);
  const ref = useCallback((el: HTMLElement | null) => {
    if (!el) return;
    const observer = new ResizeObserver((entries) => {
      const w = entries[0]?.contentRect.width;
      if (w && w > 0) setWidth(Math.floor(w));
    });
    observer.observe(el);
    return () => observer.disconnect();
  }, []);
  return [width, ref];
}
