/**
 * Google Ads conversion tracking through the Google tag (gtag.js), sharing the tag with GA4.
 *
 * Once ads consent is granted the tag is installed (Consent Mode default first) and configured
 * for the plan's `destinations.googleAds.conversionId`; each conversion whose `send` names
 * `googleAds` becomes `gtag('event', 'conversion', { send_to: 'AW-…/<label>', value, currency,
 * transaction_id })`, and Google Ads counts a repeated transaction_id once. With
 * `enhancedConversions: true` the e-mail and phone given to `identify()` are normalised and
 * SHA-256 hashed in the browser and set as `user_data` before the next conversion: the raw values
 * never reach Google. A consent change becomes a Consent Mode update.
 */
import type { Adapter, AdapterContext, ConversionEvent, Identity } from '../../src/core/types';
import { hashedIdentity } from '../_shared/identity';
import { consentUpdate, defined, ensureGtag, gtag } from '../_shared/gtag';

export function googleAds(): Adapter {
  /** The hashing of the latest identify(); conversions wait for it so that they carry the user data. */
  let hashing: Promise<void> | undefined;
  const id = (ctx: AdapterContext) => ctx.plan.destinations.googleAds?.conversionId;

  const conversion = (e: ConversionEvent, ctx: AdapterContext) => {
    let t = e.transactionId;
    if (t && t.length > 64) {
      ctx.warn(`googleAds ${e.name}: transaction_id left out: Google Ads takes at most 64 characters, this one has ${t.length}`);
      t = undefined;
    }
    // Built directly, without undefined fields (gtag would send them as empty parameters).
    const p: Record<string, unknown> = { send_to: `${id(ctx)}/${e.send.googleAds?.label}` };
    if (e.value !== undefined) p.value = e.value;
    if (e.currency !== undefined) p.currency = e.currency;
    if (t) p.transaction_id = t;
    gtag(ctx, 'event', 'conversion', p);
  };

  const identify = ({ traits }: Identity, ctx: AdapterContext) => {
    if (!ctx.plan.destinations.googleAds?.enhancedConversions || ctx.consent().ads != 'granted') return;
    const done = (hashing = hashedIdentity(traits || {})
      .catch(() => ({}) as { email?: string; phone?: string })
      .then((h) => {
        if (h.email || h.phone) gtag(ctx, 'set', 'user_data', defined({ sha256_email_address: h.email, sha256_phone_number: h.phone }));
        else if (traits?.email || traits?.phone) ctx.warn('googleAds: enhanced conversions: no user data sent, the e-mail/phone is not usable or could not be hashed (Web Crypto needs https)');
        if (hashing == done) hashing = undefined;
      }));
    return done;
  };

  return {
    name: 'googleAds',
    category: 'ads',
    load(ctx) {
      const loaded = ensureGtag(ctx, id(ctx));
      gtag(ctx, 'config', id(ctx));
      identify(ctx.identity(), ctx);
      return loaded as Promise<void>;
    },
    send(event, ctx) {
      return hashing ? hashing.then(() => conversion(event, ctx)) : conversion(event, ctx);
    },
    consent: consentUpdate,
    identify,
  };
}
