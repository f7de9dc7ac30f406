// Pinned by the mutation review of 2026-12-06: src/core/enrich.ts eventId(): DESIGN.md "A conversion with a `dedupe` key (or
// a `transaction_id` property) gets an id derived from the conversion's name and that value".
import { expect, it } from 'vitest';
import { eventId } from '../../src/core/enrich';

it('without a dedupe key, a transaction_id property gives the derived id', () => {
  const c = { name: 'purchase', kind: 'macro', properties: { transaction_id: { type: 'string' } }, send: {} } as never;
  expect(eventId(c, { transaction_id: 'T-9' })).toBe('purchase:T-9');
  expect(eventId(c, { transaction_id: 1042 })).toBe('purchase:1042');
});
