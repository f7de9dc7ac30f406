// @vitest-environment jsdom
import { describe, expect, it, vi } from 'vitest';
import { fakeTcf } from './fakes';
import { ANALYTICS_ONLY, DENIED, follow, GRANTED, ORDERS, useCleanPage, w } from './helpers';

useCleanPage();

const ALL = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];

describe.each(ORDERS)('TCF: the CMP %s', (_, first) => {
  /** The IAB stub is in the head; the CMP script loads before or after measureplan starts. */
  function page(options: Parameters<typeof fakeTcf>[1] = {}) {
    const cmp = fakeTcf(w(), options);
    cmp.stub();
    if (first) cmp.load();
    const f = follow('tcf');
    if (!first) { vi.advanceTimersByTime(300); cmp.load(); }
    return { cmp, ...f };
  }

  it('decides nothing while the UI is shown (cmpuishown), then passes on "accept all"', () => {
    const { cmp, decisions } = page();
    expect(decisions).toEqual([]);
    cmp.choose({ consents: ALL });
    expect(decisions).toEqual([GRANTED]);
  });

  it('a returning visitor (tcloaded) is decided at once', () => {
    const { decisions } = page({ stored: { consents: ALL } });
    expect(decisions).toEqual([GRANTED]);
  });

  it('statistics purposes only (1, 8, 9, 10) grant analytics, not ads', () => {
    const { cmp, decisions } = page();
    cmp.choose({ consents: [1, 8, 9, 10] });
    expect(decisions).toEqual([ANALYTICS_ONLY]);
  });

  it('ads need purposes 1, 2, 3, 4 and 7: without 3 and 4 (no personalisation) ads stay denied', () => {
    const { cmp, decisions } = page();
    cmp.choose({ consents: [1, 2, 7, 8, 9] });
    expect(decisions).toEqual([ANALYTICS_ONLY]);
    cmp.choose({ consents: [1, 2, 3, 4, 7] });
    expect(decisions).toEqual([ANALYTICS_ONLY, { analytics: 'denied', ads: 'granted' }]);
  });

  it('without purpose 1 (storage on the device) nothing is granted', () => {
    const { cmp, decisions } = page();
    cmp.choose({ consents: [2, 3, 4, 5, 6, 7, 8, 9, 10, 11] });
    expect(decisions).toEqual([DENIED]);
  });

  it('legitimate interest alone never grants, even for every purpose', () => {
    const { cmp, decisions } = page();
    cmp.choose({ consents: [], legitimateInterests: ALL });
    expect(decisions).toEqual([DENIED]);
    cmp.choose({ consents: [1], legitimateInterests: ALL });
    expect(decisions).toEqual([DENIED]);
  });

  it('follows a later withdrawal; reopening the UI alone changes nothing', () => {
    const { cmp, decisions } = page({ stored: { consents: ALL } });
    cmp.reopen();
    expect(decisions).toEqual([GRANTED]);
    cmp.choose({ consents: [] });
    expect(decisions).toEqual([GRANTED, DENIED]);
  });

  it('gdprApplies false: TCF consent is not needed, both granted', () => {
    const { decisions } = page({ gdprApplies: false });
    expect(decisions).toEqual([GRANTED]);
  });

  it('stop() removes the listener and ignores later changes', () => {
    const { cmp, decisions, stop } = page();
    expect(cmp.listeners()).toBe(1);
    stop();
    expect(cmp.listeners()).toBe(0);
    cmp.choose({ consents: ALL });
    expect(decisions).toEqual([]);
  });

  it('no warning once the CMP has answered addEventListener', () => {
    const { warnings } = page();
    vi.advanceTimersByTime(20_000);
    expect(warnings).toEqual([]);
  });
});

describe('TCF: loading', () => {
  it('only the stub, never the CMP: one warning after the timeout, no decision', () => {
    fakeTcf(w()).stub();
    const { decisions, warnings } = follow('tcf');
    vi.advanceTimersByTime(9_999);
    expect(warnings).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(warnings).toEqual(["tcf has not loaded after 10 s; the plan's default consent stays in force"]);
    vi.advanceTimersByTime(60_000);
    expect(warnings).toHaveLength(1);
    expect(decisions).toEqual([]);
  });

  it('no __tcfapi at all when measureplan starts: it waits for the stub and the CMP', () => {
    const { decisions } = follow('tcf');
    vi.advanceTimersByTime(2_000);
    const cmp = fakeTcf(w(), { stored: { consents: ALL } });
    cmp.load();
    expect(decisions).toEqual([]);
    vi.advanceTimersByTime(250);
    expect(decisions).toEqual([GRANTED]);
  });

  it('registers exactly one listener', () => {
    const cmp = fakeTcf(w());
    cmp.load();
    follow('tcf');
    vi.advanceTimersByTime(5_000);
    expect(cmp.calls.filter((c) => c[0] === 'addEventListener')).toHaveLength(1);
  });
});

describe('TCF: following stops before the CMP has loaded', () => {
  it('the listener the stub held is removed as soon as the CMP registers it', async () => {
    const tcf = fakeTcf(w());
    tcf.stub();
    const f = follow('tcf');
    await vi.advanceTimersByTimeAsync(300);
    f.stop(); // the id is not known yet: only the stub has our call
    tcf.load();
    expect(tcf.listeners()).toBe(0);
  });
});
