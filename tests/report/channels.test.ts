/**
 * A session's channel, by GA4's default channel group simplified (src/report/channels.ts): a
 * table of sessions as the store summarises them, each with the channel a marketer expects.
 */
import { describe, expect, it } from 'vitest';
import { channelOf, referrerHost, type Channel, type SessionSource } from '../../src/report/channels';

const CASES: [string, SessionSource, Channel][] = [
  // Paid search: a Google or Microsoft click id, or a paid medium from a search engine.
  ['a Google Ads click (gclid) without UTM', { click: 'gclid', referrer: 'google.com' }, 'paid_search'],
  ['an iOS Google Ads click (gbraid)', { click: 'gbraid' }, 'paid_search'],
  ['a web-to-app Google Ads click (wbraid)', { click: 'wbraid' }, 'paid_search'],
  ['a Microsoft Ads click (msclkid)', { click: 'msclkid', source: 'bing', medium: 'cpc' }, 'paid_search'],
  ['google / cpc without a click id (ads not granted)', { source: 'google', medium: 'cpc', campaign: 'brand' }, 'paid_search'],
  ['bing / ppc', { source: 'Bing', medium: 'PPC' }, 'paid_search'],
  ['duckduckgo / paidsearch', { source: 'duckduckgo', medium: 'paidsearch' }, 'paid_search'],
  ['google.com / cpc (a host as the source)', { source: 'google.com', medium: 'cpc' }, 'paid_search'],
  // Paid social.
  ['a LinkedIn ad click (li_fat_id)', { click: 'li_fat_id' }, 'paid_social'],
  ['facebook / paid_social with fbclid', { source: 'facebook', medium: 'paid_social', click: 'fbclid' }, 'paid_social'],
  ['instagram / cpc', { source: 'ig', medium: 'cpc' }, 'paid_social'],
  ['a fbclid with a paid medium and an unknown source', { source: 'partner', medium: 'paid', click: 'fbclid' }, 'paid_social'],
  ['linkedin / retargeting', { source: 'linkedin', medium: 'retargeting' }, 'paid_social'],
  // Display.
  ['a banner campaign', { source: 'adnetwork', medium: 'banner' }, 'display'],
  ['medium display', { source: 'news-site', medium: 'Display' }, 'display'],
  // Organic social: fbclid alone is Facebook, not an ad.
  ['a fbclid alone (Facebook adds it to unpaid links)', { click: 'fbclid', referrer: 'l.facebook.com' }, 'organic_social'],
  ['a fbclid with no referrer', { click: 'fbclid' }, 'organic_social'],
  ['a referrer on a social site', { referrer: 'lm.facebook.com' }, 'organic_social'],
  ['t.co (X\'s short links)', { referrer: 't.co' }, 'organic_social'],
  ['medium social from an unknown source', { source: 'forum', medium: 'social' }, 'organic_social'],
  ['pinterest as the source, no medium', { source: 'pinterest' }, 'organic_social'],
  // Organic search.
  ['a search engine\'s referrer', { referrer: 'google.co.uk' }, 'organic_search'],
  ['duckduckgo\'s referrer', { referrer: 'duckduckgo.com' }, 'organic_search'],
  ['medium organic', { source: 'someengine', medium: 'organic' }, 'organic_search'],
  // Email.
  ['newsletter / email', { source: 'newsletter', medium: 'email', campaign: 'monthly' }, 'email'],
  ['source e-mail', { source: 'e-mail' }, 'email'],
  ['medium E_Mail', { source: 'crm', medium: 'E_Mail' }, 'email'],
  // Affiliates.
  ['medium affiliate', { source: 'partner', medium: 'affiliate' }, 'affiliates'],
  // Referral.
  ['another site\'s referrer', { referrer: 'blog.example' }, 'referral'],
  ['a web mail\'s referrer (no search)', { referrer: 'mail.google.com' }, 'referral'],
  ['medium referral', { source: 'blog', medium: 'referral' }, 'referral'],
  // Direct.
  ['nothing at all', {}, 'direct'],
  ['empty texts', { source: '', medium: '', campaign: '', referrer: '' }, 'direct'],
  ['source direct, medium (none)', { source: 'direct', medium: '(none)' }, 'direct'],
  // Unassigned: a campaign that matches no rule, whatever the referrer.
  ['a made-up medium', { source: 'partner', medium: 'flyer', referrer: 'google.com' }, 'unassigned'],
  ['cpc from a source on no list (GA4: Paid other)', { source: 'criteo', medium: 'cpc' }, 'unassigned'],
  ['a campaign name only', { campaign: 'spring' }, 'unassigned'],
];

describe('channelOf', () => {
  it.each(CASES)('%s', (_, session, channel) => {
    expect(channelOf(session)).toBe(channel);
  });

  it('the campaign wins over the referrer: an e-mail link opened from a web mail is Email', () => {
    expect(channelOf({ source: 'newsletter', medium: 'email', referrer: 'mail.google.com' })).toBe('email');
    expect(channelOf({ source: 'newsletter', medium: 'email', referrer: 'google.com' })).toBe('email');
  });
});

describe('referrerHost', () => {
  it('keeps another site\'s host, lower case and without www.', () => {
    expect(referrerHost('https://www.Google.com/search?q=tent', 'https://shop.example/p/1')).toBe('google.com');
    expect(referrerHost('https://l.facebook.com/l.php?u=x', 'https://shop.example/')).toBe('l.facebook.com');
  });
  it('is null for the shop itself (its host, www. or a subdomain), none, or no web address', () => {
    expect(referrerHost('https://shop.example/cart', 'https://www.shop.example/checkout')).toBeNull();
    expect(referrerHost('https://checkout.shop.example/pay', 'https://shop.example/done')).toBeNull();
    expect(referrerHost('', 'https://shop.example/')).toBeNull();
    expect(referrerHost(null, 'https://shop.example/')).toBeNull();
    expect(referrerHost('android-app://com.google.android.gm/', 'https://shop.example/')).toBeNull();
    expect(referrerHost('not a url', 'https://shop.example/')).toBeNull();
  });
  it('keeps the referrer of an event without a page address (another site as far as it can tell)', () => {
    expect(referrerHost('https://blog.example/post', undefined)).toBe('blog.example');
  });
});
