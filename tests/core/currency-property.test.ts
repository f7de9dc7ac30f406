// @vitest-environment jsdom
/**
 * A conversion that declares a `currency` property carries the order's own currency to every
 * destination (money QA 2026-12-06: a 2499 EUR order in a NOK plan went out as 2499 NOK).
 */
import { beforeEach, expect, it, vi } from 'vitest';
import { createTestTracker } from '../../src/testing/index';
import { example } from '../plan/fixtures';

beforeEach(() => { localStorage.clear(); });

function shop(debug = false) {
  const plan: any = example('webshop');
  plan.conversions.purchase.properties.currency = { type: 'string', optional: true };
  delete plan.conversions.purchase.limit; // two orders on one page in the second test
  return createTestTracker({ plan, debug });
}
const items = [{ item_id: 'SKU-1', price: 2499, quantity: 1 }];

it("sends the order's ISO currency instead of the plan's", async () => {
  const { tracker, recorder } = shop();
  tracker.track('purchase', { transaction_id: 'C-1', value: 2499, items, currency: 'EUR' });
  await tracker.flush();
  expect(recorder.errors()).toEqual([]);
  expect(recorder.conversions('purchase')[0]).toMatchObject({ value: 2499, currency: 'EUR' });
  expect(recorder.calls('ga4').find((c) => c[1] === 'purchase')![2]).toMatchObject({ value: 2499, currency: 'EUR' });
  expect(recorder.calls('googleAds').find((c) => c[1] === 'conversion')![2]).toMatchObject({ value: 2499, currency: 'EUR' });
  expect(recorder.calls('meta').find((c) => c[1] === 'Purchase')![2]).toMatchObject({ value: 2499, currency: 'EUR' });
  const msg = recorder.calls('collector').find((c) => c[0] === 'track')![1] as any;
  expect(msg.properties).toMatchObject({ value: 2499, currency: 'EUR' });
});

it("keeps the plan's currency when the property is absent or not an ISO code", async () => {
  const { tracker, recorder } = shop();
  tracker.track('purchase', { transaction_id: 'C-2', value: 10, items });
  tracker.track('purchase', { transaction_id: 'C-3', value: 10, items, currency: 'kr' });
  await tracker.flush();
  expect({ currencies: recorder.conversions('purchase').map((e) => e.currency), errors: recorder.errors(), skipped: recorder.skipped() }).toEqual({ currencies: ['NOK', 'NOK'], errors: [], skipped: [] });
});

it('takes a lower-case ISO code as the code (eur is EUR), and says in debug mode when it falls back (vendors QA 2026-12-06)', async () => {
  // 100 EUR sent as 100 NOK is a tenth of the revenue in every ad platform, without a word.
  const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
  try {
    const { tracker, recorder } = shop(true);
    tracker.track('purchase', { transaction_id: 'C-4', value: 100, items, currency: 'eur' });
    tracker.track('purchase', { transaction_id: 'C-5', value: 100, items, currency: 'euro' });
    await tracker.flush();
    expect(recorder.conversions('purchase').map((e) => e.currency)).toEqual(['EUR', 'NOK']);
    expect(recorder.calls('meta').find((c) => c[1] === 'Purchase')![2]).toMatchObject({ value: 100, currency: 'EUR' });
    const said = warn.mock.calls.map((c) => String(c[0])).filter((m) => m.includes('ISO 4217'));
    expect(said).toEqual(['measureplan: purchase: currency "euro" is not an ISO 4217 code; the value goes in the plan\'s currency (NOK)']);
  } finally { warn.mockRestore(); }
});

it('a lower-case code passes the pattern docs/plan.md shows, and a code that is no code is refused by it (money QA 2026-12-06)', async () => {
  // With `"pattern": "^[A-Z]{3}$"`, "usd" lost the whole order at every destination.
  const plan: any = example('webshop');
  plan.conversions.purchase.properties.currency = { type: 'string', optional: true, pattern: '^[A-Z]{3}$' };
  delete plan.conversions.purchase.limit;
  const { tracker, recorder } = createTestTracker({ plan });
  tracker.track('purchase', { transaction_id: 'C-6', value: 40.03, items, currency: 'usd' });
  tracker.track('purchase', { transaction_id: 'C-7', value: 100, items, currency: 'US$' });
  await tracker.flush();
  expect(recorder.conversions('purchase').map((e) => [e.transactionId, e.value, e.currency, e.properties.currency])).toEqual([['C-6', 40.03, 'USD', 'USD']]);
  expect(recorder.calls('ga4').find((c) => c[1] === 'purchase')![2]).toMatchObject({ value: 40.03, currency: 'USD' });
  expect(recorder.errors().map((e) => e.reason)).toEqual([expect.stringMatching(/^currency must match \^\[A-Z\]\{3\}\$; the conversion was not sent/)]);
});

it('a plan whose own rule lists lower-case codes keeps them, and sends the capitals to the vendors (second read 2026-12-06)', async () => {
  const plan: any = example('webshop');
  plan.conversions.purchase.properties.currency = { type: 'string', optional: true, enum: ['nok', 'eur', 'usd'] };
  delete plan.conversions.purchase.limit;
  const { tracker, recorder } = createTestTracker({ plan });
  tracker.track('purchase', { transaction_id: 'C-8', value: 40, items, currency: 'usd' });
  await tracker.flush();
  expect(recorder.errors()).toEqual([]);
  expect(recorder.conversions('purchase').map((e) => [e.currency, e.properties.currency])).toEqual([['USD', 'usd']]);
});

it("a third argument to track() from the page is not the order's currency (second read 2026-12-06)", async () => {
  const { tracker, recorder } = shop();
  (tracker.track as (...a: unknown[]) => void)('purchase', { transaction_id: 'C-9', value: 10, items }, { context: { ip: '0.0.0.0' } });
  await tracker.flush();
  expect(recorder.conversions('purchase').map((e) => e.currency)).toEqual(['NOK']);
});
