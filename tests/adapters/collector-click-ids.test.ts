/** withoutClickIds, which an ads withdrawal applies to the collector's queued messages: every click-id parameter the tracker knows. */
import { expect, it } from 'vitest';
import { withoutClickIds } from '../../adapters/collector/message';
import { CLICK_ID_PARAMS } from '../../src/core/identity';

it('takes every click-id parameter out of a page message and a track message, and leaves the rest', () => {
  for (const k of CLICK_ID_PARAMS) {
    const url = `https://shop.example/p?utm_source=mail&${k}=SECRET-${k}`;
    const page = JSON.stringify({ type: 'page', messageId: 'p', timestamp: 't', properties: { url, referrer: url }, context: { page: { url, referrer: '' } } });
    const track = JSON.stringify({ type: 'track', messageId: 't', timestamp: 't', context: { page: { url, referrer: '' }, measureplan: { click_ids: { [k]: `SECRET-${k}` }, consent: { analytics: 'granted', ads: 'granted' } } } });
    for (const json of [page, track]) {
      const out = withoutClickIds(json);
      expect(out, k).not.toContain('SECRET');
      expect(out).toContain('utm_source=mail');
    }
    expect(JSON.parse(withoutClickIds(track)).context.measureplan.consent.ads).toBe('denied');
  }
});

it('returns a message without any the same text', () => {
  const json = JSON.stringify({ type: 'track', messageId: 't', timestamp: 't', context: { page: { url: 'https://shop.example/p?color=red' }, measureplan: {} } });
  expect(withoutClickIds(json)).toBe(json);
});
