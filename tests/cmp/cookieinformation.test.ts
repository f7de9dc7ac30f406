// @vitest-environment jsdom
import { describe, expect, it, vi } from 'vitest';
import { fakeCookieInformation } from './fakes';
import { ADS_ONLY, ANALYTICS_ONLY, DENIED, follow, GRANTED, ORDERS, useCleanPage, w } from './helpers';

useCleanPage();

const ALL = ['cookie_cat_functional', 'cookie_cat_statistic', 'cookie_cat_marketing', 'cookie_cat_unclassified'];

describe.each(ORDERS)('Cookie Information: uc.js %s', (_, first) => {
  function page(options: Parameters<typeof fakeCookieInformation>[1] = {}) {
    const ci = fakeCookieInformation(w(), options);
    if (first) ci.load();
    const f = follow('cookieinformation');
    if (!first) { vi.advanceTimersByTime(600); ci.load(); }
    return { ci, ...f };
  }

  it('no decision before the visitor submits; then "accept all"', () => {
    const { ci, decisions } = page();
    vi.advanceTimersByTime(5_000);
    expect(decisions).toEqual([]);
    ci.submit(ALL);
    expect(decisions).toEqual([GRANTED]);
  });

  it('a returning visitor: the stored choice', () => {
    const { decisions } = page({ stored: ['cookie_cat_statistic'] });
    vi.advanceTimersByTime(1_000);
    expect(decisions).toEqual([ANALYTICS_ONLY]);
  });

  it('partial, then a later withdrawal', () => {
    const { ci, decisions } = page();
    ci.submit(['cookie_cat_marketing']);
    ci.submit([]);
    expect(decisions).toEqual([ADS_ONLY, DENIED]);
  });

  it('the consent cookie written just after the event: read within 250 ms', () => {
    const { ci, decisions } = page({ cookieAfterEvent: true });
    ci.submit(ALL);
    expect(decisions).toEqual([]);
    vi.advanceTimersByTime(250);
    expect(decisions).toEqual([GRANTED]);
  });

  it('stop() stops following', () => {
    const { ci, decisions, stop } = page();
    stop();
    ci.submit(ALL);
    vi.advanceTimersByTime(1_000);
    expect(decisions).toEqual([]);
  });
});

describe('Cookie Information: loading', () => {
  it('never loads: one warning after the timeout, no decision', () => {
    const { decisions, warnings } = follow('cookieinformation', { timeout: 5_000 });
    vi.advanceTimersByTime(60_000);
    expect(warnings).toEqual(["cookieinformation has not loaded after 5 s; the plan's default consent stays in force"]);
    expect(decisions).toEqual([]);
  });
});
