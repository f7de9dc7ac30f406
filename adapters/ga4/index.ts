/**
 * Google Analytics 4 through the Google tag (gtag.js).
 *
 * Once analytics consent is granted the tag is installed (Consent Mode default first) and
 * configured for the plan's `destinations.ga4.measurementId`, which sends GA4's own page view;
 * each conversion whose `send` names `ga4` becomes `gtag('event', <send.ga4.event>, …)` with its
 * currency, value, transaction_id (GA4 deduplicates purchases on it), items and other properties,
 * kept to GA4's naming and size rules (a debug warning for each fix). `identify()` sets GA4's
 * `user_id`, a consent change becomes a Consent Mode update. SPA route changes need nothing
 * extra: GA4's enhanced measurement counts history changes as page views.
 */
import type { Adapter, AdapterContext, Identity } from '../../src/core/types';
import { configFor, consentUpdate, ensureGtag, gtag } from '../_shared/gtag';
import { ga4Params, personal, say, WITHHELD } from './params';
import { withoutParams } from '../_shared/url';
import { adParam } from '../../src/core/identity';

export function ga4(): Adapter {
  const id = (ctx: AdapterContext) => ctx.plan.destinations.ga4?.measurementId;
  /** The user id GA4 was last given (null: none). */
  let user: string | null = null;
  /** Analytics consent not granted since the last grant: identify() calls meanwhile reached no hook. */
  let gap = false;
  /** `user_id` is a config setting, never an event parameter; `null` (signed out) clears it. */
  const identify = ({ userId }: Identity, ctx: AdapterContext) => {
    user = userId ?? null;
    gtag(ctx, 'config', id(ctx), { user_id: userIdFor(userId, ctx) || null, send_page_view: false });
  };
  return {
    name: 'ga4',
    category: 'analytics',
    browserOnly: true,
    load(ctx) {
      const loaded = ensureGtag(ctx, id(ctx));
      const userId = userIdFor((user = ctx.identity().userId ?? null), ctx);
      gtag(ctx, 'config', ...configFor(ctx, id(ctx), userId ? { user_id: userId } : undefined));
      return loaded as Promise<void>;
    },
    send(event, ctx) {
      const params = ga4Params(event, ctx.warn, ctx.plan.currency);
      params.send_to = id(ctx);
      // The Google tag reads the page's URL and title when it processes the event. A conversion
      // handed over after the page moved on (a burst's later slices, a route change in the same
      // run) names the page it was tracked on.
      // Kept to the rules the event's own parameters follow: no query value that looks like an
      // e-mail or phone number, no click id without an ads grant (ads data), no personal title.
      const { url, title } = event.page;
      const here = ctx.window.location?.href; // none in the test kit's recording window
      if (here !== undefined && url !== here) {
        // An address left in the path or the fragment (`/unsubscribe/kari@…`, `#email=kari@…`)
        // becomes `(redacted)`, as GA4's own data redaction writes it (security QA 2026-12-06).
        params.page_location = withoutParams(url, (k, v) => personal(v, k) || (event.consent.ads != 'granted' && adParam(k)))
          .replace(/[^\s@/?#&=]+(@|%40)[^\s@/?#&=]+\.[a-z]{2,}(?=[/?#&;]|$)/gi, '(redacted)');
        if (personal(title)) say(event, ctx.warn, 'page_title', WITHHELD); else params.page_title = title;
      }
      gtag(ctx, 'event', event.send.ga4?.event, params);
    },
    consent(status, ctx, again) {
      consentUpdate(status, ctx, again);
      // Granted again: a sign-out or sign-in made while analytics consent was withdrawn reached no
      // identify(); GA4 is given the user now, after the update that grants it.
      if (status.analytics != 'granted') gap = true;
      else if (gap) {
        gap = false;
        const who = ctx.identity();
        if ((who.userId ?? null) !== user) identify(who, ctx);
      }
    },
    identify,
  };
}

/** Google's User-ID policy forbids an e-mail address or phone number as `user_id`: such an id is withheld. */
function userIdFor(userId: string | null | undefined, ctx: AdapterContext): string | null | undefined {
  if (!personal(userId)) return userId;
  ctx.warn(`ga4: user_id ${WITHHELD}`);
  return undefined;
}
