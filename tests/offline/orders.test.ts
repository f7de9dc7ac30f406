/** The orders CSV → orders: header aliases, values, currencies, and every unusable row with its reason. */
import { describe, expect, it } from 'vitest';
import { OrdersError, parseValue, readOrders, type ReadOptions } from '../../src/offline/orders';
import { parseZone } from '../../src/offline/time';

const NOW = Date.UTC(2026, 2, 10, 12, 0);
const opts: ReadOptions = { zone: parseZone('Europe/Oslo')!, currency: 'NOK', now: NOW };

describe('header names', () => {
  it('are case-insensitive, with aliases; unknown columns are listed, not read', () => {
    const r = readOrders('Timestamp;Amount;E-Mail;Telephone;Anonymous ID;GCLID;Order Number;Customer name\n2026-03-01 10:00;100;A@Example.com;+47 41234567;v1;g1;A-1;Kari\n', opts);
    expect(r.delimiter).toBe(';');
    expect(r.columns).toEqual({ time: 'Timestamp', value: 'Amount', email: 'E-Mail', phone: 'Telephone', visitor_id: 'Anonymous ID', gclid: 'GCLID', order_id: 'Order Number' });
    expect(r.ignored).toEqual(['Customer name']);
    expect(r.orders[0]).toMatchObject({ row: 2, email: 'a@example.com', phone: '4741234567', visitorId: 'v1', clickIds: [{ id: 'g1', kind: 'gclid' }], orderId: 'A-1', currency: 'NOK', value: 100 });
  });

  it('a click_id column leaves the kind open; named columns set it', () => {
    const r = readOrders('time,value,click_id,msclkid,fbclid\n2026-03-01 10:00,1,abc,0123456789abcdef0123456789abcdef,fbx\n', opts);
    expect(r.orders[0]!.clickIds).toEqual([{ id: 'abc' }, { id: 'fbx', kind: 'fbclid' }, { id: '0123456789abcdef0123456789abcdef', kind: 'msclkid' }]);
  });

  it('without a time or value column the file cannot be used', () => {
    expect(() => readOrders('when,value\nx,1\n', opts)).toThrow(OrdersError);
    expect(() => readOrders('when,value\nx,1\n', opts)).toThrow(/no time column \(its columns: "when", "value"\)/);
    expect(() => readOrders('time,price_each\nx,1\n', opts)).toThrow(/no value column/);
    expect(() => readOrders('', opts)).toThrow(/empty/);
    expect(() => readOrders('time,value\n"2026-03-01,1\n', opts)).toThrow(/never closed/);
  });
});

describe('values', () => {
  const v = (s: string) => parseValue(s);
  it('reads decimal commas and dots, thousands separators and spaces', () => {
    expect(v('1234.50')).toEqual({ value: 1234.5, text: '1234.50' });
    expect(v('1 234,50')).toEqual({ value: 1234.5, text: '1234.50' });
    expect(v('1.234,50')).toEqual({ value: 1234.5, text: '1234.50' });
    expect(v('1,234.50')).toEqual({ value: 1234.5, text: '1234.50' });
    expect(v('1.234.567')).toEqual({ value: 1234567, text: '1234567' });
    expect(v('\u00a02499 ')).toEqual({ value: 2499, text: '2499' });
    expect(v('0,5')).toEqual({ value: 0.5, text: '0.5' });
    expect(v('007')).toEqual({ value: 7, text: '7' });
  });
  it('refuses what is not an amount', () => {
    for (const s of ['', 'abc', 'kr 100', '1.2.3,4,5', '-100', ',', '1e5']) expect(v(s)).toHaveProperty('problem');
    expect(v('-100')).toEqual({ problem: expect.stringMatching(/negative/) });
  });
});

describe('rows that cannot be used are listed with the reason', () => {
  const csv = [
    'order_id,time,value,currency,email,phone',
    'A-1,2026-03-01 10:00,100,NOK,a@example.com,',
    'A-2,yesterday,100,NOK,,',
    'A-3,2026-03-01 10:00,lots,NOK,,',
    'A-4,2026-03-01 10:00,100,XYZ,,',
    'A-1,2026-03-02 10:00,100,NOK,,',
    'A-6,2026-03-01 10:00,1,5,NOK,,',
    'A-7,2026-04-01 10:00,100,NOK,,',
    'A-8,2026-03-01 10:00,100,,,',
    ',,,,,',
    'A-9,2026-03-01 10:00,100,eur,not-an-email,41234567',
  ].join('\n');

  it('bad-time, bad-value, bad-currency, duplicate-order, bad-row, in the future', () => {
    const r = readOrders(csv, opts);
    expect(r.skipped.map((s) => [s.row, s.orderId, s.reason])).toEqual([
      [3, 'A-2', 'bad-time'],
      [4, 'A-3', 'bad-value'],
      [5, 'A-4', 'bad-currency'],
      [6, 'A-1', 'duplicate-order'],
      [7, 'A-6', 'bad-row'],
      [8, 'A-7', 'bad-time'],
    ]);
    expect(r.skipped.find((s) => s.row === 6)!.message).toBe('order A-1 is also on row 2; it is exported once');
    expect(r.skipped.find((s) => s.row === 7)!.message).toMatch(/7 fields and the header 6: a value with a comma in it needs double quotes/);
    expect(r.skipped.find((s) => s.row === 8)!.message).toMatch(/in the future/);
    expect(r.rows).toBe(9); // the empty ,,,,, row is a blank spreadsheet row, not an order
    expect(r.orders.map((o) => o.row)).toEqual([2, 9, 11]);
  });

  it('uses --currency for rows without one, and upper-cases codes', () => {
    const r = readOrders(csv, opts);
    expect(r.orders.find((o) => o.row === 9)!.currency).toBe('NOK');
    expect(r.orders.find((o) => o.row === 11)!.currency).toBe('EUR');
    const none = readOrders('time,value\n2026-03-01 10:00,1\n', { ...opts, currency: undefined });
    expect(none.skipped).toEqual([{ row: 2, reason: 'bad-currency', message: expect.stringMatching(/no currency/) }]);
  });

  it('keeps why an e-mail or phone could not be used, never the e-mail itself', () => {
    const o = readOrders(csv, opts).orders.find((x) => x.row === 11)!;
    expect(o.email).toBeUndefined();
    expect(o.phone).toBeUndefined();
    expect(o.contactProblems).toEqual(['column "email": the e-mail is not an address', expect.stringMatching(/^column "phone": .*no country code/)]);
    expect(JSON.stringify(o.contactProblems)).not.toContain('not-an-email');
    const withCountry = readOrders(csv, { ...opts, phoneCountry: '47' }).orders.find((x) => x.row === 11)!;
    expect(withCountry.phone).toBe('4741234567');
  });
});
