/**
 * The shop's own cookie banner, connected to the tracker.
 *
 * measureplan does not remember the visitor's decision: the site tells it on every page. This
 * banner keeps the decision in localStorage under its own key (a strictly necessary record, set
 * only after the visitor chose) and passes it on each time a page starts. Until then the plan's
 * default applies (both categories denied): conversions wait in memory and nothing is loaded,
 * stored or sent.
 */
import type { ConsentSettings } from 'measureplan';

/** The one method the banner needs, so any tracker (whatever its plan) fits. */
interface AcceptsConsent {
  consent(update: ConsentSettings): void;
}

const KEY = 'tindra-consent';
const ALL: ConsentSettings = { analytics: 'granted', ads: 'granted' };
const NECESSARY_ONLY: ConsentSettings = { analytics: 'denied', ads: 'denied' };

function saved(): ConsentSettings | undefined {
  try {
    const value = localStorage.getItem(KEY);
    return value === 'all' ? ALL : value === 'necessary' ? NECESSARY_ONLY : undefined;
  } catch {
    return undefined; // storage blocked: ask again
  }
}

/**
 * Passes a decision made on an earlier page to the tracker, or shows `#consent-banner` and waits
 * for one of its buttons: `#consent-accept` (statistics and marketing) or `#consent-reject`.
 */
export function connectConsentBanner(tracker: AcceptsConsent, root: ParentNode = document): void {
  const banner = root.querySelector<HTMLElement>('#consent-banner');
  const earlier = saved();
  if (earlier) {
    tracker.consent(earlier);
    if (banner) banner.hidden = true;
    return;
  }
  if (!banner) return;
  banner.hidden = false;
  const decide = (choice: 'all' | 'necessary') => {
    try { localStorage.setItem(KEY, choice); } catch { /* the decision still counts for this page */ }
    tracker.consent(choice === 'all' ? ALL : NECESSARY_ONLY);
    banner.hidden = true;
  };
  banner.querySelector('#consent-accept')?.addEventListener('click', () => decide('all'));
  banner.querySelector('#consent-reject')?.addEventListener('click', () => decide('necessary'));
}
