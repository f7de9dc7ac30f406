// @vitest-environment jsdom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cleanUp, install, planWith } from './helpers';

/** A stand-in IntersectionObserver: the test says how much of an element is on screen. */
class FakeObserver {
  static all: FakeObserver[] = [];
  targets = new Set<Element>();
  constructor(public callback: IntersectionObserverCallback, public options?: IntersectionObserverInit) { FakeObserver.all.push(this); }
  observe(el: Element) { this.targets.add(el); }
  unobserve(el: Element) { this.targets.delete(el); }
  disconnect() { this.targets.clear(); }
  takeRecords() { return []; }
}
/** Reports `ratio` for `el` to every observer that watches it. */
function show(el: Element, ratio: number) {
  for (const o of FakeObserver.all) {
    if (o.targets.has(el)) o.callback([{ target: el, intersectionRatio: ratio, isIntersecting: ratio > 0 } as IntersectionObserverEntry], o as never);
  }
}
const watched = () => FakeObserver.all.reduce((n, o) => n + o.targets.size, 0);
const flushMutations = () => new Promise<void>((r) => setTimeout(r, 0));

const banner = (seconds?: number) => planWith(
  { on: 'visible', selector: '.promo', ...(seconds === undefined ? {} : { seconds }), properties: { campaign: 'data-campaign' } },
  { campaign: { type: 'string' } },
);

beforeEach(() => {
  FakeObserver.all = [];
  (window as any).IntersectionObserver = FakeObserver;
  document.body.innerHTML = `<section data-campaign="winter-sale"><div class="promo" id="a">Winter sale</div></section><div class="promo" id="b" data-campaign="tents"></div>`;
});
afterEach(() => { cleanUp(); vi.useRealTimers(); delete (window as any).IntersectionObserver; });

const $ = (id: string) => document.getElementById(id)!;

describe('visible triggers', () => {
  it('fires when an element has been at least half visible for the given seconds, with properties from the element', () => {
    vi.useFakeTimers();
    const t = install(banner(2));
    expect(FakeObserver.all[0]!.options).toEqual({ threshold: 0.5 });
    show($('a'), 0.6);
    vi.advanceTimersByTime(1999);
    expect(t.calls).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(t.calls).toEqual([['goal', { campaign: 'winter-sale' }]]);
  });

  it('does not count an element that leaves (or drops below half) before the time is up, and starts over when it returns', () => {
    vi.useFakeTimers();
    const t = install(banner(2));
    show($('a'), 1);
    vi.advanceTimersByTime(1500);
    show($('a'), 0.3);
    vi.advanceTimersByTime(5000);
    expect(t.calls).toEqual([]);
    show($('a'), 0.5);
    vi.advanceTimersByTime(1500);
    expect(t.calls).toEqual([]);
    vi.advanceTimersByTime(500);
    expect(t.calls).toHaveLength(1);
  });

  it('fires once per element per page view, separately for each element', () => {
    vi.useFakeTimers();
    const t = install(banner());
    show($('a'), 1); vi.advanceTimersByTime(0);
    show($('a'), 0); show($('a'), 1); vi.advanceTimersByTime(0);
    show($('b'), 0.9); vi.advanceTimersByTime(0);
    expect(t.calls).toEqual([['goal', { campaign: 'winter-sale' }], ['goal', { campaign: 'tents' }]]);
  });

  it('watches matching elements added after install', async () => {
    const t = install(banner());
    expect(watched()).toBe(2);
    document.body.insertAdjacentHTML('beforeend', `<aside><div class="promo" id="c" data-campaign="late"></div></aside><p>no</p>`);
    const single = document.createElement('div');
    single.className = 'promo'; single.id = 'd'; single.dataset.campaign = 'single';
    document.body.append(single);
    await flushMutations();
    expect(watched()).toBe(4);
    vi.useFakeTimers();
    show($('c'), 1); show($('d'), 1);
    vi.advanceTimersByTime(0);
    expect(t.calls).toEqual([['goal', { campaign: 'late' }], ['goal', { campaign: 'single' }]]);
  });

  it('counts the same element again on the next page of an SPA, once it has been a second on the new page', async () => {
    const t = install(banner());
    vi.useFakeTimers();
    show($('a'), 1); vi.advanceTimersByTime(0);
    vi.useRealTimers();
    history.pushState(null, '', '/next');
    await new Promise((r) => setTimeout(r, 0));
    vi.useFakeTimers();
    show($('a'), 1); vi.advanceTimersByTime(999);
    expect(t.calls).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(t.calls).toHaveLength(2);
  });

  it("does not count the previous route's element that the router replaces, and counts the new route's own at once (SPA QA 2026-12-06)", async () => {
    const t = install(banner());
    history.pushState(null, '', '/product/tent');
    await new Promise((r) => setTimeout(r, 0));
    vi.useFakeTimers();
    show($('a'), 1); vi.advanceTimersByTime(200);
    show($('a'), 0); // the router draws the product page 200 ms later: the old promo leaves
    document.body.innerHTML = '<div class="promo" id="c" data-campaign="tent-offer"></div>';
    await vi.advanceTimersByTimeAsync(0); // the MutationObserver sees the new promo
    show($('c'), 1); vi.advanceTimersByTime(0);
    expect(t.calls).toEqual([['goal', { campaign: 'tent-offer' }]]);
    vi.advanceTimersByTime(2000);
    expect(t.calls).toHaveLength(1);
  });

  it('lets go of an element once it has counted: not watched, not kept, so a redrawn grid is not held in memory (performance review 2026-12-06)', () => {
    const t = install(banner());
    vi.useFakeTimers();
    expect(watched()).toBe(2);
    show($('a'), 1); vi.advanceTimersByTime(0);
    expect(t.calls).toHaveLength(1);
    expect(watched()).toBe(1); // only #b, still waiting to be seen
    show($('a'), 0); show($('a'), 1); vi.advanceTimersByTime(0);
    expect(t.calls).toHaveLength(1);
  });

  it('does nothing and warns where IntersectionObserver is missing', () => {
    delete (window as any).IntersectionObserver;
    const t = install(banner());
    expect(t.calls).toEqual([]);
    expect(t.warnings).toEqual([expect.stringContaining('IntersectionObserver')]);
  });
});
