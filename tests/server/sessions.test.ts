/**
 * The `sessions` summary (schema 11): one row per visitor's session, kept at ingest, filled by the
 * migration on an existing store, and kept right by an erasure and a retention pass, as the
 * `visitors` summary is.
 */
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { exportPerson, forget } from '../../src/server/forget';
import { toOutcome } from '../../src/server/message';
import { retain } from '../../src/server/retain';
import { openStore, type Store } from '../../src/server/store';
import { iso, kept, plan, storeFile, storeOf, T0 } from './sessions-kit';

const DAY = 86_400_000;
let n = 0;
interface Ctx { session?: string; referrer?: string; url?: string; campaign?: Record<string, string>; clickIds?: Record<string, string> }
const view = (visitor: string | undefined, m: number, c: Ctx) => ({
  type: 'track', event: 'view_item', ...(visitor && { anonymousId: visitor }), ...(!visitor && { userId: 'u1' }), messageId: `m${++n}`, timestamp: iso(m), properties: { item_id: 'tent' },
  context: {
    page: { url: c.url ?? 'https://shop.example/p', referrer: c.referrer ?? '' }, ...(c.campaign && { campaign: c.campaign }),
    measureplan: { kind: 'micro', ...(c.session && { session_id: c.session }), ...(c.clickIds && { click_ids: c.clickIds }) },
  },
});

/** Every session's click ids, [kind, digest, first time] each, as the `clicks` column lists them. */
const clicks = (s: Store) => (s.db.prepare('SELECT anonymous_id, session_id, clicks FROM sessions WHERE clicks IS NOT NULL ORDER BY anonymous_id, started, session_id').raw().all() as [string, string, string][])
  .flatMap(([v, id, list]) => (JSON.parse(list) as [string, string, string][]).map(([click, ref, seen]) => ({ anonymous_id: v, session_id: id, click, click_ref: ref, seen })));
const kinds = (s: Store) => clicks(s).map((c) => [c.anonymous_id, c.session_id, c.click, c.seen]);
type Row = { anonymous_id: string; session_id: string; started: string; last_seen: string; channel: string; source: string | null; medium: string | null; campaign: string | null; referrer_host: string | null; click: string | null; click_ref: string | null };
const rows = (s: Store) => s.db.prepare('SELECT * FROM sessions ORDER BY anonymous_id, started, session_id').all() as Row[];
const short = (s: Store) => rows(s).map((r) => [r.anonymous_id, r.session_id, r.started, r.last_seen, r.channel, r.source, r.medium, r.campaign, r.referrer_host, r.click]);

describe('sessions kept at ingest', () => {
  it('holds the first event\'s campaign, referring site and click kind, and the first and last time, whatever order the events come in', () => {
    const mail = { session: 's1', campaign: { source: 'newsletter', medium: 'email', name: 'monthly', term: 'x' }, referrer: 'https://mail.example/inbox' };
    const s = storeOf(
      // The second page first (its referrer is the shop), then the landing in a later commit (a queue sent late).
      [view('a', 5, { ...mail, referrer: 'https://shop.example/' }), view('a', 9, { ...mail, referrer: 'https://shop.example/p' })],
      [view('a', 0, mail)],
      [view('b', 0, { session: 's2', referrer: 'https://www.google.com/search?q=tent', clickIds: { fbclid: 'F1', gclid: 'G1' } })],
    );
    expect(short(s)).toEqual([
      ['a', 's1', iso(0), iso(9), 'email', 'newsletter', 'email', 'monthly', 'mail.example', null],
      // Two click ids: the Google one decides (paid search).
      ['b', 's2', iso(0), iso(0), 'paid_search', null, null, null, 'google.com', 'gclid'],
    ]);
    // The click id itself is not kept, only a digest that tells two clicks apart.
    expect(rows(s)[1]!.click_ref).toMatch(/^[\w-]{12}$/);
    expect(JSON.stringify(rows(s))).not.toContain('G1');
  });

  it('makes no session of an event without a session id or a visitor (a page view, a server\'s user-only order)', () => {
    const s = storeOf([view('a', 0, {}), view(undefined, 1, { session: 's9' })]);
    expect(rows(s)).toEqual([]);
  });

  it('takes a click id an earlier session had as a return visit, and a new id as a new ad click, whichever session is stored first', () => {
    const s = storeOf(
      // The return visit's events come first (its tab's queue), then the landing with the click.
      [view('a', 120, { session: 'back', clickIds: { gclid: 'G1' } })],
      [view('a', 0, { session: 'click', referrer: 'https://www.google.com/', clickIds: { gclid: 'G1' } })],
      [view('a', 2000, { session: 'again', clickIds: { gclid: 'G2' } })],
    );
    expect(short(s).map((r) => [r[1], r[4]])).toEqual([['click', 'paid_search'], ['back', 'direct'], ['again', 'paid_search']]);
  });
});

describe('every click id a session carried (its clicks column)', () => {
  it('keeps each kind and digest from any event of the session, with the first time one carried it, whatever order they come in', () => {
    const s = storeOf(
      [view('a', 9, { session: 's1', clickIds: { gclid: 'G1', msclkid: 'M1' } })],
      // Stored later, earlier in time: the landing with two kinds, then a page where ads were granted for Microsoft too.
      [view('a', 0, { session: 's1', referrer: 'https://www.google.com/', clickIds: { gclid: 'G1', fbclid: 'F1' } }), view('a', 5, { session: 's1', clickIds: { gclid: 'G1', msclkid: 'M1' } })],
    );
    // In the order a session's click is chosen (Google's, Microsoft's, LinkedIn's, then Facebook's).
    expect(kinds(s)).toEqual([['a', 's1', 'gclid', iso(0)], ['a', 's1', 'msclkid', iso(5)], ['a', 's1', 'fbclid', iso(0)]]);
    expect(clicks(s).every((c) => /^[\w-]{12}$/.test(c.click_ref))).toBe(true);
    expect(JSON.stringify(clicks(s))).not.toMatch(/G1|M1|F1/);
    expect(short(s).map((r) => [r[1], r[4], r[9]])).toEqual([['s1', 'paid_search', 'gclid']]);
  });

  it('credits a session with two kinds to the one no earlier session carried, and a session that carried them all before is a return', () => {
    const s = storeOf(
      [view('a', 0, { session: 's1', clickIds: { gclid: 'G1' } })],
      // A Microsoft ad click: the old Google click still rides along.
      [view('a', 1440, { session: 's2', referrer: 'https://www.bing.com/', clickIds: { gclid: 'G1', msclkid: 'M1' } })],
      // A Facebook post (fbclid without a paid medium): both ad clicks still ride along.
      [view('a', 2880, { session: 's3', referrer: 'https://m.facebook.com/', clickIds: { gclid: 'G1', msclkid: 'M1', fbclid: 'F1' } })],
      // Typed the address: nothing new.
      [view('a', 4320, { session: 's4', clickIds: { gclid: 'G1', msclkid: 'M1', fbclid: 'F1' } })],
    );
    expect(short(s).map((r) => [r[1], r[4], r[9]])).toEqual([
      ['s1', 'paid_search', 'gclid'], ['s2', 'paid_search', 'msclkid'], ['s3', 'organic_social', 'fbclid'], ['s4', 'direct', null],
    ]);
  });
});

describe('the schema 11 and 12 migrations', () => {
  it('lists the click ids on a schema 11 store and decides its sessions again from the events', () => {
    const file = storeFile();
    let s = openStore(file);
    s.write([[
      view('a', 0, { session: 's1', referrer: 'https://www.google.com/' }),
      view('a', 3, { session: 's1', clickIds: { gclid: 'G1' } }),
      view('a', 1440, { session: 's2', clickIds: { gclid: 'G1' } }),
      view('a', 2880, { session: 's3', referrer: 'https://www.linkedin.com/', clickIds: { gclid: 'G1', li_fat_id: 'L1' } }),
      view('b', 7, { session: 's4', referrer: 'https://blog.example/' }),
    ].map((m) => toOutcome(m, {}, iso(10_000), plan))]);
    const atIngest = [rows(s), clicks(s)];
    s.close();
    // The store as schema 11 left it: no click ids' column, and the channels schema 11 decided
    // (the first kind only, a click id after the landing forgotten).
    const old = new Database(file);
    old.exec(`DROP TRIGGER sessions_first_clicks; DROP TABLE first_clicks; ALTER TABLE sessions DROP COLUMN clicks; DELETE FROM schema_migrations WHERE version >= 12; PRAGMA user_version = 11;
      UPDATE sessions SET channel = 'paid_search', click = 'gclid' WHERE session_id IN ('s2', 's3');`);
    old.close();
    s = kept(openStore(file));
    expect(s.migrated).toMatchObject({ from: 11, to: 13 });
    expect([rows(s), clicks(s)]).toEqual(atIngest);
    expect(short(s).map((r) => [r[1], r[4], r[9]])).toEqual([['s1', 'organic_search', null], ['s2', 'direct', null], ['s3', 'paid_social', 'li_fat_id'], ['s4', 'referral', null]]);
    expect(kinds(s).map((k) => k[1])).toEqual(['s1', 's2', 's3', 's3']);
  });

  it('fills the table from the events of an existing store, as ingest would have', () => {
    const file = storeFile();
    let s = openStore(file);
    s.write([[
      view('a', 0, { session: 's1', campaign: { source: 'google', medium: 'cpc', name: 'brand' }, clickIds: { gclid: 'G1' } }),
      view('a', 3, { session: 's1', clickIds: { gclid: 'G1' } }),
      view('a', 300, { session: 's2', clickIds: { gclid: 'G1' } }),
      view('b', 7, { session: 's3', referrer: 'https://blog.example/' }),
      view('b', 8, { session: 's3', referrer: 'https://shop.example/' }),
    ].map((m) => toOutcome(m, {}, iso(10_000), plan))]);
    const atIngest = rows(s);
    s.close();
    // The store as schema 10 left it: no sessions table.
    const old = new Database(file);
    old.exec('DROP TABLE sessions; DROP TABLE first_clicks; DELETE FROM schema_migrations WHERE version >= 11; PRAGMA user_version = 10;');
    old.close();
    s = kept(openStore(file));
    expect(s.migrated).toMatchObject({ from: 10, to: 13 });
    expect(rows(s)).toEqual(atIngest);
    expect(short(s).map((r) => [r[1], r[4]])).toEqual([['s1', 'paid_search'], ['s2', 'direct'], ['s3', 'referral']]);
  });
});

describe('an erasure and a retention pass', () => {
  it('forget takes the person\'s sessions; export hands them over', () => {
    const s = storeOf([view('a', 0, { session: 's1', referrer: 'https://blog.example/' }), view('b', 0, { session: 's2' })]);
    expect(exportPerson(s.db, { anonymousIds: ['a'] }).sessions).toMatchObject([{ anonymous_id: 'a', session_id: 's1', referrer_host: 'blog.example', channel: 'referral' }]);
    forget(s.db, { anonymousIds: ['a'] });
    expect(rows(s).map((r) => r.anonymous_id)).toEqual(['b']);
  });

  it('forget takes the click ids their sessions carried; export hands them over', () => {
    const s = storeOf([
      view('a', 0, { session: 's1', clickIds: { gclid: 'G1', msclkid: 'M1' } }),
      view('b', 0, { session: 's2', clickIds: { gclid: 'G2' } }),
    ]);
    const listed = exportPerson(s.db, { anonymousIds: ['a'] }).sessions.map((r) => (JSON.parse(r.clicks as string) as string[][]).map((c) => c[0]));
    expect(listed).toEqual([['gclid', 'msclkid']]);
    forget(s.db, { anonymousIds: ['a'] });
    expect(kinds(s)).toEqual([['b', 's2', 'gclid', iso(0)]]);
  });

  it('forget counts again the sessions of another person\'s browser that lost only the events naming the address', () => {
    const s = storeOf([
      // b, signed in as someone else, lands on a page whose URL names kari's address (a link she
      // shared); b's next page does not.
      view('b', 0, { session: 's1', url: 'https://shop.example/p?ref=kari%40example.com', referrer: 'https://blog.example/' }),
      view('b', 5, { session: 's1', referrer: 'https://shop.example/p' }),
      { type: 'identify', anonymousId: 'b', userId: 'u-ola', messageId: 'i-b', timestamp: iso(6), traits: {} },
    ]);
    expect(short(s).map((r) => [r[1], r[2], r[4]])).toEqual([['s1', iso(0), 'referral']]);
    forget(s.db, { emails: ['kari@example.com'] });
    expect(short(s).map((r) => [r[0], r[1], r[2], r[3], r[4]])).toEqual([['b', 's1', iso(5), iso(5), 'direct']]);
  });

  it('retain drops the sessions whose events all went, and summarises one the cutoff cuts from its first event that stays', () => {
    const now = T0 + 30 * DAY;
    const cut = iso(30 * 24 * 60 - 10 * 24 * 60); // 10 days before now
    const young = [
      // The landing is older than the cutoff; the pages after it stay (a session left open across it).
      view('a', 20 * 24 * 60 + 5, { session: 's1', referrer: 'https://shop.example/', campaign: { source: 'newsletter', medium: 'email', name: 'm' } }),
      // Ads granted on this page: a Microsoft click id from now on (it stays; the landing's Google one goes).
      view('a', 20 * 24 * 60 + 15, { session: 's1', referrer: 'https://shop.example/p', campaign: { source: 'newsletter', medium: 'email', name: 'm' }, clickIds: { msclkid: 'M7' } }),
      view('c', 25 * 24 * 60, { session: 's3', referrer: 'https://www.google.com/', clickIds: { gclid: 'G9' } }),
    ];
    const old = [
      view('a', 20 * 24 * 60 - 30, { session: 's1', referrer: 'https://www.google.com/', campaign: { source: 'newsletter', medium: 'email', name: 'm' }, clickIds: { gclid: 'G7' } }),
      view('b', 0, { session: 's2', referrer: 'https://blog.example/' }),
      // c's first visit, with the same click id: once it is gone, s3 is the click.
      view('c', 60, { session: 's0', clickIds: { gclid: 'G9' } }),
    ];
    expect(young.every((m) => m.timestamp >= cut) && old.every((m) => m.timestamp < cut)).toBe(true);
    const all = storeOf([...old, ...young]);
    expect(short(all).map((r) => [r[1], r[4]])).toEqual([['s1', 'paid_search'], ['s2', 'referral'], ['s0', 'paid_search'], ['s3', 'organic_search']]);
    retain(all.db, { days: 10, now, chunk: 2 });
    const fresh = storeOf(young);
    expect(rows(all)).toEqual(rows(fresh));
    expect(clicks(all)).toEqual(clicks(fresh));
    expect(kinds(all)).toEqual([['a', 's1', 'msclkid', young[1]!.timestamp], ['c', 's3', 'gclid', young[2]!.timestamp]]);
    expect(short(all).map((r) => [r[1], r[2], r[4]])).toEqual([['s1', young[0]!.timestamp, 'email'], ['s3', young[2]!.timestamp, 'paid_search']]);
  });
});
