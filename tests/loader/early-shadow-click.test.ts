// @vitest-environment jsdom
/** A click inside a web component's open shadow root while the plan loads is replayed on its element (diff review 2026-12-06). */
import 'fake-indexeddb/auto';
import { expect, it } from 'vitest';
import { freshTag } from '../support/fresh-tag';

const PLAN = {
  version: 1, name: 'early', currency: 'NOK',
  destinations: { collector: { url: '/collect' } },
  consent: { default: { analytics: 'granted', ads: 'granted' } },
  conversions: {
    phone_click: { kind: 'micro', trigger: { on: 'click', selector: "a[href^='tel:']" }, send: { collector: {} } },
  },
};
const W = window as any;
const page = freshTag();
const settle = (ms = 30) => new Promise((r) => setTimeout(r, ms));

it('a tel: link inside an open shadow root, clicked before the plan arrived, is tracked once the plan is in (as it is after)', async () => {
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
