// @vitest-environment jsdom
/**
 * A session is one visit, however the visitor moves between tabs and routes: new only after 30
 * minutes without activity anywhere (docs/api.md). Before (tabs QA 2026-12-06), a tab quiet for
 * 31 minutes started a session of its own while the visitor was active in another tab, and a
 * once_per_session conversion was sent again in it; and (identity QA 2026-12-06) a single-page
 * app's route changes were no activity: a new session 30 minutes after the last conversion.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createTracker } from '../../src/core/create';
import type { Adapter, ConversionEvent } from '../../src/core/types';
import { example } from '../plan/fixtures';

const T0 = Date.UTC(2026, 11, 4, 9, 0, 0);
const MIN = 60_000;
beforeEach(() => { localStorage.clear(); vi.useFakeTimers({ now: T0, toFake: ['Date'] }); });
afterEach(() => { vi.useRealTimers(); });

function tab() {
  const sent: ConversionEvent[] = [];
  const ga4: Adapter = { name: 'ga4', category: 'analytics', load: () => undefined, send: (e) => { sent.push(e); } };
  const plan: any = example('webshop');
  delete plan.vitals;
  const tracker = createTracker({ plan, adapters: [ga4] });
  tracker.consent({ analytics: 'granted', ads: 'granted' });
  const at = (min: number, name: string, props: object = { item_id: 'A', value: 10 }) => { vi.setSystemTime(T0 + min * MIN); tracker.track(name as never, props as never); };
  return { tracker, sent, at };
}

it('two tabs taking turns stay one session, and a once_per_session conversion is sent once in it', async () => {
  const a = tab();
  a.at(0, 'add_to_cart');
  const b = tab();
  b.at(20, 'add_to_cart');
  b.at(20, 'begin_checkout', {});
  a.at(31, 'add_to_cart'); // quiet in this tab for 31 minutes, active in the other 11 minutes ago
  a.at(31, 'begin_checkout', {});
  b.at(32, 'add_to_cart');
  await a.tracker.flush(); await b.tracker.flush();
  const all = [...a.sent, ...b.sent];
  expect(new Set(all.map((e) => e.sessionId)).size).toBe(1);
  expect(all.filter((e) => e.name === 'begin_checkout')).toHaveLength(1);
});

it('after 30 minutes without activity in any tab, the next event starts a new session', async () => {
  const a = tab();
  a.at(0, 'add_to_cart');
  const b = tab();
  b.at(5, 'add_to_cart');
  a.at(36, 'add_to_cart');
  await a.tracker.flush(); await b.tracker.flush();
  expect(a.sent[0]!.sessionId).toBe(b.sent[0]!.sessionId);
  expect(a.sent[1]!.sessionId).not.toBe(a.sent[0]!.sessionId);
});

it("a single-page app's route changes keep the visit going", async () => {
  const a = tab();
  a.at(0, 'add_to_cart');
  for (const min of [15, 30, 45]) { vi.setSystemTime(T0 + min * MIN); history.pushState(null, '', `/route-${min}`); a.tracker.page(); }
  a.at(60, 'add_to_cart');
  await a.tracker.flush();
  expect(a.sent.map((e) => e.sessionId)).toEqual([a.sent[0]!.sessionId, a.sent[0]!.sessionId]);
});

// A sign-out in one tab while another tab keeps the signed-in user's page (second read 2026-12-06).

it('the next person after a sign-out in tab A is not put into the signed-in user\'s session kept alive in tab B', async () => {
  const a = tab();
  vi.setSystemTime(T0); a.tracker.identify('u1', {});
  a.at(0, 'begin_checkout', {});            // u1's session S1 counts begin_checkout (once_per_session)
  const b = tab();                           // a second tab of u1 (reads aid, uid, S1)
  b.at(2, 'add_to_cart');
  vi.setSystemTime(T0 + 3 * MIN); a.tracker.identify(null);   // u1 signs out in tab A: a new visitor, a new session
  b.at(10, 'add_to_cart');                   // tab B (still u1's page) is used: it writes S1 back
  a.at(34, 'add_to_cart');                   // the next person in tab A, 31 min after A's last activity
  a.at(34, 'begin_checkout', {});            // their own checkout
  await a.tracker.flush(); await b.tracker.flush();
  const s1 = a.sent[0]!.sessionId;
  const after = a.sent.slice(1);
  expect(after[0]!.anonymousId).not.toBe(a.sent[0]!.anonymousId); // a new visitor, as intended
  expect(after[0]!.sessionId).not.toBe(s1);                     // ... in a session of their own
  expect(after.filter((e) => e.name === 'begin_checkout')).toHaveLength(1); // their checkout is counted
});

it('tab B (still the signed-in user) does not take over the session of the next person in tab A', async () => {
  const a = tab();
  vi.setSystemTime(T0); a.tracker.identify('u1', {});
  a.at(0, 'add_to_cart');
  const b = tab();
  b.at(1, 'add_to_cart');
  vi.setSystemTime(T0 + 5 * MIN); a.tracker.identify(null);
  a.at(20, 'begin_checkout', {});            // the next person checks out in tab A (their S2)
  b.at(40, 'add_to_cart');                   // u1's old tab, quiet 39 min
  b.at(40, 'begin_checkout', {});
  await a.tracker.flush(); await b.tracker.flush();
  const s2 = a.sent.find((e) => e.name === 'begin_checkout')!.sessionId;
  expect(b.sent.at(-1)!.userId).toBe('u1');
  expect(b.sent.filter((e) => e.sessionId === s2)).toHaveLength(0); // u1's events not in the next person's session
  expect(b.sent.filter((e) => e.name === 'begin_checkout')).toHaveLength(1);
});

describe('pinned by the mutation review of 2026-12-06', () => {
  // src/core/identity.ts saveSession's merge: what one tab counted stays counted when another writes the session.
  it('a once_per_session conversion of tab B stays counted after tab A (same visit) writes the session', async () => {
    const a = tab();
    a.at(0, 'add_to_cart');
    const b = tab();
    b.at(1, 'begin_checkout', {}); // once_per_session in the example plan
    a.at(2, 'add_to_cart'); // tab A touches the session (a write, > 10 s after its last)
    const c = tab(); // the visitor opens another page of the same visit
    c.at(3, 'begin_checkout', {});
    await a.tracker.flush(); await b.tracker.flush(); await c.tracker.flush();
    const all = [...a.sent, ...b.sent, ...c.sent];
    expect(new Set(all.map((e) => e.sessionId)).size).toBe(1);
    expect(all.filter((e) => e.name === 'begin_checkout')).toHaveLength(1);
  });

  // docs/api.md: "`utm` ... from the landing URL": a page landing with its own UTM parameters in a
  // running session carries those, not the ones an earlier page of the session stored.
  it('a second landing from another campaign in the same session carries its own utm', () => {
    history.replaceState(null, '', '/landing?utm_source=newsletter&utm_campaign=spring');
    const first = tab();
    first.at(0, 'add_to_cart');
    history.replaceState(null, '', '/landing?utm_source=facebook&utm_campaign=summer');
    const second = tab();
    second.at(1, 'add_to_cart');
    history.replaceState(null, '', '/');
    expect(first.sent[0]!.utm).toEqual({ utm_source: 'newsletter', utm_campaign: 'spring' });
    expect(second.sent[0]!.sessionId).toBe(first.sent[0]!.sessionId);
    expect(second.sent[0]!.utm).toEqual({ utm_source: 'facebook', utm_campaign: 'summer' });
  });
});
