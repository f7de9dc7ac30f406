// @vitest-environment jsdom
/**
 * A page that locked `history` (a hardening script; hostile QA 2026-12-06): the history methods
 * could not be wrapped and route tracking was off without a word. Its own file: the test locks
 * this window's history (spa-frozen.test.ts has the frozen one).
 */
import { afterEach, expect, it } from 'vitest';
import { cleanUp, install, plan } from './helpers';

afterEach(cleanUp);
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

it('history methods locked (not writable): routes are still noticed, and debug says how', async () => {
  const proto = History.prototype as any;
  const saved = ['pushState', 'replaceState'].map((m) => [m, Object.getOwnPropertyDescriptor(proto, m)!] as const);
  for (const [m, d] of saved) Object.defineProperty(proto, m, { ...d, writable: false });
  try {
    history.replaceState(null, '', '/');
    const t = install(plan('webshop'));
    expect(t.warnings).toEqual([expect.stringMatching(/locked history\.pushState\/replaceState.*within a second/)]);
    history.pushState(null, '', '/pricing');
    await wait(1100);
    expect(t.events).toEqual(['route', 'track visited_pricing']);
    await wait(1100);
    expect(t.events).toHaveLength(2); // once per route
  } finally {
    for (const [m, d] of saved) Object.defineProperty(proto, m, d);
  }
});
