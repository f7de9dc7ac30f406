/**
 * Cookie Information (`window.CookieInformation`). Answered when its `CookieInformationConsent`
 * cookie exists (written when the visitor submits a choice). analytics:
 * `getConsentGivenFor('cookie_cat_statistic')`; ads: `getConsentGivenFor('cookie_cat_marketing')`.
 * Read on `CookieInformationConsentGiven` and every 250 ms (the cookie may be written after the event).
 */
import { evented, hasCookie } from './watch';

export const cookieinformation = evented('CookieInformation', ['CookieInformationConsentGiven'], (c, w) =>
  hasCookie(w, 'CookieInformationConsent') && ['statistic', 'marketing'].map((k) => c.getConsentGivenFor('cookie_cat_' + k)));
