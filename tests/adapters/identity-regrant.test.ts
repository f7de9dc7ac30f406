// @vitest-environment jsdom
/**
 * A sign-out or sign-in made while the adapter's consent category is withdrawn reaches no
 * identify() hook (the tracker calls it for granted categories only). On a new grant Meta and GA4
 * compare the user now with the one they last gave the vendor, and pass the change on before the
 * conversions that follow (QA: Anna's matching keys, and her GA4 user_id, stayed in force for
 * Bjørn's purchase).
 */
import 'fake-indexeddb/auto';
import { createHash } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { createTracker } from '../../src/core/create';
import { meta } from '../../adapters/meta/index';
import { ga4 } from '../../adapters/ga4/index';
import { example } from '../plan/fixtures';
import { commands, resetWindow } from './harness';

const w = window as any;
const sha = (s: string) => createHash('sha256').update(s).digest('hex');
const wait = (ms = 10) => new Promise((r) => setTimeout(r, ms));
/** Hashing takes crypto.subtle's time, which a loaded machine stretches past any fixed wait. */
const until = async (what: () => boolean) => { for (let i = 0; i < 200 && !what(); i++) await wait(25); };
const both = { analytics: 'granted', ads: 'granted' } as const;
const last = <T>(a: T[], is: (x: T) => boolean) => { for (let i = a.length - 1; i >= 0; i--) if (is(a[i]!)) return i; return -1; };
const order = (id: string) => ({ transaction_id: id, value: 499, items: [{ item_id: 'SKU-1', price: 499 }] });

beforeEach(() => { resetWindow(); localStorage.clear(); });

describe('meta: advanced matching after ads consent is withdrawn and granted again', () => {
  const plan = () => {
    const p: any = example('webshop');
    delete p.vitals;
    p.destinations.meta.advancedMatching = true;
    return p;
  };
  const queue = () => commands(w.fbq?.queue);
  /** The last init queued before the first `event` call (its matching keys; {} for none). */
  const keysBefore = (event: string) => {
    const calls = queue();
    const at = calls.findIndex((c) => c[1] === event);
    expect(at).toBeGreaterThan(0);
    return (calls.slice(0, at).filter((c) => c[0] === 'init').at(-1)![2] ?? {}) as Record<string, string>;
  };
  const anna = { em: sha('anna@example.no'), external_id: sha('u-a') };

  /** Anna signs in with both categories granted; ads consent is then withdrawn. */
  async function annaThenWithdrawn() {
    const t = createTracker({ plan: plan(), adapters: [meta()] });
    t.consent(both);
    t.identify('u-a', { email: 'anna@example.no' });
    await until(() => queue().some((c) => c[0] === 'init' && (c[2] as any)?.em === anna.em));
    expect(queue().filter((c) => c[0] === 'init').at(-1)![2]).toEqual(anna);
    t.consent({ analytics: 'granted', ads: 'denied' });
    await wait();
    return t;
  }

  it('a sign-out and the next person\'s sign-in made while withdrawn: the re-grant inits with Bjørn\'s keys before his Purchase', async () => {
    const t = await annaThenWithdrawn();
    t.identify(null);
    t.identify('u-b', { email: 'bjorn@example.no' });
    t.consent(both);
    t.track('purchase' as never, order('T-1') as never); // in the same task as the grant
    await until(() => queue().some((c) => c[1] === 'Purchase'));
    await t.shutdown();
    expect(keysBefore('Purchase')).toEqual({ em: sha('bjorn@example.no'), external_id: sha('u-b') });
    const text = JSON.stringify(queue().slice(queue().findIndex((c) => c[0] === 'consent' && c[1] === 'revoke')));
    expect(text).not.toContain(anna.em);
  });

  it('a sign-out made while withdrawn: the re-grant sends an init without data before the next conversion', async () => {
    const t = await annaThenWithdrawn();
    t.identify(null);
    t.consent(both);
    t.track('add_to_cart' as never, { item_id: 'SKU-1', value: 499 } as never);
    await until(() => queue().some((c) => c[1] === 'AddToCart'));
    await t.shutdown();
    expect(keysBefore('AddToCart')).toEqual({});
    // The init without data comes after the grant, not before it.
    const after = queue().slice(last(queue(), (c) => c[0] === 'consent' && c[1] === 'grant')).map((c) => c[0] === 'init' ? ['init', c[2]] : c.slice(0, 2));
    expect(after).toEqual([['consent', 'grant'], ['init', {}], ['track', 'AddToCart']]);
  });

  it('the same user after the re-grant: no new init', async () => {
    const t = await annaThenWithdrawn();
    const inits = queue().filter((c) => c[0] === 'init').length;
    t.consent(both);
    t.track('add_to_cart' as never, { item_id: 'SKU-1', value: 499 } as never);
    await until(() => queue().some((c) => c[1] === 'AddToCart'));
    await wait(50);
    await t.shutdown();
    expect(queue().filter((c) => c[0] === 'init')).toHaveLength(inits);
    expect(keysBefore('AddToCart')).toEqual(anna);
  });
});

describe('ga4: user_id after analytics consent is withdrawn and granted again', () => {
  const G = 'G-F1X2Y3Z4W5';
  const plan = () => { const p: any = example('webshop'); delete p.vitals; return p; };
  const layer = () => commands(w.dataLayer);
  /** The user_id of each config for GA4 after load, in order. */
  const userIds = () => layer().filter((c) => c[0] === 'config' && c[1] === G && c[2] && 'user_id' in (c[2] as object)).map((c) => (c[2] as any).user_id);

  async function annaThenWithdrawn() {
    const t = createTracker({ plan: plan(), adapters: [ga4()] });
    t.consent(both);
    t.identify('u-a', { email: 'anna@example.no' });
    await wait();
    t.consent({ analytics: 'denied', ads: 'granted' });
    await wait();
    return t;
  }

  it('a sign-out made while withdrawn: the re-grant sends user_id null, after the grant and before the next event', async () => {
    const t = await annaThenWithdrawn();
    t.identify(null);
    t.consent(both);
    t.track('add_to_cart' as never, { item_id: 'SKU-1', value: 499 } as never);
    await wait();
    await t.shutdown();
    expect(userIds().at(-1)).toBeNull();
    const calls = layer();
    const config = last(calls, (c) => c[0] === 'config' && (c[2] as any)?.user_id === null);
    const grant = last(calls, (c) => c[0] === 'consent' && (c[2] as any)?.analytics_storage === 'granted');
    const event = calls.findIndex((c) => c[0] === 'event' && c[1] === 'add_to_cart');
    expect(grant).toBeGreaterThan(0);
    expect(config).toBeGreaterThan(grant);
    expect(event).toBeGreaterThan(config);
    expect(calls[config]![2]).toEqual({ user_id: null, send_page_view: false });
  });

  it('a sign-out and another sign-in made while withdrawn: the re-grant sends the new user_id', async () => {
    const t = await annaThenWithdrawn();
    t.identify(null);
    t.identify('u-b', { email: 'bjorn@example.no' });
    t.consent(both);
    await wait();
    await t.shutdown();
    expect(userIds()).toEqual(['u-a', 'u-b']);
  });

  it('the same user after the re-grant: no new config', async () => {
    const t = await annaThenWithdrawn();
    t.consent(both);
    await wait();
    await t.shutdown();
    expect(userIds()).toEqual(['u-a']);
  });
});
