/**
 * Google Consent Mode, as a banner writes it into `window.dataLayer` with
 * `gtag('consent', 'default' | 'update', {…})`. Only an `update` is the visitor's decision (a
 * `default` is the site's); updates are folded key by key in push order, and a category is
 * answered once its keys say so (a banner may send one update per category, or split a
 * category's keys over several: none is a denial of what it does not name, CMP QA 2026-12-06):
 * - analytics: `analytics_storage`;
 * - ads: `ad_storage`, `ad_user_data` and `ad_personalization`, all granted (measureplan's Google
 *   tags send all three from `ads`, so granting `ads` on less would override the visitor's choice).
 * Later updates are seen by wrapping `dataLayer.push` (the original runs first and its return value
 * is kept; a wrapper that gtag.js or GTM puts over ours is wrapped again) and by a scan every 250 ms.
 * measureplan's own commands (its Google adapters mirror the tracker's state) are neither answers
 * nor a sign that the platform is on the page.
 */
import type { Reader } from './watch';

export const google: Reader = (w, decide, loaded, poll, guard, again) => {
  let dl: any;
  let n = 0;
  let mine: unknown;
  let answered: unknown;
  let busy = false;
  let times = 0;
  const s: Record<string, unknown> = {};
  const g = (k: string) => s[k] == 'granted';
  /**
   * A category's answer: granted once every key of it is granted, denied once one is denied, and
   * `null` (not answered yet) while some are still unnamed: a banner may send them in several
   * updates (CMP QA 2026-12-06).
   */
  const named = (...k: string[]) => (k.every(g) ? true : k.some((x) => x in s && !g(x)) ? false : null);
  const scan = guard(() => {
    let fresh = false;
    for (; n < dl.length; n++) {
      const e = dl[n];
      // What measureplan's Google adapters pushed themselves (adapters/_shared/gtag.ts) is neither
      // the platform being there nor the visitor's answer.
      if (e && e[0] == 'consent' && !w.__measureplanGtag?.o?.has(e[2])) {
        loaded();
        if (e[1] == 'update' && e[2]) { answered = Object.assign(s, e[2]); fresh = true; }
      }
    }
    // The same answer written again lands after measureplan's own last word in Google's tag. Not
    // from inside that word's own push, and 20 times a page at most: a platform that answers every
    // other write with its own would otherwise fight it without end (late read 2026-12-07).
    if (answered && !decide(named('analytics_storage'), named('ad_storage', 'ad_user_data', 'ad_personalization')) && fresh && !busy && times < 20) {
      busy = true;
      times++;
      try { again(); } finally { busy = false; }
    }
  });
  poll(() => {
    const d = w.dataLayer;
    if (!d?.push) return;
    if (d != dl) { dl = d; n = 0; }
    scan();
    if (d.push != mine) {
      const push = d.push;
      mine = d.push = function (this: unknown) {
        const r = push.apply(this, arguments);
        scan();
        return r;
      };
    }
  });
};
