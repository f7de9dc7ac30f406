// @vitest-environment jsdom
/**
 * The script tag (src/loader) before and after its plan is in, against DESIGN.md "The browser API"
 * and docs/script-tag.md: the stub's queue replayed in order, on()/flush() before the plan, calls
 * made during the replay, broken plans of every kind. Each test boots a fresh copy of the tag
 * (vi.resetModules + dynamic import).
 */
import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { expect, it, vi } from 'vitest';
import { checkPlan } from '../../src/plan/check';
import { freshTag, inlinePlan } from '../support/fresh-tag';

const PLAN = {
  version: 1,
  name: 'review',
  currency: 'NOK',
  destinations: { collector: { url: '/collect' } },
  consent: { default: { analytics: 'granted', ads: 'granted' } },
  conversions: {
    signup: { kind: 'macro', properties: { plan: { type: 'string' } }, send: { collector: {} } },
    newsletter: { kind: 'micro', properties: {}, send: { collector: {} } },
  },
};

const W = window as any;
const page = freshTag();

/** The tag with data-plan (not appended: jsdom would not run it anyway; currentScript points at it). */
function tagWithDataPlan(url: string) {
  const tag = document.createElement('script');
  tag.setAttribute('data-plan', url);
  Object.defineProperty(document, 'currentScript', { value: tag, configurable: true });
}
/** The stub snippet from docs/script-tag.md (typed; the same code). */
function stub() {
  // eslint-disable-next-line
  (function(w: any,n: string){if(w[n]&&(w[n].q||w[n].loaded))return;var q: unknown[]=[],m: any=w[n]={q:q};["track","page","identify","consent","experiment","flush","on"].forEach(function(k){m[k]=function(){q.push([k,[].slice.call(arguments)])}})})(window,"measureplan");
}
const boot = () => import('../../src/loader/index');
const settle = () => new Promise((r) => setTimeout(r, 50));
/** The stub snippet as shipped (src/loader/stub.min.js), with its `ready`. */
const realStub = () => new Function(readFileSync('src/loader/stub.min.js', 'utf8'))();
/** 'resolved' if p settles within ms, else 'pending'. */
const within = (p: Promise<unknown>, ms = 300) => Promise.race([p.then(() => 'resolved', () => 'resolved'), new Promise((r) => setTimeout(r, ms)).then(() => 'pending')]);

it('(sanity) the review plan is valid', () => {
  expect(checkPlan(PLAN)).toEqual([]);
});

// ---------------------------------------------------------------- suspected defects

it('on() called before the plan is in returns an unsubscribe function, as documented', async () => {
  inlinePlan(JSON.stringify(PLAN));
  await boot();
  const seen: string[] = [];
  const off = W.measureplan.on('event', (e: any) => seen.push(e.event.name ?? 'x'));
  // docs/api.md: "on(event, fn) Subscribes; returns an unsubscribe function."
  expect(typeof off).toBe('function');
  expect(await W.measureplan.ready).toBe(true);
  expect(() => off()).not.toThrow();
  W.measureplan.track('newsletter', {});
  await settle();
  expect(seen).toEqual([]);
});

it('flush() called before the plan is in resolves only after the calls queued before it were applied', async () => {
  inlinePlan(JSON.stringify(PLAN));
  await boot();
  const events: unknown[] = [];
  W.measureplan.on('event', (e: unknown) => events.push(e));
  W.measureplan.track('newsletter', {});
  // docs/api.md: flush() "Delivers everything queued now; resolves when done".
  await W.measureplan.flush();
  expect(events).toHaveLength(1);
});

it('a call made by a handler while the queue is being replayed is not lost', async () => {
  inlinePlan(JSON.stringify(PLAN));
  stub();
  const names: string[] = [];
  W.measureplan.on('event', (e: any) => {
    names.push(e.event.name);
    if (e.event.name === 'signup') W.measureplan.track('newsletter', {});
  });
  W.measureplan.track('signup', { plan: 'pro' });
  await boot();
  expect(await W.measureplan.ready).toBe(true);
  await settle();
  expect(names).toEqual(['signup', 'newsletter']);
});

// ---------------------------------------------------------------- coverage that passes

it('the stub queue is replayed in order: on() before, consent before track, identify before track', async () => {
  const plan = structuredClone(PLAN);
  plan.consent.default = { analytics: 'denied', ads: 'denied' };
  inlinePlan(JSON.stringify(plan));
  stub();
  const got: any[] = [];
  W.measureplan.on('event', (e: any) => got.push(e.event));
  W.measureplan.consent({ analytics: 'granted', ads: 'granted' });
  W.measureplan.identify('u-1');
  W.measureplan.track('signup', { plan: 'pro' });
  await boot();
  expect(await W.measureplan.ready).toBe(true);
  await settle();
  expect(got.map((e) => [e.name, e.userId])).toEqual([['signup', 'u-1']]);
});

it('a queued call with a hostile argument (throwing getter) does not stop the later queued calls', async () => {
  inlinePlan(JSON.stringify(PLAN));
  stub();
  const errs: any[] = [];
  const names: string[] = [];
  W.measureplan.on('error', (e: any) => errs.push(e));
  W.measureplan.on('event', (e: any) => names.push(e.event.name));
  W.measureplan.track('signup', { get plan() { throw new Error('boom'); } });
  W.measureplan.identify('u', { get email() { throw new Error('boom'); } });
  W.measureplan.consent({ get analytics() { throw new Error('boom'); } });
  W.measureplan.track('newsletter', {});
  await boot();
  expect(await W.measureplan.ready).toBe(true);
  await settle();
  expect(names).toEqual(['newsletter']);
  expect(errs.length).toBeGreaterThan(0);
  // after the plan: the same hostile calls do not throw into the caller
  expect(() => W.measureplan.track('signup', { get plan() { throw new Error('boom'); } })).not.toThrow();
  expect(() => W.measureplan.consent({ get ads() { throw new Error('boom'); } })).not.toThrow();
});

it('the tag included twice: the second copy keeps the first api and does not boot again', async () => {
  inlinePlan(JSON.stringify(PLAN));
  await boot();
  const first = W.measureplan;
  W.measureplan.track('newsletter', {}); // queued in the first copy
  vi.resetModules();
  await boot();
  expect(W.measureplan).toBe(first);
  expect(await first.ready).toBe(true);
  expect(page.errors).toEqual([]);
});

it('queries before the plan is in answer without throwing; flush/shutdown return promises', async () => {
  inlinePlan(JSON.stringify(PLAN));
  await boot();
  const mp = W.measureplan;
  // docs/script-tag.md: the questions answer undefined until the plan is in (an empty object would say "no ad click").
  expect(mp.clickIds()).toBeUndefined();
  expect(mp.variant('x')).toBeUndefined();
  expect(mp.funnel('x')).toBeUndefined();
  expect(() => mp.cart()).not.toThrow();
  // linkUrl answers the address as given: a script going there must not go to "undefined".
  expect(mp.linkUrl('https://checkout.example.no/pay?id=1')).toBe('https://checkout.example.no/pay?id=1');
  await expect(mp.flush()).resolves.toBeUndefined();
  expect(await mp.ready).toBe(true);
});

const broken: [string, () => void][] = [
  ['data-plan answering 404', () => { page.fetch.mockImplementation(async () => new Response('nope', { status: 404 })); tagWithDataPlan('/plan.json'); }],
  ['data-plan answering HTML', () => { page.fetch.mockImplementation(async () => new Response('<!doctype html><p>hi', { status: 200 })); tagWithDataPlan('/plan.json'); }],
  ['data-plan answering an empty body', () => { page.fetch.mockImplementation(async () => new Response('', { status: 200 })); tagWithDataPlan('/plan.json'); }],
  ['data-plan unreachable (fetch rejects)', () => { page.fetch.mockImplementation(async () => { throw new TypeError('Failed to fetch'); }); tagWithDataPlan('/plan.json'); }],
  ['an inline plan with a syntax error', () => inlinePlan('{ "version": 1, ')],
  ['an inline plan that is invalid', () => inlinePlan(JSON.stringify({ ...PLAN, version: 2, currency: 5 }))],
  ['no plan at all', () => undefined],
];
for (const [what, setUp] of broken) {
  it(`broken plan (${what}): ready is false, one console.error starting "measureplan:", methods never throw, nothing is queued`, async () => {
    setUp();
    stub();
    W.measureplan.track('signup', { plan: 'pro' });
    await boot();
    const mp = W.measureplan;
    expect(await mp.ready).toBe(false);
    await settle();
    expect(page.errors).toHaveLength(1);
    expect(String(page.errors[0]![0])).toMatch(/^measureplan:/);
    for (const m of ['track', 'page', 'identify', 'consent', 'on', 'clickIds', 'experiment', 'variant', 'funnel', 'cart', 'linkUrl']) {
      expect(() => mp[m]('x', {})).not.toThrow();
    }
    expect(mp.linkUrl('/checkout')).toBe('/checkout');
    await expect(mp.flush()).resolves.toBeUndefined();
    await expect(mp.shutdown()).resolves.toBeUndefined();
    expect(mp.q ?? []).toEqual([]);
    expect(page.fetch.mock.calls.filter(([u]: any) => String(u).includes('/collect'))).toEqual([]);
  });
}

it('an invalid plan lists every problem with its JSON path', async () => {
  inlinePlan(JSON.stringify({ ...PLAN, version: 2, currency: 5 }));
  await boot();
  expect(await W.measureplan.ready).toBe(false);
  expect(page.errors).toHaveLength(1);
  const msg = String(page.errors[0]![0]);
  expect(msg).toMatch(/version/);
  expect(msg).toMatch(/currency/);
});

it('a plan with a JSON syntax error is explained with its line, column and cause (measureplan.explain.js words it)', async () => {
  W.measureplanExplain = { explain: (await import('../../src/plan/explain')).explain };
  try {
    inlinePlan('{\n  "version": 1,\n  "currency": EUR\n}');
    await boot();
    expect(await W.measureplan.ready).toBe(false);
    await settle();
    expect(page.errors).toHaveLength(1);
    const msg = String(page.errors[0]![0]);
    expect(msg).toMatch(/^measureplan: the inline plan .* has 1 problem; nothing will be tracked\./);
    expect(msg).toContain('(plan): The plan is not valid JSON (line 3, column 15): EUR is not in quotes. Text is written in double quotes: "EUR".');
  } finally {
    delete W.measureplanExplain;
  }
});

// Pinned by the mutation review of 2026-12-07: each test below fails on the slip it names.
// Kills L3 (index.ts:62 `stub?.r?.(ok)` removed): docs/script-tag.md "`measureplan.ready` is there
// from the stub on"; stub.js: "`ready` settles with the tag's". A page that took `ready` from the
// stub (an inline script before the tag) waited forever.
it("the stub's ready, taken before the tag ran, settles with the tag's (true for a good plan)", async () => {
  realStub();
  const early = W.measureplan.ready;
  inlinePlan(JSON.stringify(PLAN));
  await boot();
  expect(await within(early, 1000)).toBe('resolved');
  expect(await early).toBe(true);
});

it("the stub's linkUrl answers the address as given before the tag runs, queues nothing, and the tag's answers after", async () => {
  realStub();
  expect(W.measureplan.linkUrl('https://checkout.example.no/pay?id=1')).toBe('https://checkout.example.no/pay?id=1');
  expect(W.measureplan.q).toEqual([]);
  inlinePlan(JSON.stringify(PLAN));
  await boot();
  expect(await W.measureplan.ready).toBe(true);
  expect(W.measureplan.linkUrl('/next')).toBe('/next'); // the tracker's own, for a plan without a linker
});

it("the stub's ready settles false for a broken plan", async () => {
  realStub();
  const early = W.measureplan.ready;
  inlinePlan('{ "version": 1, ');
  await boot();
  expect(await within(early, 1000)).toBe('resolved');
  expect(await early).toBe(false);
});

// Kills L5 (index.ts:75 `i >= 0` → `i > 0`): an on() made before the plan is in, then taken back
// before the plan is in, never hears anything (it is the first queued call here).
it('an on() unsubscribed before the plan is in is never called (first call in the queue)', async () => {
  inlinePlan(JSON.stringify(PLAN));
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
  inlinePlan('{ "version": 1, ');
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
  const warn = vi.mocked(console.warn);
  const tag = document.createElement('script');
  tag.src = 'https://shop.example/js/measureplan.iife.js';
  tag.setAttribute('data-debug', 'true');
  Object.defineProperty(document, 'currentScript', { value: tag, configurable: true });
  inlinePlan(JSON.stringify(PLAN));
  await boot();
  expect(await W.measureplan.ready).toBe(true);
  await settle();
  const file = [...document.querySelectorAll<HTMLScriptElement>('script[src]')].find((s) => s.src.endsWith('/measureplan.debug.js'));
  expect(file).toBeTruthy();
  file!.dispatchEvent(new Event('load')); // an HTML page served with 200: it "loads", and defines nothing
  await settle();
  expect(warn.mock.calls.map((c) => String(c[0]))).toContain('measureplan: the debug panel (measureplan.debug.js next to the tag) could not be loaded');
});
