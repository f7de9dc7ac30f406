// @vitest-environment jsdom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createTracker } from '../../src/core/create';
import type { Adapter, ConsentStatus, ConversionEvent, TrackerEventName, TrackerEvents } from '../../src/core/types';
import { mountPanel } from '../../src/debug/panel';
import { parsePlan } from '../../src/plan/parse';
import type { Plan } from '../../src/plan/types';
import { example } from '../plan/fixtures';

const parsed = parsePlan(example('webshop'));
if (!parsed.ok) throw new Error('the webshop example plan should parse');
const plan: Plan = parsed.plan;

/** A tracker stand-in: `emit` calls the panel's listeners the way the real tracker does. */
function fakeTracker(consent?: ConsentStatus) {
  const listeners: Record<string, Set<(p: never) => void>> = {};
  return {
    tracker: {
      on<E extends TrackerEventName>(name: E, fn: (p: TrackerEvents[E]) => void) {
        const set = (listeners[name] ??= new Set());
        set.add(fn);
        return () => { set.delete(fn); };
      },
      ...(consent ? { consentStatus: () => consent } : {}),
    },
    emit<E extends TrackerEventName>(name: E, payload: TrackerEvents[E]) {
      for (const fn of listeners[name] ?? []) (fn as (p: TrackerEvents[E]) => void)(payload);
    },
    count: () => Object.values(listeners).reduce((n, s) => n + s.size, 0),
  };
}

const conversion = (over: Partial<ConversionEvent> = {}): ConversionEvent => ({
  id: 'e-1', name: 'purchase', kind: 'macro',
  properties: { transaction_id: 'FS-1001', value: 2499 }, value: 2499, currency: 'NOK',
  timestamp: '2025-05-01T12:34:56.000Z',
  page: { url: 'https://shop.test/thanks', path: '/thanks', title: 'Thanks', referrer: '' },
  clickIds: {}, utm: {},
  send: { ga4: { event: 'purchase' }, meta: { event: 'Purchase' } },
  consent: { analytics: 'granted', ads: 'pending' },
  ...over,
});

const host = () => document.querySelector('measureplan-debug');
const root = () => host()!.shadowRoot!;
const rows = () => [...root().querySelectorAll('tr')];
/** The status line of one destination in a row: "ga4: sent". */
const cell = (dest: string, row = rows().length - 1) => [...rows()[row]!.querySelectorAll('td:last-child div')].find((d) => d.textContent!.startsWith(dest + ':'));
/** What a destination's cell says happened, without the name it received the conversion under (after ` — `). */
const status = (dest: string, row?: number) => cell(dest, row)?.textContent!.split(' — ')[0];

let unmount: (() => void) | undefined;
const mount = (...args: Parameters<typeof mountPanel>) => (unmount = mountPanel(...args));

beforeEach(() => { document.body.replaceChildren(); localStorage.clear(); });
afterEach(() => { unmount?.(); unmount = undefined; vi.useRealTimers(); });

describe('mounting', () => {
  it('adds only the host to the page, with everything inside an open shadow root', () => {
    const before = document.body.children.length;
    mount(fakeTracker().tracker, plan);
    expect(document.body.children.length).toBe(before + 1);
    expect(host()!.parentNode).toBe(document.body);
    expect(host()!.shadowRoot!.mode).toBe('open');
    expect(host()!.children.length).toBe(0); // nothing in the light DOM besides the host
    expect(root().querySelector('style')!.textContent).toContain(':host');
    expect(root().textContent).toContain('Fjellsport webshop');
    expect(root().textContent).toContain('No conversions on this page yet.');
  });

  it("gives its style the page's script nonce, so a strict style-src policy lets it through (storeowner QA 2026-12-06)", () => {
    const tag = document.head.appendChild(document.createElement('script'));
    tag.nonce = 'r4nd0m';
    try {
      mount(fakeTracker().tracker, plan);
      expect((root().querySelector('style') as HTMLStyleElement).nonce).toBe('r4nd0m');
    } finally { tag.remove(); }
  });

  it('shows the consent per category from the start when the tracker can tell it', () => {
    mount(fakeTracker({ analytics: 'granted', ads: 'pending' }).tracker, plan);
    expect(root().textContent).toContain('consent: analytics granted · ads pending');
  });

  it('registers itself for the script tag as window.measureplanDebug.mount', () => {
    expect((window as any).measureplanDebug.mount).toBe(mountPanel);
  });

  it('waits for <body> when the page has none yet', () => {
    const doc = document.implementation.createHTMLDocument('early');
    doc.body.remove();
    mount(fakeTracker().tracker, plan, doc);
    expect(doc.querySelector('measureplan-debug')).toBeNull();
    doc.documentElement.appendChild(doc.createElement('body'));
    doc.dispatchEvent(new Event('DOMContentLoaded'));
    expect(doc.body.querySelector('measureplan-debug')?.shadowRoot).toBeTruthy();
  });

  it('never throws, even for a tracker that does', () => {
    const broken = { on: () => { throw new Error('no'); } };
    let off: () => void = () => { throw new Error('not returned'); };
    expect(() => { off = mountPanel(broken, plan); }).not.toThrow();
    expect(() => off()).not.toThrow();
    expect(() => mountPanel(fakeTracker().tracker, undefined as unknown as Plan)()).not.toThrow();
  });
});

describe('one row per conversion, with what each destination received', () => {
  it('shows a sent destination as sent and one whose consent is pending as waiting', () => {
    const t = fakeTracker({ analytics: 'granted', ads: 'pending' });
    mount(t.tracker, plan);
    const event = conversion();
    // The tracker's order: each destination's `sent` during delivery, then `event`.
    t.emit('sent', { event, destination: 'ga4' });
    t.emit('event', { event, destinations: ['ga4', 'meta'] });
    expect(rows()).toHaveLength(1);
    const text = rows()[0]!.textContent!;
    expect(text).toContain('purchase');
    expect(rows()[0]!.querySelector('i')!.textContent).toBe('macro');
    expect(text).toContain('2499 NOK');
    expect(text).toContain('transaction_id: "FS-1001"');
    expect(text).toMatch(/\d\d:\d\d:\d\d/);
    expect(status('ga4')).toBe('ga4: sent');
    expect(cell('ga4')!.className).toBe('ok');
    expect(status('meta')).toBe('meta: waiting for consent');
    expect(cell('ga4')!.textContent).toBe(`ga4: sent — event ${event.send.ga4!.event}`);
    expect(cell('meta')!.textContent).toBe(`meta: waiting for consent — ${event.send.meta!.event}, event id ${event.id}`);
    if (event.send.googleAds) expect(cell('googleAds')!.textContent).toContain(`conversion AW-123456789/${event.send.googleAds.label}`);
    expect(root().textContent).toContain('consent: analytics granted · ads pending');
    expect(root().textContent).not.toContain('No conversions on this page yet.');
  });

  it('on a page with an enumerable key on Object.prototype, lists only the real destinations', () => {
    (Object.prototype as any).polluted = 'by a page library';
    try {
      const t = fakeTracker({ analytics: 'granted', ads: 'granted' });
      mount(t.tracker, plan);
      const event = conversion();
      t.emit('event', { event, destinations: ['ga4', 'meta'] });
      t.emit('skipped', { conversion: 'purchase', reason: 'limit once_per_page' });
      const lines = [...root().querySelectorAll('td:last-child div')].map((d) => d.textContent!.split(':')[0]);
      expect(lines).toEqual(['ga4', 'meta', 'ga4', 'googleAds', 'meta', 'microsoftAds', 'collector']);
    } finally { delete (Object.prototype as any).polluted; }
  });

  it('lists conversions in the order they fired, each with its own destinations', () => {
    const t = fakeTracker({ analytics: 'granted', ads: 'granted' });
    mount(t.tracker, plan);
    t.emit('event', { event: conversion(), destinations: ['ga4', 'meta'] });
    t.emit('event', { event: conversion({ id: 'e-2', name: 'newsletter_signup', kind: 'micro', value: 15, send: { collector: {} } }), destinations: ['collector'] });
    expect(rows().map((r) => r.children[1]!.firstChild!.textContent)).toEqual(['purchase', 'newsletter_signup']);
    expect(rows()[1]!.querySelector('i')!.textContent).toBe('micro');
    expect([...rows()[1]!.querySelectorAll('td:last-child div')].map((d) => d.textContent!.split(' — ')[0])).toEqual(['collector: not sent']);
  });

  it('shows "not sent: consent denied" for a destination skipped on a denial', () => {
    const t = fakeTracker({ analytics: 'granted', ads: 'denied' });
    mount(t.tracker, plan);
    const event = conversion({ consent: { analytics: 'granted', ads: 'denied' } });
    t.emit('sent', { event, destination: 'ga4' });
    t.emit('skipped', { event, conversion: 'purchase', reason: 'meta: ads consent denied' });
    t.emit('event', { event, destinations: ['ga4', 'meta'] });
    expect(status('meta')).toBe('meta: not sent: consent denied');
    expect(status('ga4')).toBe('ga4: sent');
  });

  it('trusts the skipped event over a consent status that lags behind', () => {
    // The script tag's status is refreshed from each `event`, which comes after the deliveries.
    const t = fakeTracker({ analytics: 'pending', ads: 'pending' });
    mount(t.tracker, plan);
    const event = conversion({ consent: { analytics: 'granted', ads: 'denied' } });
    t.emit('skipped', { event, conversion: 'purchase', reason: 'meta: ads consent denied' });
    expect(status('meta')).toBe('meta: not sent: consent denied');
    expect(status('ga4')).toBe('ga4: waiting for consent');
  });

  it('turns waiting into "consent denied" when the visitor denies later, without a new event', () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const consent: ConsentStatus = { analytics: 'granted', ads: 'pending' };
    const t = fakeTracker(consent);
    mount(t.tracker, plan);
    t.emit('event', { event: conversion(), destinations: ['ga4', 'meta'] });
    expect(status('meta')).toBe('meta: waiting for consent');
    consent.ads = 'denied';
    vi.advanceTimersByTime(1000);
    expect(status('meta')).toBe('meta: not sent: consent denied');
    expect(root().textContent).toContain('ads denied');
  });

  it('shows a limit as the reason a conversion was not sent again', () => {
    const t = fakeTracker({ analytics: 'granted', ads: 'granted' });
    mount(t.tracker, plan);
    t.emit('skipped', { conversion: 'purchase', reason: 'limit once_per_page' });
    expect(rows()).toHaveLength(1);
    expect(rows()[0]!.querySelector('i')!.textContent).toBe('macro');
    const statuses = [...rows()[0]!.querySelectorAll('td:last-child div')].map((d) => d.textContent);
    expect(statuses).toEqual(Object.keys(plan.conversions.purchase!.send).map((d) => `${d}: limit once_per_page`));
  });
});

describe('rejected calls', () => {
  it('shows a destination failure with its path and reason in red, on that destination', async () => {
    const t = fakeTracker({ analytics: 'granted', ads: 'granted' });
    mount(t.tracker, plan);
    const event = conversion();
    // A send that throws is reported during delivery, before the conversion's row exists.
    t.emit('error', { path: 'adapters.meta.send', reason: 'meta send failed: fbq is blocked', conversion: 'purchase', destination: 'meta' });
    t.emit('sent', { event, destination: 'ga4' });
    t.emit('sent', { event, destination: 'meta' });
    t.emit('event', { event, destinations: ['ga4', 'meta'] });
    await Promise.resolve();
    expect(rows()).toHaveLength(1);
    expect(status('meta')).toBe('meta: adapters.meta.send: meta send failed: fbq is blocked');
    expect(cell('meta')!.className).toBe('e');
    expect(status('ga4')).toBe('ga4: sent');
  });

  it('shows a rejected call (no event) as a row with every problem in red', async () => {
    const t = fakeTracker();
    mount(t.tracker, plan);
    t.emit('error', { path: 'conversions.purchase.properties.value', reason: 'value must be at least 0; the conversion was not sent', conversion: 'purchase' });
    t.emit('error', { path: 'conversions.purchase.properties.transaction_id', reason: 'transaction_id must be a text; the conversion was not sent', conversion: 'purchase' });
    await Promise.resolve();
    // A later call is a row of its own, even for the same conversion.
    t.emit('error', { path: 'conversions.purchase.properties.value', reason: 'value must be at least 0; the conversion was not sent', conversion: 'purchase' });
    t.emit('error', { path: 'conversions.purchse', reason: '"purchse" is not a conversion in the plan', conversion: 'purchse' });
    expect(rows()).toHaveLength(3);
    expect(rows()[1]!.querySelectorAll('.e')).toHaveLength(1);
    const red = [...rows()[0]!.querySelectorAll('.e')].map((e) => e.textContent);
    expect(red).toEqual([
      'conversions.purchase.properties.value: value must be at least 0; the conversion was not sent',
      'conversions.purchase.properties.transaction_id: transaction_id must be a text; the conversion was not sent',
    ]);
    expect(rows()[2]!.querySelector('.e')!.textContent).toContain('conversions.purchse: ');
  });

  it('writes values from the page as text, never as markup', async () => {
    const t = fakeTracker({ analytics: 'granted', ads: 'granted' });
    mount(t.tracker, plan);
    const markup = '<img src=x onerror="window.__hacked=1"><b>bold</b>';
    const event = conversion({ properties: { coupon: markup }, currency: markup });
    t.emit('event', { event, destinations: ['ga4', 'meta'] });
    t.emit('error', { path: `conversions.${markup}`, reason: `"${markup}" is not a conversion`, conversion: markup });
    await Promise.resolve();
    expect(root().querySelector('img, b')).toBeNull();
    expect(document.querySelector('img, b')).toBeNull();
    expect(rows()[0]!.textContent).toContain(`coupon: ${JSON.stringify(markup)}`);
    expect(rows()[1]!.textContent).toContain(markup);
    expect((window as any).__hacked).toBeUndefined();
  });
});

describe('the panel itself', () => {
  it('collapses and opens again from its header', () => {
    mount(fakeTracker().tracker, plan);
    const details = root().querySelector('details')!;
    const header = root().querySelector('summary')!;
    expect(details.open).toBe(true);
    header.click();
    expect(details.open).toBe(false);
    header.click();
    expect(details.open).toBe(true);
  });

  it('is removed, with its listeners and its timer, by the function mount returns', () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const t = fakeTracker({ analytics: 'granted', ads: 'granted' });
    const off = mountPanel(t.tracker, plan);
    expect(t.count()).toBe(5);
    expect(vi.getTimerCount()).toBe(1);
    off();
    expect(host()).toBeNull();
    expect(t.count()).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
    expect(() => t.emit('event', { event: conversion(), destinations: ['ga4'] })).not.toThrow();
    expect(host()).toBeNull();
  });
});

describe('with the real tracker', () => {
  function recorder(name: Adapter['name'], category: Adapter['category'], send: Adapter['send'] = () => {}): Adapter {
    return { name, category, load: () => {}, send };
  }

  it('a conversion with a limit and a dedupe key, tracked twice before the decision: one row sent, the other held by its limit (diff read 2026-12-06)', async () => {
    const input = example('webshop') as any;
    input.conversions.lead = { kind: 'macro', limit: 'once_per_session', dedupe: 'lead_id', properties: { lead_id: { type: 'string' } }, send: { ga4: { event: 'generate_lead' } } };
    const p = parsePlan(input);
    if (!p.ok) throw new Error('the plan should parse');
    const tracker = createTracker({ plan: input, adapters: [recorder('ga4', 'analytics')] });
    mount(tracker, p.plan);
    tracker.track('lead' as never, { lead_id: 'L-1' } as never);
    tracker.track('lead' as never, { lead_id: 'L-2' } as never);
    expect(rows().filter((r) => r.textContent!.includes('waiting for analytics consent'))).toHaveLength(2);
    tracker.consent({ analytics: 'granted' });
    await new Promise((r) => setTimeout(r, 400)); // the key's claim
    const leads = rows().map((r) => r.textContent!).filter((t) => t.includes('generate_lead'));
    expect(leads).toHaveLength(2);
    expect(leads[0]).toMatch(/lead_id: "L-1".*ga4: sent/);
    expect(leads[1]).toMatch(/lead_id: "L-2".*ga4: limit once_per_session/);
    await tracker.shutdown();
  });

  it('follows consent from waiting to sent, and a later denial', () => {
    const ids: string[] = [];
    const tracker = createTracker({ plan: example('webshop'), adapters: [recorder('ga4', 'analytics'), recorder('meta', 'ads'), recorder('collector', 'analytics')] });
    tracker.on('event', ({ event }) => ids.push(event.id));
    mount(tracker, plan);
    tracker.track('view_item', { item_id: 'SKU-1', item_name: 'Tent', value: 2499 });
    // Each destination with the name it receives the conversion under, as its own reports show it.
    expect([...rows()[0]!.querySelectorAll('td:last-child div')].map((d) => d.textContent)).toEqual([
      'ga4: waiting for consent — event view_item',
      `meta: waiting for consent — ViewContent, event id ${ids[0]}`,
      `collector: waiting for consent — track view_item, event id ${ids[0]}`,
    ]);
    tracker.consent({ analytics: 'granted', ads: 'denied' });
    expect(status('ga4')).toBe('ga4: sent');
    expect(status('collector')).toBe('collector: sent');
    // Without consentStatus the panel knows the denial from the next conversion.
    tracker.track('view_item', { item_id: 'SKU-2', value: 99 });
    expect(status('meta', 0)).toBe('meta: not sent: consent denied');
    expect(status('meta', 1)).toBe('meta: not sent: consent denied');
    expect(status('ga4', 1)).toBe('ga4: sent');
  });

  it('puts an adapter that throws on its destination in red', async () => {
    const throwing = recorder('meta', 'ads', () => { throw new Error('fbq is not defined'); });
    const tracker = createTracker({ plan: { ...example('webshop'), consent: { default: { analytics: 'granted', ads: 'granted' } } }, adapters: [recorder('ga4', 'analytics'), throwing] });
    mount(tracker, plan);
    tracker.track('view_item', { item_id: 'SKU-1' });
    await Promise.resolve();
    expect(rows()).toHaveLength(1);
    expect(status('ga4')).toBe('ga4: sent');
    expect(status('meta')).toBe('meta: adapters.meta.send: meta send failed: fbq is not defined');
    expect(cell('meta')!.className).toBe('e');
    expect(status('collector')).toBe('collector: not sent');
  });
});

describe('on pages that swap their body, and for keyboard and screen-reader users (deploy and a11y QA 2026-12-06)', () => {
  const settle = () => new Promise((r) => setTimeout(r, 0));

  it('comes back when a body-swapping theme (Turbo, pjax) replaces or empties <body>', async () => {
    mount(fakeTracker().tracker, plan);
    const next = document.createElement('body');
    next.innerHTML = '<header>shop</header><main>a product</main>';
    document.documentElement.replaceChild(next, document.body); // Turbo's visit
    await settle();
    expect(document.body.contains(host())).toBe(true);
    document.body.innerHTML = '<main>next page</main>'; // pjax
    await settle();
    expect(document.body.contains(host())).toBe(true);
    expect(document.querySelectorAll('measureplan-debug')).toHaveLength(1);
  });

  it('stays away when the page takes the panel alone away (a script that removes what it does not know): no endless loop (diff read 2026-12-06)', async () => {
    mount(fakeTracker().tracker, plan);
    let removals = 0;
    const sweeper = new MutationObserver(() => { const x = document.querySelector('measureplan-debug'); if (x && removals < 50) { removals++; x.remove(); } });
    sweeper.observe(document.body, { childList: true });
    host()!.remove();
    await settle();
    await settle();
    sweeper.disconnect();
    expect(removals).toBe(0);
    expect(host()).toBeNull();
  });

  it('folds up when a page control behind it takes the focus (the consent banner\'s buttons)', () => {
    mount(fakeTracker().tracker, plan);
    const details = root().querySelector('details')!;
    const button = document.body.appendChild(document.createElement('button'));
    const elsewhere = document.body.appendChild(document.createElement('a'));
    vi.spyOn(host()!, 'getBoundingClientRect').mockReturnValue(DOMRect.fromRect({ x: 600, y: 400, width: 400, height: 300 }));
    vi.spyOn(elsewhere, 'getBoundingClientRect').mockReturnValue(DOMRect.fromRect({ x: 10, y: 10, width: 80, height: 20 }));
    vi.spyOn(button, 'getBoundingClientRect').mockReturnValue(DOMRect.fromRect({ x: 900, y: 650, width: 80, height: 30 }));
    elsewhere.focus();
    expect(details.open).toBe(true);
    button.focus();
    expect(details.open).toBe(false);
  });

  it('starts folded in a small window, where it would hide half the page', () => {
    const [w, hgt] = [window.innerWidth, window.innerHeight];
    Object.assign(window, { innerWidth: 375, innerHeight: 667 });
    try {
      mount(fakeTracker().tracker, plan);
      expect(root().querySelector('details')!.open).toBe(false);
    } finally { Object.assign(window, { innerWidth: w, innerHeight: hgt }); }
  });

  it('is a named log, so that what is added is announced, and its table says what its columns are', () => {
    mount(fakeTracker().tracker, plan);
    const log = root().querySelector('[role="log"]')!;
    expect(log.getAttribute('aria-label')).toBe('Conversions on this page');
    expect(log.querySelector('table caption')!.textContent).toMatch(/conversion.*value.*destination/);
  });
});

// Pinned by the mutation review of 2026-12-07: the collector's consent category taken for ads, Google
// Ads shown without its conversion id, and long values no longer cut each went unnoticed.
describe('what the panel says per destination', () => {
  it('analytics granted, ads denied: the collector is not shown as denied; Google Ads is, under its conversion id/label', () => {
    const t = fakeTracker({ analytics: 'granted', ads: 'denied' });
    mount(t.tracker, plan);
    t.emit('event', { event: conversion({ id: 'purchase:FS-1001', send: { googleAds: { label: 'AbC-D_efG1' }, collector: {} } as any, consent: { analytics: 'granted', ads: 'denied' } }), destinations: ['collector'] } as any);
    expect(cell('collector')?.textContent).not.toContain('consent denied');
    expect(cell('googleAds')?.textContent).toBe('googleAds: not sent: consent denied — conversion AW-123456789/AbC-D_efG1');
  });

  it('cuts a long property value at 80 characters', () => {
    const t = fakeTracker({ analytics: 'granted', ads: 'granted' });
    mount(t.tracker, plan);
    const long = 'x'.repeat(500);
    t.emit('event', { event: conversion({ properties: { transaction_id: long } }), destinations: [] } as any);
    const text = root().querySelector('tr td:nth-child(2) div')!.textContent!;
    expect(text.length).toBeLessThanOrEqual('transaction_id: '.length + 80);
  });
});
