// @vitest-environment jsdom
/**
 * Clicks and form submits made while the script tag loads its plan are judged by the plan's
 * triggers once it is in (storeowner QA 2026-12-06, real Chromium: with the plan 1.5 s late, a
 * "Buy" click, a newsletter submit and a tel: tap were lost without a word).
 */
import 'fake-indexeddb/auto';
import { expect, it } from 'vitest';
import { freshTag } from '../support/fresh-tag';

const PLAN = {
  version: 1, name: 'early', currency: 'NOK',
  destinations: { collector: { url: '/collect' } },
  consent: { default: { analytics: 'granted', ads: 'granted' } },
  conversions: {
    phone_click: { kind: 'micro', trigger: { on: 'click', selector: "a[href^='tel:']" }, send: { collector: {} } },
    newsletter_signup: { kind: 'micro', trigger: { on: 'submit', selector: 'form.newsletter' }, send: { collector: {} } },
    contact: { kind: 'micro', trigger: { on: 'submit', selector: 'form.contact' }, send: { collector: {} } },
  },
};
const W = window as any;
const page = freshTag();
const settle = (ms = 30) => new Promise((r) => setTimeout(r, ms));

it('tracks the clicks and submits made before the plan arrived, once, and not a submit the page prevented', async () => {
  document.body.innerHTML = `<a href="tel:+4712345678">Call</a>
    <form class="newsletter"><input name="email"><button>Sign up</button></form>
    <form class="contact"><button>Send</button></form>`;
  document.querySelector('form.contact')!.addEventListener('submit', (e) => e.preventDefault()); // the page's own validation refuses it
  const answer = await page.latePlan();
  await settle();
  (document.querySelector('a') as HTMLAnchorElement).addEventListener('click', (e) => e.preventDefault(), { once: true }); // jsdom: no navigation
  document.querySelector('a')!.click();
  for (const form of ['form.contact', 'form.newsletter']) document.querySelector(form)!.dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));
  await settle();
  answer(PLAN);
  expect(await W.measureplan.ready).toBe(true);
  await settle(50);
  await W.measureplan.flush();
  expect(page.posted().map((m) => m.event).sort()).toEqual(['newsletter_signup', 'phone_click']);
  // After the install, the triggers' own listeners count: nothing twice.
  document.querySelector('a')!.addEventListener('click', (e) => e.preventDefault(), { once: true });
  document.querySelector('a')!.click();
  await settle(50);
  await W.measureplan.flush();
  expect(page.posted().map((m) => m.event).sort()).toEqual(['newsletter_signup', 'phone_click', 'phone_click']);
});

it('a tel: link inside an open shadow root, clicked before the plan arrived, is tracked once the plan is in, as it is after (diff review 2026-12-06)', async () => {
  document.body.innerHTML = `<x-contact></x-contact>`;
  const host = document.querySelector('x-contact')!;
  const root = host.attachShadow({ mode: 'open' });
  root.innerHTML = `<a href="tel:+4712345678">Call</a>`;
  const link = root.querySelector('a')!;
  const answer = await page.latePlan();
  await settle();
  link.addEventListener('click', (e) => e.preventDefault());
  link.click(); // before the plan
  await settle();
  answer(PLAN);
  expect(await W.measureplan.ready).toBe(true);
  await settle(50);
  await W.measureplan.flush();
  const before = page.posted().map((m: any) => m.event);
  link.click(); // after the plan: the installed trigger counts it (composedPath)
  await settle(50);
  await W.measureplan.flush();
  const after = page.posted().map((m: any) => m.event);
  expect({ before, after }).toEqual({ before: ['phone_click'], after: ['phone_click', 'phone_click'] });
});

it('a click made before the plan arrived comes after the landing page\'s page_view conversion, so the funnel moves on (deploy QA 2026-12-06)', async () => {
  history.replaceState(null, '', '/product/tent');
  document.body.innerHTML = `<main data-sku="TENT-3"><button class="add">Add to cart</button></main>`;
  const plan = {
    ...PLAN,
    conversions: {
      view_item: { kind: 'micro', properties: { item_id: { type: 'string' } }, trigger: { on: 'page_view', path: '/product/*', properties: { item_id: 'data-sku' } }, send: { collector: {} } },
      add_to_cart: { kind: 'micro', properties: { item_id: { type: 'string' } }, trigger: { on: 'click', selector: 'button.add', properties: { item_id: 'data-sku' } }, send: { collector: {} } },
      purchase: { kind: 'macro', send: { collector: {} } },
    },
    funnels: { checkout: ['view_item', 'add_to_cart', 'purchase'] },
  };
  const answer = await page.latePlan();
  await settle();
  document.querySelector('button')!.click(); // before the plan
  await settle();
  answer(plan);
  expect(await W.measureplan.ready).toBe(true);
  await settle(50);
  await W.measureplan.flush();
  expect(page.posted().map((m: any) => m.event)).toEqual(['view_item', 'add_to_cart']);
  expect(W.measureplan.funnel('checkout')).toMatchObject({ step: 2, conversion: 'add_to_cart' });
});
