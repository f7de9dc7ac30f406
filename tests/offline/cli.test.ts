/**
 * `measureplan offline` end to end: a temporary store written the way `collect` writes it
 * (collector-adapter messages through toOutcome), an orders CSV, the command run with a captured
 * IO, and the upload files read back.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { offline, offlineHelp, withSuffix } from '../../src/cli/offline';
import { UsageError, type IO } from '../../src/cli/io';
import { toOutcome } from '../../src/server/message';
import { openStore } from '../../src/server/store';

const hex = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');
const DAY = 86_400_000;
/** The orders are on 2026-03-01 13:00 in Oslo (12:00 UTC); the export runs a day later. */
const T = Date.UTC(2026, 2, 1, 12, 0);
const NOW = T + DAY;
const iso = (t: number) => new Date(t).toISOString();

let dir: string;
let db: string;
const file = (name: string, content: string) => { const p = join(dir, name); writeFileSync(p, content); return p; };

let n = 0;
/** A message shaped like the collector adapter's. */
function track(anonymousId: string, at: number, clickIds: Record<string, string>, over: Record<string, unknown> = {}) {
  n++;
  return {
    type: 'track', event: 'view_item', messageId: `m-${n}`, anonymousId, timestamp: iso(at),
    properties: { item_id: 'tind-shell-jacket', value: 2499, currency: 'NOK' },
    context: {
      library: { name: 'measureplan', version: '0.1.0' }, page: { url: 'https://shop.example/p', path: '/p' },
      measureplan: { kind: 'micro', session_id: `s-${anonymousId}`, click_ids: clickIds, consent: { analytics: 'granted', ads: 'granted' } },
    },
    ...over,
  };
}
const identify = (anonymousId: string, userId: string | undefined, email: string, at: number) =>
  ({ type: 'identify', messageId: `i-${++n}`, anonymousId, ...(userId && { userId }), timestamp: iso(at), traits: { email } });

const MSCLKID = 'cdd4afcccb1c9a4cad9544dd7e5006d5';

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'measureplan-offline-'));
  db = join(dir, 'measureplan.db');
  const store = openStore(db);
  const received = iso(NOW);
  const messages = [
    // Visitor A clicked a Google ad 3 days before the order; the click id rides on later events too.
    track('anon-a', T - 3 * DAY, { gclid: 'G-A' }),
    track('anon-a', T - 2 * DAY, { gclid: 'G-A' }),
    // Visitor B came from Meta, Google and Microsoft ads, and identified with an e-mail (on a phone),
    // then as customer 7 on a laptop, where a newer Google click happened.
    track('anon-b', T - 5 * DAY, { gclid: 'G-B-old', fbclid: 'IwAR-b', msclkid: MSCLKID }),
    identify('anon-b', 'cust-7', 'Kari.Nordmann@gmail.com', T - 5 * DAY + 60_000),
    track('anon-b2', T - 1 * DAY, { gclid: 'G-B-new' }, { userId: 'cust-7' }),
    // Visitor C's click is 100 days old; D clicked only after phoning in the order.
    track('anon-c', T - 100 * DAY, { gclid: 'G-C' }),
    track('anon-d', T + 3_600_000, { gclid: 'G-D' }),
    // A shop that identifies by the e-mail itself.
    track('anon-e', T - 4 * DAY, { gclid: 'G-E' }, { userId: 'ola@example.com' }),
    // Noise: other visitors, events without click ids.
    track('anon-x', T - DAY, {}),
    { type: 'page', messageId: 'p-1', anonymousId: 'anon-a', timestamp: iso(T - 3 * DAY) },
  ];
  store.write([messages.map((m) => toOutcome(m, {}, received, undefined))]);
  expect(store.counts().events).toBe(messages.length);
  store.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function capture(): IO & { stdout(): string; stderr(): string } {
  let out = '';
  let err = '';
  return { out: { write: (s: string) => { out += s; } }, err: { write: (s: string) => { err += s; } }, stdout: () => out, stderr: () => err };
}

const ORDERS = [
  'Order ID;Time;Amount;Currency;E-mail;Telephone;Visitor ID;Click ID',
  'A-1;2026-03-01 13:00;2499,00;NOK;;;anon-a;',
  'A-2;2026-03-01 13:00;1 249,50;NOK;karinordmann@gmail.com;;;',
  'A-3;2026-03-01 13:00;899;NOK;;;anon-c;',
  'A-4;2026-03-01 13:00;499;NOK;;;anon-d;',
  'A-5;2026-03-01 13:00;349;NOK;;+47 412 34 567;;',
  'A-6;2026-03-01 13:00;199;;;;;Cj0KCQiA-from-form',
  'A-7;2026-03-01 13:00;99;NOK;Ola@Example.com;;;',
  'A-8;1. mars;99;NOK;;;anon-a;',
  'A-9;2026-03-01 13:00;99;NOK;;;;',
].join('\r\n');

async function run(args: string[]) {
  const io = capture();
  const code = await offline(args, io, () => NOW);
  return { code, stdout: io.stdout(), stderr: io.stderr() };
}

describe('measureplan offline --to google-ads', () => {
  it('writes the click import and the leads file, and lists every skipped row with its reason', async () => {
    const orders = file('orders.csv', `\uFEFF${ORDERS}`);
    const out = join(dir, 'out', 'google.csv');
    const r = await run(['--orders', orders, '--to', 'google-ads', '--db', db, '--out', out, '--conversion-name', 'Phone order', '--timezone', 'Europe/Oslo', '--currency', 'NOK', '--no-color']);
    expect(r.code, r.stderr).toBe(0);

    expect(readFileSync(out, 'utf8')).toBe([
      'Parameters:TimeZone=Europe/Oslo',
      'Google Click ID,Conversion Name,Conversion Time,Conversion Value,Conversion Currency,Ad User Data,Ad Personalization',
      // The visitors' latest consent record says ads granted: Granted. A click written on the order only: unknown.
      'G-A,Phone order,2026-03-01 13:00:00,2499.00,NOK,Granted,Granted',
      'G-B-new,Phone order,2026-03-01 13:00:00,1249.50,NOK,Granted,Granted',
      'Cj0KCQiA-from-form,Phone order,2026-03-01 13:00:00,199,NOK,,',
      'G-E,Phone order,2026-03-01 13:00:00,99,NOK,Granted,Granted',
      '',
    ].join('\n'));
    expect(readFileSync(join(dir, 'out', 'google-leads.csv'), 'utf8')).toBe([
      'Parameters:TimeZone=Europe/Oslo',
      'Email,Phone Number,Conversion Name,Conversion Time,Conversion Value,Conversion Currency,Ad User Data,Ad Personalization',
      `,${hex('+4741234567')},Phone order,2026-03-01 13:00:00,349,NOK,,`,
      '',
    ].join('\n'));
    expect(existsSync(join(dir, 'out', 'google-ios.csv'))).toBe(false);

    expect(r.stdout).toContain('measureplan offline: 9 orders in');
    expect(r.stdout).toMatch(/wrote .*google\.csv\s+4 click conversions \(gclid\)$/m);
    expect(r.stdout).toMatch(/wrote .*google-leads\.csv\s+1 conversion by hashed e-mail\/phone \(enhanced conversions for leads\): a separate upload/);
    expect(r.stdout).toContain('4 orders skipped:');
    expect(r.stdout).toMatch(/^\s+4\s+A-3\s+outside-lookback\s+the visitor's gclid was first seen 100 days before the order, outside the lookback window of 90 days$/m);
    expect(r.stdout).toMatch(/^\s+5\s+A-4\s+before-click\s+the order is 60 minutes before the visitor's gclid was first seen: an order cannot be credited to a later click$/m);
    expect(r.stdout).toMatch(/^\s+9\s+A-8\s+bad-time\s+"1\. mars" is not a time this reads/m);
    expect(r.stdout).toMatch(/^\s+10\s+A-9\s+no-match\s+no Google Ads click id/m);
    expect(r.stdout.trim().split('\n').at(-1)).toBe('4 matched by click id, 1 by e-mail/phone, 4 skipped: 1 outside-lookback, 1 before-click, 1 bad-time, 1 no-match.');
  });

  it('--format json: files, every matched and skipped row, the summary', async () => {
    const orders = file('orders.csv', ORDERS);
    const out = join(dir, 'json', 'google.csv');
    const r = await run(['--orders', orders, '--to', 'google-ads', '--db', db, '--out', out, '--conversion-name', 'Phone order', '--timezone', '+01:00', '--currency', 'NOK', '--format', 'json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j).toMatchObject({ platform: 'google-ads', conversionName: 'Phone order', timeZone: '+01:00', fileTimeZone: '+0100', lookbackDays: 90 });
    expect(j.files).toEqual([{ file: out, part: 'clicks', rows: 4 }, { file: join(dir, 'json', 'google-leads.csv'), part: 'leads', rows: 1 }]);
    expect(j.summary).toEqual({ orders: 9, byClickId: 4, byEmailOrPhone: 1, skipped: 4, byReason: { 'outside-lookback': 1, 'before-click': 1, 'bad-time': 1, 'no-match': 1 } });
    expect(Object.keys(j)).toEqual(['platform', 'orders', 'store', 'conversionName', 'timeZone', 'fileTimeZone', 'lookbackDays', 'files', 'matched', 'skipped', 'summary', 'columns', 'ignoredColumns', 'staleFiles', 'warnings', 'error']);
    expect(j.error).toBeNull();
    expect(j.matched.map((m: { row: number; source: string | null; by: string }) => [m.row, m.by, m.source])).toEqual([
      [2, 'click', 'visitor_id'], [3, 'click', 'email'], [6, 'contact', null], [7, 'click', 'click_id'], [8, 'click', 'email'],
    ]);
    expect(j.skipped.map((s: { row: number; reason: string }) => [s.row, s.reason])).toEqual([[4, 'outside-lookback'], [5, 'before-click'], [9, 'bad-time'], [10, 'no-match']]);
    expect(readFileSync(out, 'utf8').split('\n')[0]).toBe('Parameters:TimeZone=+0100');
  });

  it('no output file holds an e-mail address or phone number as written', async () => {
    const orders = file('pii.csv', 'time,value,currency,email,phone\n2026-03-01 13:00,1,NOK,Someone.Private@Example.com,+47 412 34 567\n2026-03-01 13:00,1,NOK,,0047 98765432\n');
    for (const to of ['google-ads', 'meta'] as const) {
      const out = join(dir, 'pii', `${to}.${to === 'meta' ? 'json' : 'csv'}`);
      const r = await run(['--orders', orders, '--to', to, '--db', db, '--out', out, '--conversion-name', 'Phone order', '--timezone', 'Europe/Oslo']);
      expect(r.code).toBe(0);
      const written = readFileSync(withSuffix(out, to === 'meta' ? '' : '-leads'), 'utf8');
      for (const secret of ['someone', 'Someone', 'private', 'example.com', '41234567', '412 34', '98765432']) {
        expect(written).not.toContain(secret);
        expect(r.stdout).not.toContain(secret);
      }
      expect(written).toContain(hex('someone.private@example.com')); // the same normalised string for both (not a Gmail address)
    }
  });
});

describe('measureplan offline --to meta and --to microsoft', () => {
  it('Meta: an event per order with fbc from the store, hashed e-mail, phone_call, and the order id', async () => {
    const orders = file('meta.csv', 'order_id,time,value,currency,email,visitor_id,click_id\nA-2,2026-03-01 13:00,1249.50,NOK,karinordmann@gmail.com,,\nA-1,2026-03-01 13:00,2499,NOK,,anon-a,\nA-6,2026-03-01 13:00,10,NOK,,,G-A\n');
    const out = join(dir, 'meta.json');
    const r = await run(['--orders', orders, '--to', 'meta', '--db', db, '--out', out, '--timezone', 'Europe/Oslo']);
    expect(r.code).toBe(0);
    const body = JSON.parse(readFileSync(out, 'utf8'));
    expect(body).toEqual({ data: [{
      event_name: 'Purchase', event_time: T / 1000, event_id: 'A-2', action_source: 'phone_call',
      user_data: { em: [hex('karinordmann@gmail.com')], fbc: `fb.1.${T - 5 * DAY}.IwAR-b` },
      custom_data: { value: 1249.5, currency: 'NOK', order_id: 'A-2' },
    }] });
    expect(r.stdout).toMatch(/^\s+3\s+A-1\s+no-match\s+no Meta click id \(fbclid\) on the order or for its visitor_id in the store, and no e-mail or phone to match on$/m);
    // The store knows G-A as a gclid: not sent to Meta as an fbclid.
    expect(r.stdout).toMatch(/^\s+4\s+A-6\s+no-match\s+no Meta click id \(fbclid\) on the order \(its click id is not a fbclid\), and no e-mail or phone to match on$/m);
    expect(r.stdout).toContain('1 matched by click id, 0 by e-mail/phone, 2 skipped: 2 no-match.');
  });

  it('Google Ads with an order in the hour that repeats: the files are in UTC, and the summary and JSON say so (offline QA 2026-12-06)', async () => {
    const orders = file('dst.csv', 'time,value,currency,click_id\n2025-10-26 02:30,100,NOK,Cj0DSTfallback\n2025-10-27 11:00,200,NOK,Cj0OTHERgclid\n');
    const out = join(dir, 'dst-upload.csv');
    const args = ['--orders', orders, '--to', 'google-ads', '--db', db, '--out', out, '--conversion-name', 'Phone order', '--timezone', 'Europe/Oslo'];
    const io = capture();
    const code = await offline(args, io, () => Date.UTC(2025, 10, 1));
    expect(code, io.stderr()).toBe(0);
    expect(readFileSync(out, 'utf8').split('\n')[0]).toBe('Parameters:TimeZone=+0000');
    expect(io.stdout()).toContain('times in UTC (an order is in the hour that repeats when Europe/Oslo turns its clocks back');
    const json = capture();
    expect(await offline([...args, '--format', 'json'], json, () => Date.UTC(2025, 10, 1))).toBe(0);
    expect(JSON.parse(json.stdout())).toMatchObject({ timeZone: 'Europe/Oslo', fileTimeZone: '+0000' });
  });

  it('Microsoft: the msclkid of the visitor found by e-mail, times in UTC for an IANA zone', async () => {
    const orders = file('ms.csv', 'time,value,currency,email,click_id\n2026-03-01 13:00,1249.50,NOK,kari.nordmann@gmail.com,\n2026-03-01 13:00,5,NOK,,Cj0KCQiA-a-gclid\n');
    const out = join(dir, 'ms-upload.csv');
    const r = await run(['--orders', orders, '--to', 'microsoft', '--db', db, '--out', out, '--conversion-name', 'Phone order', '--timezone', 'Europe/Oslo']);
    expect(r.code).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe(`Parameters:TimeZone=+0000\nMicrosoft Click ID,Conversion Name,Conversion Time,Conversion Value,Conversion Currency\n${MSCLKID},Phone order,2026-03-01 12:00:00,1249.50,NOK\n`);
    expect(r.stdout).toContain("times in +00:00 (UTC: Microsoft's file takes an offset, and Europe/Oslo has two)");
    expect(r.stdout).toMatch(/^\s+3\s+no-match\s+no Microsoft Advertising click id \(msclkid\) on the order \(its click id is not a msclkid\): Microsoft Advertising's upload needs one$/m);
  });
});

describe('stores, nothing usable, and usage errors', () => {
  it('without a store only the click ids on the orders match, and it says so', async () => {
    const orders = file('nostore.csv', 'time,value,currency,click_id,visitor_id\n2026-03-01 13:00,1,NOK,Cj0-form,\n2026-03-01 13:00,1,NOK,,anon-a\n');
    const io = capture();
    // Run where there is no measureplan.db (the default --db is relative to the working folder).
    const cwd = process.cwd();
    const empty = mkdtempSync(join(tmpdir(), 'measureplan-offline-cwd-'));
    process.chdir(empty);
    let code: number;
    try {
      code = await offline(['--orders', orders, '--to', 'google-ads', '--conversion-name', 'Phone order', '--out', join(dir, 'nostore-out.csv'), '--timezone', 'UTC'], io, () => NOW);
    } finally {
      process.chdir(cwd);
      rmSync(empty, { recursive: true, force: true });
    }
    expect(code).toBe(0);
    expect(io.stderr()).toMatch(/no store \(measureplan\.db is not here\)/);
    expect(io.stdout()).toMatch(/no store was read to look up its visitor_id: give --db/);
    expect(readFileSync(join(dir, 'nostore-out.csv'), 'utf8')).toContain('Cj0-form,Phone order,2026-03-01 13:00:00,1,NOK');
  });

  it('a --db that does not exist or is not a store: exit 1 with the reason', async () => {
    const orders = file('s.csv', 'time,value,currency,visitor_id\n2026-03-01 13:00,1,NOK,anon-a\n');
    const missing = await run(['--orders', orders, '--to', 'meta', '--db', join(dir, 'nope.db'), '--out', join(dir, 'x.json')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/cannot be opened[\s\S]*Check the --db path/);
    const junk = join(dir, 'junk.db');
    const d = new Database(junk);
    d.exec('CREATE TABLE other (x)');
    d.close();
    const notStore = await run(['--orders', orders, '--to', 'meta', '--db', junk, '--out', join(dir, 'x.json')]);
    expect(notStore.code).toBe(1);
    // A file without measureplan's schema version is refused before any query.
    expect(notStore.stderr).toMatch(/is not a measureplan store \(it has no schema version\)[\s\S]*measureplan collect writes/);
  });

  it('no usable order: exit 1, no file written', async () => {
    const orders = file('none.csv', 'time,value,currency\n2026-03-01 13:00,1,NOK\nbad,1,NOK\n');
    const out = join(dir, 'none.csv.out');
    const r = await run(['--orders', orders, '--to', 'google-ads', '--db', db, '--out', out, '--conversion-name', 'x', '--no-color']);
    expect(r.code).toBe(1);
    expect(existsSync(out)).toBe(false);
    expect(r.stdout).toContain('nothing to upload: no file written.');
    expect(r.stdout).toContain('0 matched by click id, 0 by e-mail/phone, 2 skipped: 1 no-match, 1 bad-time.');
  });

  it('warns about a companion file left by an earlier run that this run did not write', async () => {
    const out = join(dir, 'stale', 'g.csv');
    const both = file('both.csv', 'time,value,currency,click_id,email\n2026-03-01 13:00,1,NOK,Cj0-a,\n2026-03-01 13:00,1,NOK,,a@example.com\n');
    expect((await run(['--orders', both, '--to', 'google-ads', '--db', db, '--out', out, '--conversion-name', 'x'])).code).toBe(0);
    expect(existsSync(join(dir, 'stale', 'g-leads.csv'))).toBe(true);
    const clicksOnly = file('clicks.csv', 'time,value,currency,click_id\n2026-03-01 13:00,1,NOK,Cj0-b\n');
    const r = await run(['--orders', clicksOnly, '--to', 'google-ads', '--db', db, '--out', out, '--conversion-name', 'x', '--no-color']);
    expect(r.stdout).toContain(`note: ${join(dir, 'stale', 'g-leads.csv')} is from an earlier run; this run wrote nothing there, so do not upload it again.`);
  });

  it('an orders file without a time column, or with only a header: exit 1 with the reason', async () => {
    const r = await run(['--orders', file('bad.csv', 'when,value\nx,1\n'), '--to', 'meta']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/has no time column \(its columns: "when", "value"\)\.\nName the column time, timestamp, date_time/);
    const empty = await run(['--orders', file('empty.csv', 'time,value\n'), '--to', 'meta']);
    expect(empty.code).toBe(1);
    expect(empty.stderr).toMatch(/has a header but no orders/);
  });

  const usage: [string, string[], RegExp][] = [
    ['no --to', ['--orders', 'x.csv'], /needs --to/],
    ['LinkedIn without --conversion-name', ['--orders', 'x.csv', '--to', 'linkedin'], /--to linkedin needs --conversion-name/],
    ['LinkedIn with a rule name, not its id', ['--orders', 'x.csv', '--to', 'linkedin', '--conversion-name', 'Phone order'], /"Phone order" is not a LinkedIn conversion rule/],
    ['an unknown platform', ['--orders', 'x.csv', '--to', 'googel-ads'], /--to must be google-ads, meta, microsoft or linkedin/],
    ['no orders file', ['--to', 'meta'], /needs the orders CSV/],
    ['Google without --conversion-name', ['--orders', 'x.csv', '--to', 'google-ads'], /--to google-ads needs --conversion-name/],
    ['a bad --timezone', ['--orders', 'x.csv', '--to', 'meta', '--timezone', 'Oslo'], /--timezone "Oslo" is neither/],
    ['--lookback-days 91', ['--orders', 'x.csv', '--to', 'meta', '--lookback-days', '91'], /--lookback-days must be a whole number from 1 to 90/],
    ['a bad --currency', ['--orders', 'x.csv', '--to', 'meta', '--currency', 'KRONER'], /not a currency code/],
    ['a bad --phone-country', ['--orders', 'x.csv', '--to', 'meta', '--phone-country', '047'], /--phone-country must be a calling code/],
    ['--action-source for Google', ['--orders', 'x.csv', '--to', 'google-ads', '--conversion-name', 'x', '--action-source', 'phone_call'], /only used with --to meta/],
    ['a missing orders file', ['--orders', '/nonexistent/orders.csv', '--to', 'meta'], /cannot read \/nonexistent\/orders\.csv: no such file/],
    ['an unknown option', ['--orders', 'x.csv', '--to', 'meta', '--lookback', '30'], /unknown option --lookback[\s\S]*/],
  ];
  for (const [name, args, message] of usage) {
    it(`usage error: ${name}`, async () => {
      const p = offline(args, capture(), () => NOW);
      await expect(p).rejects.toBeInstanceOf(UsageError);
      await expect(offline(args, capture(), () => NOW)).rejects.toThrow(message);
    });
  }

  it('has a help text naming every option', () => {
    for (const o of ['--orders', '--to', '--db', '--out', '--conversion-name', '--currency', '--timezone', '--lookback-days', '--phone-country', '--action-source', '--format']) expect(offlineHelp).toContain(o);
  });
});

describe('the example orders file', () => {
  it('reads without problems', async () => {
    const out = join(dir, 'example.csv');
    const io = capture();
    await offline(['--orders', join(__dirname, '../../examples/offline/orders.csv'), '--to', 'google-ads', '--conversion-name', 'Phone order', '--timezone', 'Europe/Oslo', '--db', db, '--out', out, '--format', 'json'], io, () => Date.UTC(2026, 2, 5));
    const r = { stdout: io.stdout() };
    const j = JSON.parse(r.stdout);
    expect(j.summary.orders).toBe(5);
    expect(j.skipped.map((s: { reason: string }) => s.reason)).not.toContain('bad-time');
    expect(j.skipped.map((s: { reason: string }) => s.reason)).not.toContain('bad-value');
  });
});
