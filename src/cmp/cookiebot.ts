/**
 * Cookiebot (`window.Cookiebot`). Answered when `hasResponse` is true (the visitor submitted a
 * choice, now or on an earlier page: the `CookieConsent` cookie). analytics: `consent.statistics`;
 * ads: `consent.marketing`. Read on its window events and every
 * 250 ms.
 */
import { evented } from './watch';

export const cookiebot = evented('Cookiebot', ['CookiebotOnConsentReady', 'CookiebotOnAccept', 'CookiebotOnDecline'], (c) =>
  c.hasResponse && [c.consent.statistics, c.consent.marketing]);
