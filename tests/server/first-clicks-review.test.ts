/**
 * Second read of schema 13 (first_clicks), 2026-12-08: random small histories ingested in random
 * commits must leave `sessions` and `first_clicks` as a recount of the events writes them, and as
 * a store that took the same events one per commit; so after forget, retain and more commits.
 */
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { forget } from '../../src/server/forget';
import { retain } from '../../src/server/retain';
import { recountSessions } from '../../src/server/sessions';
import { toOutcome } from '../../src/server/message';
import { openStore, type Store } from '../../src/server/store';
import { parsePlan } from '../../src/plan/parse';
import type { Plan } from '../../src/plan/types';
import { iso, kept, storeFile } from './sessions-kit';

const DAY = 24 * 60;
/** The sessions kit's shop, whose product views may hold a form's address. */
const plan = (parsePlan({
  version: 1, name: 'Shop', currency: 'NOK', destinations: { collector: { url: '/collect' } },
  conversions: { view_item: { kind: 'micro', properties: { item_id: { type: 'string' }, email: { type: 'string', optional: true } }, send: { collector: {} } } },
}) as { plan: Plan }).plan;

/** A seeded PRNG (mulberry32): a failing case names its seed. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (n: number) => Math.floor(next() * n), pick: <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)]! };
}
type Rand = ReturnType<typeof prng>;

interface Message { messageId: string; [k: string]: unknown }

// Session ids that sort differently as UTF-16 and as code points or bytes, with spaces and a newline.
const SESSION_IDS = ['s1', 's2', 'S', 's 1', 'é', '\uffff', '😀', 'a\nb', 's10'];
const REFERRERS = ['', 'https://www.google.com/', 'https://www.bing.com/', 'https://l.facebook.com/', 'https://blog.example/'];
const CLICK_POOL: [string, string][] = [['gclid', 'G1'], ['gclid', 'G2'], ['msclkid', 'M1'], ['fbclid', 'F1'], ['gbraid', 'B1'], ['li_fat_id', 'L1']];

let counter = 0;
function event(visitor: string, session: string, minute: number, r: Rand): Message {
  const ids: Record<string, string> = {};
  if (r.next() < 0.6) for (let k = 1 + r.int(3); k > 0; k--) { const [kind, id] = r.pick(CLICK_POOL); ids[kind] = id; }
  return {
    type: 'track', event: 'view_item', anonymousId: visitor, messageId: `p${++counter}`, timestamp: iso(minute), properties: { item_id: 'tent' },
    // Now and then a form's address on someone's page: erasing that person takes these events from other browsers' sessions.
    ...(r.next() < 0.15 && { properties: { item_id: 'tent', email: 'kari@example.no' } }),
    context: {
      page: { url: 'https://shop.example/p', referrer: r.pick(REFERRERS) },
      ...(r.next() < 0.2 && { campaign: { source: 'news', medium: r.pick(['email', 'cpc']), name: 'winter' } }),
      measureplan: { kind: 'micro', session_id: session, ...(Object.keys(ids).length && { click_ids: ids }) },
    },
  };
}

/** 2–4 visitors with 1–6 sessions each, starts on a few shared minutes (`spread` apart), 1–4 events a session on the same or the next minutes. */
function history(r: Rand, spread = 1): Message[] {
  const out: Message[] = [];
  for (let v = 2 + r.int(3); v > 0; v--) {
    const visitor = r.pick(['a', 'b', 'c', 'd', 'e']) + v;
    const ids = [...SESSION_IDS].sort(() => r.next() - 0.5).slice(0, 1 + r.int(6));
    for (const s of ids) {
      const start = r.int(5) * spread;
      for (let e = 1 + r.int(4); e > 0; e--) out.push(event(visitor, s, start + r.int(3), r));
    }
  }
  return out;
}

/** The messages shuffled, some sent twice (a retry), in commits of 1–3 batches of 1–4 messages. */
function commits(r: Rand, messages: readonly Message[]): Message[][][] {
  const sent = [...messages, ...messages.filter(() => r.next() < 0.2)].sort(() => r.next() - 0.5);
  const out: Message[][][] = [];
  for (let i = 0; i < sent.length;) {
    const commit: Message[][] = [];
    for (let b = 1 + r.int(3); b > 0 && i < sent.length; b--) { const size = 1 + r.int(4); commit.push(sent.slice(i, i + size)); i += size; }
    out.push(commit);
  }
  return out;
}

const write = (s: Store, commit: readonly (readonly Message[])[]) => s.write(commit.map((b) => b.map((m) => toOutcome(m, {}, iso(100 * DAY), plan))));
const memory = () => kept(openStore(':memory:'));
/** The messages in the order a store holds them: the first copy of each, commit by commit. */
function storeOrder(cs: readonly Message[][][]): Message[] {
  const seen = new Set<string>();
  return cs.flat(2).filter((m) => !seen.has(m.messageId) && !!seen.add(m.messageId));
}

type Db = Store['db'];
const sessions = (db: Db) => db.prepare('SELECT * FROM sessions ORDER BY anonymous_id, session_id').all();
const firsts = (db: Db) => db.prepare('SELECT * FROM first_clicks ORDER BY anonymous_id, click, click_ref').all();
const rows = (s: Store) => [sessions(s.db), firsts(s.db)];
/** What does not depend on which of two events at the same time was stored first. */
const clicksOf = (s: Store) => s.db.prepare('SELECT anonymous_id, session_id, started, last_seen, click, click_ref, clicks FROM sessions ORDER BY anonymous_id, session_id').all();

/** What a recount of the store's events writes, done on a copy (the store keeps what ingest wrote). */
function recount(s: Store) {
  const image = s.db.serialize();
  // A store file is in WAL mode, which a database in memory cannot open: its header says rollback journal instead.
  image[18] = image[19] = 1;
  const copy = new Database(image);
  copy.exec('DELETE FROM sessions');
  recountSessions(copy, '1');
  const out = [sessions(copy), firsts(copy)];
  copy.close();
  return out;
}

describe('random histories in random commits', () => {
  it('leave the rows a recount and a store of one event per commit write (300 seeds)', () => {
    for (let seed = 1; seed <= 300; seed++) {
      const r = prng(seed);
      const messages = history(r);
      const cs = commits(r, messages);
      const s = memory();
      for (const c of cs) write(s, c);
      const one = memory();
      for (const m of storeOrder(cs)) write(one, [[m]]);
      const sorted = memory();
      for (const m of messages) write(sorted, [[m]]);
      const where = `seed ${seed}`;
      expect(rows(s), where).toEqual(rows(one));
      expect(clicksOf(s), where).toEqual(clicksOf(sorted));
      expect(firsts(s.db), where).toEqual(firsts(sorted.db));
      expect(rows(s), where).toEqual(recount(s));
      s.close(); one.close(); sorted.close();
    }
  }, 120_000); // about 4 s alone; many times that beside the rest of the suite on two cores

  it('after forget or retain and more commits, still equal a recount (200 seeds)', () => {
    for (let seed = 1001; seed <= 1200; seed++) {
      const r = prng(seed);
      // Sessions half a day apart, so that a retention pass cuts some and keeps others.
      const messages = history(r, DAY / 2);
      const cut = r.int(messages.length + 1);
      const [before, after] = [messages.slice(0, cut), messages.slice(cut)];
      const s = memory();
      for (const c of commits(r, before)) write(s, c);
      const visitors = [...new Set(before.map((m) => m.anonymousId as string))];
      const how = r.int(3);
      if (how === 0 && visitors.length) forget(s.db, { anonymousIds: [r.pick(visitors)] });
      else if (how === 1) forget(s.db, { emails: ['kari@example.no'] });
      else {
        retain(s.db, { days: 1, now: Date.parse(iso(DAY + r.int(3) * DAY / 2 + r.int(3))), chunk: 1 + r.int(5) });
      }
      const where = `seed ${seed}`;
      expect(rows(s), where).toEqual(recount(s));
      for (const c of commits(r, [...after, ...before.filter(() => r.next() < 0.3)])) write(s, c);
      expect(rows(s), where).toEqual(recount(s));
      s.close();
    }
  }, 120_000);
});

describe('odd keys', () => {
  it('keeps apart visitor "a\\nb" session "c" and visitor "a" session "b\\nc"', () => {
    const r = prng(2);
    const one = event('a\nb', 'c', 0, r);
    const two = event('a', 'b\nc', 5, r);
    (one.context as { measureplan: object }).measureplan = { kind: 'micro', session_id: 'c', click_ids: { gclid: 'G1' } };
    (two.context as { measureplan: object }).measureplan = { kind: 'micro', session_id: 'b\nc', click_ids: { msclkid: 'M1' } };
    const s = memory();
    write(s, [[one, two]]);
    expect(s.db.prepare('SELECT count(*) FROM events').pluck().get()).toBe(2);
    expect(s.db.prepare('SELECT anonymous_id, session_id, click FROM sessions ORDER BY anonymous_id').raw().all()).toEqual([['a', 'b\nc', 'msclkid'], ['a\nb', 'c', 'gclid']]);
    expect(rows(s)).toEqual(recount(s));
  });
});

/** Texts a hand may leave in `clicks` that are not the list ingest writes, from the row's own list. */
const EDITS: ((list: string) => string)[] = [
  () => 'not json', () => '{}', () => '[["gclid"]]', () => '[1]', () => '', () => '[]',
  () => '[["constructor","x","2026-11-02T10:00:00.000Z"]]',
  // The row's ids out of order, or one of them twice.
  (list) => JSON.stringify((JSON.parse(list) as unknown[]).reverse()),
  (list) => { const l = JSON.parse(list) as unknown[]; return JSON.stringify([...l, l[l.length - 1]]); },
];

/** Sessions with two click ids or more have their `clicks` edited by `edit`; the keys of those edited. */
function editClicks(db: Db, edit: (list: string) => string): [string, string][] {
  const picked = db.prepare("SELECT anonymous_id, session_id, clicks FROM sessions WHERE json_array_length(clicks) > 1 LIMIT 2").raw().all() as [string, string, string][];
  for (const [v, id, list] of picked) db.prepare('UPDATE sessions SET clicks = ? WHERE anonymous_id = ? AND session_id = ?').run(edit(list), v, id);
  return picked.map(([v, id]) => [v, id]);
}

describe('a clicks column edited by hand into another text', () => {
  it('is counted again from the events by the schema 12 → 13 migration', () => {
    for (let seed = 1; seed <= 2 * EDITS.length; seed++) {
      const r = prng(seed);
      const file = storeFile();
      let s = openStore(file);
      for (const c of commits(r, history(r))) write(s, c);
      s.close();
      const old = new Database(file);
      old.exec('DROP TRIGGER sessions_first_clicks; DROP TABLE first_clicks; DELETE FROM schema_migrations WHERE version = 13; PRAGMA user_version = 12;');
      editClicks(old, EDITS[seed % EDITS.length]!);
      old.close();
      s = kept(openStore(file));
      expect(s.migrated, `seed ${seed}`).toMatchObject({ from: 12, to: 13 });
      expect(rows(s), `seed ${seed}`).toEqual(recount(s));
    }
  });

  it('is counted again from the events by the next commit to that session', () => {
    for (let seed = 1; seed <= 4 * EDITS.length; seed++) {
      const r = prng(seed);
      const s = memory();
      for (const c of commits(r, history(r))) write(s, c);
      const edited = editClicks(s.db, EDITS[seed % EDITS.length]!);
      // A later page of each edited session with a click id (which decides the session again), or an earlier one.
      write(s, [edited.map(([v, id]) => {
        const m = event(v, id, seed % 2 ? 10 + r.int(3) : -1, r);
        (m.context as { measureplan: object }).measureplan = { kind: 'micro', session_id: id, click_ids: { [r.pick(CLICK_POOL)[0]]: r.pick(CLICK_POOL)[1] } };
        return m;
      })]);
      expect(rows(s), `seed ${seed}`).toEqual(recount(s));
    }
  });
});
