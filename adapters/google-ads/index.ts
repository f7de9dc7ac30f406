/**
 * Google Ads conversion tracking through the Google tag (gtag.js), sharing the tag with GA4.
 *
 * Once ads consent is granted the tag is installed (Consent Mode default first) and configured
 * for the plan's `destinations.googleAds.conversionId`; each conversion whose `send` names
 * `googleAds` becomes `gtag('event', 'conversion', { send_to: 'AW-…/<label>', value, currency,
 * transaction_id })`, and Google Ads counts a repeated transaction_id once. With
 * `enhancedConversions: true` the e-mail and phone given to `identify()` are normalised and
 * SHA-256 hashed in the browser and sent as the conversions' `user_data` (event scope, so GA4
 * on the same tag never carries them): the raw values never reach Google. A consent change becomes a Consent Mode update.
 */
import type { Adapter, AdapterContext, ConversionEvent, Identity } from '../../src/core/types';
import { hashedIdentity } from '../_shared/identity';
import { personalId, WITHHELD } from '../../src/core/personal';
import { configFor, consentUpdate, defined, ensureGtag, gtag } from '../_shared/gtag';

type UserData = Record<string, unknown> | undefined;

export function googleAds(): Adapter {
  /**
   * The hashing of the latest identify(), resolving with its user data: a conversion tracked
   * meanwhile waits for it and carries that user's data, whatever identify() came after it.
   */
  let hashing: Promise<UserData> | undefined;
  /**
   * The hashed e-mail/phone of the latest identify(), sent with each conversion: at event scope,
   * not with gtag('set'), whose global scope GA4's hits on the same tag would carry too.
   */
  let userData: UserData;
  /** A withdrawal dropped the hashes: a new grant on this page makes them again. */
  let dropped = false;
  /** Withdrawals on this page: a conversion still waiting for a hash when one came goes without it. */
  let drops = 0;
  const id = (ctx: AdapterContext) => ctx.plan.destinations.googleAds?.conversionId;

  const conversion = (e: ConversionEvent, ctx: AdapterContext, u: UserData) => {
    let t = e.transactionId;
    if (t && t.length > 64) {
      ctx.warn(`googleAds ${e.name}: transaction_id left out: Google Ads takes at most 64 characters, this one has ${t.length}`);
      t = undefined;
    }
    // Google's rule for the transaction ID: no personal data (security QA 2026-12-06).
    if (personalId(t)) { ctx.warn(`googleAds ${e.name}: transaction_id ${WITHHELD}`); t = undefined; }
    // Built directly, without undefined fields (gtag would send them as empty parameters).
    const p: Record<string, unknown> = { send_to: `${id(ctx)}/${e.send.googleAds?.label}` };
    if (e.value !== undefined) p.value = e.value;
    if (e.currency !== undefined) p.currency = e.currency;
    if (t) p.transaction_id = t;
    if (u) p.user_data = u;
    gtag(ctx, 'event', 'conversion', p);
  };

  const identify = ({ traits }: Identity, ctx: AdapterContext) => {
    // A later identify() (another visitor signing in) must not leave the previous one's hashes behind.
    if (!ctx.plan.destinations.googleAds?.enhancedConversions || ctx.consent().ads != 'granted') { userData = hashing = undefined; return; }
    // Done after the hash before it: the conversions waiting for them go out in the order they were tracked.
    const done: Promise<UserData> = (hashing = Promise.all([hashedIdentity(traits || {}).catch(() => ({}) as { email?: string; phone?: string }), hashing])
      .then(([h]) => {
        const u = h.email || h.phone ? defined({ sha256_email_address: h.email, sha256_phone_number: h.phone }) : undefined;
        if (!u && (traits?.email || traits?.phone)) ctx.warn('googleAds: enhanced conversions: no user data sent, the e-mail/phone is not usable or could not be hashed (Web Crypto needs https)');
        // Still the latest identify() (no sign-out or withdrawal came while this hash ran): the later conversions' data.
        if (hashing == done) { userData = u; hashing = undefined; }
        return u;
      }));
    return done as Promise<unknown> as Promise<void>;
  };

  return {
    name: 'googleAds',
    category: 'ads',
    browserOnly: true,
    load(ctx) {
      const loaded = ensureGtag(ctx, id(ctx));
      gtag(ctx, 'config', ...configFor(ctx, id(ctx)));
      identify(ctx.identity(), ctx);
      return loaded as Promise<void>;
    },
    send(event, ctx) {
      const n = drops;
      return hashing ? hashing.then((u) => conversion(event, ctx, n == drops ? u : undefined)) : conversion(event, ctx, userData);
    },
    consent(status, ctx, again) {
      consentUpdate(status, ctx, again);
      // Granted again after a withdrawal on this page: the visitor's hashes are made again.
      if (dropped && status.ads == 'granted') { dropped = false; void identify(ctx.identity(), ctx); }
    },
    identify,
    /** Ads consent withdrawn: the hashes of the visitor are dropped with it. */
    forget() { userData = hashing = undefined; dropped = true; drops++; },
  };
}
