/**
 * Google's consent columns (`Ad User Data`, `Ad Personalization`) in the offline files: the
 * customer's consent as the shop recorded it on the order, else the latest ads consent the store
 * has of the person; a recorded refusal keeps the order from the platforms whose upload cannot
 * carry it.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readOrders } from '../../src/offline/orders';
import { parseZone } from '../../src/offline/time';
import { toOutcome } from '../../src/server/message';
import { openStore } from '../../src/server/store';
import { offline } from '../../src/cli/offline';
import { offlineRunner } from './run-kit';

const DAY = 86_400_000;
const T = Date.UTC(2026, 2, 1, 12, 0);
const NOW = T + DAY;
const iso = (t: number) => new Date(t).toISOString();
const hex = (s: string) => createHash('sha256').update(s).digest('hex');
let n = 0;
const event = (anonymousId: string, at: number, ads: string, clickIds: Record<string, string> = {}) => ({
  type: 'track', event: 'view_item', messageId: `m-${++n}`, anonymousId, timestamp: iso(at), properties: { item_id: 'tent' },
  context: { measureplan: { kind: 'micro', session_id: `s-${anonymousId}`, click_ids: clickIds, consent: { analytics: 'granted', ads } } },
});
const identify = (anonymousId: string, email: string, at: number) => ({ type: 'identify', messageId: `i-${++n}`, anonymousId, timestamp: iso(at), traits: { email } });

let dir: string;
let db: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'measureplan-offline-consent-'));
  db = join(dir, 'measureplan.db');
  const store = openStore(db);
  store.write([[
    // granted: clicked a Google ad with ads granted.
    event('v-granted', T - 3 * DAY, 'granted', { gclid: 'G-GRANTED' }),
    // withdrew: clicked with ads granted, signed in, then took ads back.
    event('v-withdrew', T - 3 * DAY, 'granted', { gclid: 'G-WITHDREW' }), identify('v-withdrew', 'wanda@example.no', T - 3 * DAY + 1000),
    event('v-withdrew', T - 2 * DAY, 'denied'),
    // organic: came without an ad, granted ads, signed in.
    event('v-organic', T - 2 * DAY, 'granted'), identify('v-organic', 'olga@example.no', T - 2 * DAY + 1000),
    // two devices of one e-mail: one granted, one denied: the denial wins.
    event('v-lap', T - 2 * DAY, 'granted'), identify('v-lap', 'tor@example.no', T - 2 * DAY + 1000),
    event('v-phone', T - DAY, 'denied'), identify('v-phone', 'tor@example.no', T - DAY + 1000),
  ].map((m) => toOutcome(m, {}, iso(NOW), undefined))]);
  store.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const run = offlineRunner(() => dir, () => db, NOW);
const rows = (path: string) => readFileSync(path, 'utf8').split('\n').slice(1, -1);

describe('the orders file: consent columns', () => {
  const zone = parseZone('UTC')!;
  it('reads granted/denied as shops write them, and refuses a word it cannot read, naming the column', () => {
    const r = readOrders([
      'time,value,Ads consent,Ad Personalisation,Marketing consent',
      '2026-03-01 10:00,1,yes,,yes',
      '2026-03-01 10:00,2,Denied,no,',
      '2026-03-01 10:00,3,,granted,no',
      '2026-03-01 10:00,4,maybe,,',
    ].join('\n'), { zone, currency: 'NOK', now: NOW });
    expect(r.columns).toMatchObject({ ad_user_data: 'Ads consent', ad_personalization: 'Ad Personalisation' });
    // A newsletter opt-in is no answer about the ad platforms: not read.
    expect(r.ignored).toEqual(['Marketing consent']);
    expect(r.orders.map((o) => [o.value, o.adUserData ?? null, o.adPersonalization ?? null])).toEqual([[1, 'granted', null], [2, 'denied', 'denied'], [3, null, 'granted']]);
    expect(r.skipped).toEqual([{ row: 5, reason: 'bad-consent', message: 'column "Ads consent" says "maybe": write granted or denied (or leave it empty when the customer was not asked)' }]);
  });
});

describe('measureplan offline --to google-ads: Ad User Data and Ad Personalization', () => {
  it('from the order first, else from the store; a denial by any of the person\'s visitors wins', async () => {
    const r = await run([
      'order_id,time,value,visitor_id,email,phone,ad_user_data,ad_personalization',
      'A-1,2026-03-01 12:00,100,v-granted,,,,', // the store: granted
      'A-2,2026-03-01 12:05,200,v-granted,,,denied,', // the shop's record wins: Denied, and so personalisation
      'A-3,2026-03-01 12:00,300,,wanda@example.no,,,', // withdrew: no click shared; the e-mail goes, marked Denied
      'A-4,2026-03-01 12:00,400,,olga@example.no,,,', // organic, granted, no click: a lead marked Granted
      'A-5,2026-03-01 12:00,500,,tor@example.no,,,', // one device denied: Denied
      'A-6,2026-03-01 12:00,600,,,+4741234567,,', // nobody the store knows: left empty
      'A-7,2026-03-01 12:00,700,,olga@example.no,,granted,denied', // the shop's record, both columns
    ].join('\n'), 'google-ads');
    expect(r.code, r.stderr).toBe(0);
    expect(r.json.skipped).toEqual([]);
    expect(rows(r.out)).toEqual([
      'Google Click ID,Conversion Name,Conversion Time,Conversion Value,Conversion Currency,Ad User Data,Ad Personalization',
      'G-GRANTED,Phone order,2026-03-01 12:00:00,100,NOK,Granted,Granted',
      'G-GRANTED,Phone order,2026-03-01 12:05:00,200,NOK,Denied,Denied',
    ]);
    expect(rows(r.out.replace(/\.csv$/, '-leads.csv'))).toEqual([
      'Email,Phone Number,Conversion Name,Conversion Time,Conversion Value,Conversion Currency,Ad User Data,Ad Personalization',
      `${hex('wanda@example.no')},,Phone order,2026-03-01 12:00:00,300,NOK,Denied,Denied`,
      `${hex('olga@example.no')},,Phone order,2026-03-01 12:00:00,400,NOK,Granted,Granted`,
      `${hex('tor@example.no')},,Phone order,2026-03-01 12:00:00,500,NOK,Denied,Denied`,
      `,${hex('+4741234567')},Phone order,2026-03-01 12:00:00,600,NOK,,`,
      `${hex('olga@example.no')},,Phone order,2026-03-01 12:00:00,700,NOK,Granted,Denied`,
    ]);
  });
});

describe('a refusal the shop recorded, on platforms whose upload has no consent field', () => {
  for (const to of ['meta', 'microsoft'] as const) {
    it(`${to}: the order is not sent, and the skipped list says why`, async () => {
      const r = await run([
        'order_id,time,value,email,msclkid,fbclid,ad_user_data',
        'B-1,2026-03-01 12:00,100,olga@example.no,cdd4afcccb1c9a4cad9544dd7e5006d5,IwAR-olga,no',
      ].join('\n'), to);
      expect(r.json.skipped).toEqual([{ row: 2, orderId: 'B-1', reason: 'consent-denied', message: expect.stringMatching(/consent column says denied.*has no field for it: the order is not sent/) }]);
    });
  }
});

describe('Meta, Microsoft, LinkedIn: nothing of a person the store knows declined ads (their uploads cannot say so)', () => {
  it('meta: the decliner is skipped as ads-withdrawn, the others go', async () => {
    const r = await run([
      'order_id,time,value,email',
      'C-1,2026-03-01 12:00,100,wanda@example.no', // withdrew on the site
      'C-2,2026-03-01 12:00,200,olga@example.no', // granted
      'C-3,2026-03-01 12:00,300,tor@example.no', // denied on one of two devices
    ].join('\n'), 'meta');
    expect(r.json.skipped.map((s) => [s.row, s.reason])).toEqual([[2, 'ads-withdrawn'], [4, 'ads-withdrawn']]);
    expect(r.json.skipped[0]!.message).toMatch(/Meta's upload has no field to say so: the order is not sent \(Google Ads takes it marked Denied\)/);
    const events = (JSON.parse(readFileSync(r.out, 'utf8')) as { data: { event_id: string }[] }).data;
    expect(events.map((e) => e.event_id)).toEqual(['C-2']);
  });
});

it('a control character in a consent cell reaches the terminal written out, not acted on', async () => {
  const file = join(dir, 'orders-esc.csv');
  writeFileSync(file, 'order_id,time,value,ad_user_data\nE-1,2026-03-01 12:00,1,"\u001b[2Jno way"\n');
  let stdout = '';
  const io = { out: { write: (s: string) => { stdout += s; } }, err: { write: () => undefined } };
  await offline(['--orders', file, '--to', 'meta', '--db', db, '--out', join(dir, 'esc.json'), '--currency', 'NOK', '--timezone', 'UTC', '--no-color'], io, () => NOW);
  expect(stdout).toContain('bad-consent');
  expect(stdout).not.toContain('\u001b');
});
