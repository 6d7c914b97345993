import { useLayoutEffect, useState } from "react";

/**
 * The width in CSS pixels of the element given to `ref`, kept up to date: charts draw their SVG
 * at that size, one unit a pixel, so their text stays its CSS size on a phone and a desktop.
 */
export function useWidth(fallback: number): [(el: HTMLElement | null) => void, number] {
  const [el, ref] = useState<HTMLElement | null>(null);
  const [width, setWidth] = useState(fallback);
  useLayoutEffect(() => {
    if (!el) return;
    const measure = () => {
      const w = Math.floor(el.clientWidth);
      setWidth(w > 0 ? w : fallback);
    };
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    return () => observer.disconnect();
  }, [el, fallback]);
  return [ref, width];
}
