// Finding 3 of the kit QA of 2026-12-07 without a page (environment: node, no localStorage, no
// navigator.locks): `await tracker.flush()` resolved only once a faked timer was advanced.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createTestTracker, installMatchers } from '../../src/testing/index';
import { example } from '../plan/fixtures';
import { settles } from '../support/settles';

installMatchers(expect);
afterEach(() => { vi.useRealTimers(); });

describe('createTestTracker in plain Node under vi.useFakeTimers()', () => {
  it('await tracker.flush() resolves for a conversion with a dedupe key, which is sent once', async () => {
    vi.useFakeTimers();
    const { tracker, recorder } = createTestTracker({ plan: example('webshop') });
    tracker.track('purchase', { transaction_id: 'T-1001', value: 2499, items: [{ item_id: 'SKU-TENT-2', item_name: 'Tent', price: 2499, quantity: 1 }] });
    expect(await settles(tracker.flush())).toBe('flushed');
    expect(recorder).toHaveSentConversion('purchase', { to: ['ga4', 'googleAds', 'meta'], value: 2499, times: 1 });
    expect(recorder.sent('ga4')[0]!.event.id).toBe('purchase:T-1001');
  });
});
