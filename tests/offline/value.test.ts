/**
 * Order values with thousands separators (QA finding 1): `1.234` in a German export is 1234 EUR,
 * not 1.234. A value is read only when its separators, the file or the currency say how;
 * otherwise it is refused with its row, never guessed.
 */
import { describe, expect, it } from 'vitest';
import { readOrders, type ReadOptions } from '../../src/offline/orders';
import { parseZone } from '../../src/offline/time';
import { parseValue, thousandsMarkOf } from '../../src/offline/value';

const NOW = Date.UTC(2026, 11, 6, 3, 0);
const opts: ReadOptions = { zone: parseZone('Europe/Berlin')!, now: NOW };
const ok = (raw: string, ctx = {}) => { const v = parseValue(raw, ctx); if ('problem' in v) throw new Error(v.problem); return v.text; };

describe('parseValue: one separator followed by exactly three digits', () => {
  it('is refused without anything to decide it, with a plain hint', () => {
    for (const raw of ['1.234', '1,234', '12.500', '999,000']) expect(parseValue(raw)).toHaveProperty('problem');
    expect(parseValue('1.234', { currency: 'EUR' })).toEqual({ problem: expect.stringMatching(/^"1\.234": is that 1234 or 1\.234\? Write 1234 or 1234\.00, without a thousands separator/) });
    expect(parseValue('12,500', { currency: 'USD' })).toEqual({ problem: expect.stringMatching(/^"12,500": is that 12500 or 12\.500\?/) });
  });

  it('is read by the thousands separator the file shows', () => {
    expect(ok('1.234', { thousands: '.', currency: 'EUR' })).toBe('1234');
    expect(ok('12,500', { thousands: ',', currency: 'USD' })).toBe('12500');
    // The file's other mark is its decimal mark, but three decimals fit only a currency that has them.
    expect(ok('1,234', { thousands: '.', currency: 'KWD' })).toBe('1.234');
    expect(parseValue('1,234', { thousands: '.', currency: 'USD' })).toEqual({ problem: expect.stringMatching(/other values make "," the decimal mark, but USD has no third decimal/) });
  });

  it('is read by the currency: three minor digits → decimal, none → thousands', () => {
    for (const c of ['KWD', 'BHD', 'JOD', 'OMR', 'TND', 'LYD']) expect(ok('1.234', { currency: c }), c).toBe('1.234');
    for (const c of ['JPY', 'KRW', 'ISK', 'CLP', 'VND']) expect(ok('1,234', { currency: c }), c).toBe('1234');
    // IQD: ISO 4217 says 3 minor digits, Intl (CLDR) says 0; neither reading is safe.
    expect(parseValue('1.234', { currency: 'IQD' })).toHaveProperty('problem');
  });

  it('is not ambiguous when the whole part cannot be a thousands group, or the fraction is not 3 digits', () => {
    expect(ok('0.500')).toBe('0.500');
    expect(ok('1234.567')).toBe('1234.567');
    expect(ok('12,50')).toBe('12.50');
    expect(ok('1.2345')).toBe('1.2345');
  });

  it('keeps reading what was never ambiguous', () => {
    expect(ok('1.234,50')).toBe('1234.50');
    expect(ok('1,234.50')).toBe('1234.50');
    expect(ok('2.500.000')).toBe('2500000');
    expect(ok('1 234,50')).toBe('1234.50');
    expect(ok("1'234.50")).toBe('1234.50');
    expect(ok('1\u00a0234')).toBe('1234');
  });
});

describe('parseValue: a thousands separator that does not group three digits (offline QA 2026-12-06)', () => {
  it('is refused, not read as thousands', () => {
    for (const raw of ['1.249.50', '1,249,50', '1.234.5', '12.34.567', '1,5,0', '1.23,50', '12,34.50']) {
      expect(parseValue(raw, { currency: 'NOK' }), raw).toEqual({ problem: expect.stringMatching(/does not group three digits/) });
    }
  });

  it('keeps the Indian grouping with commas, and regular groups', () => {
    expect(ok('1,23,456.50')).toBe('123456.50');
    expect(ok('12,34,567')).toBe('1234567');
    expect(ok('1.234.567,89')).toBe('1234567.89');
  });

  it('an irregular value names no thousands mark for the file', () => {
    expect(thousandsMarkOf(['1.249.50', '1.234'])).toBeUndefined();
    expect(thousandsMarkOf(['1,23,456.50'])).toBe(',');
  });
});

describe('thousandsMarkOf: what the value column shows', () => {
  it('a row with both marks, or one mark used twice, names the thousands separator', () => {
    expect(thousandsMarkOf(['1.234', '1.234,50'])).toBe('.');
    expect(thousandsMarkOf(['1,234', '2,500,000'])).toBe(',');
    expect(thousandsMarkOf(['1.234', '12,50', '99'])).toBeUndefined();
    // Rows that disagree decide nothing.
    expect(thousandsMarkOf(['1.234,50', '1,234.50'])).toBeUndefined();
  });
});

describe('readOrders on the German Excel export of the QA report (repro/de.csv)', () => {
  const de = '\uFEFForder_id;time;value;currency;email;phone;gclid\r\nB-1;2026-12-05 10:00;1.234;EUR;;;Cj0KCQ_test_1\r\nB-2;2026-12-05 10:01;1.234,50;EUR;;;Cj0KCQ_test_2\r\nB-3;2026-12-05 10:02;12.500;EUR;;;Cj0KCQ_test_3\r\nB-4;2026-12-05 10:03;1,234;USD;;;Cj0KCQ_test_4\r\nB-5;2026-12-05 10:04;2.500.000;EUR;;;Cj0KCQ_test_5\r\n';

  it('reads 1.234 and 12.500 as thousands, as rows 3 and 6 show, and refuses the US "1,234" with its row', () => {
    const r = readOrders(de, opts);
    expect(r.orders.map((o) => [o.orderId, o.valueText])).toEqual([['B-1', '1234'], ['B-2', '1234.50'], ['B-3', '12500'], ['B-5', '2500000']]);
    expect(r.skipped).toEqual([{ row: 5, orderId: 'B-4', reason: 'bad-value', message: expect.stringMatching(/^"1,234": is that 1234 or 1\.234\?/) }]);
  });

  it('without such a row, an ambiguous EUR value is refused, a JPY one read as thousands', () => {
    const r = readOrders('order_id,time,value,currency\nA,2026-12-05 10:00,1.234,EUR\nB,2026-12-05 10:00,"1,234",JPY\nC,2026-12-05 10:00,12.50,EUR\n', opts);
    expect(r.skipped.map((s) => [s.row, s.reason])).toEqual([[2, 'bad-value']]);
    expect(r.orders.map((o) => [o.orderId, o.valueText])).toEqual([['B', '1234'], ['C', '12.50']]);
  });
});
