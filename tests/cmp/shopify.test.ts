// @vitest-environment jsdom
import { describe, expect, it, vi } from 'vitest';
import { fakeShopify } from './fakes';
import { ADS_ONLY, ANALYTICS_ONLY, DENIED, follow, GRANTED, ORDERS, useCleanPage, w } from './helpers';

useCleanPage();

describe.each(ORDERS)("Shopify's Customer Privacy API: loaded %s", (_, first) => {
  function page(options: Parameters<typeof fakeShopify>[1] = {}) {
    const shop = fakeShopify(w(), options);
    shop.storefront();
    if (first) shop.load();
    const f = follow('shopify');
    if (!first) { vi.advanceTimersByTime(600); w().Shopify.loadFeatures([{ name: 'consent-tracking-api', version: '0.1' }], () => undefined); vi.advanceTimersByTime(10); }
    return { shop, ...f };
  }

  it('no decision before the visitor chooses; then "accept"', () => {
    const { shop, decisions } = page();
    vi.advanceTimersByTime(5_000);
    expect(decisions).toEqual([]);
    shop.choose({ analytics: true, marketing: true, preferences: true, sale_of_data: true });
    expect(decisions).toEqual([GRANTED]); // at once: the document's event, not the next poll
  });

  it('where the shop asks for no consent, the API allows without a choice: that is not an answer', () => {
    const { decisions } = page({ consentRequired: false });
    vi.advanceTimersByTime(5_000);
    expect(w().Shopify.customerPrivacy.analyticsProcessingAllowed()).toBe(true);
    expect(decisions).toEqual([]);
  });

  it('a returning visitor: the stored choice', () => {
    const { decisions } = page({ stored: { analytics: true, marketing: false } });
    vi.advanceTimersByTime(1_000);
    expect(decisions).toEqual([ANALYTICS_ONLY]);
  });

  it('marketing only, then a decline of everything', () => {
    const { shop, decisions } = page();
    shop.choose({ analytics: false, marketing: true });
    shop.choose({ analytics: false, marketing: false });
    expect(decisions).toEqual([ADS_ONLY, DENIED]);
  });

  it('"do not sell or share" denies ads even after marketing was accepted, and alone is a decision for ads only', () => {
    const { shop, decisions } = page();
    shop.choose({ sale_of_data: false });
    expect(decisions).toEqual([{ analytics: undefined, ads: 'denied' }]);
    shop.choose({ analytics: true, marketing: true });
    expect(decisions.at(-1)).toEqual(ANALYTICS_ONLY);
  });

  it('stop() stops following', () => {
    const { shop, decisions, stop } = page();
    stop();
    shop.choose({ analytics: true, marketing: true });
    vi.advanceTimersByTime(1_000);
    expect(decisions).toEqual([]);
  });
});

describe("Shopify's Customer Privacy API: loading", () => {
  it('a storefront whose theme never loads the API: one warning after the timeout, no decision', () => {
    fakeShopify(w()).storefront();
    const { decisions, warnings } = follow('shopify', { timeout: 5_000 });
    vi.advanceTimersByTime(60_000);
    expect(warnings).toEqual(["shopify has not loaded after 5 s; the plan's default consent stays in force"]);
    expect(decisions).toEqual([]);
  });

  it('an element with id "Shopify" is not the platform', () => {
    const el = document.createElement('div');
    el.id = 'Shopify';
    document.body.appendChild(el);
    const { decisions, warnings } = follow('shopify', { timeout: 1_000 });
    vi.advanceTimersByTime(2_000);
    expect(decisions).toEqual([]);
    expect(warnings).toHaveLength(1);
    el.remove();
  });
});
