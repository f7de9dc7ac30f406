/** How the report writes money (money QA 2026-12-06: 0.375 KWD read "0 KWD", a refund "-0 NOK"). */
import { expect, it } from 'vitest';
import { money } from '../../src/report/format';

it.each([
  [29084, 'NOK', '29,084 NOK'],
  [1299.5, 'NOK', '1,300 NOK'],
  [499.5, 'NOK', '499.5 NOK'],
  [0.375, 'KWD', '0.375 KWD'],
  [12.3456, 'KWD', '12.346 KWD'],
  [12.5, 'JPY', '13 JPY'],
  [-0.4, 'NOK', '-0.4 NOK'],
  [-0.001, 'NOK', '0 NOK'],
  [0, 'NOK', '0 NOK'],
  [12.345, null, '12.35'],
  [null, 'NOK', '—'],
])('%j %s → %j', (v, cur, text) => {
  expect(money(v, cur)).toBe(text);
});
