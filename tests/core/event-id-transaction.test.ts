// Pinned by the mutation review of 2026-12-06: src/core/enrich.ts eventId(): DESIGN.md "A conversion with a `dedupe` key (or
// a `transaction_id` property) gets an id derived from the conversion's name and that value".
import { expect, it } from 'vitest';
import { eventId } from '../../src/core/enrich';

it('without a dedupe key, a transaction_id property gives the derived id', () => {
  const c = { name: 'purchase', kind: 'macro', properties: { transaction_id: { type: 'string' } }, send: {} } as never;
  expect(eventId(c, { transaction_id: 'T-9' })).toBe('purchase:T-9');
  expect(eventId(c, { transaction_id: 1042 })).toBe('purchase:1042');
});

it('keeps an id within the 100 characters of a Segment or collect messageId: a longer key is digested, the same on every page (Node wing QA 2026-12-07)', async () => {
  const { toOutcome } = await import('../../src/server/message');
  const c = { name: 'subscription_started', kind: 'macro', properties: { transaction_id: { type: 'string' } }, send: {} } as never;
  const long = 'checkout-7f3c2a1e-5b7d-4e11-9a0c-1d2e3f4a5b6c-7f3c2a1e-5b7d-4e11-9a0c-1d2e3f4a5b6c';
  const id = eventId(c, { transaction_id: long });
  expect(id).toMatch(/^subscription_started:[0-9a-z]+\.[0-9a-z]+$/);
  expect(eventId(c, { transaction_id: long })).toBe(id);
  expect(eventId(c, { transaction_id: `${long}x` })).not.toBe(id);
  // Exactly 100 characters stays in clear; one more is digested.
  const fits = 'x'.repeat(100 - 'subscription_started:'.length);
  expect(eventId(c, { transaction_id: fits })).toBe(`subscription_started:${fits}`);
  expect(eventId(c, { transaction_id: `${fits}y` })).not.toContain(fits);
  // The collect server stores it instead of quarantining it.
  const message = { type: 'track', event: 'subscription_started', messageId: id, anonymousId: 'a-1', timestamp: new Date().toISOString(), properties: { transaction_id: long } };
  expect(toOutcome(message, {}, new Date().toISOString(), undefined)).not.toHaveProperty('quarantined');
  expect(toOutcome({ ...message, messageId: `subscription_started:${long}` }, {}, new Date().toISOString(), undefined)).toHaveProperty('quarantined');
});
