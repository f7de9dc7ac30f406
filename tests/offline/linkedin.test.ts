/**
 * `measureplan offline --to linkedin`: Conversions API events (the batch request's body), matched
 * by the ad click's li_fat_id or the hashed e-mail; the same consent and deduplication rules as
 * the other platforms, with what LinkedIn's event cannot carry left out.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conversionUrn, LINKEDIN_BATCH, linkedinEvent, linkedinFiles } from '../../src/offline/linkedin';
import { toOutcome } from '../../src/server/message';
import { openStore } from '../../src/server/store';
import { offlineRunner } from './run-kit';

const DAY = 86_400_000;
const T = Date.UTC(2026, 2, 1, 12, 0);
const NOW = T + DAY;
const iso = (t: number) => new Date(t).toISOString();
const sha = (s: string) => createHash('sha256').update(s).digest('hex');
const URN = 'urn:lla:llaPartnerConversion:104012';
let n = 0;
const event = (anonymousId: string, at: number, ads: string, clickIds: Record<string, string> = {}, over: Record<string, unknown> = {}) => ({
  type: 'track', event: 'view_item', messageId: `m-${++n}`, anonymousId, timestamp: iso(at), properties: { item_id: 'crm-seat' },
  context: { measureplan: { kind: 'micro', session_id: `s-${anonymousId}`, click_ids: clickIds, consent: { analytics: 'granted', ads } } },
  ...over,
});

let dir: string;
let db: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'measureplan-offline-linkedin-'));
  db = join(dir, 'measureplan.db');
  const store = openStore(db);
  store.write([[
    // Clicked a LinkedIn ad (li_fat_id) with ads granted, two days before calling.
    event('v-ad', T - 2 * DAY, 'granted', { li_fat_id: 'a1b2c3d4-0000-4000-8000-00000000fa7e' }),
    // Clicked, then withdrew ads.
    event('v-gone', T - 2 * DAY, 'granted', { li_fat_id: 'gone-fa7e' }), event('v-gone', T - DAY, 'denied'),
    // Ordered on the site before answering the banner (ads not decided): the Insight Tag got nothing,
    // the upload goes under the browser's id.
    { type: 'track', event: 'purchase', messageId: 'purchase:W-9', anonymousId: 'v-web', timestamp: iso(T - 3_600_000), properties: { transaction_id: 'W-9', value: 990, currency: 'NOK' },
      context: { measureplan: { kind: 'macro', session_id: 's-web', consent: { analytics: 'granted', ads: 'pending' } } } },
  ].map((m) => toOutcome(m, {}, iso(NOW), undefined))]);
  store.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const runTo = offlineRunner(() => dir, () => db, NOW);
const run = (orders: string, extra: string[] = []) => runTo(orders, 'linkedin', extra);

describe('measureplan offline --to linkedin', () => {
  it('writes one event per order: the rule URN, time in ms, the amount as text, the order number as eventId, li_fat_id and hashed e-mail as userIds', async () => {
    const r = await run([
      'order_id,time,value,visitor_id,email,phone,li_fat_id',
      'L-1,2026-03-01 12:00,2499.00,v-ad,,,', // the visitor's click from the store
      'L-2,2026-03-01 12:30,1249.5,,Kari.Nordmann@Example.no,,', // e-mail only
      'L-3,2026-03-01 13:00,99,,,,form-captured-fa7e', // a li_fat_id the order form captured
      'W-9,2026-03-01 11:00,990,v-web,web@example.no,,', // tracked online before ads were decided
    ].join('\n'));
    expect(r.code, r.stderr).toBe(0);
    expect(r.json.conversionName).toBe(URN);
    expect(r.json.skipped).toEqual([]);
    expect(JSON.parse(readFileSync(r.out, 'utf8'))).toEqual({ elements: [
      { conversion: URN, conversionHappenedAt: T, conversionValue: { currencyCode: 'NOK', amount: '2499.00' }, eventId: 'L-1',
        user: { userIds: [{ idType: 'LINKEDIN_FIRST_PARTY_ADS_TRACKING_UUID', idValue: 'a1b2c3d4-0000-4000-8000-00000000fa7e' }] } },
      { conversion: URN, conversionHappenedAt: T + 1_800_000, conversionValue: { currencyCode: 'NOK', amount: '1249.5' }, eventId: 'L-2',
        user: { userIds: [{ idType: 'SHA256_EMAIL', idValue: sha('kari.nordmann@example.no') }] } },
      { conversion: URN, conversionHappenedAt: T + 3_600_000, conversionValue: { currencyCode: 'NOK', amount: '99' }, eventId: 'L-3',
        user: { userIds: [{ idType: 'LINKEDIN_FIRST_PARTY_ADS_TRACKING_UUID', idValue: 'form-captured-fa7e' }] } },
      // The Insight Tag's event id for the order the site tracked: LinkedIn keeps one of the two.
      { conversion: URN, conversionHappenedAt: T - 3_600_000, conversionValue: { currencyCode: 'NOK', amount: '990' }, eventId: 'purchase:W-9',
        user: { userIds: [{ idType: 'SHA256_EMAIL', idValue: sha('web@example.no') }] } },
    ] });
    expect(r.json.matched.map((m) => [m.row, m.by, m.clickKind, m.source, m.hashed])).toEqual([
      [2, 'click', 'li_fat_id', 'visitor_id', []], [3, 'contact', null, null, ['email']], [4, 'click', 'li_fat_id', 'click_id', []], [5, 'contact', null, null, ['email']],
    ]);
  });

  it('skips, with the reason: a phone number alone, a person who declined ads, a refusal on the order, an order over 90 days old, a second row with the same order', async () => {
    const r = await run([
      'order_id,time,value,visitor_id,email,phone,ad_user_data',
      'S-1,2026-03-01 12:00,1,,,+47 412 34 567,',
      'S-2,2026-03-01 12:00,2,v-gone,,,',
      'S-3,2026-03-01 12:00,3,v-ad,,,denied',
      'S-4,2025-11-01 12:00,4,v-ad,,,',
      'S-1,2026-03-01 12:05,5,v-ad,,,',
    ].join('\n'));
    expect(r.code).toBe(1);
    expect(r.json.skipped.map((s) => [s.row, s.reason])).toEqual([[2, 'no-match'], [3, 'ads-withdrawn'], [4, 'consent-denied'], [5, 'too-old'], [6, 'duplicate-order']]);
    expect(r.json.skipped[0]!.message).toMatch(/no LinkedIn click id \(li_fat_id\).*and no e-mail to match on \(LinkedIn takes no phone number\)/);
    expect(r.json.skipped[1]!.message).toMatch(/LinkedIn's upload has no field to say so: the order is not sent/);
    expect(r.json.skipped[3]!.message).toMatch(/more than 90 days old/);
  });
});

describe('the pieces', () => {
  it('a conversion rule by its id or its URN, and nothing else', () => {
    expect(conversionUrn('104012')).toBe(URN);
    expect(conversionUrn(` ${URN} `)).toBe(URN);
    expect(conversionUrn('Phone order')).toBeUndefined();
    expect(conversionUrn('urn:li:conversion:1')).toBeUndefined();
  });

  it('a request holds at most 5,000 events', () => {
    const e = linkedinEvent({ time: T, value: 1, valueText: '1', currency: 'NOK', orderId: 'x' }, URN);
    const files = linkedinFiles(Array.from({ length: LINKEDIN_BATCH + 1 }, () => e));
    expect(files.map((f) => (JSON.parse(f) as { elements: unknown[] }).elements.length)).toEqual([5000, 1]);
  });
});
