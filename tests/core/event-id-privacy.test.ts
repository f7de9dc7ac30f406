// @vitest-environment jsdom
/**
 * A lead form without a lead id deduplicates on the e-mail address: the event id that Meta,
 * LinkedIn, Microsoft and the collector receive must not carry it in clear (lead-gen QA,
 * 2026-12-06: `eventID: 'demo_request:kari@fjord.example'`).
 */
import { beforeEach, expect, it } from 'vitest';
import { createTestTracker } from '../../src/testing/index';
import { hash64 } from '../../src/core/dedupe';
import { example } from '../plan/fixtures';

beforeEach(() => { localStorage.clear(); });

/** The lead-gen plan's demo request, deduplicated on `key` (an e-mail or phone field of the form). */
function leads(key: 'email' | 'phone' = 'email') {
  const plan: any = example('leadgen');
  const c = plan.conversions.demo_request;
  c.properties = { [key]: { type: 'string' } };
  delete c.trigger;
  delete c.limit;
  c.dedupe = key;
  c.send.meta = { event: 'Lead' };
  plan.destinations.meta = { pixelId: '123456789012345' };
  return createTestTracker({ plan });
}

it('uses a digest of the lower-case address in the event id, a duplicate for the same address', async () => {
  const { tracker, recorder } = leads();
  tracker.track('demo_request', { email: 'Kari@Fjord.example' });
  tracker.track('demo_request', { email: 'Kari@Fjord.example' }); // the same lead again: a duplicate
  await tracker.flush();
  const [event, ...more] = recorder.conversions('demo_request');
  expect(more).toEqual([]);
  expect(event!.id).toBe(`demo_request:${hash64('kari@fjord.example')}`);
  const everything = JSON.stringify([recorder.calls('meta'), recorder.calls('linkedin'), recorder.calls('collector').filter((c) => c[0] === 'track').map((c) => (c[1] as any).messageId)]);
  expect(everything).toContain(event!.id);
  expect(everything.toLowerCase()).not.toContain('fjord');
});

it('keeps an order number in the id as it is (the shop\'s server sends the same id)', async () => {
  const { tracker, recorder } = createTestTracker({ plan: example('webshop') });
  tracker.track('purchase', { transaction_id: 'T-1001', value: 1, items: [{ item_id: 'A', price: 1, quantity: 1 }] });
  await tracker.flush();
  expect(recorder.conversions('purchase')[0]!.id).toBe('purchase:T-1001');
});

it('uses a digest for a phone number as the key too (a callback form), never the number in clear (security QA 2026-12-06)', async () => {
  const { tracker, recorder } = leads('phone');
  tracker.track('demo_request', { phone: '+47 912 34 567' });
  await tracker.flush();
  const [event] = recorder.conversions('demo_request');
  expect(event!.id).toBe(`demo_request:${hash64('+47 912 34 567')}`);
  const everything = JSON.stringify([recorder.calls('meta'), recorder.calls('linkedin'), recorder.calls('collector').filter((c) => c[0] === 'track').map((c) => (c[1] as any).messageId)]);
  expect(everything).toContain(event!.id);
  expect(everything).not.toMatch(/912 ?34 ?567/);
});

it('keeps an order number that has a phone number\'s shape in the id as it is: the shop\'s server rebuilds it (diff read 2026-12-06)', async () => {
  const ids: string[] = [];
  for (const t of ['2026 000123', '(2026) 1234', '100 234 567']) {
    const { tracker, recorder } = createTestTracker({ plan: example('webshop') }); // the plan counts one order per page
    tracker.track('purchase', { transaction_id: t, value: 1, items: [{ item_id: 'A', price: 1, quantity: 1 }] });
    await tracker.flush();
    ids.push(...recorder.conversions('purchase').map((e) => e.id));
  }
  expect(ids).toEqual(['purchase:2026 000123', 'purchase:(2026) 1234', 'purchase:100 234 567']);
});
