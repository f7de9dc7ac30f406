// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';
import { globToRegExp } from '../../src/triggers/glob';
import { pageMatches } from '../../src/triggers/page-view';
import type { PageViewTrigger } from '../../src/plan/types';
import { cleanUp, install, nextTask, plan, planWith } from './helpers';

afterEach(cleanUp);

const at = (url: string) => new URL(url, 'https://shop.example') as unknown as Location;

describe('page_view matching', () => {
  it.each<[Omit<PageViewTrigger, 'on'>, string, boolean]>([
    [{ path: '/pricing*' }, '/pricing', true],
    [{ path: '/pricing*' }, '/pricing/teams', true],
    [{ path: '/pricing*' }, '/pricing-old', true],
    [{ path: '/pricing*' }, '/en/pricing', false],
    [{ path: '/product/*' }, '/product/tent', true],
    [{ path: '/product/*' }, '/product/tents/3-person', true],
    [{ path: '/product/*' }, '/product', false],
    [{ path: '/product/*' }, '/products/tent', false],
    [{ path: '/checkout' }, '/checkout', true],
    [{ path: '/checkout' }, '/checkout/', true],
    [{ path: '/checkout' }, '/checkout/done', false],
    [{ path: '/checkout' }, '/Checkout', false],
    [{ path: '*/thank-you' }, '/nb/order/thank-you', true],
    [{ path: '/a.b' }, '/a.b', true],
    [{ path: '/a.b' }, '/axb', false],
    [{ path: '/(x)+$' }, '/(x)+$', true],
    [{ path: '/(x)+$' }, '/xx', false],
    [{ regex: '^/blog/\\d{4}/' }, '/blog/2024/tents', true],
    [{ regex: '^/blog/\\d{4}/' }, '/blog/tents', false],
    [{ regex: 'case-stud(y|ies)' }, '/customers/case-study-fjord', true],
    [{ path: '/pricing*', query: { utm_source: 'newsletter' } }, '/pricing?utm_source=newsletter&x=1', true],
    [{ path: '/pricing*', query: { utm_source: 'newsletter' } }, '/pricing?utm_source=ads', false],
    [{ path: '/pricing*', query: { utm_source: 'newsletter' } }, '/pricing', false],
    [{ path: '*', query: { a: '1', b: 'two words' } }, '/?b=two+words&a=1', true],
    [{ path: '*', query: { a: '1', b: '2' } }, '/?a=1', false],
    [{ path: '/pricing*', regex: 'teams$' }, '/pricing/teams', true],
    [{ path: '/pricing*', regex: 'teams$' }, '/pricing/solo', false],
    // the browser's path is percent-encoded; a glob or regex may be written either way
    [{ path: '/kampanje/sommer-ø*' }, '/kampanje/sommer-øl-2025', true],
    [{ path: '/kampanje/sommer-%C3%B8*' }, '/kampanje/sommer-øl-2025', true],
    [{ path: '/om oss' }, '/om oss', true],
    [{ path: '/om oss' }, '/om-oss', false],
    [{ regex: '^/om oss$' }, '/om%20oss', true],
    [{ path: '/100%' }, '/100%', true], // a stray % that decodeURI rejects: the raw path still counts
    // An accented letter as one character or as a letter and its accent (intl QA 2026-12-07).
    [{ path: '/kasse/besta\u0308tigung' }, '/kasse/best%C3%A4tigung', true],
    [{ path: '/kasse/bestätigung' }, '/kasse/besta%CC%88tigung', true],
    [{ regex: '^/kasse/besta\u0308tigung$' }, '/kasse/besta%CC%88tigung', true], // a regex as written (second read 2026-12-07)
    [{ regex: '^/kasse/bestätigung$' }, '/kasse/besta%CC%88tigung', true],
    [{ regex: '^/[\u2100-\u2126]' }, '/x', false], // normalised, this range threw (its end, the Ohm sign, became the Greek omega)
    [{ path: '/kasse/bestätigung' }, '/kasse/bestatigung', false],
  ])('%j on %s → %s', (t, url, expected) => {
    expect(pageMatches({ on: 'page_view', ...t }, at(url))).toBe(expected);
  });

  it('compiles a glob to an anchored pattern in which only * is special', () => {
    expect(globToRegExp('/a*b').test('/a/x/b')).toBe(true);
    expect(globToRegExp('/a*b').test('/a/x/bc')).toBe(false);
    expect(globToRegExp('/[x]').test('/[x]')).toBe(true);
    expect(globToRegExp('/[x]').test('/x')).toBe(false);
  });
});

describe('page_view triggers on the page', () => {
  it('tracks visited_pricing when installed on a pricing page, with no properties', () => {
    history.replaceState(null, '', '/pricing/teams');
    const t = install(plan('webshop'));
    expect(t.calls).toEqual([['visited_pricing', {}]]);
  });

  it('tracks nothing on a page no trigger names', () => {
    history.replaceState(null, '', '/about');
    expect(install(plan('webshop')).calls).toEqual([]);
  });

  it('reads view_item properties from data-* attributes on the product page, as numbers where the plan says so', () => {
    document.body.innerHTML = `<main><article class="product" data-sku="TENT-3P" data-name="Fjellheim 3-person tent" data-category="tents" data-price="2 499,50"></article></main>`;
    history.replaceState(null, '', '/product/tent');
    const t = install(plan('webshop'));
    expect(t.calls).toEqual([['view_item', { item_id: 'TENT-3P', item_name: 'Fjellheim 3-person tent', item_category: 'tents', value: 2499.5 }]]);
  });

  it('leaves out a property the page does not carry, warning only when the plan requires it', () => {
    document.body.innerHTML = `<div data-name="Tent"></div>`;
    history.replaceState(null, '', '/product/tent');
    const t = install(plan('webshop'));
    expect(t.calls).toEqual([['view_item', { item_name: 'Tent' }]]);
    expect(t.warnings).toEqual([expect.stringContaining('item_id')]);
  });

  it('reads text as the document title on a page_view', () => {
    document.title = '  Pricing  | Nordlys ';
    history.replaceState(null, '', '/pricing');
    const t = install(planWith({ on: 'page_view', path: '/pricing', properties: { title: 'text' } }, { title: { type: 'string' } }));
    expect(t.calls).toEqual([['goal', { title: 'Pricing | Nordlys' }]]);
  });

  it('matches a path with non-ASCII characters as written in the address bar (/kampanje/sommer-ø*)', () => {
    history.replaceState(null, '', '/kampanje/sommer-øl-2025');
    const t = install(planWith({ on: 'page_view', path: '/kampanje/sommer-ø*' }));
    expect(t.names()).toEqual(['goal']);
  });

  it('checks the page once when the route changes while the document is still loading', async () => {
    history.replaceState(null, '', '/pricing');
    Object.defineProperty(document, 'readyState', { configurable: true, get: () => 'loading' });
    try {
      const t = install(plan('webshop'));
      history.pushState(null, '', '/pricing/teams'); // an inline script in <head>
      await nextTask();
      expect(t.events).toEqual(['route']);
      Object.defineProperty(document, 'readyState', { configurable: true, get: () => 'interactive' });
      document.dispatchEvent(new Event('DOMContentLoaded'));
      await nextTask();
      expect(t.events).toEqual(['route', 'track visited_pricing']);
    } finally {
      delete (document as any).readyState;
    }
  });

  it('waits for DOMContentLoaded while the document is still loading, so properties can be read', () => {
    history.replaceState(null, '', '/product/tent');
    Object.defineProperty(document, 'readyState', { configurable: true, get: () => 'loading' });
    try {
      const t = install(plan('webshop'));
      expect(t.calls).toEqual([]);
      document.body.innerHTML = `<div data-sku="SKU-9"></div>`; // the parser reaches the product
      Object.defineProperty(document, 'readyState', { configurable: true, get: () => 'interactive' });
      document.dispatchEvent(new Event('DOMContentLoaded'));
      expect(t.calls).toEqual([['view_item', { item_id: 'SKU-9' }]]);
      document.dispatchEvent(new Event('DOMContentLoaded'));
      expect(t.calls).toHaveLength(1);
    } finally {
      delete (document as any).readyState;
    }
  });
});
