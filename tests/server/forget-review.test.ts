/**
 * `measureplan forget`, second reading: the relay after the newest events are erased, addresses
 * compared as people write them, quarantined messages of other people with a similar address,
 * events stored while the erasure runs, copies SQLite left in the file's free space, and the
 * command beside a running collect server.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { forget } from '../../src/server/forget';
import { toOutcome } from '../../src/server/message';
import { openStore, type Store } from '../../src/server/store';
import { ensureBuilt, run, runAsync } from '../cli/helpers';
import { bogus, fileText, identify, now, page, scratch, store, vital } from './forget-kit';
import { post, startCollect } from './helpers';

beforeAll(ensureBuilt);

const count = (s: Store, sql: string, ...args: unknown[]) => s.db.prepare(sql).pluck().get(...args) as number;

describe('forget, second reading', () => {
  it('after the newest events are erased, the relay still delivers the events stored next', () => {
    const { s, write } = store();
    write([page('b1'), page('b1'), identify('k1', 'user-kari-1', { email: 'kari@example.com' }), page('k1')]);
    // The relay had delivered everything: seq 1 to 4.
    s.db.prepare(`INSERT INTO relay_state (target, position, delivered) VALUES ('https://api.segment.io/v1/batch', 4, 4)`).run();
    expect(forget(s.db, { emails: ['kari@example.com'] })).toMatchObject({ events: 2, forwarded: [{ target: 'https://api.segment.io/v1/batch', events: 2 }] });
    write([page('c1'), page('c1')]);
    // SQLite hands out seq 3 and 4 again: the relay reads the events after its position.
    const position = count(s, 'SELECT position FROM relay_state');
    expect(count(s, 'SELECT count(*) FROM events WHERE seq > ?', position)).toBe(2);
    s.close();
  });

  it('finds an address with capitals outside ASCII, or stored with a tab or a no-break space', () => {
    const { s, write } = store();
    write([identify('k1', 'user-oy', { email: 'Øyvind.Ås@Example.no' }), page('k1'), identify('t1', 'user-t', { email: 'tore@example.no\t' }), identify('u1', 'user-u', { email: '\u00a0una@example.no' })]);
    expect(forget(s.db, { emails: ['øyvind.ås@example.no'] }, { dryRun: true })).toMatchObject({ anonymousIds: ['k1'], events: 2 });
    expect(forget(s.db, { emails: ['Øyvind.Ås@Example.no'] }, { dryRun: true })).toMatchObject({ anonymousIds: ['k1'], events: 2 });
    expect(forget(s.db, { emails: ['tore@example.no'] }, { dryRun: true })).toMatchObject({ anonymousIds: ['t1'], events: 1 });
    expect(forget(s.db, { emails: ['una@example.no'] }, { dryRun: true })).toMatchObject({ anonymousIds: ['u1'], events: 1 });
    s.close();
  });

  it('erases the quarantined messages with their address, not those of an address that contains it', () => {
    const { s, write } = store();
    write([
      identify('k1', 'user-a', { email: 'a@b.com' }),
      bogus('q1', 'xa@b.com'), bogus('q2', 'a@b.com.au'), bogus('q3', 'a@b.company'), bogus('q4', 'x.a@b.com'), // other people
      bogus('q5', 'contact: A@B.COM.'), bogus('q6', 'Hi\na@b.com'), bogus('q7', 'mailto:a@b.com?subject=x'), bogus('q8', '<a@b.com>'), // hers
    ]);
    expect(count(s, 'SELECT count(*) FROM quarantine')).toBe(8);
    expect(forget(s.db, { emails: ['a@b.com'] })).toMatchObject({ events: 1, quarantined: 4 });
    expect(s.db.prepare('SELECT anonymous_id FROM quarantine ORDER BY 1').pluck().all()).toEqual(['q1', 'q2', 'q3', 'q4']);
    s.close();
  });

  it('does not count the events a relay target refused as delivered to it', () => {
    const { s, write } = store();
    write([identify('k1', 'user-kari-1', { email: 'kari@example.com' }), page('k1'), page('k1')]);
    s.db.prepare(`INSERT INTO relay_state (target, position, delivered) VALUES ('https://hosted.rudderlabs.com/v1/batch', 3, 2)`).run();
    s.db.prepare(`INSERT INTO relay_rejected (target, event_seq, message_id, status, reason, at) VALUES ('https://hosted.rudderlabs.com/v1/batch', 2, 'x', 400, '400 bad', ?)`).run('2026-11-02T10:00:00.000Z');
    expect(forget(s.db, { emails: ['kari@example.com'] }).forwarded).toEqual([{ target: 'https://hosted.rudderlabs.com/v1/batch', events: 2 }]);
    s.close();
  });

  it('erases the events the server stores while the search runs, and keeps the visitors summary true to the events', () => {
    const { d, s, write } = store();
    write([identify('k1', 'user-kari-1', { email: 'kari@example.com' }), page('k1'), page('b1')]);
    const server = openStore(d.db);
    // The server commits one more of her events between the search and the deletes.
    const db = new Proxy(s.db, {
      get(target, key) {
        if (key === 'transaction') return (fn: () => void) => { server.write([[toOutcome(page('k1'), {}, now(), undefined)]]); return target.transaction(fn); };
        const v = Reflect.get(target, key) as unknown;
        return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
      },
    });
    expect(forget(db, { emails: ['kari@example.com'] })).toMatchObject({ events: 3, visitors: 1 });
    expect(s.db.prepare('SELECT anonymous_id FROM events').pluck().all()).toEqual(['b1']);
    expect(s.db.prepare('SELECT anonymous_id, events FROM visitors').raw().all()).toEqual([['b1', 1]]);
    server.close();
    s.close();
  });

  // A store this server wrote zeroes moved rows as it goes (secure_delete FAST): no rewrite is
  // needed. One an older measureplan wrote (no secure_delete) keeps copies: the file is rewritten.
  for (const [written, older] of [['written by this server', false], ['written by an older measureplan', true]] as const) {
    it(`leaves no copy of them in the free space SQLite keeps inside pages, after the store grew past their rows (${written})`, () => {
      const { d, s, write } = store();
      if (older) s.db.pragma('secure_delete = OFF');
      const EMAIL = 'kari.marker@example.com';
      const USER = 'user-kari-marker';
      // Her rows come first; as the store grows, the first pages split and keep old copies in free space.
      write([identify('anon-kari-marker-1', USER, { email: EMAIL }), vital('anon-kari-marker-1', 3100)]);
      for (let g = 0; g < 40; g++) write(Array.from({ length: 10 }, (_, i) => [page(`anon-${g}-${i}`), identify(`anon-${g}-${i}`, `user-${g}-${i}`, { email: `p${g}.${i}@example.com` })]).flat());
      s.db.pragma('wal_checkpoint(TRUNCATE)');
      const before = count(s, 'SELECT count(*) FROM events');
      s.close();
      const r = run(['forget', '--db', d.db, '--email', EMAIL, '--format', 'json']);
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({ events: 2, checkpointed: true, vacuumed: older });
      const bytes = fileText(d.db);
      expect(bytes).toContain('p20.5@example.com');
      expect(bytes).not.toContain(EMAIL);
      expect(bytes).not.toContain(USER);
      expect(bytes).not.toContain('anon-kari-marker-1');
      const after = openStore(d.db);
      expect(count(after, 'SELECT count(*) FROM events')).toBe(before - 2);
      expect(count(after, 'SELECT count(*) FROM vital_pages')).toBe(0);
      after.close();
    });
  }

  it('runs beside a collect server that keeps storing events: nothing of theirs left, every other event stored once', async () => {
    const d = scratch();
    const collect = await startCollect(['--db', d.db, '--quiet']);
    try {
      const url = `${collect.url}/v1/batch`;
      const EMAIL = 'kari.busy@example.com';
      expect((await post(url, { batch: [identify('anon-kari-busy', 'user-kari-busy', { email: EMAIL }), page('anon-kari-busy')] })).status).toBe(200);
      let sent = 0;
      let stop = false;
      const others = (async () => {
        for (let g = 0; !stop; g++) {
          const batch = Array.from({ length: 50 }, (_, i) => [page(`anon-o${g}-${i}`), vital(`anon-o${g}-${i}`, 1000 + i * 37)]).flat();
          // A busy store answers 503: the client sends the same batch again, as the collector adapter does.
          for (let tries = 0; (await post(url, { batch })).status !== 200; tries++) { if (tries > 20) throw new Error('never stored'); await new Promise((ok) => setTimeout(ok, 100)); }
          sent += batch.length;
        }
      })();
      await new Promise((ok) => setTimeout(ok, 300));
      const r = await runAsync(['forget', '--db', d.db, '--email', EMAIL, '--format', 'json']);
      stop = true;
      await others;
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({ events: 2, visitors: 1, checkpointed: true });
      const s = openStore(d.db);
      expect(count(s, "SELECT count(*) FROM events WHERE anonymous_id = 'anon-kari-busy' OR email = ?", EMAIL)).toBe(0);
      expect(count(s, 'SELECT count(*) FROM events')).toBe(sent);
      expect(count(s, 'SELECT sum(events) FROM visitors')).toBe(sent);
      expect(count(s, 'SELECT sum(pages) FROM vital_pages')).toBe(sent / 2);
      s.close();
    } finally {
      await collect.stop();
    }
  });
});
