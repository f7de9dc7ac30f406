/**
 * The channel a session came from, by the rules of GA4's default channel group
 * (support.google.com/analytics/answer/9756891, "channels for manual traffic"), simplified to
 * what the store holds: the session's landing campaign (utm_source, utm_medium), the host of the
 * page that sent the visitor, and the kind of ad click id it landed with. Case is ignored, as GA4
 * ignores it.
 *
 * The rules, first match wins:
 * 1. Paid search: a Google or Microsoft ad click id (gclid, gbraid, wbraid, msclkid), or a paid
 *    medium (cpc, ppc, retargeting, anything starting with "paid" or holding "cp") with a search
 *    engine as the source.
 * 2. Paid social: a LinkedIn ad click id (li_fat_id), or a paid medium with a social site as the source.
 * 3. Display: medium display, banner, expandable, interstitial or cpm.
 * 4. Organic social: a social site as the source or the referrer, or medium social (social-network,
 *    social-media, sm, social network, social media). Facebook adds fbclid to unpaid links too, so a
 *    fbclid alone says Facebook, not an ad: Organic social unless the medium is paid (then Paid social).
 * 5. Organic search: a search engine as the source or the referrer, or medium organic.
 * 6. Email: source or medium email (e-mail, e_mail, e mail).
 * 7. Affiliates: medium affiliate(s).
 * 8. Referral: medium referral, app or link, or (without a campaign) a referrer on another site.
 * 9. Direct: no campaign, no click id, and no referrer or one on the shop's own site.
 * 10. Unassigned: a campaign that matches none of the above (a paid medium with an unknown
 *     source, a made-up medium).
 *
 * What is simplified against GA4: no Cross-network, Shopping, Video, Audio, SMS or Mobile push
 * channels (a video or shopping site counts as social or search where it is on those lists, else
 * Referral; a paid medium with a source on no list is Unassigned, where GA4 says Paid other); GA4's
 * "internal lists" of search and social sites are replaced by the short lists below, matched on
 * the host or source name; GA4's Ad Network (known only to linked Google Ads accounts) is replaced
 * by the click id the visitor landed with; a campaign's source "direct" or "(direct)" is Direct only
 * with no medium (or "(none)"). A payment provider's page that sends the visitor back (PayPal,
 * Klarna, Vipps, Stripe, …) is no referrer, as GA4 users list them under "unwanted referrals".
 */

import { COUNTRY_SECOND_LEVEL, PLATFORMS } from '../plan/shared-domains';

export const CHANNELS = [
  'paid_search', 'paid_social', 'display', 'email', 'affiliates', 'organic_search', 'organic_social', 'referral', 'direct', 'unassigned',
] as const;
export type Channel = (typeof CHANNELS)[number];

/** How the report names each channel. */
export const CHANNEL_NAMES: Readonly<Record<Channel, string>> = {
  paid_search: 'Paid search', paid_social: 'Paid social', display: 'Display', email: 'Email', affiliates: 'Affiliates',
  organic_search: 'Organic search', organic_social: 'Organic social', referral: 'Referral', direct: 'Direct', unassigned: 'Unassigned',
};

/** The click ids the tracker keeps (src/core/identity.ts), in the order a session's one is chosen. */
export const CLICK_KINDS = ['gclid', 'gbraid', 'wbraid', 'msclkid', 'li_fat_id', 'fbclid'] as const;
export type ClickKind = (typeof CLICK_KINDS)[number];

/** What a session's channel is decided on. */
export interface SessionSource {
  source?: string | null;
  medium?: string | null;
  campaign?: string | null;
  /** The host of the page that sent the visitor, when it is another site than the shop's (see referrerHost). */
  referrer?: string | null;
  /** The ad click id the session landed with (not one carried over from an earlier visit). */
  click?: string | null;
}

/**
 * Search engines and social sites, as a source name (utm_source) or a host name's label: a
 * referrer matches when one of its labels is on the list ("www.google.co.uk" → google,
 * "l.facebook.com" → facebook, "t.co" by its whole host).
 */
const SEARCH = new Set(['google', 'bing', 'yahoo', 'duckduckgo', 'baidu', 'yandex', 'ecosia', 'qwant', 'startpage', 'naver', 'seznam', 'ask', 'aol', 'brave']);
const SOCIAL = new Set([
  'facebook', 'fb', 'instagram', 'ig', 'linkedin', 'lnkd.in', 'twitter', 'x', 't.co', 'tiktok', 'pinterest', 'reddit', 'youtube', 'snapchat', 'threads',
  'whatsapp', 'messenger', 'telegram', 'tumblr', 'vk', 'quora', 'discord', 'mastodon', 'bsky', 'bluesky', 'meta',
]);
/** Names that are a social site as a whole source or host only, not as one label of another host (x.example, meta.stackexchange.com). */
const WHOLE_ONLY = new Set(['x', 'meta']);
/**
 * Hosts decided whole, before their labels: short links, and a search engine's web mail, whose
 * links are no search (GA4 calls mail.google.com a referral too).
 */
const HOST_LISTS: Readonly<Record<string, 'search' | 'social' | 'other'>> = {
  't.co': 'social', 'lnkd.in': 'social', 'x.com': 'social', 'meta.com': 'social',
};
/** A search engine's web mail ("mail.google.com", "uk.mail.yahoo.com", "mail.aol.com"): its links are no search (GA4 calls them referrals too). */
const WEBMAIL = /(^|\.)(mail|webmail|outlook)\./;

/** Whether a source name or a host is a search engine's or a social site's. */
function siteKind(name: string | null | undefined): 'search' | 'social' | undefined {
  if (!name) return undefined;
  const n = name.trim().toLowerCase().replace(/^www\./, '');
  const whole = HOST_LISTS[n];
  if (whole) return whole === 'other' ? undefined : whole;
  if (WEBMAIL.test(n)) return undefined;
  if (SOCIAL.has(n)) return 'social';
  if (SEARCH.has(n)) return 'search';
  // A host: its labels without the last (the top-level domain); "x" and "meta" only as the whole host.
  const labels = n.split('.');
  if (labels.length < 2) return undefined;
  for (const l of labels.slice(0, -1)) {
    if (!WHOLE_ONLY.has(l) && SOCIAL.has(l)) return 'social';
    if (SEARCH.has(l)) return 'search';
  }
  return undefined;
}

const PAID = /^(.*cp.*|ppc|retargeting|paid.*)$/;
const DISPLAY = new Set(['display', 'banner', 'expandable', 'interstitial', 'cpm']);
const SOCIAL_MEDIUM = new Set(['social', 'social-network', 'social-media', 'sm', 'social network', 'social media']);
const EMAIL = new Set(['email', 'e-mail', 'e_mail', 'e mail']);

const low = (s: string | null | undefined) => (s ? s.trim().toLowerCase() : '');

/** The session's channel (rules in this file's comment). */
export function channelOf(s: SessionSource): Channel {
  const source = low(s.source);
  const medium = low(s.medium);
  const click = low(s.click);
  const campaign = !!(source || medium || low(s.campaign));
  const from = siteKind(source) ?? (campaign ? undefined : siteKind(s.referrer));
  const paid = PAID.test(medium);
  if (click === 'gclid' || click === 'gbraid' || click === 'wbraid' || click === 'msclkid') return 'paid_search';
  if (paid && from === 'search') return 'paid_search';
  if (click === 'li_fat_id' || (paid && (from === 'social' || click === 'fbclid'))) return 'paid_social';
  if (DISPLAY.has(medium)) return 'display';
  if (from === 'social' || SOCIAL_MEDIUM.has(medium) || (!paid && click === 'fbclid')) return 'organic_social';
  if (from === 'search' || medium === 'organic') return 'organic_search';
  if (EMAIL.has(source) || EMAIL.has(medium)) return 'email';
  if (medium === 'affiliate' || medium === 'affiliates') return 'affiliates';
  if (medium === 'referral' || medium === 'app' || medium === 'link') return 'referral';
  const direct = source === 'direct' || source === '(direct)';
  if (!campaign || (direct && (!medium || medium === '(none)' || medium === '(not set)'))) {
    // No campaign: another site that sent the visitor is a referral, else the visit is direct.
    return !campaign && s.referrer ? 'referral' : 'direct';
  }
  return 'unassigned';
}

/**
 * The host of `referrer` when it is another site than the page's own (`page`, the URL of the page
 * it led to), lower case and without "www."; null for none, one that is no URL, the shop itself
 * (the same site: shop.example, checkout.shop.example and www.shop.example are one), or a
 * payment provider the checkout sent the visitor through.
 */
export function referrerHost(referrer: unknown, page: unknown): string | null {
  const ref = hostOf(referrer);
  if (!ref || PAYMENT.test(ref)) return null;
  const own = hostOf(page);
  if (own && sameSite(ref, own)) return null;
  return ref;
}

/**
 * Payment providers and card checks a checkout sends the visitor through and back from, by their
 * own domains (a blog called "checkout" elsewhere is no provider): the return starts no referral
 * (GA4's "unwanted referrals"), so an order after a long payment step stays with the channel that
 * brought the visitor.
 */
const PAYMENT = /(^|\.)(paypal\.(com|[a-z]{2}|co\.uk|com\.au)|klarna\.(com|[a-z]{2})|klarnacdn\.net|vipps\.no|mobilepay\.(dk|fi|no)|stripe\.com|adyen\.com|nets\.eu|dibspayment\.eu|mollie\.com|worldpay\.com|braintreegateway\.com|bambora\.com|swedbankpay\.(com|se|no)|payex\.com|trustly\.(com|net)|opayo\.co\.uk|sagepay\.com|checkout\.com|cardinalcommerce\.com|arcot\.com|pay\.google\.com|wallet\.google\.com)$/;

const SHARED = new Set([...COUNTRY_SECOND_LEVEL, ...PLATFORMS]);
/**
 * The same site: one host, one under the other ("checkout.shop.example", "shop.example"), or two
 * under one parent that is the shop's own ("checkout.xxl.no", "www.xxl.no"), not a domain many
 * sites share ("shop1.myshopify.com" is not "shop2.myshopify.com", "other.co.uk" not "shop.co.uk").
 */
function sameSite(a: string, b: string): boolean {
  if (a === b || a.endsWith(`.${b}`) || b.endsWith(`.${a}`)) return true;
  const pa = a.slice(a.indexOf('.') + 1);
  return pa === b.slice(b.indexOf('.') + 1) && pa.includes('.') && !SHARED.has(pa);
}

function hostOf(url: unknown): string | null {
  if (typeof url !== 'string' || !url) return null;
  try {
    const u = new URL(url);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return null;
    return u.hostname.toLowerCase().replace(/^www\./, '') || null;
  } catch {
    return null;
  }
}
