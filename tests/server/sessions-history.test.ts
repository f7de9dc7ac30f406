/**
 * A commit decides only the sessions it changed, asking `first_clicks` (schema 13) which session
 * of the visitor carried each click id first, instead of reading the visitor's whole history.
 * Whatever order the commits come in, the rows must be what a recount of the events gives.
 */
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { exportPerson, forget } from '../../src/server/forget';
import { retain } from '../../src/server/retain';
import { recountSessions } from '../../src/server/sessions';
import { openStore, type Store } from '../../src/server/store';
import { iso, kept, storeFile, storeOf, write } from './sessions-kit';

const DAY = 24 * 60;
let n = 0;
interface Ctx { referrer?: string; clickIds?: Record<string, string> }
const view = (visitor: string, session: string, m: number, c: Ctx = {}) => ({
  type: 'track', event: 'view_item', anonymousId: visitor, messageId: `h${++n}`, timestamp: iso(m), properties: { item_id: 'tent' },
  context: {
    page: { url: 'https://shop.example/p', referrer: c.referrer ?? '' },
    measureplan: { kind: 'micro', session_id: session, ...(c.clickIds && { click_ids: c.clickIds }) },
  },
});

const sessions = (s: Store) => s.db.prepare('SELECT * FROM sessions ORDER BY anonymous_id, session_id').all();
const firsts = (s: Store) => s.db.prepare('SELECT * FROM first_clicks ORDER BY anonymous_id, click, click_ref').all();
/** Each session's id and channel, in the order they started. */
const channels = (s: Store, v = 'a') => s.db.prepare('SELECT session_id, channel FROM sessions WHERE anonymous_id = ? ORDER BY started, session_id').raw().all(v) as [string, string][];
const channelOf = (s: Store, id: string) => channels(s).find((r) => r[0] === id)?.[1];

/** The rows as ingest left them equal those a recount of the events writes (first_clicks too). */
function expectRecounted(s: Store) {
  const atIngest = [sessions(s), firsts(s)];
  s.db.exec('DELETE FROM sessions');
  expect(firsts(s)).toEqual([]);
  recountSessions(s.db, '1');
  expect([sessions(s), firsts(s)]).toEqual(atIngest);
}

/** Visitor a's history: a Google click, then `count` return visits a day apart, each carrying it. */
const history = (count: number) => [
  view('a', 's0', 0, { referrer: 'https://www.google.com/', clickIds: { gclid: 'G1' } }),
  ...Array.from({ length: count }, (_, i) => view('a', `s${i + 1}`, (i + 1) * DAY, { clickIds: { gclid: 'G1' } })),
];

describe('a commit decides the sessions it changed against the first carrier of each click id', () => {
  it('decides a new session at the end of a long history alone, as a return or as a new click', () => {
    const s = storeOf(history(40));
    write(s, [view('a', 'new', 50 * DAY, { clickIds: { gclid: 'G1' } })]);
    write(s, [view('a', 'ad', 51 * DAY, { referrer: 'https://www.bing.com/', clickIds: { gclid: 'G1', msclkid: 'M1' } })]);
    expect(channelOf(s, 's0')).toBe('paid_search');
    expect(channels(s).filter(([, c]) => c === 'direct')).toHaveLength(41);
    expect(channelOf(s, 'ad')).toBe('paid_search');
    expect(s.db.prepare("SELECT click FROM sessions WHERE session_id = 'ad'").pluck().get()).toBe('msclkid');
    expectRecounted(s);
  });

  it('takes the click from a later session when a late one inserted in the middle of the history carried it first', () => {
    const s = storeOf(
      history(30),
      // Day 20: a Microsoft ad click beside the old Google one.
      [view('a', 'bing', 20 * DAY + 5, { clickIds: { gclid: 'G1', msclkid: 'M1' } })],
    );
    expect(channelOf(s, 'bing')).toBe('paid_search');
    // A tab's queue sent late: a session of day 10 that landed with the same Microsoft click.
    write(s, [view('a', 'late', 10 * DAY + 5, { referrer: 'https://www.bing.com/', clickIds: { gclid: 'G1', msclkid: 'M1' } })]);
    expect([channelOf(s, 'late'), channelOf(s, 'bing')]).toEqual(['paid_search', 'direct']);
    expectRecounted(s);
  });

  it('gives the click to an old session whose first event arrives late, earlier than the session that held it', () => {
    const s = storeOf(
      history(10),
      // q as first stored: a page of day 3 that carried a LinkedIn click already.
      [view('a', 'q', 3 * DAY + 30, { clickIds: { gclid: 'G1', li_fat_id: 'L1' } })],
      [view('a', 'p', 2 * DAY + 60, { referrer: 'https://www.linkedin.com/', clickIds: { gclid: 'G1', li_fat_id: 'L1' } })],
    );
    expect([channelOf(s, 'p'), channelOf(s, 'q')]).toEqual(['paid_social', 'direct']);
    // q's landing, earlier than p's: q starts first now, and landed with the click.
    write(s, [view('a', 'q', 2 * DAY + 30, { referrer: 'https://www.linkedin.com/', clickIds: { gclid: 'G1', li_fat_id: 'L1' } })]);
    expect(channels(s).slice(3, 5)).toEqual([['q', 'paid_social'], ['p', 'organic_social']]);
    expectRecounted(s);
  });

  it('makes a later session a return when an earlier one carries its click id on a page after its landing', () => {
    const s = storeOf(
      history(10),
      [view('a', 'fb', 8 * DAY + 5, { clickIds: { gclid: 'G1', fbclid: 'F1' } })],
    );
    expect(channelOf(s, 'fb')).toBe('organic_social');
    // Day 5's session, on a later page, carried the same Facebook id: fb landed with nothing new.
    write(s, [view('a', 's5', 5 * DAY + 20, { clickIds: { gclid: 'G1', fbclid: 'F1' } })]);
    expect([channelOf(s, 's5'), channelOf(s, 'fb')]).toEqual(['direct', 'direct']);
    expectRecounted(s);
  });

  it('gives the click to the next session that carried the id when the first one goes (an erasure)', () => {
    const s = storeOf(
      [view('a', 'x', 0, { clickIds: { msclkid: 'M1' } })],
      [view('a', 'y', DAY, { referrer: 'https://www.bing.com/', clickIds: { msclkid: 'M1' } })],
      [view('b', 'z', 0, { clickIds: { gclid: 'G2' } })],
    );
    expect([channelOf(s, 'x'), channelOf(s, 'y')]).toEqual(['paid_search', 'organic_search']);
    // Session x's events go (as forget counts again a browser that lost some): y carried M1 first now.
    s.db.exec("DELETE FROM events WHERE context_measureplan_session_id = 'x'; DELETE FROM sessions WHERE anonymous_id = 'a'");
    recountSessions(s.db, "anonymous_id = 'a'");
    expect(channels(s)).toEqual([['y', 'paid_search']]);
    write(s, [view('a', 'w', 2 * DAY, { clickIds: { msclkid: 'M1' } })]);
    expect(channelOf(s, 'w')).toBe('direct');
    expectRecounted(s);
  });

  it('decides as a recount does, whatever order the commits of a mixed history come in', () => {
    // Four click ids across 24 sessions (landings, later pages, returns), some sessions in two commits.
    const ids: Record<string, string>[] = [{ gclid: 'G1' }, { gclid: 'G1', msclkid: 'M1' }, { msclkid: 'M1', fbclid: 'F1' }, { gclid: 'G2' }, {}];
    const events = Array.from({ length: 24 }, (_, i) => [
      view('a', `s${i}`, i * DAY + (i % 5), { referrer: i % 4 ? '' : 'https://www.google.com/', clickIds: ids[(i * 7) % 5] }),
      view('a', `s${i}`, i * DAY + 30, { clickIds: ids[(i * 3 + 1) % 5] }),
    ]).flat();
    let seed = 7;
    const random = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
    const expected = storeOf(...events.map((e) => [e]));
    for (let order = 0; order < 6; order++) {
      const shuffled = [...events].sort(() => random() - 0.5);
      const commits: object[][] = [];
      for (let i = 0; i < shuffled.length;) { const size = 1 + Math.floor(random() * 4); commits.push(shuffled.slice(i, i + size)); i += size; }
      const s = storeOf(...commits);
      expect(s.db.prepare('SELECT count(*) FROM events').pluck().get()).toBe(events.length);
      expect([sessions(s), firsts(s)]).toEqual([sessions(expected), firsts(expected)]);
    }
    expectRecounted(expected);
  });
});

describe('first_clicks', () => {
  it('holds one row per visitor and click id, however many sessions carried it', () => {
    const s = storeOf(history(25), [view('b', 't', 0, { clickIds: { gclid: 'G1', fbclid: 'F1' } })]);
    expect(firsts(s).map((r) => { const { anonymous_id, click, session_id } = r as Record<string, string>; return [anonymous_id, click, session_id]; }))
      .toEqual([['a', 'gclid', 's0'], ['b', 'fbclid', 't'], ['b', 'gclid', 't']]);
  });

  it('goes with the person\'s sessions when they are forgotten; export hands the sessions over', () => {
    const s = storeOf(history(3), [view('b', 't', 0, { clickIds: { gclid: 'G2' } })]);
    expect(exportPerson(s.db, { anonymousIds: ['a'] }).sessions).toHaveLength(4);
    forget(s.db, { anonymousIds: ['a'] });
    expect(firsts(s).map((r) => (r as { anonymous_id: string }).anonymous_id)).toEqual(['b']);
  });

  it('after a retention pass, names the sessions a store of the events that stay would', () => {
    // The old Google click goes with its sessions; s12 carried it first among those that stay, and s14 the Microsoft id on a later page.
    const old = history(10);
    const young = [
      view('a', 's12', 12 * DAY, { clickIds: { gclid: 'G1' } }), view('a', 's14', 14 * DAY, { clickIds: { gclid: 'G1' } }),
      view('a', 's14', 14 * DAY + 9, { clickIds: { gclid: 'G1', msclkid: 'M1' } }), view('a', 's15', 15 * DAY, { referrer: 'https://www.bing.com/', clickIds: { msclkid: 'M1' } }),
    ];
    const s = storeOf(old, young);
    retain(s.db, { days: 10, now: Date.parse(iso(21 * DAY)), chunk: 3 });
    const fresh = storeOf(young);
    expect([sessions(s), firsts(s)]).toEqual([sessions(fresh), firsts(fresh)]);
    expect(firsts(s).map((r) => (r as { session_id: string }).session_id)).toEqual(['s12', 's14']);
    expect(channels(s)).toEqual([['s12', 'paid_search'], ['s14', 'direct'], ['s15', 'organic_search']]);
  });

  it('is filled from the sessions by the migration of a schema 12 store, and the next commit decides against it', () => {
    const file = storeFile();
    let s = openStore(file);
    write(s, history(5), [view('a', 'm', 2 * DAY, { clickIds: { gclid: 'G1', msclkid: 'M1' } })], [view('b', 't', 0, { clickIds: { gclid: 'G1' } })]);
    const atIngest = [sessions(s), firsts(s)];
    s.close();
    // The store as schema 12 left it.
    const old = new Database(file);
    old.exec('DROP TRIGGER sessions_first_clicks; DROP TABLE first_clicks; DELETE FROM schema_migrations WHERE version = 13; PRAGMA user_version = 12;');
    old.close();
    s = kept(openStore(file));
    expect(s.migrated).toMatchObject({ from: 12, to: 13 });
    expect([sessions(s), firsts(s)]).toEqual(atIngest);
    write(s, [view('a', 'n', 10 * DAY, { clickIds: { msclkid: 'M1' } })]);
    expect(channelOf(s, 'n')).toBe('direct');
    expectRecounted(s);
  });
});
