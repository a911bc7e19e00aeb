// Fitting the projector to its screen: the largest type at which what is shown fits without
// scrolling, and pages when not even the smallest type read from the back of a hall does.
// The board's sizes are in rem, so one root font size scales all of it; the projector's own
// frame (titles, join code, timer) is zoomed back by `--chrome` to keep one size on any board.

/** The root font size the app is designed at. */
export const BASE_PX = 16;

/** How big the frame is on this screen: its sizes are made for a 1080-pixel-high one. */
export function screenFactor(height: number): number {
  return Math.min(2, Math.max(0.75, height / 864));
}

/** Sets the scale: the root font size for the board, `--chrome` to keep the frame as it is. */
export function applyScale(root: HTMLElement, scale: number, screen: number): void {
  root.style.fontSize = `${(BASE_PX * scale).toFixed(2)}px`;
  root.style.setProperty('--chrome', (screen / scale).toFixed(4));
}

export function clearScale(root: HTMLElement): void {
  root.style.removeProperty('font-size');
  root.style.removeProperty('--chrome');
}

/** Whether the box's content runs past it, down or sideways (it hides its overflow). */
export function overflows(box: HTMLElement): boolean {
  return box.scrollHeight > box.clientHeight + 1 || box.scrollWidth > box.clientWidth + 1;
}

/**
 * The largest scale in [min, max] at which the box's content fits, found by halving (layout
 * is read synchronously, so nothing in between is painted). `fits` is false when not even
 * `min` fits; the scale is then `min`, and left applied.
 */
export function largestFit(box: HTMLElement, set: (scale: number) => void, min: number, max: number): { scale: number; fits: boolean } {
  set(max);
  if (!overflows(box)) return { scale: max, fits: true };
  set(min);
  if (overflows(box)) return { scale: min, fits: false };
  let [lo, hi] = [min, max];
  while (hi - lo > 0.02) {
    const mid = (lo + hi) / 2;
    set(mid);
    if (overflows(box)) hi = mid;
    else lo = mid;
  }
  set(lo);
  return { scale: lo, fits: true };
}

/**
 * Splits `units` into pages, each the longest run from where the last one ended that `fits`
 * (which shows the run and measures it); a unit too big alone gets a page of its own. Null
 * when `fits` says the work is stale (it returns null).
 */
export async function paginate<T>(units: readonly T[], fits: (run: T[]) => Promise<boolean | null>): Promise<T[][] | null> {
  const pages: T[][] = [];
  let start = 0;
  while (start < units.length) {
    let [lo, hi] = [1, units.length - start];
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      const ok = await fits(units.slice(start, start + mid));
      if (ok === null) return null;
      if (ok) lo = mid;
      else hi = mid - 1;
    }
    pages.push(units.slice(start, start + lo));
    start += lo;
  }
  return pages;
}

/**
 * How big type may grow with this many things on the board: today's projector type (note
 * text 21.6 px at scale 1) up to three times for a few notes, less as they grow many.
 */
export function maxScale(count: number): number {
  if (count <= 3) return 3;
  if (count <= 6) return 2.7;
  if (count <= 10) return 2.4;
  if (count <= 16) return 2.1;
  return 1.8;
}

/** Below this a board of notes pages rather than shrinks: note text 30 px on a 1080p screen. */
export const READABLE_SCALE = 1.4;
