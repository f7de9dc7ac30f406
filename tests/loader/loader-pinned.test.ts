// @vitest-environment jsdom
/**
 * Pinned by the mutation review of 2026-12-07 (each test fails on the slip it names): script-tag promises no test of tests/loader/ noticed breaking (manual mutation
 * testing 2026-12-07). Each test names the mutant it kills.
 */
import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { freshTag } from '../support/fresh-tag';

const PLAN = {
  version: 1,
  name: 'review',
  currency: 'NOK',
  destinations: { collector: { url: '/collect' } },
  consent: { default: { analytics: 'granted', ads: 'granted' } },
  conversions: {
    newsletter: { kind: 'micro', properties: {}, send: { collector: {} } },
  },
};
const W = window as any;
const page = freshTag();
const STUB = readFileSync('src/loader/stub.min.js', 'utf8');
const stub = () => new Function(STUB)();
function inline(text: string) {
  const s = document.createElement('script');
  s.type = 'application/json';
  s.setAttribute('data-measureplan-plan', '');
  s.textContent = text;
  document.head.appendChild(s);
}
const boot = () => import('../../src/loader/index');
const settle = (ms = 50) => new Promise((r) => setTimeout(r, ms));
/** 'resolved' if p settles within ms, else 'pending'. */
const within = (p: Promise<unknown>, ms = 300) => Promise.race([p.then(() => 'resolved', () => 'resolved'), settle(ms).then(() => 'pending')]);

// Kills L3 (index.ts:62 `stub?.r?.(ok)` removed): docs/script-tag.md "`measureplan.ready` is there
// from the stub on"; stub.js: "`ready` settles with the tag's". A page that took `ready` from the
// stub (an inline script before the tag) waited forever.
it("the stub's ready, taken before the tag ran, settles with the tag's (true for a good plan)", async () => {
  stub();
  const early = W.measureplan.ready;
  inline(JSON.stringify(PLAN));
  await boot();
  expect(await within(early, 1000)).toBe('resolved');
  expect(await early).toBe(true);
});

it("the stub's ready settles false for a broken plan", async () => {
  stub();
  const early = W.measureplan.ready;
  inline('{ "version": 1, ');
  await boot();
  expect(await within(early, 1000)).toBe('resolved');
  expect(await early).toBe(false);
});

// Kills L5 (index.ts:75 `i >= 0` → `i > 0`): an on() made before the plan is in, then taken back
// before the plan is in, never hears anything (it is the first queued call here).
it('an on() unsubscribed before the plan is in is never called (first call in the queue)', async () => {
  inline(JSON.stringify(PLAN));
  await boot();
  const seen: unknown[] = [];
  const off = W.measureplan.on('event', (e: unknown) => seen.push(e));
  off();
  expect(await W.measureplan.ready).toBe(true);
  W.measureplan.track('newsletter', {});
  await settle();
  expect(seen).toEqual([]);
});

// Kills L10 (index.ts:139 the queued calls' `done` not called on failure): flush() made while a
// broken plan loads must resolve (docs/api.md flush "resolves when done"; the tag never leaves
// `await measureplan.flush()` hanging: before-the-plan.test.ts only checks a flush made after).
it('a flush() made before a broken plan is known resolves once the plan is refused', async () => {
  inline('{ "version": 1, ');
  await boot();
  const p = W.measureplan.flush();
  const q = W.measureplan.shutdown();
  expect(await W.measureplan.ready).toBe(false);
  expect(await within(p)).toBe('resolved');
  expect(await within(q)).toBe('resolved');
});

// Kills L12 (index.ts:162 the check that a loaded file defined its global, removed): a host that
// answers a missing measureplan.debug.js with its HTML page (200) must still get the warning that
// the panel could not be loaded (index.ts:245), not silence.
it('a measureplan.debug.js that loads but is not measureplan\'s is said as not loaded', async () => {
  const { vi } = await import('vitest');
  const warn = vi.mocked(console.warn);
  const tag = document.createElement('script');
  tag.src = 'https://shop.example/js/measureplan.iife.js';
  tag.setAttribute('data-debug', 'true');
  Object.defineProperty(document, 'currentScript', { value: tag, configurable: true });
  inline(JSON.stringify(PLAN));
  await boot();
  expect(await W.measureplan.ready).toBe(true);
  await settle();
  const file = [...document.querySelectorAll<HTMLScriptElement>('script[src]')].find((s) => s.src.endsWith('/measureplan.debug.js'));
  expect(file).toBeTruthy();
  file!.dispatchEvent(new Event('load')); // an HTML page served with 200: it "loads", and defines nothing
  await settle();
  expect(warn.mock.calls.map((c) => String(c[0]))).toContain('measureplan: the debug panel (measureplan.debug.js next to the tag) could not be loaded');
});
