// @vitest-environment jsdom
/**
 * The debug panel lists every conversion of the page (docs/debugging.md: "One row per conversion
 * fired on this page"), also those fired before measureplan.debug.js was in: the calls queued by
 * the stub and the page-view triggers (docs QA 2026-12-06: the order on the thank-you page showed
 * "No conversions on this page yet"), and conversions waiting for the analytics decision.
 */
import 'fake-indexeddb/auto';
import { expect, it } from 'vitest';
import { freshTag } from '../support/fresh-tag';

const PLAN = {
  version: 1,
  name: 'debug early',
  currency: 'NOK',
  destinations: { collector: { url: '/collect' } },
  conversions: {
    signup: { kind: 'macro', properties: {}, send: { collector: {} } },
    pricing: { kind: 'micro', trigger: { on: 'page_view', path: '/' }, limit: 'once_per_session', send: { collector: {} } },
  },
};

freshTag();
const W = window as any;
const settle = (ms = 50) => new Promise((r) => setTimeout(r, ms));
const panelText = () => document.querySelector('measureplan-debug')!.shadowRoot!.textContent!;

/** The tag in debug mode with the stub's queue `q`; measureplan.debug.js arrives after the tag has tracked. */
async function bootDebug(q: unknown[]) {
  delete W.measureplanDebug;
  const tag = document.createElement('script');
  tag.src = 'https://shop.example/measureplan.iife.js';
  tag.setAttribute('data-debug', 'true');
  Object.defineProperty(document, 'currentScript', { value: tag, configurable: true });
  const plan = document.createElement('script');
  plan.type = 'application/json';
  plan.setAttribute('data-measureplan-plan', '');
  plan.textContent = JSON.stringify(PLAN);
  document.head.appendChild(plan);
  W.measureplan = { q };
  await import('../../src/loader/index');
  await settle();
  const file = [...document.querySelectorAll('script[src]')].find((s) => (s as HTMLScriptElement).src.endsWith('measureplan.debug.js'));
  expect(file).toBeDefined();
  await import('../../src/debug/panel'); // jsdom loads nothing itself: the file's code, then its load event
  file!.dispatchEvent(new Event('load'));
  await settle();
}

it('shows the stub\'s queued conversion and a page-view conversion fired before the panel file loaded', async () => {
  await bootDebug([['track', ['signup']]]);
  const text = panelText();
  expect(text).not.toContain('No conversions on this page yet');
  // Consent pending: the queued conversion waits in the dispatcher; the limited one for the decision on its limit.
  expect(text).toMatch(/signup.*collector: waiting for consent/);
  expect(text).toMatch(/pricing.*collector: waiting for analytics consent/);
  W.measureplan.consent({ analytics: 'granted' });
  await settle(300);
  const after = panelText();
  expect(after).toMatch(/signup.*collector: sent/);
  expect(after).toMatch(/pricing.*collector: sent/);
  expect(after.match(/track pricing/g)).toHaveLength(1); // one row, not a second one for the same conversion
});

it('a waiting conversion that its limit then holds back says so on its own row', async () => {
  await bootDebug([['track', ['pricing']]]); // and the page-view trigger tracks it again: once per session
  expect(panelText().match(/collector: waiting for analytics consent/g)).toHaveLength(2);
  W.measureplan.consent({ analytics: 'granted' });
  await settle(300);
  const text = panelText();
  expect(text.match(/pricingmicro/g)).toHaveLength(2);
  expect(text).toMatch(/pricing.*collector: sent.*pricing.*collector: limit once_per_session/);
});
