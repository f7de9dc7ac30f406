// @vitest-environment jsdom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createVitals, type WebVitalsFunctions } from '../../src/journey/vitals';
import type { VitalSample } from '../../src/journey/vitals-types';

type Report = (metric: any) => void;
const NAMES = ['LCP', 'INP', 'CLS', 'FCP', 'TTFB'] as const;

/** Stand-ins for web-vitals' on* functions: each keeps its callback so a test can report metrics. */
function fakeWebVitals() {
  const reporters: Partial<Record<(typeof NAMES)[number], Report>> = {};
  const lib = Object.fromEntries(NAMES.map((n) => [`on${n}`, vi.fn((cb: Report) => { reporters[n] = cb; })])) as unknown as WebVitalsFunctions & Record<string, ReturnType<typeof vi.fn>>;
  const report = (m: { name: (typeof NAMES)[number] } & Record<string, unknown>) =>
    reporters[m.name]!({ value: 0, rating: 'good', id: `v6-${m.name}-1`, navigationType: 'navigate', delta: 0, entries: [], ...m });
  return { lib, report };
}

function start(lib: WebVitalsFunctions) {
  const updates: VitalSample[] = [];
  const finals: VitalSample[] = [];
  createVitals(lib).startVitals({ update: (s) => updates.push(s), final: (s) => finals.push(s) });
  return { updates, finals };
}

let visibility: DocumentVisibilityState = 'visible';
Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => visibility });
const hide = () => { visibility = 'hidden'; document.dispatchEvent(new Event('visibilitychange')); };
const show = () => { visibility = 'visible'; document.dispatchEvent(new Event('visibilitychange')); };
afterEach(() => { visibility = 'visible'; });

describe('page experience (web-vitals → tracker)', () => {
  it('subscribes each of the five metrics once, asking for every change', () => {
    const { lib } = fakeWebVitals();
    const m = createVitals(lib);
    m.startVitals({ update() {}, final() {} });
    m.startVitals({ update() {}, final() {} });
    for (const n of NAMES) {
      expect(lib[`on${n}`]).toHaveBeenCalledTimes(1);
      expect(lib[`on${n}`]).toHaveBeenCalledWith(expect.any(Function), { reportAllChanges: true });
    }
  });

  it('reports every change to update, as a sample without web-vitals\' extra fields', () => {
    const { lib, report } = fakeWebVitals();
    const { updates, finals } = start(lib);
    report({ name: 'LCP', value: 1200, rating: 'good' });
    report({ name: 'LCP', value: 3100, rating: 'needs-improvement' });
    report({ name: 'CLS', value: 0.02 });
    expect(updates).toEqual([
      { name: 'LCP', value: 1200, rating: 'good', id: 'v6-LCP-1', navigationType: 'navigate' },
      { name: 'LCP', value: 3100, rating: 'needs-improvement', id: 'v6-LCP-1', navigationType: 'navigate' },
      { name: 'CLS', value: 0.02, rating: 'good', id: 'v6-CLS-1', navigationType: 'navigate' },
    ]);
    expect(finals).toEqual([]);
  });

  it('sends each metric once when the page is hidden, at its last value', () => {
    const { lib, report } = fakeWebVitals();
    const { finals } = start(lib);
    report({ name: 'LCP', value: 1200 });
    report({ name: 'LCP', value: 4300, rating: 'poor' });
    report({ name: 'CLS', value: 0.05 });
    report({ name: 'CLS', value: 0.18, rating: 'needs-improvement' });
    hide();
    expect(finals.map((s) => [s.name, s.value, s.rating])).toEqual([['LCP', 4300, 'poor'], ['CLS', 0.18, 'needs-improvement']]);
    // Hidden again (pagehide after visibilitychange, a second tab switch): nothing twice.
    window.dispatchEvent(new Event('pagehide'));
    show();
    hide();
    expect(finals).toHaveLength(2);
  });

  it('hands the final values over before the tracker\'s own page-hidden listeners (the collector\'s beacon) run', () => {
    const { lib, report } = fakeWebVitals();
    const seenByBeacon: number[] = [];
    let finals: VitalSample[] = [];
    // Added first, as the collector's are (the vitals file loads after the page has loaded).
    const onHide = () => seenByBeacon.push(finals.length);
    document.addEventListener('visibilitychange', onHide);
    window.addEventListener('pagehide', onHide);
    finals = start(lib).finals;
    report({ name: 'LCP', value: 1800 });
    window.dispatchEvent(new Event('pagehide'));
    report({ name: 'INP', value: 90, id: 'v6-INP-late' });
    hide();
    expect(seenByBeacon).toEqual([1, 2]);
    document.removeEventListener('visibilitychange', onHide);
    window.removeEventListener('pagehide', onHide);
  });

  it('takes the interaction web-vitals measures in the same hide, after its listener added late, before the beacon (page-experience QA 2026-12-06)', () => {
    const { lib, report } = fakeWebVitals();
    const seenByBeacon: VitalSample[][] = [];
    let finals: VitalSample[] = [];
    const onHide = () => seenByBeacon.push([...finals]);
    document.addEventListener('visibilitychange', onHide); // the collector's, added first
    finals = start(lib).finals;
    report({ name: 'INP', value: 40, id: 'v6-INP-1' });
    // A slow click is still to be processed: web-vitals waits for idle or the next hide, with a
    // window capture listener added now, after the tracker's (whenIdleOrHidden).
    const pending = () => report({ name: 'INP', value: 350, rating: 'poor', id: 'v6-INP-1' });
    addEventListener('visibilitychange', pending, { capture: true, once: true });
    hide();
    expect(finals.map((s) => [s.name, s.value, s.rating])).toEqual([['INP', 350, 'poor']]);
    expect(seenByBeacon).toEqual([[expect.objectContaining({ name: 'INP', value: 350 })]]);
    document.removeEventListener('visibilitychange', onHide);
  });

  it('a link that leaves: pagehide comes first on a page still visible, and INP waits for the visibilitychange that follows', () => {
    // Chromium fires pagehide, then visibilitychange; the slow click on the link is measured at the latter.
    const { lib, report } = fakeWebVitals();
    const { finals } = start(lib);
    report({ name: 'LCP', value: 1800 });
    report({ name: 'INP', value: 40, id: 'v6-INP-1' });
    window.dispatchEvent(new Event('pagehide'));
    expect(finals.map((s) => s.name)).toEqual(['LCP']);
    addEventListener('visibilitychange', () => report({ name: 'INP', value: 456, rating: 'needs-improvement', id: 'v6-INP-1' }), { capture: true, once: true });
    hide();
    expect(finals.map((s) => [s.name, s.value])).toEqual([['LCP', 1800], ['INP', 456]]);
  });

  it('after the tracker\'s shutdown (its signal aborted) nothing more is reported, on change or on hide', () => {
    const { lib, report } = fakeWebVitals();
    const life = new AbortController();
    const updates: VitalSample[] = [];
    const finals: VitalSample[] = [];
    createVitals(lib).startVitals({ update: (s) => updates.push(s), final: (s) => finals.push(s), signal: life.signal });
    report({ name: 'LCP', value: 1200 });
    life.abort();
    report({ name: 'CLS', value: 0.3 });
    hide();
    window.dispatchEvent(new Event('pagehide'));
    expect(updates.map((s) => s.name)).toEqual(['LCP']);
    expect(finals).toEqual([]);
  });

  it('a tracker started after another\'s shutdown (an SPA re-init) gets the values so far and sends what was not sent yet', () => {
    const { lib, report } = fakeWebVitals();
    const m = createVitals(lib);
    const life = new AbortController();
    const first: VitalSample[] = [];
    m.startVitals({ update() {}, final: (s) => first.push(s), signal: life.signal });
    report({ name: 'TTFB', value: 90 });
    hide(); // the first tracker sends TTFB
    show();
    report({ name: 'LCP', value: 2100 });
    life.abort();
    const updates: VitalSample[] = [];
    const finals: VitalSample[] = [];
    m.startVitals({ update: (s) => updates.push(s), final: (s) => finals.push(s) });
    expect(updates.map((s) => [s.name, s.value])).toEqual([['TTFB', 90], ['LCP', 2100]]); // before: none
    report({ name: 'CLS', value: 0.04 });
    hide();
    expect(first.map((s) => s.name)).toEqual(['TTFB']);
    expect(finals.map((s) => [s.name, s.value])).toEqual([['LCP', 2100], ['CLS', 0.04]]); // TTFB not twice
    for (const n of NAMES) expect(lib[`on${n}`]).toHaveBeenCalledTimes(1);
  });

  it('sends nothing on hide when no metric is known yet', () => {
    const { lib } = fakeWebVitals();
    const { finals } = start(lib);
    hide();
    window.dispatchEvent(new Event('pagehide'));
    expect(finals).toEqual([]);
  });

  it('does not send on a visibilitychange back to visible', () => {
    const { lib, report } = fakeWebVitals();
    const { finals } = start(lib);
    report({ name: 'TTFB', value: 90 });
    show();
    expect(finals).toEqual([]);
  });

  it('sends on pagehide when the browser left without a visibilitychange', () => {
    const { lib, report } = fakeWebVitals();
    const { finals } = start(lib);
    report({ name: 'FCP', value: 800 });
    window.dispatchEvent(new Event('pagehide'));
    expect(finals.map((s) => s.name)).toEqual(['FCP']);
  });

  it('a metric first seen after the page was hidden once (INP after the visitor came back) goes at the next hide', () => {
    const { lib, report } = fakeWebVitals();
    const { finals } = start(lib);
    report({ name: 'LCP', value: 900 });
    hide();
    show();
    report({ name: 'INP', value: 350, rating: 'needs-improvement' });
    report({ name: 'LCP', value: 950 }); // already sent for this page view: not again
    hide();
    expect(finals.map((s) => [s.name, s.value])).toEqual([['LCP', 900], ['INP', 350]]);
  });

  it('a back/forward-cache restore (new ids) is a new page view, sent again', () => {
    const { lib, report } = fakeWebVitals();
    const { finals } = start(lib);
    report({ name: 'CLS', value: 0.3, rating: 'poor' });
    window.dispatchEvent(new Event('pagehide'));
    report({ name: 'CLS', value: 0, id: 'v6-CLS-2', navigationType: 'back-forward-cache' });
    hide();
    expect(finals.map((s) => [s.id, s.value, s.navigationType])).toEqual([['v6-CLS-1', 0.3, 'navigate'], ['v6-CLS-2', 0, 'back-forward-cache']]);
  });

  it('with the attribution build, names the element behind LCP, INP and CLS, cut to 100 characters', () => {
    const { lib, report } = fakeWebVitals();
    const { updates } = start(lib);
    const long = 'main>div.product-grid>'.repeat(10);
    report({ name: 'LCP', value: 2600, attribution: { target: 'img#hero', url: '/hero.jpg' } });
    report({ name: 'INP', value: 120, attribution: { interactionTarget: 'button.add-to-cart', interactionType: 'pointer' } });
    report({ name: 'CLS', value: 0.2, attribution: { largestShiftTarget: long, largestShiftValue: 0.2 } });
    report({ name: 'FCP', value: 700, attribution: { timeToFirstByte: 80 } });
    report({ name: 'TTFB', value: 80, attribution: { waitingDuration: 3 } });
    expect(updates.map((s) => s.target)).toEqual(['img#hero', 'button.add-to-cart', long.slice(0, 100), undefined, undefined]);
    expect(updates[2]!.target).toHaveLength(100);
    expect(updates.slice(3).every((s) => !('target' in s))).toBe(true);
  });

  it('leaves target out when the attribution has no element (a shift of nothing, an empty selector)', () => {
    const { lib, report } = fakeWebVitals();
    const { updates } = start(lib);
    report({ name: 'CLS', value: 0, attribution: {} });
    report({ name: 'LCP', value: 500, attribution: { target: '' } });
    expect(updates.every((s) => !('target' in s))).toBe(true);
  });

  it('never throws: not from a throwing hook, a throwing web-vitals function, or a malformed metric', () => {
    const { lib, report } = fakeWebVitals();
    (lib.onINP as any).mockImplementation(() => { throw new Error('no PerformanceEventTiming'); });
    const finals: string[] = [];
    expect(() => createVitals(lib).startVitals({
      update: () => { throw new Error('tracker broke'); },
      final: (s) => { finals.push(s.name); throw new Error('send broke'); },
    })).not.toThrow();
    expect(lib.onCLS).toHaveBeenCalled(); // the others are still measured
    expect(() => report({ name: 'LCP', value: 1000 })).not.toThrow();
    expect(() => report({ name: 'CLS', value: 0.01 })).not.toThrow();
    expect(() => (lib.onLCP as any).mock.calls[0][0](null)).not.toThrow();
    expect(() => hide()).not.toThrow();
    expect(finals).toEqual(['LCP', 'CLS']); // one failing send does not stop the next
  });
});
