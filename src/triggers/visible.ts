import type { Entries, Kit } from './install';

/**
 * visible triggers: fire when an element matching the selector has been at least half on screen
 * for `seconds` (default 0) without a break; once per element per page view. Elements added
 * later count too (a MutationObserver looks at what is added; an element a framework draws again
 * is a new element). Needs IntersectionObserver:
 * where the browser lacks it, nothing is tracked and a warning says so. Returns the start for
 * each page (the first one and every SPA route).
 */
export function installVisible(entries: Entries<'visible'>, { w, fire, guard, warn, stops }: Kit): ((route?: boolean) => void) | void {
  if (!entries) return;
  if (!w.IntersectionObserver) return warn('no IntersectionObserver: visible triggers are off');
  const d = w.document;
  // Elements already on the page when an SPA route changes may be the previous route's, about to
  // be replaced by the router: they count on the new page after a second on screen (or `seconds`).
  let before = new WeakSet<Element>();
  const watchers = entries.map(([c, t]) => {
    // this page's elements on screen: element → its pending timer; and, weakly, those that fired
    // (a grid a framework redraws 500 times must not keep 100,000 detached tiles alive)
    let seen = new Map<Element, unknown>();
    let fired = new WeakSet<Element>();
    const io = new w.IntersectionObserver(guard((changes: IntersectionObserverEntry[]) => {
      for (const { target, intersectionRatio } of changes) {
        if (fired.has(target)) continue;
        if (intersectionRatio >= 0.5) {
          if (!seen.has(target)) seen.set(target, setTimeout(guard(() => { seen.delete(target); fired.add(target); io.unobserve(target); fire(c, target); }), Math.max(t.seconds || 0, before.has(target) ? 1 : 0) * 1000));
        } else { clearTimeout(seen.get(target) as number); seen.delete(target); }
      }
    }), { threshold: 0.5 });
    const scan = (root: ParentNode, old?: boolean) => {
      for (const el of [root, ...root.querySelectorAll(t.selector)] as Element[]) if (el.matches?.(t.selector)) { if (old) before.add(el); io.observe(el); }
    };
    const start = () => { io.disconnect(); seen.forEach((s) => clearTimeout(s as number)); seen = new Map(); fired = new WeakSet(); };
    stops.push(start);
    return [scan, start] as const;
  });
  const mo = new w.MutationObserver(guard((records: MutationRecord[]) => {
    for (const r of records) r.addedNodes.forEach((n) => { if (n.nodeType === 1) for (const [scan] of watchers) scan(n as Element); });
  }));
  stops.push(() => mo.disconnect());
  return (route) => {
    before = new WeakSet();
    for (const [scan, start] of watchers) { start(); scan(d, route); }
    mo.observe(d.body, { childList: true, subtree: true });
  };
}
