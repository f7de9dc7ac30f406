// @vitest-environment jsdom
// What every platform shares: never throwing, one warning, stopping, deduplicated decisions.
import { describe, expect, it, vi } from 'vitest';
import { followConsentPlatform } from '../../src/cmp';
import { fakeCookiebot, fakeTcf } from './fakes';
import { follow, GRANTED, useCleanPage, w } from './helpers';

useCleanPage();

describe('followConsentPlatform', () => {
  it('passes the same decision on once, however often the platform repeats it', () => {
    const cb = fakeCookiebot(w(), { stored: { statistics: true, marketing: true } });
    const { decisions } = follow('cookiebot');
    cb.load();
    cb.renew({ statistics: true, marketing: true });
    vi.advanceTimersByTime(1_000);
    expect(decisions).toEqual([GRANTED]);
  });

  it('an onDecision that throws reaches neither the page nor the platform; reported once', () => {
    const warnings: string[] = [];
    const cmp = fakeTcf(w());
    cmp.load();
    followConsentPlatform('tcf', { onDecision: () => { throw new Error('boom'); }, warn: (m) => warnings.push(m) });
    expect(() => cmp.choose({ consents: [1, 2, 3, 4, 7, 8, 9] })).not.toThrow();
    expect(() => cmp.choose({ consents: [] })).not.toThrow();
    expect(warnings).toEqual(['tcf: Error: boom']);
  });

  it('a platform API that throws is reported once, not on every poll', () => {
    const warnings: string[] = [];
    Object.defineProperty(w(), 'Cookiebot', { configurable: true, get() { throw new Error('blocked'); } });
    followConsentPlatform('cookiebot', { onDecision: () => {}, warn: (m) => warnings.push(m), timeout: 1_000 });
    vi.advanceTimersByTime(5_000);
    expect(warnings).toEqual(['cookiebot: Error: blocked', "cookiebot has not loaded after 1 s; the plan's default consent stays in force"]);
    delete w().Cookiebot;
  });

  it('a warn that throws does not escape either', () => {
    expect(() => {
      followConsentPlatform('onetrust', { onDecision: () => {}, warn: () => { throw new Error('console gone'); }, timeout: 10 });
      vi.advanceTimersByTime(100);
    }).not.toThrow();
  });

  it('an unknown platform name: a warning, no throw, a stop that works', () => {
    const warnings: string[] = [];
    const stop = followConsentPlatform('didomi' as never, { onDecision: () => {}, warn: (m) => warnings.push(m) });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^didomi: /);
    expect(() => { stop(); stop(); }).not.toThrow();
  });

  it('without a window (server rendering): a warning, no throw', () => {
    const warnings: string[] = [];
    const global = globalThis as any;
    const saved = global.window;
    delete global.window;
    try {
      expect(() => followConsentPlatform('tcf', { onDecision: () => {}, warn: (m) => warnings.push(m) })()).not.toThrow();
    } finally { global.window = saved; }
    expect(warnings).toHaveLength(1);
  });

  it('uses the window it is given', () => {
    const other: any = { document: { cookie: '' }, addEventListener: vi.fn(), removeEventListener: vi.fn(), Cookiebot: { hasResponse: true, consent: { statistics: true, marketing: false } } };
    const decisions: unknown[] = [];
    const stop = followConsentPlatform('cookiebot', { window: other, onDecision: (d) => decisions.push(d), warn: () => {} });
    expect(decisions).toEqual([{ analytics: 'granted', ads: 'denied' }]);
    expect(other.addEventListener).toHaveBeenCalledTimes(3);
    stop();
    expect(other.removeEventListener).toHaveBeenCalledTimes(3);
  });

  it('stop() stops polling and the timer: no warning after it', () => {
    const { warnings, stop } = follow('tcf');
    stop();
    vi.advanceTimersByTime(60_000);
    expect(warnings).toEqual([]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('consent flags that are not exactly true deny', () => {
    const { decisions } = follow('cookiebot');
    w().Cookiebot = { hasResponse: true, consent: { statistics: 'true', marketing: 1 } };
    vi.advanceTimersByTime(250);
    expect(decisions).toEqual([{ analytics: 'denied', ads: 'denied' }]);
  });
});
