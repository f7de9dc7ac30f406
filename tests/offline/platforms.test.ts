/**
 * Each platform's upload, field by field, against journey-and-reports.md §7: Google Ads click
 * import, iOS and enhanced-conversions-for-leads files (§7.1), Meta Conversions API events (§7.2),
 * Microsoft Advertising offline conversions (§7.3). And: no e-mail or phone leaves unhashed.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { emptyIndex, type ClickIndex } from '../../src/offline/clicks';
import { exportOffline, type ExportOptions } from '../../src/offline/export';
import { clickFile, CLICK_HEADER, iosFile, leadsFile } from '../../src/offline/google-ads';
import { eventId, fbc, metaEvent, metaFiles } from '../../src/offline/meta';
import { microsoftFile } from '../../src/offline/microsoft';
import type { ClickKind, Order } from '../../src/offline/orders';
import { parseZone } from '../../src/offline/time';

const hex = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');
const DAY = 86_400_000;
const oslo = parseZone('Europe/Oslo')!;
/** 2026-03-01 13:00:00 in Oslo (CET, +01:00). */
const T = Date.UTC(2026, 2, 1, 12, 0);
const NOW = T + 2 * DAY;

function order(row: number, over: Partial<Order> = {}): Order {
  return { row, time: T, value: 2499, valueText: '2499.00', currency: 'NOK', contactProblems: [], clickIds: [], orderId: `A-${row}`, ...over };
}
function index(clicks: [string, ClickKind, string, number][]): ClickIndex {
  const ix = emptyIndex();
  for (const [v, kind, id, t] of clicks) {
    ix.byVisitor.set(v, [...(ix.byVisitor.get(v) ?? []), { kind, id, firstSeen: t, lastSeen: t }]);
    ix.byId.set(`${kind}:${id}`, { kind, id, firstSeen: t, lastSeen: t });
  }
  return ix;
}
const base: ExportOptions = { platform: 'google-ads', conversionName: 'Phone order', zone: oslo, lookbackDays: 90, now: NOW, store: true };
const lines = (s: string) => s.split('\n');

describe('Google Ads leads file: rows alike without an order id (offline QA 2026-12-06)', () => {
  it('keeps the first and skips the next as duplicate-order, as for Meta; rows with order ids or another customer stay', () => {
    const same = { orderId: undefined, email: 'kari@example.no' };
    const r = exportOffline([order(2, same), order(3, same), order(4, { ...same, email: 'ola@example.no' }), order(5, { email: 'kari@example.no' })], emptyIndex(), base);
    const leads = r.files.find((f) => f.part === 'leads')!;
    expect(leads.rows).toBe(3);
    expect(r.skipped).toEqual([{ row: 3, reason: 'duplicate-order', message: expect.stringMatching(/^the same time, value, currency and customer as row 2, and no order id/) }]);
  });

  it('compares the rows as the file writes them: a Gmail address with and without dots, 99.90 and 99.9', () => {
    const r = exportOffline([
      order(2, { orderId: undefined, email: 'kari.nordmann@gmail.com', value: 99.9, valueText: '99.90' }),
      order(3, { orderId: undefined, email: 'karinordmann@gmail.com', value: 99.9, valueText: '99.9' }),
    ], emptyIndex(), base);
    expect(r.files.find((f) => f.part === 'leads')!.rows).toBe(1);
    expect(r.skipped.map((x) => [x.row, x.reason])).toEqual([[3, 'duplicate-order']]);
  });
});

describe('Google Ads click import (§7.1)', () => {
  it('Parameters:TimeZone row, the exact header, yyyy-MM-dd HH:mm:ss times, value and currency', () => {
    const f = clickFile([{ gclid: 'Cj0KCQiA-abc_DEF', time: T, valueText: '2499.00', currency: 'NOK' }], { conversionName: 'Phone order', zone: oslo });
    expect(lines(f)).toEqual([
      'Parameters:TimeZone=Europe/Oslo',
      'Google Click ID,Conversion Name,Conversion Time,Conversion Value,Conversion Currency,Ad User Data,Ad Personalization',
      'Cj0KCQiA-abc_DEF,Phone order,2026-03-01 13:00:00,2499.00,NOK,,',
      '',
    ]);
    expect(CLICK_HEADER).toHaveLength(7);
  });

  it('an offset zone is written as +HHMM, and times never carry T or an offset', () => {
    const f = clickFile([{ gclid: 'g', time: T + 59_999, valueText: '1', currency: 'EUR' }], { conversionName: 'Call, then order', zone: parseZone('+01:00')! });
    const [param, , row] = lines(f);
    expect(param).toBe('Parameters:TimeZone=+0100');
    expect(row).toBe('g,"Call, then order",2026-03-01 13:00:59,1,EUR,,');
    expect(row!.split(',').slice(-5)[0]).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
  });

  it('orders in the hour that repeats when the clocks go back: the files are in UTC, both orders uploaded (time QA 2026-12-06)', () => {
    // 02:30 summer time and 02:30 winter time in Oslo, an hour apart, were written alike: one was skipped as a duplicate.
    const first = Date.UTC(2026, 9, 25, 0, 30);
    const second = Date.UTC(2026, 9, 25, 1, 30);
    const ix = index([['v1', 'gclid', 'G1', first - DAY]]);
    const at = (time: number) => ({ ...base, now: time + 2 * DAY });
    const r = exportOffline([order(2, { visitorId: 'v1', time: first }), order(3, { visitorId: 'v1', time: second })], ix, at(second));
    expect(r.skipped).toEqual([]);
    expect(lines(r.files[0]!.content)).toEqual([
      'Parameters:TimeZone=+0000',
      'Google Click ID,Conversion Name,Conversion Time,Conversion Value,Conversion Currency,Ad User Data,Ad Personalization',
      'G1,Phone order,2026-10-25 00:30:00,2499.00,NOK,,', // no consent record in this index: unknown
      'G1,Phone order,2026-10-25 01:30:00,2499.00,NOK,,',
      '',
    ]);
    // One order in the first pass (summer time) alone is as ambiguous (diff read 2026-12-06).
    expect(lines(exportOffline([order(2, { visitorId: 'v1', time: first })], ix, at(second)).files[0]!.content)[0]).toBe('Parameters:TimeZone=+0000');
    // Any other time stays in the shop's zone.
    const usual = exportOffline([order(2, { visitorId: 'v1', time: first + 2 * 3_600_000 })], ix, at(second));
    expect(lines(usual.files[0]!.content).slice(0, 1)).toEqual(['Parameters:TimeZone=Europe/Oslo']);
  });

  it('iOS clicks: separate GBRAID and WBRAID columns, one identifier per row', () => {
    const f = iosFile([{ kind: 'gbraid', id: 'GB1', time: T, valueText: '1', currency: 'NOK' }, { kind: 'wbraid', id: 'WB1', time: T, valueText: '2', currency: 'NOK' }], { conversionName: 'Phone order', zone: oslo });
    expect(lines(f)).toEqual([
      'Parameters:TimeZone=Europe/Oslo',
      'GBRAID,WBRAID,Conversion Name,Conversion Time,Conversion Value,Conversion Currency,Ad User Data,Ad Personalization',
      'GB1,,Phone order,2026-03-01 13:00:00,1,NOK,,',
      ',WB1,Phone order,2026-03-01 13:00:00,2,NOK,,',
      '',
    ]);
  });

  it('enhanced conversions for leads: Email and Phone Number as SHA-256 of the normalised values', () => {
    const f = leadsFile([
      { email: 'kari.nordmann@gmail.com', time: T, valueText: '10', currency: 'NOK' },
      { phone: '4741234567', time: T, valueText: '20', currency: 'NOK' },
      { email: 'test@example.com', phone: '4741234567', time: T, valueText: '30', currency: 'NOK' },
    ], { conversionName: 'Phone order', zone: oslo });
    expect(lines(f)).toEqual([
      'Parameters:TimeZone=Europe/Oslo',
      'Email,Phone Number,Conversion Name,Conversion Time,Conversion Value,Conversion Currency,Ad User Data,Ad Personalization',
      `${hex('karinordmann@gmail.com')},,Phone order,2026-03-01 13:00:00,10,NOK,,`,
      `,${hex('+4741234567')},Phone order,2026-03-01 13:00:00,20,NOK,,`,
      `973dfe463ec85785f5f95af5ba3906eedb2d931c24e69824a89ea65dba4e813b,${hex('+4741234567')},Phone order,2026-03-01 13:00:00,30,NOK,,`,
      '',
    ]);
  });

  it('routes each order: gclid → clicks, gbraid/wbraid → -ios, e-mail/phone only → -leads, nothing → skipped', () => {
    const ix = index([['v1', 'gclid', 'G1', T - DAY], ['v2', 'wbraid', 'W2', T - DAY], ['v5', 'gclid', 'OLD', T - 120 * DAY]]);
    const r = exportOffline([
      order(2, { visitorId: 'v1' }),
      order(3, { visitorId: 'v2' }),
      order(4, { email: 'kari@example.com' }),
      order(5, { visitorId: 'v5', phone: '4741234567' }),
      order(6, {}),
      order(7, { visitorId: 'v5' }),
    ], ix, base);
    expect(r.files.map((f) => [f.part, f.suffix, f.rows])).toEqual([['clicks', '', 1], ['ios', '-ios', 1], ['leads', '-leads', 2]]);
    expect(r.matched.map((m) => [m.row, m.by, m.clickKind ?? null, m.part])).toEqual([
      [2, 'click', 'gclid', 'clicks'], [3, 'click', 'wbraid', 'ios'], [4, 'contact', null, 'leads'], [5, 'contact', null, 'leads'],
    ]);
    expect(r.matched.find((m) => m.row === 5)!.note).toMatch(/outside the lookback window/);
    expect(r.skipped).toEqual([
      { row: 6, orderId: 'A-6', reason: 'no-match', message: 'no Google Ads click id (gclid/wbraid/gbraid) on the order, and no e-mail or phone to match on' },
      { row: 7, orderId: 'A-7', reason: 'outside-lookback', message: "the visitor's gclid was first seen 120 days before the order, outside the lookback window of 90 days" },
    ]);
  });

  it('an order whose click is too recent waits, even with an e-mail (it would count twice later)', () => {
    const ix = index([['v1', 'gclid', 'G1', NOW - 3_600_000]]);
    const r = exportOffline([order(2, { visitorId: 'v1', email: 'a@example.com', time: NOW - 60_000 })], ix, base);
    expect(r.files).toEqual([]);
    expect(r.skipped).toEqual([{ row: 2, orderId: 'A-2', reason: 'too-recent', message: "the visitor's gclid is less than 6 hours old: Google Ads refuses it until then, so export this order again later" }]);
  });

  it('says when there was no store to look a visitor up in', () => {
    const r = exportOffline([order(2, { visitorId: 'v1', email: undefined })], emptyIndex(), { ...base, store: false });
    expect(r.skipped[0]!.message).toMatch(/no store was read to look up its visitor_id: give --db/);
  });
});

describe('Meta Conversions API events (§7.2)', () => {
  it('event_name, event_time in Unix seconds, event_id from the order, action_source, hashed user_data, fbc, custom_data', () => {
    const e = metaEvent({ time: T + 999, value: 2499, currency: 'NOK', orderId: 'A-1001', email: 'john_smith@gmail.com', phone: '4741234567', fbclid: 'IwAR0abcDEF', clickTime: T - DAY }, 'Purchase', 'phone_call');
    expect(e).toEqual({
      event_name: 'Purchase',
      event_time: T / 1000,
      event_id: 'A-1001',
      action_source: 'phone_call',
      user_data: {
        em: ['62a14e44f765419d10fea99367361a727c12365e2520f32218d505ed9aa0f62f'],
        ph: [hex('4741234567')],
        fbc: `fb.1.${T - DAY}.IwAR0abcDEF`,
      },
      custom_data: { value: 2499, currency: 'NOK', order_id: 'A-1001' },
    });
  });

  it('keeps an fbc value as it is, keeps the fbclid case, and builds one at the order time when the click time is unknown', () => {
    expect(fbc('fb.1.1554763741205.AbCdEf', T)).toBe('fb.1.1554763741205.AbCdEf');
    expect(fbc('AbCdEf', 1554763741205)).toBe('fb.1.1554763741205.AbCdEf');
    expect(metaEvent({ time: T, value: 1, currency: 'EUR', fbclid: 'X' }, 'Purchase', 'physical_store').user_data).toEqual({ fbc: `fb.1.${T}.X` });
  });

  it('an order without a number gets a stable event id from what identifies it', () => {
    const input = { time: T, value: 5, currency: 'NOK', email: 'a@example.com' };
    expect(eventId(input)).toMatch(/^offline-[0-9a-f]{32}$/);
    expect(eventId(input)).toBe(eventId({ ...input }));
    expect(eventId({ ...input, value: 6 })).not.toBe(eventId(input));
  });

  it('writes {"data": [...]} request bodies of at most 1,000 events', () => {
    const e = metaEvent({ time: T, value: 1, currency: 'NOK', orderId: 'x' }, 'Purchase', 'phone_call');
    const files = metaFiles(Array.from({ length: 1001 }, () => e));
    expect(files).toHaveLength(2);
    expect(JSON.parse(files[0]!).data).toHaveLength(1000);
    expect(JSON.parse(files[1]!)).toEqual({ data: [e] });
  });

  it('skips orders older than 7 days, and orders with neither a click nor an e-mail/phone', () => {
    const ix = index([['v1', 'fbclid', 'F1', T - DAY], ['v1', 'gclid', 'G1', T - DAY]]);
    const r = exportOffline([
      order(2, { visitorId: 'v1', email: 'a@example.com' }),
      order(3, { phone: '4741234567' }),
      order(4, { visitorId: 'v1', time: NOW - 7 * DAY - 1 }),
      order(5, { visitorId: 'nobody' }),
    ], ix, { ...base, platform: 'meta', conversionName: 'Purchase' });
    expect(r.matched.map((m) => [m.row, m.by, m.hashed])).toEqual([[2, 'click', ['email']], [3, 'contact', ['phone']]]);
    expect(r.skipped.map((s) => [s.row, s.reason])).toEqual([[4, 'too-old'], [5, 'no-match']]);
    const body = JSON.parse(r.files[0]!.content) as { data: { user_data: Record<string, unknown> }[] };
    expect(body.data[0]!.user_data).toEqual({ em: [hex('a@example.com')], fbc: `fb.1.${T - DAY}.F1` });
    expect(r.files[0]!.content).not.toContain('a@example.com');
    expect(r.files[0]!.content).not.toContain('4741234567"');
  });
});

describe('Microsoft Advertising offline conversions (§7.3)', () => {
  it('Parameters:TimeZone as an offset, the template header, one row per msclkid', () => {
    const rows = [{ msclkid: 'cdd4afcccb1c9a4cad9544dd7e5006d5', time: T, valueText: '2499.00', currency: 'NOK' }];
    expect(lines(microsoftFile(rows, { conversionName: 'Phone order', zone: parseZone('+01:00')! }))).toEqual([
      'Parameters:TimeZone=+0100',
      'Microsoft Click ID,Conversion Name,Conversion Time,Conversion Value,Conversion Currency',
      'cdd4afcccb1c9a4cad9544dd7e5006d5,Phone order,2026-03-01 13:00:00,2499.00,NOK',
      '',
    ]);
  });

  it('a zone with daylight saving time is written in UTC, since one offset cannot be right all year', () => {
    const f = microsoftFile([{ msclkid: 'm', time: T, valueText: '1', currency: 'NOK' }], { conversionName: 'Phone order', zone: oslo });
    expect(lines(f).slice(0, 1)).toEqual(['Parameters:TimeZone=+0000']);
    expect(lines(f)[2]).toBe('m,Phone order,2026-03-01 12:00:00,1,NOK');
  });

  it('needs a msclkid: an e-mail alone is not enough', () => {
    const r = exportOffline([order(2, { email: 'a@example.com' }), order(3, { clickIds: [{ id: 'cdd4afcccb1c9a4cad9544dd7e5006d5' }] })], emptyIndex(), { ...base, platform: 'microsoft' });
    expect(r.matched.map((m) => [m.row, m.clickKind, m.source])).toEqual([[3, 'msclkid', 'click_id']]);
    expect(r.skipped).toEqual([{ row: 2, orderId: 'A-2', reason: 'no-match', message: expect.stringMatching(/^no Microsoft Advertising click id \(msclkid\) on the order or for its e-mail in the store: Microsoft Advertising's upload needs one$/) }]);
  });
});
