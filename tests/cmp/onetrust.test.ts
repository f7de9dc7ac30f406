// @vitest-environment jsdom
import { describe, expect, it, vi } from 'vitest';
import { fakeOneTrust } from './fakes';
import { ADS_ONLY, ANALYTICS_ONLY, DENIED, follow, GRANTED, ORDERS, useCleanPage, w } from './helpers';

useCleanPage();

describe.each(ORDERS)('OneTrust: otSDKStub %s', (_, first) => {
  function page(options: Parameters<typeof fakeOneTrust>[1] = {}) {
    const ot = fakeOneTrust(w(), options);
    if (first) ot.load();
    const f = follow('onetrust');
    if (!first) { vi.advanceTimersByTime(600); ot.load(); }
    return { ot, ...f };
  }

  it('before the visitor closes the banner the active groups are not an answer', () => {
    const { ot, decisions } = page();
    vi.advanceTimersByTime(5_000);
    expect(w().OnetrustActiveGroups).toBe(',C0001,');
    expect(decisions).toEqual([]);
    ot.allowAll();
    expect(decisions).toEqual([GRANTED]);
  });

  it('site defaults that switch groups on (opt-out) are still not an answer before interaction', () => {
    const { decisions } = page({ defaults: ['C0001', 'C0002', 'C0003', 'C0004'] });
    vi.advanceTimersByTime(5_000);
    expect(decisions).toEqual([]);
  });

  it('a returning visitor: the stored groups', () => {
    const { decisions } = page({ stored: ['C0002', 'C0003'] });
    expect(decisions).toEqual([ANALYTICS_ONLY]);
  });

  it('partial (targeting only), then "reject all" later', () => {
    const { ot, decisions } = page();
    ot.choose(['C0004']);
    ot.rejectAll();
    expect(decisions).toEqual([ADS_ONLY, DENIED]);
  });

  it('C00021 is not C0002', () => {
    const { ot, decisions } = page();
    ot.choose(['C00021', 'C00041']);
    expect(decisions).toEqual([DENIED]);
  });

  it('stop() stops following', () => {
    const { ot, decisions, stop } = page({ stored: ['C0002', 'C0004'] });
    stop();
    ot.rejectAll();
    vi.advanceTimersByTime(1_000);
    expect(decisions).toEqual([GRANTED]);
  });
});

describe('OneTrust: a page element is not the platform (security review 2026-12-06)', () => {
  it('an <a id="OnetrustActiveGroups"> whose href lists every group decides nothing, though the banner cookie is set', () => {
    document.cookie = 'OptanonAlertBoxClosed=2026-12-01T10:00:00.000Z';
    const a = document.createElement('a');
    a.id = 'OnetrustActiveGroups';
    a.href = 'https://shop.example/,C0001,C0002,C0004,';
    document.body.appendChild(a);
    w().OnetrustActiveGroups = a; // what a browser's named access to ids gives (jsdom has none)
    expect(String(w().OnetrustActiveGroups)).toContain('C0004');
    const { decisions } = follow('onetrust');
    vi.advanceTimersByTime(5_000);
    expect(decisions).toEqual([]);
    a.remove();
    document.cookie = 'OptanonAlertBoxClosed=; expires=Thu, 01 Jan 1970 00:00:00 GMT';
  });
});

describe('OneTrust: loading', () => {
  it('never loads: one warning after the timeout, no decision', () => {
    const { decisions, warnings } = follow('onetrust');
    vi.advanceTimersByTime(30_000);
    expect(warnings).toEqual(["onetrust has not loaded after 10 s; the plan's default consent stays in force"]);
    expect(decisions).toEqual([]);
  });

  it("keeps working next to the site's own OptanonWrapper", () => {
    const calls: string[] = [];
    w().OptanonWrapper = () => calls.push(w().OnetrustActiveGroups);
    const ot = fakeOneTrust(w());
    const { decisions } = follow('onetrust');
    ot.load();
    ot.choose(['C0002']);
    expect(calls).toEqual([',C0001,', ',C0001,C0002,']);
    expect(decisions).toEqual([ANALYTICS_ONLY]);
  });
});
