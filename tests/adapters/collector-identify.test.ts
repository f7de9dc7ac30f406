// @vitest-environment jsdom
/**
 * The collector's identify messages: one per identify() call. A call made before analytics consent
 * goes out when the grant loads the collector; a user remembered from an earlier page is not
 * announced again on every page view (QA, 2026-12-05: one identify() gave one message per page).
 */
import { describe, expect, it } from 'vitest';
import { collectEndpoint } from './collector-endpoint';
import { createTracker } from '../../src/core/create';
import { collector } from '../../adapters/collector/index';
import { example } from '../plan/fixtures';

const endpoint = collectEndpoint();

/** One page load: a tracker over the webshop plan (collector with page messages), consent undecided. */
function page() {
  const plan = example('webshop');
  plan.consent = { default: { analytics: 'denied', ads: 'denied' } };
  plan.destinations!.collector = { ...plan.destinations!.collector!, pages: true };
  return createTracker({ plan, adapters: [collector({ flushInterval: 10 })] });
}
const identifies = () => endpoint.messages().filter((m) => m.type === 'identify').map((m) => [m.userId, m.traits]);

describe('identify messages to the collector', () => {
  it('identify() before the grant is sent once the grant loads the collector', async () => {
    const login = page();
    login.identify('user-42', { plan: 'pro' });
    login.consent({ analytics: 'granted', ads: 'denied' });
    await login.shutdown();
    expect(identifies()).toEqual([['user-42', { plan: 'pro' }]]);
  });

  it('later pages that never call identify() send none: the remembered user is on their messages', async () => {
    const login = page();
    login.consent({ analytics: 'granted', ads: 'denied' });
    login.identify('user-42', { plan: 'pro' });
    await login.shutdown();
    expect(identifies()).toEqual([['user-42', { plan: 'pro' }]]);
    endpoint.messages().length = 0;
    for (let i = 0; i < 3; i++) {
      const next = page();
      next.consent({ analytics: 'granted', ads: 'denied' });
      next.track('phone_click');
      await next.shutdown();
    }
    expect(identifies()).toEqual([]);
    // Still known: every later message (a page and a phone_click per page) carries the user id.
    expect(endpoint.messages().map((m) => [m.type, m.userId])).toEqual(Array(3).fill([['page', 'user-42'], ['track', 'user-42']]).flat());
  });
});
