/** What the relay and the webhook show of their URLs in the log, and how they send credentials. */
import { describe, expect, it } from 'vitest';
import { shownUrl, withCredentials } from '../../src/server/delivery';

describe('shownUrl: a URL in the log without its secrets (security QA and diff read 2026-12-06)', () => {
  it.each([
    ['https://api.segment.io/v1/batch', 'https://api.segment.io/v1/batch'],
    ['https://mail.example/hooks/abandoned-cart?api_key=HOOKSECRET&list=7', 'https://mail.example/hooks/abandoned-cart?api_key=…&list=…'],
    ['https://user:pa55@mail.example/hook', 'https://mail.example/hook'],
    ['https://hooks.slack.com/services/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', 'https://hooks.slack.com/services/…/…/…'],
    ['https://hooks.zapier.com/hooks/catch/1234567/3hf7x9k/', 'https://hooks.zapier.com/hooks/catch/…/…/'],
    ['not a url', '(not a URL)'],
  ])('%s → %s', (url, shown) => expect(shownUrl(url)).toBe(shown));
});

describe('withCredentials: user:password in a URL as Basic authentication', () => {
  it('decodes percent-encoding, and keeps a raw % as typed instead of failing (diff read 2026-12-06)', () => {
    expect(withCredentials('https://mail%40shop:s3cr%3At@mail.example/hook', {})).toEqual(['https://mail.example/hook', { Authorization: `Basic ${Buffer.from('mail@shop:s3cr:t').toString('base64')}` }]);
    expect(withCredentials('https://shop:100%sure@mail.example/hook', {})[1].Authorization).toBe(`Basic ${Buffer.from('shop:100%sure').toString('base64')}`);
    expect(withCredentials('https://mail.example/hook?k=1', { 'Content-Type': 'application/json' })).toEqual(['https://mail.example/hook?k=1', { 'Content-Type': 'application/json' }]);
  });
});
