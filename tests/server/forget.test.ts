/**
 * `measureplan forget`: one person erased from the store for an erasure request, found from an
 * e-mail address, a user id or a browser id, with the browsers linked to them; nobody else
 * touched; the summaries kept at ingest corrected; the bytes gone from the file; the relay's
 * already-delivered events counted; a dry run that changes nothing; the command's words.
 */
import { readFileSync, existsSync } from 'node:fs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { forget } from '../../src/server/forget';
import { toOutcome } from '../../src/server/message';
import { openStore, type Store } from '../../src/server/store';
import { ensureBuilt, run } from '../cli/helpers';
import { tempStore, viewItem } from './helpers';

const dirs: ReturnType<typeof tempStore>[] = [];
beforeAll(ensureBuilt);
afterEach(() => { for (const d of dirs.splice(0)) d.remove(); });

const T0 = Date.UTC(2026, 10, 2, 10);
let n = 0;
const at = (min: number) => new Date(T0 + min * 60_000).toISOString();
const view = (anonymousId: string, min: number, userId?: string) => viewItem({ anonymousId, ...(userId ? { userId } : {}), messageId: `e${++n}`, timestamp: at(min) });
const identify = (anonymousId: string, min: number, userId: string, email?: string) => ({
  type: 'identify', anonymousId, userId, messageId: `i${++n}`, timestamp: at(min), traits: email ? { email } : {}, context: {},
});
const vital = (anonymousId: string, min: number, value: number) => ({
  type: 'track', event: 'web_vital', anonymousId, messageId: `v${++n}`, timestamp: at(min),
  properties: { metric_name: 'LCP', metric_value: value, metric_rating: value <= 2500 ? 'good' : value <= 4000 ? 'needs-improvement' : 'poor' },
  context: { measureplan: { kind: 'signal' } },
});
// Distinct markers, so the file can be searched for them.
const KARI = 'Kari.Nordmann@Example.com';
const USER_A = 'user-kari-7f3e9a';

/**
 * Kari: browser a1 (a view, a vital, then signs in with her e-mail), browser a2 (signs in with her
 * user id only, a view, a vital), a quarantined message with her user id, an abandoned-cart
 * hand-off for a1. Ola: browser b1 with a view, a vital, his own sign-in.
 */
function shop(): { d: ReturnType<typeof tempStore>; s: Store } {
  const d = tempStore();
  dirs.push(d);
  const s = openStore(d.db);
  const when = at(100);
  const messages = [
    view('a1', 0), vital('a1', 1, 3100), identify('a1', 2, USER_A, KARI), view('a1', 3, USER_A),
    identify('a2', 10, USER_A), view('a2', 11, USER_A), vital('a2', 12, 1200),
    view('b1', 0), vital('b1', 1, 1900), identify('b1', 2, 'user-ola', 'ola@example.com'),
    { type: 'track', userId: USER_A, messageId: `q${++n}`, timestamp: at(20), properties: {} }, // no event name: quarantined
    // Quarantined too: a message whose only trace of her is the address, deep in its properties.
    { type: 'track', anonymousId: 'z9', messageId: `q${++n}`, timestamp: at(21), properties: { form: { fields: [{ value: KARI.toUpperCase() }] } } },
  ];
  s.write([messages.map((m) => toOutcome(m, {}, when, undefined))]);
  s.db.prepare(`INSERT INTO webhook_outbox (id, kind, visitor, email, payload, status, created_at) VALUES ('cart:a1:0', 'cart', 'a1', ?, '{}', 'pending', ?)`).run(KARI, when);
  s.db.prepare(`INSERT INTO relay_state (target, position, delivered) VALUES ('https://api.segment.io/v1/batch', 4, 4)`).run();
  return { d, s };
}

const tables = (s: Store) => ({
  events: s.db.prepare('SELECT anonymous_id FROM events ORDER BY seq').pluck().all(),
  raw: s.db.prepare('SELECT count(*) FROM events_raw').pluck().get(),
  visitors: s.db.prepare('SELECT anonymous_id FROM visitors ORDER BY 1').pluck().all(),
  vitals: s.db.prepare('SELECT metric, bucket, pages FROM vital_pages ORDER BY bucket').raw().all(),
  quarantine: s.db.prepare('SELECT count(*) FROM quarantine').pluck().get(),
  handoffs: s.db.prepare('SELECT count(*) FROM webhook_outbox').pluck().get(),
});
const fileText = (db: string) => ['', '-wal'].map((x) => (existsSync(db + x) ? readFileSync(db + x).toString('latin1') : '')).join('');

describe('forget', () => {
  it('erases a person found by e-mail: both browsers she signed in on, nobody else', () => {
    const { s } = shop();
    expect(tables(s)).toEqual({
      events: ['a1', 'a1', 'a1', 'a1', 'a2', 'a2', 'a2', 'b1', 'b1', 'b1'], raw: 10, visitors: ['a1', 'a2', 'b1'],
      vitals: [['LCP', 120, 1], ['LCP', 190, 1], ['LCP', 310, 1]], quarantine: 2, handoffs: 1,
    });
    const r = forget(s.db, { emails: ['  kari.nordmann@example.COM '] });
    expect(r).toMatchObject({ anonymousIds: ['a1', 'a2'], userIds: [USER_A], events: 7, quarantined: 2, handoffs: 1, visitors: 2, dryRun: false, checkpointed: true });
    // The relay had delivered seq 1-4 (a1's four events): Segment must be asked too.
    expect(r.forwarded).toEqual([{ target: 'https://api.segment.io/v1/batch', events: 4 }]);
    expect(tables(s)).toEqual({ events: ['b1', 'b1', 'b1'], raw: 3, visitors: ['b1'], vitals: [['LCP', 190, 1]], quarantine: 0, handoffs: 0 });
    s.close();
  });

  it('by user id, or by one browser id: the same person, the same erasure', () => {
    for (const person of [{ userIds: [USER_A] }, { anonymousIds: ['a2'], userIds: [USER_A] }]) {
      const { s } = shop();
      const r = forget(s.db, person);
      expect(r.anonymousIds.sort()).toEqual(['a1', 'a2']);
      expect(tables(s).events).toEqual(['b1', 'b1', 'b1']);
      s.close();
    }
    // A browser id alone erases that browser only: it names no person to follow.
    const { s } = shop();
    expect(forget(s.db, { anonymousIds: ['a2'] })).toMatchObject({ anonymousIds: ['a2'], events: 3, visitors: 1 });
    expect(tables(s).events).toEqual(['a1', 'a1', 'a1', 'a1', 'b1', 'b1', 'b1']);
    s.close();
  });

  it('leaves no copy in the store file: the bytes are overwritten and the log emptied', () => {
    const { d, s } = shop();
    s.db.pragma('wal_checkpoint(TRUNCATE)');
    expect(fileText(d.db)).toContain(KARI);
    expect(fileText(d.db)).toContain(USER_A);
    forget(s.db, { emails: [KARI] });
    s.close();
    const after = fileText(d.db);
    expect(after).not.toContain(KARI);
    expect(after).not.toContain(USER_A);
    expect(after).toContain('ola@example.com'); // the search itself works
  });

  it('a dry run counts and changes nothing; nothing matching is no error', () => {
    const { s } = shop();
    const before = tables(s);
    expect(forget(s.db, { emails: [KARI] }, { dryRun: true })).toMatchObject({ events: 7, quarantined: 2, handoffs: 1, visitors: 2, dryRun: true, checkpointed: false });
    expect(tables(s)).toEqual(before);
    expect(forget(s.db, { emails: ['nobody@example.com'] })).toMatchObject({ anonymousIds: [], events: 0, quarantined: 0, handoffs: 0, visitors: 0, forwarded: [] });
    expect(tables(s)).toEqual(before);
    s.close();
  });
});

describe('measureplan forget (the command)', () => {
  it('says what it erased and what must be deleted where the relay sent it', () => {
    const { d, s } = shop();
    s.close();
    const dry = run(['forget', '--db', d.db, '--email', KARI, '--dry-run']);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toContain('(dry run: nothing erased)');
    expect(dry.stdout).toContain('would erase 7 events, 2 quarantined messages, 1 abandonment hand-off, 2 visitor summaries');
    const r = run(['forget', '--db', d.db, '--email', KARI]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('who      2 browsers (anonymous ids), user id user-kari-7f3e9a');
    expect(r.stdout).toContain('erased   7 events');
    expect(r.stdout).toMatch(/4 events of these had already been delivered to https:\/\/api\.segment\.io\/v1\/batch: delete them there too/);
    expect(r.stdout).toContain('the store file no longer holds them');
    const again = run(['forget', '--db', d.db, '--email', KARI, '--format', 'json']);
    expect(JSON.parse(again.stdout)).toMatchObject({ events: 0, anonymousIds: [] });
    expect(run(['forget', '--db', d.db, '--email', KARI]).stdout).toContain('nothing in');
  });

  it('usage mistakes exit 2 and erase nothing; a missing store is never created (exit 1, as report and offline)', () => {
    const d = tempStore();
    dirs.push(d);
    const missing = run(['forget', '--db', d.db, '--email', KARI]);
    expect([missing.code, missing.stderr]).toEqual([1, expect.stringContaining(`the store ${d.db} cannot be opened: there is no such file.`)]);
    expect(existsSync(d.db)).toBe(false);
    expect(run(['forget', '--db', d.db]).stderr).toContain('forget needs the person');
    expect(run(['forget', '--db', d.db, '--email', 'kari']).stderr).toContain('--email "kari" is not an e-mail address.');
    expect(run(['forget', '--email', KARI]).code).toBe(2);
    expect(run(['--help']).stdout).toMatch(/\n {2}forget {4}erase one person from the store/);
  });
});
