import type { Adapter, AdapterContext } from '../../src/core/types';
import { loadVendorScript, markOwn } from '../_shared/vendor-script';

const BAT = 'https://bat.bing.com/bat.js';
/** bat.js takes revenue from 0 to 999999999999 with at most 3 decimals. */
const MAX_REVENUE = 999999999999;

/** Our queue when the page runs a UET tag of its own (see `theirs`): UET's snippet takes the queue's name for this. */
const OWN_QUEUE = 'measureplanUetq';

/**
 * The page runs Microsoft's UET snippet for a tag of its own: `uetq` is already a running tag (no
 * longer the array), or the snippet's bat.js element is in the page, still loading. Pushed into
 * `uetq`, our calls would reach the site's tag only (and its ti would count our conversions).
 */
const theirs = (w: AdapterContext['window']): boolean =>
  (w.uetq != null && !Array.isArray(w.uetq)) || !!w.document?.querySelector?.('script[src*="bat.bing.com/bat.js"]');
/**
 * The queue of the site's own UET snippet for the plan's tag id, if the page has one (left in place
 * when moving to measureplan): Microsoft's snippet names the id (`ti:"…"`) and, last, its queue
 * (`…"//bat.bing.com/bat.js","uetq")`). Commented-out code does not count. That tag counts the
 * page; ours would be a second tag for the same id and a second pageLoad.
 */
const siteQueue = (w: AdapterContext['window'], ti: string): string | undefined => {
  const re = new RegExp(`\\bti\\s*:\\s*["']?${ti}\\b[\\s\\S]*?bat\\.bing\\.com/bat\\.js["']\\s*,\\s*["']([\\w$]+)["']`);
  for (const s of w.document?.scripts ?? []) {
    const m = re.exec(s.text.replace(/\/\*[\s\S]*?\*\/|^\s*\/\/.*$/gm, ''));
    if (m) return m[1];
  }
};
const storage = (state: string) => ({ ad_storage: state === 'granted' ? 'granted' : 'denied' });

/**
 * Microsoft Advertising UET. Loads the UET tag for `destinations.microsoftAds.tagId` once ads
 * consent is granted (its own `pageLoad` included, SPA route changes tracked by UET itself) and
 * sends each conversion whose `send.microsoftAds.event` names an event action, with the entry's
 * `category`/`label`, the conversion's value as both `revenue_value` and `event_value`, the
 * `currency` and the event id as `event_id`. A value that UET would reject is left out with a
 * warning. (The currency is the plan's, which the plan check already holds to three capital
 * letters, as UET wants.) Consent reaches UET as `ad_storage`: the plan's default before the tag,
 * then every change.
 *
 * Why the value goes in both: UET has two numbers per event. `revenue_value` (with `currency`) is
 * the revenue a goal with "conversion value may vary" counts; `event_value` is a non-revenue number
 * that a custom event goal can only test in a condition (a Value compared with a number, e.g.
 * greater than; Microsoft's EventGoal has `Value` and `ValueOperator` beside its revenue settings). The plan has
 * one value per conversion, the money it is worth in the plan's currency, macro or micro alike
 * (a newsletter signup worth 15 NOK is what GA4, Google Ads and Meta receive as its value too), so
 * it stays the revenue; sending it as `event_value` as well lets a goal count, say, only orders
 * over 1000 without a plan field of its own.
 */
export function microsoftAds(): Adapter {
  let loaded = false;
  let adStorage: string | undefined;
  let queue = 'uetq';
  const push = (ctx: AdapterContext, ...args: unknown[]) => {
    const w = ctx.window;
    (w[queue] = w[queue] || []).push(...args);
  };
  return {
    name: 'microsoftAds',
    category: 'ads',
    browserOnly: true,
    async load(ctx) {
      if (loaded) return;
      loaded = true;
      const ti = ctx.plan.destinations.microsoftAds?.tagId;
      if (!ti) return;
      const w = ctx.window;
      // Our own tag for this id, started by an earlier tracker on this page (re-created after
      // shutdown(), React's StrictMode): it goes on counting; no second tag, no second pageLoad.
      // Marked on the running tag itself: a page (or a test) that replaces uetq starts afresh.
      // The queue is marked as ours too while bat.js downloads: the re-created tracker then loads
      // it with the earlier one (whose insert a shutdown may cancel), and one of them builds the tag.
      const mine = [queue, OWN_QUEUE].find((q) => w[q]?.__measureplan === ti);
      let site = false;
      if (mine) {
        queue = mine;
        push(ctx, 'consent', 'update', storage((adStorage = 'granted')));
        if (!Array.isArray(w[queue])) return;
      } else {
        // A UET tag of the site's own: ours gets a queue of its own, as a second snippet would, and
        // bat.js is not requested again once it has run.
        site = theirs(w);
        // The site's tag is ours: our calls go into its queue, under its own consent default.
        const q = site && siteQueue(w, ti);
        if (q) { queue = q; push(ctx, 'consent', 'update', storage((adStorage = 'granted'))); return; }
        if (site) queue = OWN_QUEUE;
        push(ctx, 'consent', 'default', storage(ctx.plan.consent.default.ads));
        push(ctx, 'consent', 'update', storage((adStorage = 'granted')));
        markOwn(w[queue], ti);
      }
      if (!(site && typeof w.UET === 'function') && !(await loadVendorScript(ctx, BAT, 'Microsoft Ads'))) return;
      // What UET's own loader does once bat.js has run: the queue becomes the tag, fed the calls so far.
      if (typeof w.UET === 'function' && Array.isArray(w[queue])) {
        const tag = (w[queue] = new w.UET({ ti, enableAutoSpaTracking: true, q: w[queue] }));
        markOwn(tag, ti);
        // Ads withdrawn while bat.js was downloading: no page view for it (the denial is in the queue).
        if (adStorage == 'granted') tag.push('pageLoad');
      }
    },
    send(event, ctx) {
      const goal = event.send.microsoftAds;
      if (!goal || !adStorage) return;
      let { value } = event;
      // Rounded to 3 decimals: 5 × 22.99 is 114.94999999999999 in floating point, 114.95 in money.
      if (value !== undefined) value = Math.round(value * 1000) / 1000;
      if (value !== undefined && !(value >= 0 && value <= MAX_REVENUE)) {
        ctx.warn(`Microsoft Ads: value ${value} of ${event.name} left out (UET takes 0 to 999999999999, 3 decimals at most)`);
        value = undefined;
      }
      // Built directly, without undefined fields.
      const p: Record<string, unknown> = {};
      if (goal.category !== undefined) p.event_category = goal.category;
      if (goal.label !== undefined) p.event_label = goal.label;
      if (value !== undefined) { p.revenue_value = value; p.event_value = value; }
      if (event.currency !== undefined) p.currency = event.currency;
      p.event_id = event.id;
      push(ctx, 'event', goal.event, p);
    },
    consent(status, ctx) {
      const next = storage(status.ads);
      if (!adStorage || next.ad_storage === adStorage) return;
      adStorage = next.ad_storage;
      push(ctx, 'consent', 'update', next);
    },
  };
}
