/**
 * `measureplan forget`, findings of a second reader: an event of another signed-in person whose
 * e-mail field is the address (a gift form) erases only that event, not the other person; no
 * rewrite of the file when the address is only part of someone else's longer address; the SQL
 * pre-filter and the whole-address check agree (`%2E`, `o'brien@…`); leftover texts printed
 * escaped.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { forget, type Progress } from '../../src/server/forget';
import { ensureBuilt, run } from '../cli/helpers';
import { all, bogus, col, fileText, identify, KARI, page, store, track } from './forget-kit';

beforeAll(ensureBuilt);

describe('forget --email: the address in the e-mail field of another person\'s event', () => {
  it('a signed-in friend whose gift form has a field named email loses only that event, on that browser; his user id and other browsers stay', () => {
    const { s, write } = store();
    write([
      identify('o1', 'user-ola', { email: 'ola@example.no' }),
      page('o1', 'https://shop.example/a', 'user-ola'),
      page('o2', 'https://shop.example/b', 'user-ola'), // Ola's other browser: it never names Kari
      track('gift_sent', 'o1', 'user-ola', { email: KARI }),
      // A browser that signed in as no one, whose form event says the address: hers.
      page('n1'), track('newsletter_signup', 'n1', undefined, { email: KARI }),
      // A server-side event of another user, with no browser: only this event names her.
      track('support_note', undefined, 'agent-9', { email: KARI }), track('support_login', undefined, 'agent-9', {}),
      // Per's browser, signed in as Per, sends a form event without a user id: Per's browser all the same.
      identify('p1', 'user-per', { email: 'per@example.no' }), track('gift_sent', 'p1', undefined, { email: KARI }), page('p1'),
      // A shared device: it signed in as Kari, later as Siri. Erased whole, as the docs say.
      identify('s1', 'u-kari', { email: KARI }), page('s1'), identify('s1', 'user-siri', { email: 'siri@example.no' }), page('s1'),
      identify('k1', 'u-kari', { email: KARI }), page('k1'),
      bogus('o1', 'Ola\'s own quarantined message'), bogus('k1', 'Kari\'s quarantined message'),
    ]);
    const dry = forget(s.db, { emails: [KARI] }, { dryRun: true });
    expect(dry.userIds.sort()).toEqual(['u-kari']);
    const r = forget(s.db, { emails: [KARI] });
    expect(r).toMatchObject({ userIds: ['u-kari'], quarantined: 1, othersNamingAddress: { events: 3, browsers: 2 }, browsersFoundInMessages: ['n1'], complete: true });
    expect([...r.anonymousIds].sort()).toEqual(['k1', 'n1', 's1']);
    // Kari: k1 (2), s1 (4, shared: whole), n1 (2); others: Ola's gift, Per's gift, agent-9's note.
    expect(r.events).toBe(11);
    expect(r.eventsFoundInMessages).toBe(4);
    expect(all(s, 'SELECT anonymous_id, user_id, event FROM events ORDER BY seq')).toEqual([
      ['o1', 'user-ola', null], ['o1', 'user-ola', null], ['o2', 'user-ola', null], [null, 'agent-9', 'support_login'], ['p1', 'user-per', null], ['p1', null, null],
    ]);
    // Ola's and Per's summaries are counted again from what they keep.
    expect(all(s, 'SELECT anonymous_id, events FROM visitors ORDER BY 1')).toEqual([['o1', 2], ['o2', 1], ['p1', 2]]);
    expect(col(s, 'SELECT anonymous_id FROM quarantine')).toEqual(['o1']);
    // The dry run counted the same.
    expect({ ...dry, dryRun: false, checkpointed: true, complete: true }).toEqual({ ...r, vacuumed: false });
    s.close();
  });
});

describe('forget: the file rewrite', () => {
  it('does not rewrite the file when the address is only part of a longer address of someone else, also when nothing matches', () => {
    const { s, write } = store();
    write([
      identify('anon-nicola-1', 'user-nicola', { email: 'nicola@example.no' }),
      identify('anon-cola-1', 'user-cola', { email: 'cola@example.no' }), page('anon-cola-1'),
    ]);
    const seen: Progress[] = [];
    const r = forget(s.db, { emails: ['cola@example.no'] }, { progress: (p) => seen.push(p) });
    expect(r).toMatchObject({ events: 2, vacuumed: false, complete: true });
    expect(r.left.length).toBeGreaterThan(0);
    expect(r.left.every((l) => !l.theirs && l.text === 'cola@example.no')).toBe(true);
    const again = forget(s.db, { emails: ['cola@example.no'] }, { progress: (p) => seen.push(p) });
    expect(again).toMatchObject({ events: 0, vacuumed: false, complete: true });
    expect(seen).not.toContainEqual({ rewriting: true });
    expect(col(s, 'SELECT DISTINCT anonymous_id FROM events')).toEqual(['anon-nicola-1']);
    s.close();
  });

  it('still rewrites it when their text is in no row (a copy in free space), and then it is gone', () => {
    const { d, s, write } = store();
    write([identify('anon-cola-1', 'user-cola', { email: 'cola@example.no' }), page('b1')]);
    // A store written without secure_delete: the deleted row stays in free space.
    s.db.pragma('secure_delete = OFF');
    s.db.prepare("DELETE FROM events_raw WHERE raw LIKE '%cola@%'").run();
    s.db.pragma('wal_checkpoint(TRUNCATE)');
    const r = forget(s.db, { emails: ['cola@example.no'] });
    expect(r).toMatchObject({ vacuumed: true, complete: true, left: [] });
    s.close();
    expect(fileText(d.db)).not.toContain('cola@example.no');
  });
});

describe('forget --email: the pre-filter and the whole-address check agree', () => {
  it("finds an address whose dots are percent-encoded (%2E) in stored messages as in quarantined ones", () => {
    const { s, write } = store();
    write([
      page('e1', 'https://shop.example/confirm?email=kari%2Enordmann%40example%2Eno'),
      bogus('q1', 'https://shop.example/confirm?email=kari%2Enordmann%40example%2Eno'),
      page('b1'),
    ]);
    expect(forget(s.db, { emails: [KARI] })).toMatchObject({ events: 1, anonymousIds: ['e1'], quarantined: 1 });
    expect(col(s, 'SELECT DISTINCT anonymous_id FROM events')).toEqual(['b1']);
    s.close();
  });

  it("does not find brien@example.com inside o'brien@example.com, but finds it quoted as 'brien@example.com'", () => {
    const { s, write } = store();
    write([
      page('x1', "https://shop.example/confirm?email=o'brien@example.com"),
      page('x2', 'https://shop.example/confirm?email=o%27brien%40example.com'),
      bogus('q1', "mail from o'brien@example.com"),
      page('b1', "https://shop.example/?note='brien@example.com'"),
    ]);
    const r = forget(s.db, { emails: ['brien@example.com'] });
    expect(r).toMatchObject({ events: 1, anonymousIds: ['b1'], quarantined: 0 });
    expect(col(s, 'SELECT DISTINCT anonymous_id FROM events ORDER BY 1')).toEqual(['x1', 'x2']);
    s.close();
  });
});

describe('forget: output', () => {
  it('prints the texts the file still holds with control characters escaped', () => {
    const { d, s, write } = store();
    const id = 'anon-\u001b[2Jkari';
    write([identify(id, 'user-kari-1', { email: KARI }), page(id), page(`x${id}`)]);
    s.close();
    const r = run(['forget', '--db', d.db, '--email', KARI]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('only inside other, longer values');
    expect(r.stdout).toContain('anon-\\x1b[2Jkari');
    expect(r.stdout).not.toContain('\u001b[2J');
  });
});
