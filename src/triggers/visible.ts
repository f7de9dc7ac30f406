import type { Entries, Kit } from './install';

/**
 * visible triggers: fire when an element matching the selector has been at least half on screen
 * for `seconds` (default 0) without a break; once per element per page view. Elements added
 * later count too (a MutationObserver looks at what is added). Needs IntersectionObserver:
 * where the browser lacks it, nothing is tracked and a warning says so. Returns the start for
 * each page (the first one and every SPA route).
 */
export function installVisible(entries: Entries<'visible'>, { w, fire, guard, warn, stops }: Kit): (() => void) | void {
  if (!entries) return;
  if (!w.IntersectionObserver) return warn('no IntersectionObserver: visible triggers are off');
  const d = w.document;
  const watchers = entries.map(([c, t]) => {
    // this page's elements: element → its pending timer, or true once it fired
    let seen = new Map<Element, unknown>();
    const io = new w.IntersectionObserver(guard((changes: IntersectionObserverEntry[]) => {
      for (const { target, intersectionRatio } of changes) {
        const s = seen.get(target);
        if (intersectionRatio >= 0.5) {
          if (!s) seen.set(target, setTimeout(guard(() => { seen.set(target, true); fire(c, target); }), (t.seconds || 0) * 1000));
        } else if (s !== true) { clearTimeout(s as number); seen.delete(target); }
      }
    }), { threshold: 0.5 });
    const scan = (root: ParentNode) => {
      for (const el of [root, ...root.querySelectorAll(t.selector)]) if ((el as Element).matches?.(t.selector)) io.observe(el as Element);
    };
    const start = () => { io.disconnect(); seen.forEach((s) => clearTimeout(s as number)); seen = new Map(); };
    stops.push(start);
    return [scan, start] as const;
  });
  const mo = new w.MutationObserver(guard((records: MutationRecord[]) => {
    for (const r of records) r.addedNodes.forEach((n) => { if (n.nodeType === 1) for (const [scan] of watchers) scan(n as Element); });
  }));
  stops.push(() => mo.disconnect());
  return () => {
    for (const [scan, start] of watchers) { start(); scan(d); }
    mo.observe(d.body, { childList: true, subtree: true });
  };
}
