/**
 * `measureplan forget --email`, where else an address identifies a person (QA finding F1): a user
 * id that is the address, a message from another browser that names it (plain, or percent-encoded
 * as in a URL), the visitor summaries of those browsers; other people's addresses that contain it
 * left alone; and a closing line that says what the file still holds instead of claiming it holds
 * nothing.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { forget, type Progress } from '../../src/server/forget';
import { ensureBuilt, run } from '../cli/helpers';
import { toOutcome } from '../../src/server/message';
import { openStore, type Store } from '../../src/server/store';
import { all, bogus, col, fileText, identify, KARI, page, store, track, vital } from './forget-kit';

beforeAll(ensureBuilt);
const browsers = (s: Store) => col(s, 'SELECT DISTINCT anonymous_id FROM events ORDER BY 1');
const visitors = (s: Store) => all(s, 'SELECT anonymous_id, events FROM visitors ORDER BY 1');

describe('forget --email: the address wherever the store holds it', () => {
  it('a user id that is the address is their user id: its events and every browser it signed in on go, as with --user-id', () => {
    const messages = () => [
      page('anon-kari-1'), // before she signs in: the browser is hers all the same
      identify('anon-kari-1', 'Kari.Nordmann@Example.no', { name: 'Kari Nordmann', phone: '+47 912 34 567' }),
      page('anon-kari-1', 'https://shop.example/account', 'Kari.Nordmann@Example.no'),
      identify('anon-kari-4', 'Kari.Nordmann@Example.no'), page('anon-kari-4'), // her phone
      page('b1'), identify('b1', 'user-ola', { email: 'ola@example.no' }),
    ];
    for (const person of [{ emails: [KARI] }, { userIds: ['Kari.Nordmann@Example.no'] }, { userIds: [' KARI.nordmann@example.no'] }]) {
      const { s, write } = store();
      write(messages());
      const r = forget(s.db, person);
      expect(r, JSON.stringify(person)).toMatchObject({ events: 5, visitors: 2, complete: true });
      expect([...r.anonymousIds].sort()).toEqual(['anon-kari-1', 'anon-kari-4']);
      expect(r.userIds).toContain('Kari.Nordmann@Example.no');
      expect(browsers(s)).toEqual(['b1']);
      expect(col(s, 'SELECT count(*) FROM events_raw')).toEqual([2]);
      expect(visitors(s)).toEqual([['b1', 2]]);
      s.close();
    }
  });

  it("a message from another browser that names the address goes; so does that browser when it never signed in as anyone, and only that message when it is someone else's", () => {
    const { s, write } = store();
    write([
      identify('anon-kari-3', 'u-77', { email: 'Kari.Nordmann@Example.no' }), page('anon-kari-3'),
      // Never signed in: she followed the link in her mailbox. Its other pages are hers too.
      page('anon-kari-2', `https://shop.example/confirm?email=${KARI}`), page('anon-kari-2'), vital('anon-kari-2', 3100),
      // Ola, signed in, typed her address into a gift form: that message names her; the rest is his.
      identify('o1', 'user-ola', { email: 'ola@example.no' }), page('o1'), page('o1', 'https://shop.example/gift', 'user-ola'),
      track('gift_sent', 'o1', 'user-ola', { recipient: KARI }),
      // A server-side message of another user, with no browser.
      track('support_note', undefined, 'agent-9', { note: `called ${KARI}` }),
      page('b1'),
    ]);
    const dry = forget(s.db, { emails: [KARI] }, { dryRun: true });
    const r = forget(s.db, { emails: [KARI] });
    expect(r).toMatchObject({
      events: 7, eventsFoundInMessages: 3, browsersFoundInMessages: ['anon-kari-2'], othersNamingAddress: { events: 2, browsers: 1 },
      visitors: 2, userIds: ['u-77'], complete: true,
    });
    expect([...r.anonymousIds].sort()).toEqual(['anon-kari-2', 'anon-kari-3']);
    // The dry run counted the same.
    expect({ ...dry, dryRun: false, checkpointed: true, complete: true }).toEqual({ ...r, vacuumed: false });
    expect(all(s, 'SELECT anonymous_id, user_id, type FROM events ORDER BY seq')).toEqual([
      ['o1', 'user-ola', 'identify'], ['o1', null, 'page'], ['o1', 'user-ola', 'page'], ['b1', null, 'page'],
    ]);
    expect(col(s, 'SELECT count(*) FROM events_raw')).toEqual([4]);
    // Ola's summary is recounted from the events he keeps; hers and her browsers' are gone.
    expect(visitors(s)).toEqual([['b1', 1], ['o1', 3]]);
    expect(all(s, 'SELECT metric, bucket, pages FROM vital_pages')).toEqual([]);
    s.close();
  });

  it('finds the address percent-encoded as in a URL, in any case, also outside ASCII and in quarantined messages', () => {
    const { s, write } = store();
    write([
      page('e1', `https://shop.example/confirm?email=kari.nordmann%40example.no&step=2`),
      page('e2', 'https://shop.example/unsubscribe?e=KARI.NORDMANN%40EXAMPLE.NO'),
      page('e3', 'https://shop.example/?to=%C3%98yvind.%C3%85s%40example.no'),
      bogus('q1', '/x?email=Kari.Nordmann%40example.no', 'url'),
      page('b1'),
    ]);
    expect(forget(s.db, { emails: [KARI] })).toMatchObject({ events: 2, eventsFoundInMessages: 2, browsersFoundInMessages: ['e1', 'e2'], quarantined: 1, visitors: 2 });
    expect(forget(s.db, { emails: ['øyvind.ås@example.no'] })).toMatchObject({ events: 1, browsersFoundInMessages: ['e3'] });
    expect(browsers(s)).toEqual(['b1']);
    expect(col(s, 'SELECT count(*) FROM quarantine')).toEqual([0]);
    s.close();
  });

  it('does not take an address that contains theirs for theirs: xkari.nordmann@… and kari.nordmann@….evil are other people', () => {
    const { s, write } = store();
    write([
      page('k1', `https://shop.example/confirm?email=${KARI}`),
      page('x1', 'https://shop.example/confirm?email=xkari.nordmann@example.no'),
      page('x2', 'https://shop.example/confirm?email=kari.nordmann@example.no.evil'),
      page('x3', 'https://shop.example/confirm?email=xkari.nordmann%40example.no'),
      page('x4', 'https://shop.example/confirm?email=kari.nordmann%40example.no.evil'),
      page('x5', 'https://shop.example/confirm?email=kari.nordmann%40example.no%2Eevil'),
      page('x6', 'https://shop.example/confirm?email=jo%2Bkari.nordmann%40example.no'),
      identify('x7', 'xkari.nordmann@example.no', { email: 'kari.nordmann@example.no.evil' }),
      bogus('q1', '/x?email=xkari.nordmann%40example.no', 'url'),
    ]);
    expect(forget(s.db, { emails: [KARI] })).toMatchObject({ anonymousIds: ['k1'], userIds: [], events: 1, quarantined: 0, visitors: 1 });
    expect(browsers(s)).toEqual(['x1', 'x2', 'x3', 'x4', 'x5', 'x6', 'x7']);
    expect((visitors(s) as unknown[][]).map((v) => v[0])).toEqual(['x1', 'x2', 'x3', 'x4', 'x5', 'x6', 'x7']);
    expect(col(s, 'SELECT count(*) FROM quarantine')).toEqual([1]);
    s.close();
  });

  it('reports its pass over the messages as it goes, not only at its end', () => {
    const { s, write } = store();
    write([page('k1', `https://shop.example/?email=${KARI}`), ...Array.from({ length: 30 }, (_, i) => page(`v${i}`))]);
    const seen: Progress[] = [];
    // Read 10 events per step (25,000 in use): a report after each step, then the final one.
    forget(s.db, { emails: [KARI] }, { dryRun: true, chunk: 10, progress: (p) => seen.push(p) });
    expect(seen).toEqual([{ searched: 10, of: 31 }, { searched: 20, of: 31 }, { searched: 30, of: 31 }, { searched: 31, of: 31 }, { searched: 31, of: 31 }]);
    s.close();
  });
});

describe('measureplan forget --email (the command)', () => {
  it("erases QA's repro: the user id that is the address, the other browser's URL, and their visitor summaries", () => {
    const { d, s } = store();
    s.close();
    // /tmp/qa-sec/fg.json, posted to collect: the same four messages.
    const batch = [
      { type: 'identify', userId: KARI, anonymousId: 'anon-kari-1', messageId: 'f-1', traits: { name: 'Kari Nordmann', phone: '+47 912 34 567' } },
      { type: 'page', userId: KARI, anonymousId: 'anon-kari-1', messageId: 'f-2', properties: { path: '/account' }, context: { page: { url: 'https://shop.example/account', path: '/account' } } },
      { type: 'page', anonymousId: 'anon-kari-2', messageId: 'f-3', context: { page: { url: `https://shop.example/confirm?email=${KARI}`, path: '/confirm' } } },
      { type: 'identify', userId: 'u-77', anonymousId: 'anon-kari-3', messageId: 'f-4', traits: { email: 'Kari.Nordmann@Example.no' } },
    ];
    const w = openStore(d.db);
    w.write([batch.map((m) => toOutcome(m, {}, '2026-11-02T10:00:00.000Z', undefined))]);
    w.db.pragma('wal_checkpoint(TRUNCATE)');
    w.close();
    expect(fileText(d.db)).toContain(KARI);
    const dry = run(['forget', '--db', d.db, '--email', KARI, '--dry-run']);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toContain('would erase 4 events, 0 quarantined messages, 0 abandonment hand-offs, 3 visitor summaries');
    const r = run(['forget', '--db', d.db, '--email', KARI]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`who      3 browsers (anonymous ids), user ids ${KARI}, u-77`);
    expect(r.stdout).toContain('erased   4 events, 0 quarantined messages, 0 abandonment hand-offs, 3 visitor summaries');
    expect(r.stdout).toContain('named    1 event names the address only in the message (a URL, a property); 1 browser (anon-kari-2) is linked to them by that alone: never signed in as anyone');
    expect(r.stdout).toContain('the store file no longer holds them');
    const after = openStore(d.db);
    expect(col(after, 'SELECT count(*) FROM events')).toEqual([0]);
    expect(col(after, 'SELECT count(*) FROM events_raw')).toEqual([0]);
    expect(col(after, 'SELECT count(*) FROM visitors')).toEqual([0]);
    after.close();
    const bytes = fileText(d.db);
    expect(bytes).not.toContain(KARI);
    expect(bytes).not.toContain('Nordmann');
    expect(bytes).not.toContain('912 34 567');
  });

  it('does not say the file no longer holds them while it still finds their id: it says where, and exits 1', () => {
    const { d, s, write } = store();
    write([
      identify('anon-kari-9', 'user-kari-7f3e9a', { email: KARI }), page('anon-kari-9'),
      // Ola's event names her user id in a field forget does not erase by.
      track('referral', 'o1', 'user-ola', { referred_by: 'user-kari-7f3e9a' }),
    ]);
    s.close();
    const r = run(['forget', '--db', d.db, '--email', KARI]);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toContain('erased   2 events');
    expect(r.stdout).not.toContain('no longer holds them');
    expect(r.stdout).toContain('NOT ERASED: the store file still holds user-kari-7f3e9a, in rows that are theirs: events_raw (1 row: seq 3).');
    expect(fileText(d.db)).toContain('user-kari-7f3e9a');
    const json = run(['forget', '--db', d.db, '--email', KARI, '--user-id', 'user-kari-7f3e9a', '--format', 'json']);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({ events: 0, complete: false, left: [{ text: 'user-kari-7f3e9a', table: 'events_raw', rows: 1, theirs: true, keys: [3] }] });
  });

  it("tells apart someone else's longer address that contains theirs: their rows are gone, exit 0, without claiming the text is gone", () => {
    const { d, s, write } = store();
    write([identify('anon-kari-5', 'user-k5', { email: KARI }), page('anon-kari-5'), identify('x1', 'user-x1', { email: `x${KARI}` })]);
    s.close();
    const r = run(['forget', '--db', d.db, '--email', KARI]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).not.toContain('no longer holds them');
    // That text is explained by the other person's live row: no rewrite of the file (it would find it again every time).
    expect(r.stdout).toContain(`their rows are erased and overwritten; the file still holds ${KARI}, but only inside other, longer values that are not theirs`);
    expect(r.stdout).toContain('events_raw (1 row: seq 3)');
    const after = openStore(d.db);
    expect(browsers(after)).toEqual(['x1']);
    after.close();
  });

  it('--format json gives the new counts and whether the erasure is complete; stderr stays quiet for a store searched at once', () => {
    const { d, s, write } = store();
    write([page('k1', `https://shop.example/?email=${KARI}`), page('b1')]);
    s.close();
    const r = run(['forget', '--db', d.db, '--email', KARI, '--format', 'json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ events: 1, eventsFoundInMessages: 1, browsersFoundInMessages: ['k1'], othersNamingAddress: { events: 0, browsers: 0 }, left: [], complete: true });
    // A store this small is searched at once: no progress line (they come every 2 s).
    expect(r.stderr).toBe('');
  });
});
