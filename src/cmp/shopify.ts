/**
 * Shopify's Customer Privacy API (`window.Shopify.customerPrivacy`, which the shop's theme or its
 * cookie banner loads with `Shopify.loadFeatures`). Answered per category by
 * `currentVisitorConsent()`: `'yes'` or `'no'` is the visitor's choice, `''` no choice yet.
 * analytics: `analytics`; ads: `marketing`, and denied whenever `sale_of_data` is `'no'` (the
 * visitor opted out of sale and sharing, which ad platforms are). The `…Allowed()` methods are
 * not read: outside the regions where the shop asks, they allow without any choice, and only a
 * choice counts here (docs/consent-platforms.md). Read on `visitorConsentCollected` (dispatched on
 * the document) and every 250 ms.
 */
import type { Reader } from './watch';

const said = (v: unknown) => (v === 'yes' ? true : v === 'no' ? false : null);

export const shopify: Reader = (w, decide, loaded, poll, guard) => {
  const read = () => {
    const p = w.Shopify?.customerPrivacy;
    const c = p && typeof p.currentVisitorConsent == 'function' && p.currentVisitorConsent();
    if (!c || typeof c != 'object') return;
    loaded();
    decide(said(c.analytics), c.sale_of_data === 'no' ? false : said(c.marketing));
  };
  const h = guard(read);
  const d = w.document;
  d.addEventListener('visitorConsentCollected', h);
  poll(read);
  return () => d.removeEventListener('visitorConsentCollected', h);
};
