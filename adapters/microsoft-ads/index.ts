import type { Adapter, AdapterContext } from '../../src/core/types';
import { loadVendorScript } from '../_shared/vendor-script';

const BAT = 'https://bat.bing.com/bat.js';
/** What bat.js accepts: a number of at most 12 integer digits and 3 decimals; a 3-letter currency. */
const REVENUE = /^\d{1,12}(\.\d{1,3})?$/;
const CURRENCY = /^[a-zA-Z]{3}$/;

const push = (ctx: AdapterContext, ...args: unknown[]) => {
  const w = ctx.window;
  (w.uetq = w.uetq || []).push(...args);
};
const storage = (state: string) => ({ ad_storage: state === 'granted' ? 'granted' : 'denied' });

/**
 * Microsoft Advertising UET. Loads the UET tag for `destinations.microsoftAds.tagId` once ads
 * consent is granted (its own `pageLoad` included, SPA route changes tracked by UET itself) and
 * sends each conversion whose `send.microsoftAds.event` names an event action, with the entry's
 * `category`/`label`, the value as `revenue_value`, the `currency` and the event id as
 * `event_id`. Values that UET would reject are left out with a warning. Consent reaches UET as
 * `ad_storage`: the plan's default before the tag, then every change.
 */
export function microsoftAds(): Adapter {
  let loaded = false;
  let adStorage: string | undefined;
  return {
    name: 'microsoftAds',
    category: 'ads',
    async load(ctx) {
      if (loaded) return;
      loaded = true;
      const ti = ctx.plan.destinations.microsoftAds?.tagId;
      if (!ti) return;
      push(ctx, 'consent', 'default', storage(ctx.plan.consent.default.ads));
      push(ctx, 'consent', 'update', storage((adStorage = 'granted')));
      if (!(await loadVendorScript(ctx, BAT, 'Microsoft Ads'))) return;
      // What UET's own loader does once bat.js has run: the queue becomes the tag, fed the calls so far.
      const w = ctx.window;
      if (typeof w.UET === 'function' && Array.isArray(w.uetq)) {
        w.uetq = new w.UET({ ti, enableAutoSpaTracking: true, q: w.uetq });
        w.uetq.push('pageLoad');
      }
    },
    send(event, ctx) {
      const goal = event.send.microsoftAds;
      if (!goal || !adStorage) return;
      const p: Record<string, unknown> = {};
      if (goal.category) p.event_category = goal.category;
      if (goal.label) p.event_label = goal.label;
      const { value, currency } = event;
      if (value !== undefined) {
        if (REVENUE.test(String(value))) p.revenue_value = value;
        else ctx.warn(`Microsoft Ads: value ${value} of "${event.name}" left out (UET takes 0 to 999999999999, 3 decimals at most)`);
      }
      if (currency) {
        if (CURRENCY.test(currency)) p.currency = currency;
        else ctx.warn(`Microsoft Ads: currency "${currency}" of "${event.name}" left out (UET takes 3 letters)`);
      }
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
