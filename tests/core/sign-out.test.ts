// @vitest-environment jsdom
/**
 * Sign-out on a shared device: after identify(null) of a user who was signed in, the next person
 * is a new visitor (a new anonymous id and session), so their browsing is not joined to the
 * previous person's in the store (nor handed to that person by `measureplan export`). A site that
 * calls identify(null) on every page for visitors who never signed in keeps them one visitor.
 */
import { beforeEach, expect, it } from 'vitest';
import { createTracker } from '../../src/core/create';
import type { Adapter, ConversionEvent } from '../../src/core/types';
import { example } from '../plan/fixtures';

function page(path = '/shop') {
  history.replaceState(null, '', path);
  const sent: ConversionEvent[] = [];
  const ga4: Adapter = { name: 'ga4', category: 'analytics', load: () => undefined, send: (e) => { sent.push(e); } };
  const tracker = createTracker({ plan: example('webshop'), adapters: [ga4] });
  const add = (sku: string) => tracker.track('add_to_cart' as never, { item_id: sku, value: 10 } as never);
  const ids = async () => { await tracker.flush(); return sent.map((e) => [e.anonymousId, e.sessionId, e.userId]); };
  return { tracker, add, ids };
}
const GRANTED = { analytics: 'granted', ads: 'granted' } as const;
beforeEach(() => localStorage.clear());

/** An earlier page where Kari signed in (stored `mp_uid`): her anonymous id and session. */
async function signedInEarlier(): Promise<string[]> {
  const first = page();
  first.tracker.consent(GRANTED);
  first.tracker.identify('u-kari');
  first.add('A');
  const [ids] = await first.ids() as [string[]];
  await first.tracker.shutdown();
  return ids;
}

it('a signed-in user signs out on the page: the events after it belong to a new visitor, kept on the next pages', async () => {
  const p = page();
  p.tracker.consent(GRANTED);
  p.tracker.identify('u-kari');
  p.add('A');
  p.tracker.identify(null);
  p.add('B');
  const [[aid1, sess1, user1], [aid2, sess2, user2]] = await p.ids() as [string[], string[]];
  expect(user1).toBe('u-kari');
  expect(user2).toBeUndefined();
  expect(aid2).not.toBe(aid1);
  expect(sess2).not.toBe(sess1);
  await p.tracker.shutdown();
  const next = page('/next');
  next.tracker.consent(GRANTED);
  next.add('C');
  expect(await next.ids()).toEqual([[aid2, sess2, undefined]]);
  await next.tracker.shutdown();
});

it('the stored user signs out on a later page, before the consent answer: a new visitor from the grant on', async () => {
  const [aid1, sess1] = await signedInEarlier();
  const second = page('/account');
  second.tracker.identify(null); // the banner is still open
  second.tracker.consent(GRANTED);
  second.add('B');
  const [[aid2, sess2, user2]] = await second.ids() as [string[]];
  expect([aid2 === aid1, sess2 === sess1, user2]).toEqual([false, false, undefined]);
  expect(JSON.parse(localStorage.getItem('mp_aid')!)).toBe(aid2);
  await second.tracker.shutdown();
});

for (const pending of [false, true]) {
  it(`the stored user signs out and another signs in on the same page, consent ${pending ? 'answered after both' : 'answered first'}: the new user is a new visitor (QA diffread11)`, async () => {
    const [aid1, sess1] = await signedInEarlier();
    const second = page('/account');
    if (!pending) second.tracker.consent(GRANTED);
    second.tracker.identify(null);
    second.tracker.identify('u-ola');
    if (pending) second.tracker.consent(GRANTED);
    second.add('B');
    const [[aid2, sess2, user2]] = await second.ids() as [string[]];
    expect([aid2 === aid1, sess2 === sess1, user2]).toEqual([false, false, 'u-ola']);
    await second.tracker.shutdown();
  });
}

it('the signed-in user identified again after an identify(null) on the same page (a reset, then the same user) stays the same visitor', async () => {
  const [aid1, sess1] = await signedInEarlier();
  const second = page('/next');
  second.tracker.identify(null);
  second.tracker.identify('u-kari');
  second.tracker.consent(GRANTED);
  second.add('B');
  expect(await second.ids()).toEqual([[aid1, sess1, 'u-kari']]);
  await second.tracker.shutdown();
});

it('identify(null) on every page of a visitor who never signed in changes nothing: one visitor, one session', async () => {
  const seen: unknown[] = [];
  for (const path of ['/', '/shop', '/cart']) {
    const p = page(path);
    p.tracker.identify(null);
    p.tracker.consent(GRANTED);
    p.tracker.identify(null);
    p.add(path);
    seen.push(...(await p.ids()).map(([a, s]) => `${a}/${s}`));
    await p.tracker.shutdown();
  }
  expect(new Set(seen).size).toBe(1);
});

it("once_per_user counted the signed-out user's conversions, not the next person's (identity QA 2026-12-06)", async () => {
  const sent: ConversionEvent[] = [];
  const ga4: Adapter = { name: 'ga4', category: 'analytics', load: () => undefined, send: (e) => { sent.push(e); } };
  const tracker = createTracker({ plan: example('webshop'), adapters: [ga4] });
  tracker.consent(GRANTED);
  tracker.identify('u-anna');
  tracker.track('newsletter_signup' as never, {} as never);
  tracker.identify(null);
  tracker.identify('u-bjorn');
  tracker.track('newsletter_signup' as never, {} as never);
  tracker.track('newsletter_signup' as never, {} as never); // his own second one: held
  await tracker.flush();
  expect(sent.filter((e) => e.name === 'newsletter_signup').map((e) => e.userId)).toEqual(['u-anna', 'u-bjorn']);
  expect(localStorage.getItem('mp_once')).not.toBeNull();
});
