/**
 * The QA review of `measureplan offline` (findings 2–13; finding 1 is in value.test.ts): each
 * block reproduces one finding the way the reviewer met it, and pins the fixed behaviour.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { offline } from '../../src/cli/offline';
import { UsageError, type IO } from '../../src/cli/io';
import { emptyIndex, readClicks } from '../../src/offline/clicks';
import { CsvError, parseCsv } from '../../src/offline/csv';
import { decodeOrders } from '../../src/offline/encoding';
import { exportOffline, type ExportOptions } from '../../src/offline/export';
import { LEADS_HEADER } from '../../src/offline/google-ads';
import { normalisePhone } from '../../src/offline/normalise';
import { OrdersError, readOrders, type Order, type ReadOptions } from '../../src/offline/orders';
import { progressLines } from '../../src/offline/progress';
import { parseZone } from '../../src/offline/time';
import { toOutcome } from '../../src/server/message';
import { openStore } from '../../src/server/store';

const hex = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');
const DAY = 86_400_000;
const oslo = parseZone('Europe/Oslo')!;
/** The orders are on 2026-12-05 (Oslo); the export runs the next night, as in the QA report. */
const T = Date.UTC(2026, 11, 5, 9, 0);
const NOW = Date.UTC(2026, 11, 6, 3, 12);
const opts: ReadOptions = { zone: oslo, currency: 'NOK', now: NOW };
const base: ExportOptions = { platform: 'google-ads', conversionName: 'Phone order', zone: oslo, lookbackDays: 90, now: NOW, store: true };

let dir: string;
beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'measureplan-offline-qa-')); });
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, content: string | Buffer) => { const p = join(dir, name); mkdirSync(join(p, '..'), { recursive: true }); writeFileSync(p, content); return p; };

function capture(): IO & { stdout(): string; stderr(): string } {
  let out = '';
  let err = '';
  return { out: { write: (s: string) => { out += s; } }, err: { write: (s: string) => { err += s; } }, stdout: () => out, stderr: () => err };
}
async function run(args: string[], clock?: () => number) {
  const io = capture();
  const code = await offline(args, io, () => NOW, clock);
  return { code, stdout: io.stdout(), stderr: io.stderr() };
}
const order = (row: number, over: Partial<Order> = {}): Order => ({ row, time: T, value: 100, valueText: '100', currency: 'NOK', contactProblems: [], clickIds: [], ...over });

describe('finding 2: --out that is the orders file (or a companion of it) is refused, exit 2', () => {
  const ORDERS = 'order_id,time,value,currency,gclid\nA,2026-12-05 10:00,100,NOK,Cj0KCQ_a\n';

  it('--out equal to --orders, however it is spelled: usage error, the orders file untouched', async () => {
    const orders = file('same/ex.csv', ORDERS);
    for (const out of [orders, join(dir, 'same', '..', 'same', 'ex.csv')]) {
      const p = offline(['--orders', orders, '--to', 'google-ads', '--conversion-name', 'P', '--timezone', 'Europe/Oslo', '--out', out], capture(), () => NOW);
      await expect(p).rejects.toBeInstanceOf(UsageError);
      await expect(p).rejects.toThrow(/is the orders file: writing the upload there would overwrite the orders/);
    }
    expect(readFileSync(orders, 'utf8')).toBe(ORDERS);
  });

  it('a companion name (-leads, -ios, Meta -3) that is the orders file, or a link to it', async () => {
    const leads = file('comp/up-leads.csv', ORDERS);
    await expect(offline(['--orders', leads, '--to', 'google-ads', '--conversion-name', 'P', '--out', join(dir, 'comp', 'up.csv')], capture(), () => NOW))
      .rejects.toThrow(/would also write \S+up-leads\.csv, which is the orders file/);
    const part = file('comp/m-3.json', ORDERS);
    await expect(offline(['--orders', part, '--to', 'meta', '--out', join(dir, 'comp', 'm.json')], capture(), () => NOW)).rejects.toBeInstanceOf(UsageError);
    const link = join(dir, 'comp', 'link.csv');
    symlinkSync(leads, link);
    await expect(offline(['--orders', leads, '--to', 'microsoft', '--conversion-name', 'P', '--out', link], capture(), () => NOW)).rejects.toBeInstanceOf(UsageError);
    expect(readFileSync(leads, 'utf8')).toBe(ORDERS);
  });
});

describe('finding 3: the docs no longer call a day of overlap safe for orders sent by e-mail/phone', () => {
  it('the leads file has no invented Order ID column, and docs/offline.md says what that means for overlapping exports', () => {
    expect([...LEADS_HEADER]).toEqual(['Email', 'Phone Number', 'Conversion Name', 'Conversion Time', 'Conversion Value', 'Conversion Currency', 'Ad User Data', 'Ad Personalization']);
    const md = readFileSync(join(__dirname, '../../docs/offline.md'), 'utf8').replace(/\s+/g, ' ');
    expect(md).not.toContain('So let each export overlap the previous one by a day, as Google advises.');
    expect(md).toContain('An order that went to the leads file can reach Google twice');
  });
});

describe('finding 4: phone numbers whose + Excel dropped, and Italian numbers', () => {
  const digits = (raw: string, cc?: string) => { const p = normalisePhone(raw, cc); if ('problem' in p) throw new Error(p.problem); return p.digits; };

  it('a number that starts with the --phone-country code and is too long to be national is not given the code twice', () => {
    expect(digits('4741234567', '47')).toBe('4741234567');
    expect(digits('447911123456', '44')).toBe('447911123456');
    expect(digits('16505551212', '1')).toBe('16505551212');
  });

  it('a national number that merely begins with the same digits still gets the code', () => {
    expect(digits('47123456', '47')).toBe('4747123456'); // a Norwegian mobile number starting 47
    expect(digits('41234567', '47')).toBe('4741234567');
  });

  it('where the length cannot tell (Germany, Italy …), the number is refused, not guessed', () => {
    expect(normalisePhone('4930123456', '49')).toEqual({ problem: expect.stringMatching(/begins with 49, the country code of --phone-country, so it may have it already \(Excel drops the \+\): write it as \+49/) });
  });

  it('Italy, San Marino and the Vatican keep the leading 0 in E.164', () => {
    expect(digits('06 6982 1234', '39')).toBe('390669821234');
    expect(digits('0549 882 555', '378')).toBe('3780549882555');
    expect(digits('+39 (0)6 6982 1234')).toBe('390669821234');
    expect(digits('020 7946 0958', '44')).toBe('442079460958');
  });

  it('the QA repro: ph.csv row A hashes +4741234567, it.csv hashes +390669821234', async () => {
    const ph = file('ph.csv', 'order_id,time,value,phone\nA,2026-12-05 10:00,100,4741234567\nB,2026-12-05 10:00,100,41234567\n');
    const out = join(dir, 'ph-out.csv');
    expect((await run(['--orders', ph, '--to', 'google-ads', '--conversion-name', 'P', '--timezone', 'Europe/Oslo', '--currency', 'NOK', '--phone-country', '47', '--out', out])).code).toBe(0);
    const leads = readFileSync(join(dir, 'ph-out-leads.csv'), 'utf8');
    expect(leads.match(new RegExp(hex('+4741234567'), 'g'))).toHaveLength(2);
    const it = file('it.csv', 'order_id,time,value,phone\nI,2026-12-05 10:00,100,06 6982 1234\n');
    expect((await run(['--orders', it, '--to', 'google-ads', '--conversion-name', 'P', '--timezone', 'Europe/Oslo', '--currency', 'EUR', '--phone-country', '39', '--out', join(dir, 'it-out.csv')])).code).toBe(0);
    expect(readFileSync(join(dir, 'it-out-leads.csv'), 'utf8')).toContain(hex('+390669821234'));
  });
});

describe('finding 5: an unusable e-mail or phone is reported on rows that matched another way', () => {
  const CP = 'order_id,time,value,currency,email,phone,fbclid\nA,2026-12-05 10:00,100,NOK,kari@,4741234567,IwAR_x\nB,2026-12-05 10:00,100,NOK,per@example.no,4.74123E+09,\n';

  it("Excel's scientific notation gets its own hint", () => {
    expect(normalisePhone('4.74123E+09', '47')).toEqual({ problem: expect.stringMatching(/scientific notation.*format the column as text in Excel/) });
    expect(normalisePhone('4,74123E+9')).toHaveProperty('problem', expect.stringMatching(/scientific notation/));
  });

  it('text: a note per row, naming the column; json: contactNote', async () => {
    const cp = file('cp.csv', CP);
    const text = await run(['--orders', cp, '--to', 'meta', '--timezone', 'Europe/Oslo', '--out', join(dir, 'cp.json'), '--no-color']);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('2 orders matched, but an e-mail or phone on them could not be used:');
    expect(text.stdout).toMatch(/^ {2}row 2 \(A\): column "email": the e-mail is not an address; column "phone": the phone number has no country code/m);
    expect(text.stdout).toMatch(/^ {2}row 3 \(B\): column "phone": the phone number is in Excel's scientific notation .*format the column as text in Excel/m);
    expect(text.stdout).not.toContain('kari@');
    const json = JSON.parse((await run(['--orders', cp, '--to', 'google-ads', '--conversion-name', 'P', '--timezone', 'Europe/Oslo', '--out', join(dir, 'cpg.csv'), '--format', 'json'])).stdout);
    expect(json.matched).toEqual([expect.objectContaining({ row: 3, by: 'contact', hashed: ['email'], note: null, contactNote: expect.stringMatching(/scientific notation/) })]);
  });

  it('exportOffline keeps the note on click matches too, and adds it to a click problem that leaves the order skipped', () => {
    const r = exportOffline([
      order(2, { clickIds: [{ id: 'Cj0KCQ_a', kind: 'gclid' }], contactProblems: ['column "phone": the phone number has no country code'] }),
      order(3, { clickIds: [{ id: 'kari@example.com' }], contactProblems: ['column "email": the e-mail is not an address'] }),
    ], emptyIndex(), { ...base, store: false });
    expect(r.matched).toEqual([expect.objectContaining({ row: 2, by: 'click', contactNote: 'column "phone": the phone number has no country code' })]);
    expect(r.skipped).toEqual([expect.objectContaining({ row: 3, reason: 'bad-click-id', message: expect.stringMatching(/the e-mail or phone could not carry it instead \(column "email": the e-mail is not an address\)$/) })]);
  });
});

describe('finding 6: every stale Meta part is reported, not only -2', () => {
  it('-2 and -3 of an earlier run are listed in text and in staleFiles', async () => {
    const out = join(dir, 'parts', 'offline-meta.json');
    for (const n of [2, 3]) file(`parts/offline-meta-${n}.json`, '{"data":[]}\n');
    const orders = file('meta1.csv', 'order_id,time,value,currency,email\nT-1,2026-12-05 10:00,100,NOK,q1@example.no\n');
    const r = await run(['--orders', orders, '--to', 'meta', '--timezone', 'Europe/Oslo', '--out', out, '--format', 'json']);
    expect(JSON.parse(r.stdout).staleFiles).toEqual([join(dir, 'parts', 'offline-meta-2.json'), join(dir, 'parts', 'offline-meta-3.json')]);
  });
});

describe('finding 7: two orders without an order id that would get one Meta event_id', () => {
  it('the second is listed as duplicate-order, not counted as sent', () => {
    const same = { email: 'per@example.no' };
    const r = exportOffline([order(2, same), order(3, same), order(4, { ...same, orderId: 'X-1' })], emptyIndex(), { ...base, platform: 'meta', conversionName: 'Purchase', store: false });
    expect(r.files[0]!.rows).toBe(2);
    expect(JSON.parse(r.files[0]!.content).data).toHaveLength(2);
    expect(r.matched.map((m) => m.row)).toEqual([2, 4]);
    expect(r.skipped).toEqual([{ row: 3, reason: 'duplicate-order', message: expect.stringMatching(/^the same time, value, currency and customer as row 2, and no order id: Meta keeps one event per event_id/) }]);
  });
});

describe('finding 8: files that are not UTF-8', () => {
  const utf16 = (text: string, be = false) => {
    const le = Buffer.from(`\uFEFF${text}`, 'utf16le');
    if (!be) return le;
    const b = Buffer.from(le);
    for (let i = 0; i + 1 < b.length; i += 2) [b[i], b[i + 1]] = [b[i + 1]!, b[i]!];
    return b;
  };

  it("UTF-16 with a byte-order mark (Excel's Unicode Text) is decoded", () => {
    const text = 'order_id\ttime\tvalue\tgclid\nA\t2026-12-05 10:00\t100\tCj0abc\n';
    expect(decodeOrders(utf16(text))).toEqual({ text, encoding: 'utf-16le' });
    expect(decodeOrders(utf16(text, true))).toEqual({ text, encoding: 'utf-16be' });
  });

  it('a workbook or a file with NUL characters is refused with "save as CSV UTF-8"', () => {
    expect(() => decodeOrders(Buffer.from('PK\u0003\u0004rest', 'latin1'))).toThrow(OrdersError);
    expect(() => decodeOrders(Buffer.from('o\u0000r\u0000d\u0000', 'latin1'))).toThrow(/NUL characters/);
  });

  it('Windows-1252: rows whose read columns have undecodable bytes are skipped as not-utf8, and the file is named not UTF-8', async () => {
    const cp1252 = Buffer.concat([
      Buffer.from('order_id;time;value;currency;name;gclid\r\nA;2026-12-05 10:00;1', 'latin1'), Buffer.from([0xa0]), Buffer.from('249,50;NOK;S', 'latin1'), Buffer.from([0xf8]),
      Buffer.from('rensen;Cj0a\r\nB;2026-12-05 10:00;2499;NOK;', 'latin1'), Buffer.from([0xc5]), Buffer.from('se;Cj0b\r\n', 'latin1'),
    ]);
    const r = await run(['--orders', file('cp1252.csv', cp1252), '--to', 'google-ads', '--conversion-name', 'P', '--timezone', 'Europe/Oslo', '--out', join(dir, 'cp-out.csv'), '--no-color']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^\s+2\s+A\s+not-utf8\s+the "value" column has characters that are not UTF-8 \(the file is in another encoding\): save it as CSV UTF-8/m);
    expect(r.stdout).toContain('note: the file is not UTF-8: rows 2, 3 have characters that could not be read; save it as CSV UTF-8');
    expect(readFileSync(join(dir, 'cp-out.csv'), 'utf8')).toContain('Cj0b,P,2026-12-05 10:00:00,2499,NOK');
  });

  it('a UTF-16 file through the CLI', async () => {
    const r = await run(['--orders', file('u16.txt', utf16('order_id\ttime\tvalue\tgclid\nA\t2026-12-05 10:00\t100\tCj0abc\n')), '--to', 'google-ads', '--conversion-name', 'P', '--timezone', 'Europe/Oslo', '--currency', 'NOK', '--out', join(dir, 'u16.csv')]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(readFileSync(join(dir, 'u16.csv'), 'utf8')).toContain('Cj0abc,P,2026-12-05 10:00:00,100,NOK');
  });
});

describe("finding 9: Excel's sep= first line", () => {
  it('is skipped, its separator used, and the header stays row 1 (Excel hides the line)', () => {
    const t = parseCsv('sep=;\r\norder_id;time;value;gclid\r\nA;2026-12-05 10:00;1,5;Cj0abc\r\n');
    expect(t).toEqual({ header: ['order_id', 'time', 'value', 'gclid'], records: [{ row: 2, fields: ['A', '2026-12-05 10:00', '1,5', 'Cj0abc'] }], delimiter: ';', sepLine: true });
    expect(parseCsv('SEP=,\na;b,c\n1;2,3\n').header).toEqual(['a;b', 'c']);
    expect(() => parseCsv('sep=|\na|b\n')).toThrow(CsvError);
  });

  it('through readOrders', () => {
    const r = readOrders('sep=;\norder_id;time;value;gclid\nA;2026-12-05 10:00;100;Cj0abc\n', opts);
    expect(r.orders.map((o) => [o.row, o.orderId])).toEqual([[2, 'A']]);
  });
});

describe('finding 10: a date column and a time column', () => {
  it('a column named time wins over the alias date, and the two are joined', () => {
    const r = readOrders('order_id,date,time,value,gclid\nA,2026-12-05,10:00,100,Cj0abc\nB,2026-12-05,2026-12-05 11:00,100,Cj0def\n', opts);
    expect(r.skipped).toEqual([]);
    expect(r.orders.map((o) => o.time)).toEqual([Date.UTC(2026, 11, 5, 9, 0), Date.UTC(2026, 11, 5, 10, 0)]);
    expect(r.columns).toMatchObject({ time: 'time', date: 'date' });
    expect(r.ignored).toEqual([]);
    expect(r.warnings).toEqual(['the date is read from column "date" and the time of day from column "time".']);
  });

  it('a date alone loses to another time alias, and the warning says which column was read', () => {
    const r = readOrders('date,created_at,value\n2026-12-05,2026-12-05 10:00,100\n', opts);
    expect(r.columns.time).toBe('created_at');
    expect(r.orders).toHaveLength(1);
    expect(r.warnings).toEqual(['column "date" could also be the time: column "created_at" is read (a column named time wins, and a date alone is never enough).']);
  });

  it('a time of day without a date says so', () => {
    const r = readOrders('time,value\n10:00,100\n', opts);
    expect(r.skipped[0]!.message).toMatch(/^"10:00" has no date/);
  });
});

describe('finding 11: a short or spaced visitor reference', () => {
  let db: string;
  const A = 'aaaaaaaa-0000-4000-8000-000000000001';
  beforeAll(() => {
    db = join(dir, 'refs.db');
    const store = openStore(db);
    const msg = { type: 'track', event: 'view_item', messageId: 'r-1', anonymousId: A, timestamp: new Date(T - DAY).toISOString(), properties: {}, context: { measureplan: { kind: 'micro', session_id: 's', click_ids: { gclid: 'GCLID_A' }, consent: { analytics: 'granted', ads: 'granted' } } } };
    store.write([[toOutcome(msg, {}, new Date(NOW).toISOString(), undefined)]]);
    store.close();
  });

  it('spaces and dashes typed into the reference do not count', () => {
    const r = readOrders('time,value,visitor_id\n2026-12-05 10:00,100,aaaa aaaa\n', opts);
    expect(r.orders[0]!.visitorId).toBe('aaaaaaaa');
    const store = openStore(db, { readonly: true });
    try {
      const ix = readClicks(store.db, { visitors: ['aaaa-aaaa', 'AAAA AAAA'.replace(/\s/g, ''), 'aaaaaaaa-0000'], emails: [], clickIds: [] }, ['gclid']);
      for (const ref of ['aaaa-aaaa', 'AAAAAAAA', 'aaaaaaaa-0000']) expect(ix.visitorIds.get(ref), ref).toEqual(new Set([A]));
    } finally { store.close(); }
  });

  it('fewer than 8 characters: the no-match message says a reference needs at least 8', async () => {
    const orders = file('vr.csv', 'order_id,time,value,visitor_id\nA,2026-12-05 10:00,100,aaaaaaa\nC,2026-12-05 11:00,100,aaaa aaaa\n');
    const r = await run(['--orders', orders, '--to', 'google-ads', '--conversion-name', 'P', '--timezone', 'Europe/Oslo', '--currency', 'NOK', '--db', db, '--out', join(dir, 'vr-out.csv'), '--format', 'json']);
    const j = JSON.parse(r.stdout);
    expect(j.skipped).toEqual([expect.objectContaining({ row: 2, reason: 'no-match', message: expect.stringContaining('(a visitor reference needs at least 8 characters of the id; this one has 7)') })]);
    expect(j.matched).toEqual([expect.objectContaining({ row: 3, by: 'click', source: 'visitor_id' })]);
  });
});

describe('finding 12: large files', () => {
  it('the text ends with the skipped rows counted per reason, grouped by thousands', async () => {
    const rows = Array.from({ length: 1200 }, (_, i) => `O-${i},2026-12-05 10:00,100,NOK,${i % 2 ? 'Cj0K' + i : ''}`);
    const r = await run(['--orders', file('many.csv', `order_id,time,value,currency,click_id\n${rows.join('\n')}\n`), '--to', 'google-ads', '--conversion-name', 'P', '--timezone', 'Europe/Oslo', '--out', join(dir, 'many-out.csv'), '--no-color']);
    expect(r.stdout.trim().split('\n').at(-1)).toBe('600 matched by click id, 0 by e-mail/phone, 600 skipped: 600 no-match.');
  });

  it('a run past 2 s prints progress on stderr, at most every 2 s', async () => {
    let t = 0;
    const clock = () => (t += 700);
    const rows = Array.from({ length: 5000 }, (_, i) => `O-${i},2026-12-05 10:00,100,NOK,Cj0K${i}`);
    const r = await run(['--orders', file('progress.csv', `order_id,time,value,currency,click_id\n${rows.join('\n')}\n`), '--to', 'google-ads', '--conversion-name', 'P', '--timezone', 'Europe/Oslo', '--out', join(dir, 'progress-out.csv')], clock);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^measureplan offline: read [\d,]+ of 5,000 rows of \S+progress\.csv …$/m);
    expect(r.stderr).toMatch(/^measureplan offline: matched [\d,]+ of 5,000 orders …$/m);
    const fast = await run(['--orders', file('progress.csv', `order_id,time,value,currency,click_id\n${rows.join('\n')}\n`), '--to', 'google-ads', '--conversion-name', 'P', '--timezone', 'Europe/Oslo', '--out', join(dir, 'progress-out.csv')], () => 0);
    expect(fast.stderr).not.toMatch(/ of 5,000 /);
  });

  it('progressLines: nothing in the first 2 s, then one line per 2 s; a stage line as soon as the run is past 2 s', () => {
    let t = 0;
    const lines: string[] = [];
    const p = progressLines((l) => lines.push(l), () => t);
    for (t = 0; t <= 5000; t += 500) p(`at ${t}`);
    t = 5100;
    p('stage', true);
    expect(lines).toEqual(['at 2000 …', 'at 4000 …', 'stage …']);
  });
});

describe('finding 13: --format json on file-level errors, and a JSON orders file', () => {
  const keys = ['platform', 'orders', 'store', 'conversionName', 'timeZone', 'fileTimeZone', 'lookbackDays', 'files', 'matched', 'skipped', 'summary', 'columns', 'ignoredColumns', 'staleFiles', 'warnings', 'error'];

  it('a header only, no time column, an unclosed quote: one JSON object with the documented keys and the error', async () => {
    for (const [name, content, message] of [
      ['hdr.csv', 'order_id,time,value\n', /has a header but no orders/],
      ['notime.csv', 'when,value\nx,1\n', /has no time column/],
      ['quote.csv', 'time,value\n"2026-12-05 10:00,1\n', /never closed/],
    ] as const) {
      const r = await run(['--orders', file(name, content), '--to', 'meta', '--format', 'json']);
      expect(r.code, name).toBe(1);
      const j = JSON.parse(r.stdout);
      expect(Object.keys(j)).toEqual(keys);
      expect(j.error.message).toMatch(message);
      expect(j.files).toEqual([]);
      expect(r.stderr).toMatch(message);
    }
  });

  it('a store that cannot be read: the JSON object too', async () => {
    const r = await run(['--orders', file('needs-store.csv', 'time,value,currency,visitor_id\n2026-12-05 10:00,1,NOK,v1\n'), '--to', 'meta', '--db', join(dir, 'missing.db'), '--format', 'json']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).error.message).toMatch(/missing\.db/);
  });

  it('a JSON file: "this looks like JSON; the orders file is a CSV"', async () => {
    const r = await run(['--orders', file('o.json', '[{"order_id":"A","time":"2026-12-05 10:00","value":1}]\n'), '--to', 'meta']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('this looks like JSON; the orders file is a CSV.');
    expect(existsSync(join(dir, 'offline-meta.json'))).toBe(false);
  });
});
