// @vitest-environment jsdom
// A page's loop of conversions: the first AT_ONCE of a run go to the vendors at once, the rest in
// tasks of their own, in order; every other call of the tracker comes after them.
import { beforeEach, describe, expect, it } from 'vitest';
import { createTracker } from '../../src/core/create';
import { AT_ONCE } from '../../src/core/dispatch';
import type { Adapter, ConversionEvent, TrackerEvents } from '../../src/core/types';
import { example } from '../plan/fixtures';
import { ga4 } from '../../adapters/ga4/index';
import { commands } from '../adapters/harness';

function recorder(name: Adapter['name'], category: Adapter['category'], extra: Partial<Adapter> = {}) {
  const log: string[] = [];
  const sent: ConversionEvent[] = [];
  const adapter: Adapter = {
    name, category,
    load: () => undefined,
    send: (e) => { sent.push(e); log.push(`send ${String(e.properties.n ?? e.name)}`); },
    page: () => { log.push('page'); },
    identify: (who) => { log.push(`identify ${who.userId}`); },
    ...extra,
  };
  return { adapter, sent, log };
}

function setup(options: { debug?: boolean; send?: Adapter['send'] } = {}) {
  const plan = example('webshop');
  plan.consent = { default: { analytics: 'granted', ads: 'granted' } };
  // A conversion of our own with a counter, so that the order is visible.
  (plan.conversions as Record<string, unknown>).tick = { kind: 'micro', properties: { n: { type: 'integer' } }, send: { ga4: { event: 'tick' }, meta: { event: 'Lead' } } };
  const ga4 = recorder('ga4', 'analytics', options.send ? { send: options.send } : {});
  const meta = recorder('meta', 'ads');
  const tracker = createTracker({ plan, adapters: [ga4.adapter, meta.adapter], debug: options.debug });
  const errors: TrackerEvents['error'][] = [];
  tracker.on('error', (e) => errors.push(e));
  return { tracker: tracker as unknown as { track(n: string, p?: object): void } & typeof tracker, ga4, meta, errors };
}

/** The next task: a message posted after the burst runs after the dispatcher's first slice. */
const nextTask = () => new Promise<void>((r) => { const c = new MessageChannel(); c.port1.onmessage = () => { c.port1.close(); r(); }; c.port2.postMessage(0); });
const numbers = (sent: ConversionEvent[]) => sent.map((e) => e.properties.n);
const range = (n: number) => Array.from({ length: n }, (_, i) => i);

beforeEach(() => { localStorage.clear(); });

describe('a loop of conversions in one run of the page', () => {
  it('hands the first AT_ONCE over at once and the rest in later tasks, in order, each once', async () => {
    const t = setup();
    for (let i = 0; i < 100; i++) t.tracker.track('tick', { n: i });
    expect(numbers(t.ga4.sent)).toEqual(range(AT_ONCE));
    expect(numbers(t.meta.sent)).toEqual(range(AT_ONCE));
    for (let i = 0; i < 20 && t.ga4.sent.length < 100; i++) await nextTask();
    expect(numbers(t.ga4.sent)).toEqual(range(100));
    expect(numbers(t.meta.sent)).toEqual(range(100));
    expect(t.errors).toEqual([]);
  });

  it('a conversion in a later run, while the rest still wait, goes after them', async () => {
    const t = setup();
    for (let i = 0; i < AT_ONCE + 5; i++) t.tracker.track('tick', { n: i });
    await Promise.resolve(); // a new run of the page's code, before the dispatcher's task
    t.tracker.track('tick', { n: 999 });
    expect(t.ga4.sent).toHaveLength(AT_ONCE);
    await nextTask();
    expect(numbers(t.ga4.sent)).toEqual([...range(AT_ONCE + 5), 999]);
  });

  it('counts per run: AT_ONCE conversions in each of two runs all go at once', async () => {
    const t = setup();
    for (let i = 0; i < AT_ONCE; i++) t.tracker.track('tick', { n: i });
    await Promise.resolve();
    for (let i = AT_ONCE; i < 2 * AT_ONCE; i++) t.tracker.track('tick', { n: i });
    expect(numbers(t.ga4.sent)).toEqual(range(2 * AT_ONCE));
  });

  it('spreads slow deliveries over several tasks, so that the page gets its turn in between', () => {
    // The browser's task queue, run by hand: nextTask() prefers scheduler.postTask.
    const tasks: (() => void)[] = [];
    (globalThis as { scheduler?: object }).scheduler = { postTask: (fn: () => void) => { tasks.push(fn); return Promise.resolve(); } };
    try {
      const sent: number[] = [];
      // Each delivery takes 1 ms: a slice of 5 ms ends after 8 of them (the clock is read every 8).
      const t = setup({ send: (e) => { const until = performance.now() + 1; while (performance.now() < until); sent.push(e.properties.n as number); } });
      for (let i = 0; i < AT_ONCE + 40; i++) t.tracker.track('tick', { n: i });
      expect(sent).toHaveLength(AT_ONCE);
      const perTask: number[] = [];
      while (tasks.length) { const before = sent.length; tasks.shift()!(); if (sent.length > before) perTask.push(sent.length - before); }
      expect(perTask).toEqual([8, 8, 8, 8, 8]);
      expect(sent).toEqual(range(AT_ONCE + 40));
    } finally { delete (globalThis as { scheduler?: object }).scheduler; }
  });
});

describe('every other call comes after the conversions before it', () => {
  it('page() and identify() reach the vendors after the waiting conversions', () => {
    const t = setup();
    for (let i = 0; i < AT_ONCE + 2; i++) t.tracker.track('tick', { n: i });
    t.tracker.page();
    t.tracker.identify('u-1');
    expect(t.ga4.log.slice(-4)).toEqual([`send ${AT_ONCE}`, `send ${AT_ONCE + 1}`, 'page', 'identify u-1']);
  });

  it('conversions tracked before identify() go out as the visitor they were tracked for', () => {
    const users: (string | undefined)[] = [];
    const t = setup({ send: (_e, ctx) => { users.push(ctx.identity().userId); } });
    t.tracker.identify('u-1');
    for (let i = 0; i < AT_ONCE + 5; i++) t.tracker.track('tick', { n: i });
    t.tracker.identify('u-2');
    expect(users).toEqual(Array.from({ length: AT_ONCE + 5 }, () => 'u-1'));
  });

  it('conversions tracked before a withdrawal go out under the consent they were tracked with, none after', async () => {
    const t = setup();
    for (let i = 0; i < AT_ONCE + 10; i++) t.tracker.track('tick', { n: i });
    t.tracker.consent({ ads: 'denied' });
    t.tracker.track('tick', { n: 999 });
    await nextTask();
    expect(numbers(t.meta.sent)).toEqual(range(AT_ONCE + 10));
    expect(numbers(t.ga4.sent)).toEqual([...range(AT_ONCE + 10), 999]);
  });

  it('flush() hands the waiting conversions over before the adapters flush', async () => {
    const order: string[] = [];
    const t = setup();
    t.ga4.adapter.flush = async () => { order.push(`flush after ${t.ga4.sent.length}`); };
    for (let i = 0; i < AT_ONCE + 10; i++) t.tracker.track('tick', { n: i });
    await t.tracker.flush();
    expect(order).toEqual([`flush after ${AT_ONCE + 10}`]);
  });

  it('leaving the page (pagehide) hands everything over at once, and so does what is tracked after it', () => {
    const t = setup();
    for (let i = 0; i < AT_ONCE + 10; i++) t.tracker.track('tick', { n: i });
    window.dispatchEvent(new Event('pagehide'));
    expect(numbers(t.ga4.sent)).toEqual(range(AT_ONCE + 10));
    for (let i = 0; i < AT_ONCE + 10; i++) t.tracker.track('tick', { n: 100 + i });
    expect(t.ga4.sent).toHaveLength(2 * (AT_ONCE + 10));
  });

  it('a page hidden without a pagehide (a phone switching apps) hands everything over at once', () => {
    // On its own: after a pagehide the tracker is leaving already, and this could not fail (mutation review 2026-12-06).
    const t = setup();
    for (let i = 0; i < AT_ONCE + 10; i++) t.tracker.track('tick', { n: i });
    expect(t.ga4.sent).toHaveLength(AT_ONCE); // the rest wait for a task of their own
    Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true });
    document.dispatchEvent(new Event('visibilitychange'));
    delete (document as { visibilityState?: string }).visibilityState;
    expect(numbers(t.ga4.sent)).toEqual(range(AT_ONCE + 10));
  });

  it('debug output explains every conversion as it is tracked, so nothing waits', () => {
    const t = setup({ debug: true });
    const log = console.log, info = console.info, group = console.groupCollapsed, end = console.groupEnd, table = console.table;
    console.log = console.info = console.groupCollapsed = console.groupEnd = console.table = () => undefined;
    try {
      for (let i = 0; i < AT_ONCE + 10; i++) t.tracker.track('tick', { n: i });
    } finally { Object.assign(console, { log, info, groupCollapsed: group, groupEnd: end, table }); }
    expect(t.ga4.sent).toHaveLength(AT_ONCE + 10);
  });

  it('an adapter that throws in a later slice is reported and the other conversions still go', async () => {
    const t = setup({ send: (e) => { if (e.properties.n === AT_ONCE + 1) throw new Error('vendor bug'); } });
    for (let i = 0; i < AT_ONCE + 5; i++) t.tracker.track('tick', { n: i });
    await nextTask();
    expect(numbers(t.meta.sent)).toEqual(range(AT_ONCE + 5));
    expect(t.errors).toEqual([expect.objectContaining({ destination: 'ga4', reason: 'ga4 send failed: vendor bug' })]);
  });
});

describe('the Google tag and a route change while conversions wait', () => {
  it('the conversions handed over after the page moved on name the page they were tracked on', async () => {
    const plan = example('webshop');
    plan.consent = { default: { analytics: 'granted', ads: 'granted' } };
    (plan.conversions as Record<string, unknown>).tick = { kind: 'micro', properties: { n: { type: 'integer' } }, send: { ga4: { event: 'tick' } } };
    const tracker = createTracker({ plan, adapters: [ga4()] }) as unknown as { track(n: string, p?: object): void; shutdown(): Promise<void> };
    const from = location.href;
    try {
      for (let i = 0; i < AT_ONCE + 5; i++) tracker.track('tick', { n: i });
      history.pushState({}, '', '/next'); // the page's router, in the same run
      for (let i = 0; i < 5; i++) await nextTask();
      // The real gtag.js reads location when it processes each command: the waiting ones must carry theirs.
      const ticks = commands((window as any).dataLayer).filter((c) => c[0] === 'event' && c[1] === 'tick').map((c) => c[2] as Record<string, unknown>);
      expect(ticks.map((p) => p.n)).toEqual(range(AT_ONCE + 5));
      expect(ticks.slice(0, AT_ONCE).every((p) => p.page_location === undefined)).toBe(true);
      expect(ticks.slice(AT_ONCE).map((p) => p.page_location)).toEqual(Array(5).fill(from));
    } finally {
      history.replaceState({}, '', from);
      await tracker.shutdown();
    }
  });
});
