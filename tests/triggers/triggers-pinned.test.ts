// @vitest-environment jsdom
// Pinned by the mutation review of 2026-12-06: trigger behaviour no earlier test held;
// set-up from tests/triggers/helpers.ts.
import { afterEach, describe, expect, it } from 'vitest';
import { cleanUp, install, nextTask, plan, planWith } from './helpers';
import { pageViewsAt } from '../../src/triggers/page-view';

afterEach(cleanUp);
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('a route left before its page was drawn, with no DOM change at all (T29)', () => {
  it('counts nothing, also when the 3 s cap runs out (src/triggers/install.ts: "a route left before that was never shown, and counts nothing")', async () => {
    history.replaceState(null, '', '/category/tents');
    document.body.innerHTML = `<main class="list"></main>`;
    const t = install(plan('webshop'));
    history.pushState(null, '', '/product/tarp');
    await nextTask();
    history.pushState(null, '', '/about'); // left at once, before anything was drawn; no mutation follows
    await nextTask();
    await wait(3100);
    expect(t.calls.filter(([n]) => n === 'view_item')).toEqual([]);
    expect(t.warnings).toEqual([]);
  }, 10_000);
});

/** The IntersectionObserver stand-in of tests/triggers/visible.test.ts (not exported there). */
class FakeObserver {
  static all: FakeObserver[] = [];
  targets = new Set<Element>();
  constructor(public callback: IntersectionObserverCallback) { FakeObserver.all.push(this); }
  observe(el: Element) { this.targets.add(el); }
  unobserve(el: Element) { this.targets.delete(el); }
  disconnect() { this.targets.clear(); }
  takeRecords() { return []; }
}
const show = (el: Element, ratio: number) => { for (const o of FakeObserver.all) if (o.targets.has(el)) o.callback([{ target: el, intersectionRatio: ratio } as IntersectionObserverEntry], o as never); };

describe('visible: once per element per page view (T24)', () => {
  it('an element that fired and is then moved in the page (re-inserted, seen again by the MutationObserver) does not count again', async () => {
    FakeObserver.all = [];
    (window as any).IntersectionObserver = FakeObserver;
    try {
      document.body.innerHTML = `<div class="promo" id="a"></div><aside></aside>`;
      const t = install(planWith({ on: 'visible', selector: '.promo' }));
      const a = document.getElementById('a')!;
      show(a, 1);
      await wait(5);
      expect(t.names()).toEqual(['goal']);
      document.querySelector('aside')!.appendChild(a); // a carousel or a sticky header moving the same node
      await wait(5);
      show(a, 1);
      await wait(5);
      expect(t.names()).toEqual(['goal']);
    } finally { delete (window as any).IntersectionObserver; }
  });
});

// where the extra view_item would be rejected by validation for its required item_id and so goes unnoticed)
describe('pageViewsAt: the page_view conversions of a page already left (T10)', () => {
  it('leaves out a trigger that reads the page, also when its properties are optional', () => {
    const p = planWith({ on: 'page_view', path: '/product/*', properties: { item_id: 'data-sku' } }, { item_id: { type: 'string', optional: true } });
    expect(pageViewsAt(p, 'https://shop.example/product/tent')).toEqual([]);
    expect(pageViewsAt(plan('webshop'), 'https://shop.example/pricing')).toEqual(['visited_pricing']);
  });
});
