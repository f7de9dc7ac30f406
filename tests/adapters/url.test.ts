/** adapters/_shared/url.ts: the URL helper GA4's page_location and the collector's page URLs share. */
import { describe, expect, it } from 'vitest';
import { withoutParams } from '../../adapters/_shared/url';

const clickIds = (k: string) => ['gclid', 'fbclid'].includes(k);

describe('withoutParams', () => {
  it('drops named parameters from the query and from a hash router\'s query, keeping the rest in order', () => {
    expect(withoutParams('https://s.no/p?a=1&gclid=G&b=2#/x?fbclid=F&c=3', clickIds)).toBe('https://s.no/p?a=1&b=2#/x?c=3');
    expect(withoutParams('https://s.no/#/x?gclid=G', clickIds)).toBe('https://s.no/#/x');
    expect(withoutParams('https://s.no/p?gclid=G#top', clickIds)).toBe('https://s.no/p#top');
  });

  it('decides by value too (an e-mail address under any name)', () => {
    expect(withoutParams('https://s.no/c?order=7&to=kari%40example.no', (_k, v) => v.includes('@'))).toBe('https://s.no/c?order=7');
  });

  it('leaves a query that loses nothing exactly as written, and text that is no URL alone', () => {
    expect(withoutParams('https://s.no/s?q=sovepose%20-5&x=%C3%B8#/a?b=c%20d', clickIds)).toBe('https://s.no/s?q=sovepose%20-5&x=%C3%B8#/a?b=c%20d');
    expect(withoutParams('', clickIds)).toBe('');
  });
});
