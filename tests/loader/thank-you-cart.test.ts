// @vitest-environment jsdom
/**
 * A thank-you page whose page_view trigger tracks the order: the cart left hours ago in checkout
 * is completed by it, never reported abandoned first (journey QA 2026-12-06, real Chromium: 5 of 5
 * runs sent Meta an AbandonedCart for the customer who was paying).
 */
import 'fake-indexeddb/auto';
import { expect, it, vi } from 'vitest';
import { freshTag } from '../support/fresh-tag';
import { example } from '../plan/fixtures';

const W = window as any;
freshTag();
const settle = (ms = 30) => new Promise((r) => setTimeout(r, ms));

function planWithOrderTrigger() {
  const plan: any = example('webshop');
  plan.consent = { default: { analytics: 'denied', ads: 'denied' } }; // the page's banner answers on each page
  plan.conversions.purchase.properties.items.optional = true;
  plan.conversions.purchase.trigger = { on: 'page_view', path: '/thank-you', properties: { transaction_id: 'data-order', value: 'data-total' } };
  return plan;
}
async function boot(plan: object, before?: () => void) {
  vi.resetModules();
  delete W.measureplan;
  document.head.innerHTML = '';
  const s = document.createElement('script');
  s.type = 'application/json';
  s.setAttribute('data-measureplan-plan', '');
  s.textContent = JSON.stringify(plan);
  document.head.appendChild(s);
  await import('../../src/loader/index');
  before?.(); // queued: replayed before the triggers run
  expect(await W.measureplan.ready).toBe(true);
}

it('tracks the order and no abandoned cart, though the cart was last touched two hours ago', async () => {
  const plan = planWithOrderTrigger();
  history.replaceState(null, '', '/product/tent');
  await boot(plan, () => W.measureplan.consent({ analytics: 'granted', ads: 'granted' }));
  W.measureplan.track('add_to_cart', { item_id: 'TENT-3P', value: 2499 });
  await W.measureplan.flush();
  await W.measureplan.shutdown();
  // The visitor spent two hours in checkout: the stored cart's times, moved back.
  const key = Object.keys(localStorage).find((k) => k.startsWith('mp_cart'))!;
  const cart = JSON.parse(localStorage.getItem(key)!);
  expect(cart.items?.length ?? cart.v?.items?.length).toBeTruthy();
  localStorage.setItem(key, JSON.stringify(cart).replace(/"(since|updated)":(\d+)/g, (_m, k, t) => `"${k}":${Number(t) - 2 * 3_600_000}`));

  history.replaceState(null, '', '/thank-you');
  document.body.innerHTML = '<main data-order="FS-9001" data-total="2499"></main>';
  const heard: string[] = [];
  // The async tag runs while the parser is still reading the page (as in the Chromium repro): its
  // page_view triggers wait for the parsed document.
  Object.defineProperty(document, 'readyState', { value: 'loading', configurable: true });
  setTimeout(() => { delete (document as any).readyState; document.dispatchEvent(new Event('DOMContentLoaded')); }, 60);
  await boot(plan, () => {
    W.measureplan.consent({ analytics: 'granted', ads: 'granted' });
    W.measureplan.on('cart_abandoned', () => heard.push('cart_abandoned'));
    W.measureplan.on('event', (e: any) => heard.push(`event ${e.event.name}`));
    W.measureplan.on('error', (e: any) => heard.push(`error ${e.path} ${e.reason}`));
    W.measureplan.on('duplicate', (e: any) => heard.push(`duplicate ${e.conversion}`));
    W.measureplan.on('skipped', (e: any) => heard.push(`skipped ${e.reason}`));
  });
  await settle(400); // the order's exactly-once claim takes 200 ms without Web Locks
  expect(heard).toEqual(['event purchase']);
  expect(W.measureplan.cart().items).toEqual([]);
});
