import type { Kit } from './install';

const ROUTE = 'measureplan:route';

/**
 * Calls `onChange` after an SPA route change: `history.pushState` / `replaceState` or a
 * popstate (back/forward) that changed the pathname or the query string (a hash or state-only
 * change does not count, nor a `replaceState` that keeps the path and changes no parameter the
 * plan's page_view triggers match on (`keys`): it rewrites the address of the page the visitor is
 * on, as a page tidying away utm_* or gclid does, or a shop's variant picker writing `?variant=…`
 * on every choice of size or colour; a router's replace to `?step=done` that a trigger's `query`
 * names is a new page). It runs in the next task, once
 * the router has had a chance to render the new page, and a burst (a push and a redirect) counts once.
 *
 * The history methods are wrapped once per page, even with two copies of measureplan, and keep
 * their behaviour and return values; the wrapper tells every install through a window event.
 * stop() leaves the wrapper in place (other scripts may have wrapped it since) and only stops
 * listening. Returns whether a change is still to be told (noticed but not yet checked).
 * `stay` hears a replaceState judged to stay on the page (the script tag's, before its plan names
 * any keys, keeps those addresses for the plan to judge).
 */
export function onRouteChange({ w, listen, guard, warn, stops }: Kit, onChange: () => void, keys: ReadonlySet<string> = new Set(), stay?: () => void): () => boolean {
  const h = w.history as History & { measureplan?: 1 };
  const where = () => w.location.pathname + w.location.search;
  let last = where();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const check = () => {
    clearTimeout(timer);
    timer = setTimeout(guard(() => { timer = undefined; if (where() !== last) { last = where(); onChange(); } }));
  };
  if (!h.measureplan) {
    let wrapped = 0;
    for (const m of ['pushState', 'replaceState'] as const) {
      // Each on its own: a page that locked one (not writable) or froze history leaves the other
      // wrapped, and the landing page's triggers untouched (hostile QA 2026-12-06).
      try {
        const original = h[m];
        h[m] = function (this: History, ...args: Parameters<History['pushState']>) {
          const path = w.location.pathname;
          const search = w.location.search;
          const result = original.apply(this, args);
          // A replaceState that keeps the path may stay on the page: each install judges by its plan's keys.
          w.dispatchEvent(Object.assign(new w.Event(ROUTE), { same: m > 'q' && path === w.location.pathname, search }));
          return result;
        };
        if (h[m] !== original) wrapped++;
      } catch { /* locked by the page */ }
    }
    if (wrapped > 1) h.measureplan = 1;
    else {
      // Routes are then noticed by their address, checked every second (a route left within it is missed).
      const poll = setInterval(() => { if (where() !== last && !timer) check(); }, 1000);
      stops.push(() => clearInterval(poll));
      warn?.('the page locked history.pushState/replaceState: single-page-app routes are noticed within a second, by their address');
    }
  }
  // A rewritten address is this page's address now: a later popstate (an anchor link) or push
  // compares with it. Unless a route change is still being checked, which will take it anyway.
  listen(w, ROUTE, (e: Event & { same?: boolean; search?: string }) => (e.same && !queryChanged(keys, e.search ?? '', w.location.search) ? timer || (last = where(), stay?.()) : check()));
  listen(w, 'popstate', check);
  stops.push(() => clearTimeout(timer));
  // Whether a route change is still to be told (the script tag asks as its plan comes in).
  return () => timer !== undefined || where() !== last;
}

/** A parameter the plan's page_view triggers match on (`keys`) differs between two queries. */
export function queryChanged(keys: Iterable<string>, before: string, after: string): boolean {
  const a = new URLSearchParams(before);
  const b = new URLSearchParams(after);
  for (const k of keys) if (a.getAll(k).join('&') !== b.getAll(k).join('&')) return true;
  return false;
}
