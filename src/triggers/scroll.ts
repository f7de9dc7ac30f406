import type { Entries, Kit } from './install';

/**
 * scroll triggers: fire once per page when the bottom of the window has reached `percent` of the
 * page height ((scrollY + innerHeight) / scrollHeight, with 1 px to spare: a zoomed page's scroll
 * position is fractional and may end a fraction short of the rounded height). The listener is
 * passive and does its work at most once per animation frame, so scrolling stays smooth. Returns
 * the start for each page (the first one and every SPA route): it forgets what fired and, on the
 * first page, checks once, since a short page may be fully visible without any scrolling.
 */
export function installScroll(entries: Entries<'scroll'>, { w, listen, fire }: Kit): ((route?: boolean) => void) | undefined {
  if (!entries) return;
  let done = new Set<unknown>();
  let queued = false;
  // After an SPA route: the lowest scroll position since, until the visitor scrolls down from it.
  let low: number | undefined;
  const check = () => {
    queued = false;
    if (low !== undefined) { if (w.scrollY <= low) return void (low = w.scrollY); low = undefined; }
    const h = w.document.documentElement.scrollHeight;
    for (const [c, t] of entries) if (h && (w.scrollY + w.innerHeight + 1) * 100 >= t.percent * h && !done.has(c)) { done.add(c); fire(c); }
  };
  // requestAnimationFrame, like setTimeout, may be called unbound (window methods default to window)
  const soon = () => { if (!queued) { queued = true; (w.requestAnimationFrame || setTimeout)(check); } };
  listen(w, 'scroll', soon, { passive: true });
  // An SPA route's page is judged once the visitor scrolls down on it: until then the window may
  // still show the previous route (or a loading state) at its old position, which says nothing
  // about the new page. A router's own scroll to the top is no scroll down.
  return (route) => { done = new Set(); if (route) low = w.scrollY; else soon(); };
}
