/**
 * The one Google tag (gtag.js) a page gets, shared by the GA4 and Google Ads adapters: one
 * `window.dataLayer`, one `gtag()`, one script. The shared state lives on `window`, so two
 * adapter instances, or the npm build next to the script tag, still install it only once.
 */
import type { AdapterContext, ConsentStatus } from '../../src/core/types';
import { loadVendorScript } from './vendor-script';

export { defined } from '../../src/plan/shape';

interface GtagState {
  /** The script load (resolves `false` when it was blocked). */
  p: Promise<unknown>;
  /** The script insert was cancelled (its tracker shut down first): the next caller loads it. */
  r?: boolean;
  /** A caller that came while the insert was pending (a tracker re-created in the same task): it loads the script if that insert is cancelled. */
  n?: [AdapterContext, string | undefined];
  /** The last Consent Mode signals pushed, to skip repeating the same update. */
  c?: string;
  /** The consent objects measureplan pushed: never the visitor's answer (src/cmp/google.ts reads the rest). */
  o?: WeakSet<object>;
}

/**
 * Pushes a Consent Mode command of measureplan's own, marked as such. The set is made on first
 * use: a state an older measureplan build on the page made has none.
 */
const consent = (ctx: AdapterContext, s: GtagState, kind: string, signals: object) => { (s.o = s.o || new WeakSet()).add(signals); gtag(ctx, 'consent', kind, signals); };

/** Calls the page's `gtag()`; does nothing before the tag is installed. */
export const gtag = (ctx: AdapterContext, ...args: unknown[]): void => ctx.window.gtag?.(...args);


/**
 * Consent Mode v2 signals for the tracker's consent: `analytics` is `analytics_storage`, `ads` is
 * `ad_storage`, `ad_user_data` and `ad_personalization`. Anything but `granted` (a denial, or no
 * decision yet) is `denied`.
 */
const signals = (s: Partial<Record<keyof ConsentStatus, string>>) => {
  const ads = s.ads == 'granted' ? 'granted' : 'denied';
  return { ad_storage: ads, ad_user_data: ads, ad_personalization: ads, analytics_storage: s.analytics == 'granted' ? 'granted' : 'denied' };
};

/**
 * Tells Google the visitor's current consent (`gtag('consent', 'update', …)`), e.g. that ads
 * consent was withdrawn. Both Google adapters use it as their `consent` hook; an update equal to
 * the last one is not pushed again, unless `again` asks for it (another update may have come since).
 */
export function consentUpdate(status: ConsentStatus, ctx: AdapterContext, again?: boolean): void {
  const s: GtagState | undefined = ctx.window.__measureplanGtag;
  const update = signals(status);
  const key = JSON.stringify(update);
  if (!s || (s.c == key && !again)) return;
  s.c = key;
  consent(ctx, s, 'update', update);
}

/**
 * The `config` settings for `id`: `send_page_view: false` when the page's queue already holds a
 * `config` for it that counted this page (the site's own Google tag snippet, or an earlier tracker
 * on this page, re-created after shutdown() or by React's StrictMode); another would count the
 * page view twice. Read once per load, never per conversion.
 */
export function configFor(ctx: AdapterContext, id: string | undefined, settings?: Record<string, unknown>): unknown[] {
  const q: unknown = ctx.window.dataLayer;
  // Google's snippet pushes `arguments` objects; a command's settings may be left out.
  const s = Array.isArray(q) && q.some((c) => c?.[0] == 'config' && c[1] == id && c[2]?.send_page_view !== false) ? { ...settings, send_page_view: false } : settings;
  return s ? [id, s] : [id];
}

/** Starts loading gtag.js; a cancelled insert (its tracker shut down first) marks the state for the next caller. */
const load = (ctx: AdapterContext, s: GtagState, id: string | undefined) => {
  s.r = false;
  s.p = loadVendorScript(ctx, 'https://www.googletagmanager.com/gtag/js?id=' + encodeURIComponent(id ?? ''), 'Google', () => {
    s.r = true;
    // A tracker re-created in the same task (React's StrictMode, a remount) asked while this insert
    // was pending: it loads the script now (framework QA 2026-12-06: GA4 got nothing on that page).
    const next = s.n;
    s.n = undefined;
    if (next && next[0] !== ctx) load(next[0], s, next[1]);
  });
};

/**
 * Installs the Google tag once per page: the queue, the plan's Consent Mode default (always the
 * first command), the visitor's current consent, `gtag('js')` and the gtag.js script for `id`.
 * A second caller only brings the consent up to date; each adapter adds its own `config`.
 * The returned promise settles when the script has loaded or was blocked (a warning, no throw).
 */
export function ensureGtag(ctx: AdapterContext, id: string | undefined): Promise<unknown> {
  const w = ctx.window;
  let s: GtagState | undefined = w.__measureplanGtag;
  if (!s) {
    w.dataLayer = w.dataLayer || [];
    // Google's snippet: gtag.js tells commands from plain dataLayer objects by the `arguments` object.
    w.gtag = w.gtag || function gtag() { w.dataLayer.push(arguments); };
    s = w.__measureplanGtag = { p: Promise.resolve() };
    consent(ctx, s, 'default', signals(ctx.plan.consent.default));
    consentUpdate(ctx.consent(), ctx);
    // The plan's linked domains for Google's own linker (`_gl`), before `js` as Google documents:
    // GA4's client id and the Google Ads click cross to them with the visitor.
    const linker = ctx.plan.linker;
    if (linker) gtag(ctx, 'set', 'linker', { domains: [...linker.domains], decorate_forms: true });
    gtag(ctx, 'js', new Date());
    load(ctx, s, id);
  } else {
    if (s.r) load(ctx, s, id); else s.n = [ctx, id];
    consentUpdate(ctx.consent(), ctx);
    // The other Google adapter on the tag: blocked with it (the warning was said once, by the
    // first); an insert only cancelled (undefined) is no block (diff read 2026-12-06).
    s.p.then((ok) => { if (ok === false) ctx.blocked?.('Google: gtag.js was blocked, nothing reaches Google on this page'); });
  }
  return s.p;
}
