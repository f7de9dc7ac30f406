/**
 * The script tag. `window.measureplan` is defined synchronously when this file runs (taking over
 * the stub snippet's queue), and that is all it does on the page's time: the plan is then read
 * (inline or `data-plan`), checked, the tracker started, the queued calls replayed in order and
 * the plan's triggers installed, each step in a task of its own (none near the 50 ms of a long
 * task), so the page renders and responds in between. Calls made meanwhile join the queue.
 * A missing, unreachable or broken plan logs one `console.error` and leaves the page alone.
 */
import { startTracker, planProblems, takeLink, terse } from '../core/tracker';
import { pageChanged, pageContext, pinPage } from '../core/enrich';
import { debugRequested, nextTask, whenShown } from '../core/env';
import { loadScript } from '../core/load-script';
import { checkPlan, normalise, readPlan, type Issue } from '../plan/check';
import { installTriggers } from '../triggers/index';
import { onRouteChange, queryChanged } from '../triggers/spa';
import { pageViewsAt } from '../triggers/page-view';
import type { Kit } from '../triggers/install';
import type { Plan } from '../plan/types';
import type { PageContext, Tracker } from '../core/types';
import { ga4 } from '../../adapters/ga4/index';
import { googleAds } from '../../adapters/google-ads/index';
import { meta } from '../../adapters/meta/index';
import { linkedin } from '../../adapters/linkedin/index';
import { microsoftAds } from '../../adapters/microsoft-ads/index';
import { collector } from '../../adapters/collector/index';
import { findPlan } from './plan-source';

/**
 * A queued call; `flush`/`shutdown` resolve (`done`) and `on` is cancelled (`off`) once it is
 * replayed. One made once the tag has run keeps the page it was made on (`page`) and how many
 * pages the visitor had been through by then (`n`; not `at`, which an array has), and whether a
 * route change of its task was still to be checked (`far`: it stands on a route taken after `n`);
 * the stub's own were made on the landing page.
 */
type Call = [method: string, args: unknown[]] & { done?: () => void; off?: unknown; page?: PageContext; n?: number; far?: boolean };
const METHODS = ['track', 'page', 'identify', 'consent', 'flush', 'on', 'clickIds', 'shutdown', 'experiment', 'variant', 'funnel', 'cart', 'linkUrl'] as const;
/**
 * Questions, not commands: before the plan is in they have no answer and are not queued
 * (linkUrl's is the address as given: a script navigating to it must not go to "undefined").
 */
const QUERIES = ['clickIds', 'variant', 'funnel', 'cart', 'linkUrl'];

/**
 * The tag when it runs with `type="module"` (some performance plugins add it), which leaves
 * `document.currentScript` null: the script named after measureplan with data-plan, else its
 * .iife file, else the last one, so that its data-plan, nonce and folder still count (deploy QA
 * 2026-12-06; another file in a `measureplan` folder is not the tag). Looked for only then.
 */
function moduleTag(d: Document): HTMLScriptElement | undefined {
  const named = [...d.querySelectorAll<HTMLScriptElement>('script[src*=measureplan]')];
  return named.find((s) => s.hasAttribute('data-plan')) || named.find((s) => /iife[^/]*$/.test(s.src)) || named.pop();
}

function boot(w: Window & { measureplan?: any; measureplanDebug?: any; measureplanExplain?: any; measureplanCmp?: any }, d: Document): void {
  const tag = (d.currentScript || moduleTag(d)) as HTMLScriptElement | null;
  const stub = w.measureplan;
  if (stub && stub.loaded) return; // the tag is on the page twice
  const queue: Call[] = Array.isArray(stub?.q) ? stub.q : [];
  let tracker: Tracker | undefined;
  let failed = false;
  let settle!: (ok: boolean) => void;
  // shutdown() stops the triggers too; one called (or queued) before they are installed prevents them.
  let down = false;
  let triggers: { stop(): void } | undefined;
  let triggersSeen: () => void = () => undefined;

  // Until the plan is in, calls wait in the stub's queue (in order); afterwards they go straight through.
  const api: Record<string, unknown> = {
    loaded: true,
    // The stub's own `ready` (a page may hold it from before the tag ran) settles with this one.
    ready: new Promise<boolean>((r) => { settle = (ok) => { r(ok); stub?.r?.(ok); }; }),
  };
  for (const m of METHODS) {
    api[m] = (...args: unknown[]) => {
      if (m === 'shutdown') { down = true; triggers?.stop(); }
      if (tracker) return (tracker as any)[m](...args);
      if (QUERIES.includes(m)) return m === 'linkUrl' ? args[0] : undefined;
      const waits = m === 'flush' || m === 'shutdown';
      if (failed) return waits ? Promise.resolve() : m === 'on' ? () => undefined : undefined;
      // The page as it is now: a pushState earlier in this task has changed it (no tracker yet to hear the route).
      pageChanged();
      const call = Object.assign([m, args], { page: pageContext(), n: seen.length - 1, far: moving() }) as Call;
      queue.push(call);
      // As the tracker answers: on() an unsubscribe function, flush() a promise of the replayed flush.
      if (m === 'on') return () => { const i = queue.indexOf(call); if (i >= 0) queue.splice(i, 1); else if (typeof call.off === 'function') call.off(); };
      return waits ? new Promise<void>((r) => { call.done = r; }) : undefined;
    };
  }
  w.measureplan = api;

  // The pages of a single-page app the visitor goes through while the plan loads (seconds on a slow
  // connection): the landing page first. Replayed once the plan is in, so none is lost (SPA QA 2026-12-06).
  // A visitor carried from a linked origin (`_mpl`): read now, while its time is fresh, and taken out
  // of the address before the landing page is read and routes are watched (the plan decides later
  // whether it is taken up).
  const linked = takeLink() ?? null;
  pageChanged();
  let seen: PageContext[] = [pageContext()];
  const route = (p: PageContext) => p.url.replace(/#.*/, '');
  const query = (p: PageContext) => /\?[^#]*/.exec(p.url)?.[0] ?? '';
  /**
   * The addresses a same-path replaceState gave the page before the plan was in (a tidied
   * `?gclid=…`, a router's `?step=done`), among `seen` (at most 100 entries): the plan judges which
   * were pages once it is in, by its page_view triggers' query keys (`keys`, which the early
   * watcher then judges by too; fix-early 2026-12-07: a replaced `?step=done` followed by a push
   * before the plan was lost).
   */
  let rewrites: Set<PageContext> | undefined = new Set();
  const keys = new Set<string>();
  /** A route to the page now, unless it is the last one seen (a call's replay may have taken it already). */
  const arrived = (rewrite?: 1) => { pageChanged(); const p = pageContext(); if (route(p) !== route(seen[seen.length - 1]!) && (!rewrite || (rewrites && seen.length < 100 && rewrites.add(p)))) seen.push(p); };
  const unwatch: (() => void)[] = [];
  const early = {
    w,
    listen: (t: EventTarget, type: string, fn: EventListener) => { t.addEventListener(type, fn); unwatch.push(() => t.removeEventListener(type, fn)); },
    guard: (fn: (...a: unknown[]) => void) => (...a: unknown[]) => { try { fn(...a); } catch { /* never into the page */ } },
    stops: unwatch,
  } as unknown as Kit;
  let moving = () => false;
  try { moving = onRouteChange(early, arrived, keys, () => arrived(1)); } catch { /* no history: no routes */ }
  // Clicks and form submits while the plan loads ("Buy", a phone link): the triggers judge them
  // once installed, instead of losing them (storeowner QA 2026-12-06). Capture, as the triggers listen.
  const acted: Event[] = [];
  for (const [t, type] of [[d, 'click'], [w, 'submit']] as const) {
    // Kept with the element acted on: once dispatched, an event inside a web component's shadow
    // root names only its host (composedPath() is empty by then).
    const keep = (e: Event) => {
      const el = e.composedPath?.()[0] ?? e.target;
      if (acted.length < 100) acted.push({ type, target: el, composedPath: () => [el], submitter: (e as SubmitEvent).submitter, get defaultPrevented() { return e.defaultPrevented; } } as unknown as Event);
    };
    t.addEventListener(type, keep, true);
    unwatch.push(() => t.removeEventListener(type, keep, true));
  }

  // What only the running tag can tell (document.currentScript is null once it has run).
  const src = tag?.src || undefined;
  const nonce = tag?.nonce || undefined;
  const debugAttribute = tag?.getAttribute('data-debug') === 'true';
  const step = (what: string, fn: () => void) => nextTask(() => {
    try { fn(); } catch (e) { fail(`measureplan: the script tag failed (${what}: ${(e as Error)?.message ?? e}); nothing will be tracked.`); }
  });

  const find = () => {
    const found = findPlan(tag, d);
    // An async tag can run before the parser reaches an inline plan further down: look again once it has.
    if (typeof found === 'string' && d.readyState === 'loading') return d.addEventListener('DOMContentLoaded', () => step('finding the plan', find), { once: true });
    if (typeof found === 'string') return fail(found);
    found.text.then((text) => step('checking the plan', () => {
      const { value, syntax } = readPlan(text);
      const issues = syntax ? [syntax] : checkPlan(value);
      if (issues.length) return explainAndFail(found.where, issues);
      // A prerendered page: checked now, started (loaded, stored, sent) only once it is shown.
      whenShown(d, () => step('starting', () => start(normalise(value as Plan))));
    }), (e) => fail(`measureplan: could not load ${found.where} (${(e as Error)?.message ?? e}); nothing will be tracked.`));
  };
  step('finding the plan', find);

  /** The words for a broken plan live in measureplan.explain.js next to the tag: only broken pages load it. */
  function explainAndFail(where: string, issues: Issue[]): void {
    const words = () => w.measureplanExplain?.explain;
    const done = () => fail(planProblems(where, words() ? issues.map(words()) : terse(issues)));
    if (words() || !src) return done();
    beside('measureplan.explain.js', 'measureplanExplain').then(done, done);
  }

  function fail(message: string): void {
    failed = true;
    for (const stop of unwatch.splice(0)) stop(); // no plan, no routes to replay: stop watching them
    for (const call of queue) call.done?.();
    queue.length = 0;
    console.error(message);
    settle(false);
  }

  /** A file that sits next to the tag and defines `window[global]`, loaded once with the tag's nonce. */
  function beside(file: string, global: string): Promise<any> {
    const ww = w as unknown as Record<string, unknown>;
    // With the tag's own query (`?v=3`): a cache-busted tag never pairs with an old file beside it.
    const url = new URL(file, src || d.baseURI);
    if (src) url.search = new URL(src).search;
    if (ww[global]) return Promise.resolve(ww[global]);
    // A host that answers a missing file with its HTML page (200) makes the file a SyntaxError. Kept
    // from the page's onerror (error monitors wrap it) and the listeners after it, and said instead
    // (below): Chromium runs window.onerror in its place among the listeners, capture ones or not.
    // One wrapper, put in place once and taken out after the last file, unless an error monitor has
    // wrapped it since: it then stays in the monitor's chain, passing errors on, and is used again
    // as it is (taking the monitor for the page's own handler would make the two call each other:
    // diff read 2026-12-06).
    if (!installed) { prev = w.onerror; w.onerror = hush; installed = true; }
    hushing.add(url.href);
    const p = loadScript(url.href, nonce).then(() => {
      if (!ww[global]) throw new Error(`${file} is not measureplan's`); // an HTML error page served with 200
      return ww[global];
    });
    const off = () => { if (hushing.delete(url.href) && !hushing.size && w.onerror === hush) { w.onerror = prev; installed = false; } };
    p.then(off, off);
    return p;
  }
  const hushing = new Set<string>();
  let installed = false;
  let prev: OnErrorEventHandler;
  const hush = function (this: Window, _m: unknown, f?: string) {
    // eslint-disable-next-line prefer-rest-params
    return f && hushing.has(f) ? (w.event?.stopImmediatePropagation(), true) : prev?.apply(this, arguments as any);
  } as OnErrorEventHandlerNonNull;

  /** Starts the tracker; then, each in a task of its own, replays the queue and installs the triggers. */
  function start(plan: Plan): void {
    const debug = debugAttribute || debugRequested();
    // The plan's query keys: a replaceState that changes one is a new page, from now on as before it
    // was in. Each earlier rewrite that changed none stands for the page before it, with its calls.
    for (const c of Object.values(plan.conversions)) if (c.trigger?.on === 'page_view') for (const k of Object.keys(c.trigger.query ?? {})) keys.add(k);
    const pages: PageContext[] = [];
    const to = seen.map((p) => (rewrites!.has(p) && !queryChanged(keys, query(pages[pages.length - 1]!), query(p)) ? pages.length : pages.push(p)) - 1);
    for (const call of queue) call.n &&= to[call.n];
    seen = pages;
    rewrites = undefined;
    // The platform's answers are the visitor's newest decisions: they come after the page's queued calls.
    let replayed!: () => void;
    const afterReplay = new Promise<void>((r) => { replayed = r; });
    const t = startTracker(plan, {
      adapters: [ga4(), googleAds(), meta(), linkedin(), microsoftAds(), collector()],
      staggerLoads: true,
      landing: seen[0],
      linked,
      journeyAfter: new Promise<void>((r) => { triggersSeen = r; }),
      debug,
      nonce,
      // measureplan.cmp.js, next to the tag, holds the consent-platform readers: loaded only for plans with consent.cmp.
      followPlatform: (name, o) => afterReplay.then(() => beside('measureplan.cmp.js', 'measureplanCmp')).then((m) => m.follow(name, o)),
      // measureplan.vitals.js (or its attribution build), next to the tag: loaded only for plans with `vitals`, after load.
      linkOut: () => beside('measureplan.linker.js', 'measureplanLinker'),
      loadVitals: (attribution) => beside(attribution ? 'measureplan.vitals-attribution.js' : 'measureplan.vitals.js', attribution ? 'measureplanVitalsAttribution' : 'measureplanVitals'),
    });
    // Debug mode: what the tracker says before measureplan.debug.js is in (the queued calls, the
    // page-view triggers) is kept for the panel, which shows every conversion of the page (docs QA 2026-12-06).
    const said: [string, unknown][] = [];
    const hear = debug && src ? (['event', 'waiting', 'sent', 'skipped', 'error'] as const).map((k) => t.on(k, (p) => { if (said.length < 500) said.push([k, p]); })) : [];
    /** The last of `seen` whose page view is sent (the landing page's is the tracker's first). */
    let shown = 0;
    /** A shutdown() replayed: the calls before it stood on their pages, with their page views. */
    let stopped = false;
    /**
     * A call stands on the page it was made on (stub QA 2026-12-07: a single-page app's calls were
     * all reported on the page the visitor was on when the plan came in), after the page views of
     * the routes taken before it. The page now is read as it is. One made with no route change
     * pending stands on the last route seen then, whatever its address has become since (a tidied
     * `?gclid=…`: a later visit to the same route is another page, fix-early 2026-12-07).
     */
    const onItsPage = (call: Call) => {
      const page = call.page ?? seen[0]!;
      const at = (): number => (call.far ? seen.findIndex((p, k) => k >= call.n! && route(p) === route(page)) : call.n ?? 0);
      // Made in the task of a route change still to be checked: that route is taken now.
      if (at() < 0 && moving()) { pageChanged(); if (route(page) === route(pageContext())) arrived(); }
      const i = at();
      while (!stopped && i > shown) { pinPage(seen[++shown]); try { t.page(); } finally { pinPage(); } }
      pageChanged();
      pinPage(route(page) === route(pageContext()) ? undefined : page);
    };
    step('replaying the calls made before', () => {
      // The page's calls so far, in its order (consent among them), before any trigger; a call one
      // of them makes (an on() handler tracking) joins the end of the queue and is replayed too.
      while (queue.length) {
        const call = queue.shift()!;
        const [m, args] = call;
        // A question the stub was asked had no answer then (undefined): asked now, variant() would record an exposure nobody saw.
        if (QUERIES.includes(m)) continue;
        if (m === 'shutdown') down = true; // as api.shutdown(): the triggers are not installed
        try {
          onItsPage(call);
          const r = (t as any)[m]?.(...args);
          if (m === 'on') call.off = r;
          if (call.done) Promise.resolve(r).then(call.done, call.done);
        } catch { call.done?.(); /* the tracker reports its own errors */ } finally { pinPage(); stopped ||= m === 'shutdown'; }
      }
      tracker = t; // from now on calls go straight through
      replayed();
      step('installing the triggers', () => {
        // A route change still being checked when the plan came in counts too (a replaceState that
        // kept the path is one only if it changed one of the plan's `keys`, as judged since start()).
        const moved = moving();
        for (const stop of unwatch.splice(0)) stop();
        pageChanged();
        if (moved) arrived();
        if (!down && seen.length > 1) {
          // Each page left before the plan was in: its page view unless sent among the replayed
          // calls, and the page_view conversions that need nothing from its content.
          // The page now is read as it is, and its triggers are installed next.
          seen.forEach((page, i) => {
            const left = i < seen.length - 1;
            pinPage(left ? page : undefined);
            try {
              if (i > shown) t.page();
              if (left) for (const name of pageViewsAt(plan, page.url)) t.track(name as never);
            } finally { pinPage(); }
          });
        }
        if (!down) triggers = installTriggers(plan, (name, props) => t.track(name as never, props as never), {
          onRoute: () => { pageChanged(); t.page(); },
          onFirstPage: () => triggersSeen(),
          replay: acted.splice(0),
          // A plan mistake (a selector the browser rejects) on every page, the rest in debug mode.
          warn: (message, mistake) => { if (debug || mistake) console.warn(`measureplan: ${message}`); },
        });
        if (debug && src) {
          const status = (t as unknown as { __consent: unknown }).__consent;
          beside('measureplan.debug.js', 'measureplanDebug')
            .then((panel) => panel?.mount({ on: t.on, consentStatus: () => status, said }, plan))
            .catch(() => console.warn('measureplan: the debug panel (measureplan.debug.js next to the tag) could not be loaded'))
            .finally(() => { for (const off of hear) off(); });
        }
        settle(true);
      });
    });
  }
}

try {
  if (typeof window !== 'undefined' && typeof document !== 'undefined') boot(window, document);
} catch (e) {
  console.error('measureplan: the script tag failed to start and tracks nothing:', e);
}
