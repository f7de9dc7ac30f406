/**
 * The events table's `currency` column holds a currency code or nothing. Without a plan (which
 * quarantines a malformed code) the collect server stored the first three characters of any text:
 * "US dollars" as "US ", "euro" as "eur" (money QA 2026-12-06). The raw message keeps what was sent.
 */
import { expect, it } from 'vitest';
import { toOutcome } from '../../src/server/message';

const stored = (currency: unknown) => {
  const o = toOutcome({ type: 'track', event: 'purchase', anonymousId: 'v1', messageId: `m-${String(currency)}`, timestamp: '2026-12-06T10:00:00.000Z', properties: { value: 10, currency } }, {}, '2026-12-06T10:00:01.000Z', undefined);
  if (!('row' in o)) throw new Error(JSON.stringify(o));
  return o.row;
};

it('stores a three-letter code in capitals and nothing for any other text', () => {
  expect(stored('NOK').currency).toBe('NOK');
  expect(stored(' usd ').currency).toBe('USD');
  for (const bad of ['US dollars', 'euro', 'kr', 'NOK1', '€', 978, '']) expect(stored(bad).currency, String(bad)).toBeNull();
});

it('keeps what was sent in the raw message', () => {
  expect(JSON.parse(String(stored('US dollars').raw)).properties.currency).toBe('US dollars');
});
