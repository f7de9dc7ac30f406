/**
 * Installs the plan's triggers (page_view, click, submit, scroll, visible) so that a marketer
 * tracks conversions without code. Every listener and observer callback is guarded: nothing here
 * throws into the page, problems go to `options.warn`.
 */
import { browser, unseen, whenShown } from '../core/env';
import type { NormalisedConversion, Plan, Trigger } from '../plan/types';
import { installClick } from './click';
import { pageMatches } from './page-view';
import { readProperties } from './properties';
import { installScroll } from './scroll';
import { onRouteChange } from './spa';
import { installSubmit } from './submit';
import { installVisible } from './visible';

export interface TriggerOptions {
  /** Called when a route change happened (pushState/replaceState/popstate), before page_view triggers are re-evaluated. */
  onRoute?: () => void;
  /**
   * A problem worth a debug message (a property that could not be read); `mistake` is set for a
   * plan mistake (a selector the browser rejects), which is worth a message on every page.
   */
  warn?: (message: string, mistake?: true) => void;
  /** Called once the page_view triggers of the first page have run (at once, or when the document is parsed). */
  onFirstPage?: () => void;
  /** Clicks and submits that happened before the install (the script tag's plan was loading): judged by the triggers now. */
  replay?: readonly Event[];
}
export interface InstalledTriggers { stop(): void }

/** The conversions whose trigger is `on: K`, each with its trigger. */
export type Entries<K extends Trigger['on']> = [NormalisedConversion, Extract<Trigger, { on: K }>][] | undefined;

/** What each trigger file is handed by one install. */
export interface Kit {
  w: Window & typeof globalThis;
  /** addEventListener with the callback guarded; stop() removes it. */
  listen(target: EventTarget, type: string, fn: (e: any) => void, options?: AddEventListenerOptions | boolean): void;
  /** Tracks a conversion with the properties its trigger reads from `el` (or from the page). */
  fire(c: NormalisedConversion, el?: Element | null): void;
  /** Wraps a callback so that it never throws: the error goes to warn. */
  guard<A extends unknown[]>(fn: (...a: A) => void): (...a: A) => void;
  warn(message: string, mistake?: true): void;
  /** Cleanups that stop() runs. */
  stops: (() => void)[];
}

/**
 * Installs every trigger of the plan on the current page. `track` is the tracker's track().
 * page_view triggers are checked once the document is parsed and after every SPA route change
 * (which first calls `options.onRoute`, and starts scroll and visible triggers afresh). A
 * selector the browser rejects is warned about once (as a plan mistake, with its JSON path) and
 * its trigger left out. Never throws; `stop()` removes every listener and observer this call added.
 */
export function installTriggers(plan: Plan, track: (name: string, properties: Record<string, unknown>) => void, options: TriggerOptions = {}): InstalledTriggers {
  let on = true;
  const stops: Kit['stops'] = [];
  const warn: Kit['warn'] = (m, x) => { try { options.warn?.(m, x); } catch { /* a logger must not break tracking */ } };
  // After stop() every guarded callback (listener, observer, timer) does nothing.
  const guard: Kit['guard'] = (fn) => (...a) => { try { if (on) fn(...a); } catch (e) { warn(`trigger: ${e}`); } };
  const heard: Record<string, ((e: Event) => void)[]> = {};
  const listen: Kit['listen'] = (target, type, fn, o) => {
    const h = guard(fn);
    (heard[type] ??= []).push(h);
    target.addEventListener(type, h, o);
    stops.push(() => target.removeEventListener(type, h, o));
  };
  const w = browser();
  if (w) guard(() => {
    const d = w.document;
    const groups: Record<string, [NormalisedConversion, any][]> = {};
    for (const c of Object.values(plan.conversions)) {
      const t = c.trigger as { on: string; selector?: string } | undefined;
      try {
        if (t?.selector) d.documentElement.matches(t.selector); // throws for a selector the browser rejects
        if (t) (groups[t.on] ??= []).push([c, t]);
      } catch { warn(`conversions.${c.name}.trigger.selector: "${t!.selector}" is not a valid CSS selector; this trigger is off (try it with document.querySelector)`, true); }
    }
    const fire = guard((c: NormalisedConversion, el?: Element | null) => track(c.name, readProperties(c, d, warn, el, plan.currency)));
    const kit: Kit = { w, listen, fire, guard, warn, stops };
    installClick(groups.click, kit);
    installSubmit(groups.submit, kit);
    const starts = [installScroll(groups.scroll, kit), installVisible(groups.visible, kit)];
    /**
     * A page_view conversion that reads the page. A router that changes the address first and
     * draws the page when it has fetched it (Turbolinks 5, Turbo before 7.2, pjax), or draws a
     * spinner first, does not show the new page's values yet: the view of a product reached from
     * a category page was rejected for its missing item id (deploy QA 2026-12-06). On a route whose
     * read finds a required value missing, it reads again whenever the page changes and counts
     * once the values are there, at most 3 s later; a route left before that was never shown, and
     * counts nothing.
     */
    const pageFire = (c: NormalisedConversion, route?: boolean) => {
      // Missing, not unreadable: a price the page has but cannot be read is reported at once.
      const complete = () => { let missing = false; readProperties(c, d, (_, unreadable) => { missing ||= !unreadable; }, undefined, plan.currency); return !missing; };
      if (!route || !c.trigger?.properties || !w.MutationObserver || complete()) return fire(c);
      const at = w.location.href;
      // Once ended, its stop is taken out again: a long single-page visit keeps no closure per route.
      const end = (show?: unknown) => { mo.disconnect(); clearTimeout(cap); stops.splice(stops.indexOf(stop) >>> 0, 1); if (show) fire(c); };
      const stop = () => end();
      const mo = new w.MutationObserver(guard(() => { if (w.location.href !== at) end(); else if (complete()) end(1); }));
      const cap = setTimeout(guard(() => end(w.location.href === at)), 3000);
      mo.observe(d.documentElement, { childList: true, subtree: true, attributes: true, characterData: true });
      stops.push(stop);
    };
    // Each page, the first and every SPA route: page_view triggers, then scroll and visible afresh.
    const page = (route?: boolean) => {
      groups.page_view?.forEach(([c, t]) => pageMatches(t, w.location) && pageFire(c, route));
      for (const s of starts) s?.(route);
    };
    // While the document loads, DOMContentLoaded checks the page the visitor ends up on, once.
    // The query parameters the plan's page_view triggers match on: a replaceState that changes one is a new page.
    const keys = new Set((groups.page_view ?? []).flatMap(([, t]) => Object.keys(t.query ?? {})));
    // A route a prerendered app takes before it is shown (a router's redirect) is the page read at activation (its second read).
    let movedUnseen = false;
    // A route told once the page is shown has had its onRoute: the one held from the prerender is
    // not told again at DOMContentLoaded (final read 2026-12-07: two page views of one route).
    guard(() => onRouteChange(kit, () => { if (unseen(d)) { movedUnseen = true; return; } movedUnseen = false; options.onRoute?.(); if (d.readyState !== 'loading') page(true); }, keys))();
    // Clicks made while the plan loaded come after the landing page's page_view conversions, as the
    // visitor saw the product before adding it (deploy QA 2026-12-06: the funnel stayed at step 1).
    const first = () => { page(); for (const e of options.replay ?? []) for (const h of heard[e.type] ?? []) h(e); options.onFirstPage?.(); };
    // A page the browser prerenders (speculation rules) is judged once the visitor sees it, never
    // if not: a page nobody opened is no page view (prerender QA 2026-12-07).
    // The app's own page view for that route (onRoute) comes at activation too, before its triggers (final read).
    const shown = () => whenShown(d, () => { if (movedUnseen) options.onRoute?.(); first(); }, listen);
    if (d.readyState === 'loading') listen(d, 'DOMContentLoaded', shown, { once: true });
    else shown();
  })();
  return { stop: () => { for (const s of stops.splice(0)) guard(s)(); on = false; } };
}
