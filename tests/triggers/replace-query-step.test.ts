// @vitest-environment jsdom
/**
 * A router's replace to the same path with a query a page_view trigger matches on (a checkout step)
 * is a route change, while a variant picker's `?variant=` is not (diff review 2026-12-06).
 */
import { afterEach, expect, it } from 'vitest';
import { cleanUp, install, nextTask, plan } from './helpers';

afterEach(cleanUp);

it('a page_view trigger with a query match fires when the SPA replaceStates to that query on the same path', async () => {
  const p = plan('webshop');
  // A one-page checkout whose router uses replace (no back-button entry per step): /bestill?step=shipping → ?step=done
  p.conversions.visited_pricing!.trigger = { on: 'page_view', path: '/bestill', query: { step: 'done' } };
  history.replaceState(null, '', '/bestill?step=shipping');
  const t = install(p);
  await nextTask();
  expect(t.names()).toEqual([]);
  history.replaceState(null, '', '/bestill?step=done'); // Next.js router.replace('/bestill?step=done')
  await nextTask();
  expect(t.events).toEqual(['route', 'track visited_pricing']);
});

it("a same-path replaceState that changes only parameters no trigger names stays the same page", async () => {
  const p = plan('webshop');
  p.conversions.visited_pricing!.trigger = { on: 'page_view', path: '/bestill', query: { step: 'done' } };
  history.replaceState(null, '', '/bestill?step=shipping');
  const t = install(p);
  await nextTask();
  history.replaceState(null, '', '/bestill?step=shipping&variant=42');
  await nextTask();
  expect(t.events).toEqual([]);
});
