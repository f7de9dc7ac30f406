// @vitest-environment jsdom
import { describe, expect, it, vi } from 'vitest';
import { fakeCookiebot, type CookiebotChoice } from './fakes';
import { ADS_ONLY, ANALYTICS_ONLY, DENIED, follow, GRANTED, ORDERS, useCleanPage, w } from './helpers';

useCleanPage();

const ALL = { preferences: true, statistics: true, marketing: true };

describe.each(ORDERS)('Cookiebot: uc.js %s', (_, first) => {
  function page(stored?: CookiebotChoice) {
    const cb = fakeCookiebot(w(), { stored });
    if (first) cb.load();
    const f = follow('cookiebot');
    if (!first) { vi.advanceTimersByTime(600); cb.load(); }
    return { cb, ...f };
  }

  it('no decision while the dialog waits (hasResponse false); then "allow all"', () => {
    const { cb, decisions } = page();
    vi.advanceTimersByTime(5_000);
    expect(w().Cookiebot.hasResponse).toBe(false);
    expect(decisions).toEqual([]);
    cb.submit(ALL);
    expect(decisions).toEqual([GRANTED]);
  });

  it('a returning visitor: the stored choice, once', () => {
    const { decisions } = page(ALL);
    vi.advanceTimersByTime(5_000);
    expect(decisions).toEqual([GRANTED]);
  });

  it('statistics only / marketing only', () => {
    const { cb, decisions } = page();
    cb.submit({ statistics: true });
    cb.renew({ marketing: true, preferences: true });
    expect(decisions).toEqual([ANALYTICS_ONLY, ADS_ONLY]);
  });

  it('"use necessary cookies only" is an answer: denied', () => {
    const { cb, decisions } = page();
    cb.submit({});
    expect(decisions).toEqual([DENIED]);
  });

  it('a later withdrawal (renew, then decline)', () => {
    const { cb, decisions } = page(ALL);
    cb.renew({});
    expect(decisions).toEqual([GRANTED, DENIED]);
  });

  it('stop() stops following', () => {
    const { cb, decisions, stop } = page(ALL);
    stop();
    cb.renew({});
    vi.advanceTimersByTime(1_000);
    expect(decisions).toEqual([GRANTED]);
  });
});

describe('Cookiebot: loading', () => {
  it('its embed tag <script id="Cookiebot"> blocked by an ad blocker: the element is no Cookiebot, the warning still comes (CMP QA 2026-12-06)', () => {
    const tag = document.createElement('script');
    tag.id = 'Cookiebot';
    tag.setAttribute('data-cbid', '00000000-0000-0000-0000-000000000000');
    document.head.appendChild(tag);
    (window as any).Cookiebot = tag; // as browsers' named access on window makes it (jsdom has none)
    try {
      const { decisions, warnings } = follow('cookiebot');
      vi.advanceTimersByTime(10_000);
      expect(warnings).toEqual(["cookiebot has not loaded after 10 s; the plan's default consent stays in force"]);
      expect(decisions).toEqual([]);
    } finally {
      tag.remove();
      delete (window as any).Cookiebot;
    }
  });

  it('never loads: one warning after the timeout, no decision', () => {
    const { decisions, warnings } = follow('cookiebot');
    vi.advanceTimersByTime(10_000);
    expect(warnings).toEqual(["cookiebot has not loaded after 10 s; the plan's default consent stays in force"]);
    vi.advanceTimersByTime(50_000);
    expect(warnings).toHaveLength(1);
    expect(decisions).toEqual([]);
  });

  it('loaded but not answered: no warning (the visitor is still deciding)', () => {
    const cb = fakeCookiebot(w());
    cb.load();
    const { warnings } = follow('cookiebot');
    vi.advanceTimersByTime(20_000);
    expect(warnings).toEqual([]);
  });
});
