// @vitest-environment jsdom
/**
 * `identify('', traits)` is documented as "traits without a user id" (a guest with an e-mail for
 * enhanced conversions): the collector's messages carry no `userId: ""` (lead-gen QA, 2026-12-06).
 */
import { beforeEach, expect, it } from 'vitest';
import { createTestTracker } from '../../src/testing/index';
import { example } from '../plan/fixtures';

beforeEach(() => { localStorage.clear(); });

it('sends identify, page and track messages without a userId for an empty user id', async () => {
  const plan: any = example('webshop');
  plan.destinations.collector.pages = true;
  const { tracker, recorder } = createTestTracker({ plan });
  tracker.identify('', { email: 'kari@example.com' });
  tracker.page();
  tracker.track('purchase', { transaction_id: 'E-1', value: 1, items: [{ item_id: 'A', price: 1, quantity: 1 }] });
  await tracker.flush();
  const messages = recorder.calls('collector').map((c) => c[1] as Record<string, unknown>);
  expect(messages.map((m) => m.type).sort()).toEqual(expect.arrayContaining(['identify', 'page', 'track']));
  for (const m of messages) expect(m).not.toHaveProperty('userId');
  expect(messages.find((m) => m.type === 'identify')!.traits).toEqual({ email: 'kari@example.com' });
});
