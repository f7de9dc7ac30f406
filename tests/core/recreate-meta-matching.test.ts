// @vitest-environment jsdom
/**
 * A tracker re-created on the page (diff review 2026-12-06): the first one initialised the pixel
 * with Kari's hashed e-mail; the second, with no user (identify(null): signed out, or the next
 * person on a shared device), initialises it again without data, so the next conversion is not
 * matched to Kari.
 */
import { beforeEach, expect, it } from 'vitest';
import { createTracker } from '../../src/index';
import { meta } from '../../adapters/meta';
import { example } from '../plan/fixtures';

const settle = (ms = 50) => new Promise((r) => setTimeout(r, ms));
const queue = () => (((window as any).fbq?.queue ?? []) as IArguments[]).map((c) => [...c]);
/** Hashing takes crypto.subtle's time, which a loaded machine stretches past any fixed wait. */
const until = async (what: () => boolean) => { for (let i = 0; i < 200 && !what(); i++) await settle(25); };
beforeEach(() => { localStorage.clear(); delete (window as any).fbq; delete (window as any)._fbq; });

it('a re-created tracker with no user does not keep the previous user\'s matching keys in force', async () => {
  const plan: any = example('webshop');
  delete plan.vitals;
  plan.destinations.meta.advancedMatching = true;
  const granted = { analytics: 'granted', ads: 'granted' } as const;
  const a = createTracker({ plan, adapters: [meta()] });
  a.consent(granted);
  a.identify('kari', { email: 'kari@example.no' });
  await until(() => queue().some((c) => c[0] === 'init' && c[2]?.em));
  expect(queue().some((c) => c[0] === 'init' && c[2]?.em)).toBe(true);
  await a.shutdown();
  const b = createTracker({ plan, adapters: [meta()] });
  b.consent(granted);
  b.identify(null); // signed out / the next person on a shared device
  await settle();
  b.track('add_to_cart' as never, { item_id: 'A', value: 10 } as never);
  await until(() => queue().some((c) => c[1] === 'AddToCart'));
  const calls = queue();
  const lastInitBeforeCart = calls.slice(0, calls.findIndex((c) => c[1] === 'AddToCart')).filter((c) => c[0] === 'init').at(-1)!;
  expect(lastInitBeforeCart[2] ?? {}).toEqual({}); // no e-mail hash of Kari's in force
});
