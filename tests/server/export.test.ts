/**
 * `measureplan export`: what the store holds about one person, for an access request, found as
 * `forget` finds them; other people's data left out; nothing changed; the command's words.
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { exportPerson, forget } from '../../src/server/forget';
import type { Store } from '../../src/server/store';
import { ensureBuilt, run } from '../cli/helpers';
import { identify, now, store, track } from './forget-kit';

beforeAll(ensureBuilt);
const KARI = 'Kari.Nordmann@Example.com';
const view = (anonymousId: string, userId?: string, properties: Record<string, unknown> = { item_id: 'tent' }) => track('view_item', anonymousId, userId, properties);

/**
 * Kari: browser a1 (a view, then signs in with her e-mail), browser a2 (signs in with her user id,
 * a view), a quarantined message with her user id, a hand-off for a1, events relayed up to seq 3.
 * Ola: browser b1, signed in as himself, whose gift form names Kari's address.
 */
function shop(): { s: Store; file: string; dir: string } {
  const { d, s, write } = store();
  write([
    view('a1'), identify('a1', 'kari-7f3e', { email: KARI }), view('a1', 'kari-7f3e'),
    identify('a2', 'kari-7f3e'), view('a2', 'kari-7f3e'),
    identify('b1', 'ola-1', { email: 'ola@example.com' }), view('b1', 'ola-1', { item_id: 'gift', gift_for: KARI.toLowerCase() }),
    { type: 'track', userId: 'kari-7f3e', messageId: 'xq1', properties: {} }, // no event name: quarantined
  ]);
  s.db.prepare(`INSERT INTO webhook_outbox (id, kind, visitor, email, payload, status, created_at) VALUES ('cart:a1:0', 'cart', 'a1', ?, '{"items":[{"item_id":"tent"}]}', 'delivered', ?)`).run(KARI, now());
  s.db.prepare(`INSERT INTO relay_state (target, position, delivered) VALUES ('https://api.segment.io/v1/batch', 3, 3)`).run();
  return { s, file: d.db, dir: d.dir };
}

describe('exportPerson', () => {
  it('finds her browsers from her address, gives her events with their messages, leaves out the other person\'s, and changes nothing', () => {
    const { s } = shop();
    const before = s.db.prepare('SELECT count(*) FROM events').pluck().get();
    const r = exportPerson(s.db, { emails: [KARI.toLowerCase()] });
    expect(r.anonymousIds).toEqual(['a1', 'a2']);
    expect(r.userIds).toEqual(['kari-7f3e']);
    expect(r.events.map((e) => (e.message as any).anonymousId ?? (e.message as any).userId)).toEqual(['a1', 'a1', 'a1', 'a2', 'a2']);
    expect(r.events.map((e) => (e.message as any).type)).toEqual(['track', 'identify', 'track', 'identify', 'track']);
    expect((r.events[1]!.message as any).traits.email).toBe(KARI);
    expect(r.events.every((e) => e.received_at === r.events[0]!.received_at)).toBe(true);
    expect(r.quarantined).toHaveLength(1);
    expect(r.quarantined[0]!.reason).toMatch(/event name/);
    expect(r.handoffs).toEqual([expect.objectContaining({ id: 'cart:a1:0', email: KARI, status: 'delivered', payload: { items: [{ item_id: 'tent' }] } })]);
    expect(r.visitors.map((v) => v.anonymous_id)).toEqual(['a1', 'a2']);
    expect(r.forwarded).toEqual([{ target: 'https://api.segment.io/v1/batch', events: 3 }]);
    expect(r.othersNamingAddress).toBe(1);
    expect(JSON.stringify(r)).not.toContain('ola');
    expect(s.db.prepare('SELECT count(*) FROM events').pluck().get()).toBe(before);
    // What forget then erases of theirs is exactly what the export showed.
    const f = forget(s.db, { emails: [KARI] });
    expect(f.events - f.othersNamingAddress.events).toBe(r.events.length);
    expect({ q: f.quarantined, h: f.handoffs, v: f.visitors }).toEqual({ q: r.quarantined.length, h: r.handoffs.length, v: r.visitors.length });
    s.close();
  });

  it('nothing matching gives empty lists', () => {
    const { s } = shop();
    expect(exportPerson(s.db, { emails: ['nobody@example.com'] })).toMatchObject({ anonymousIds: [], events: [], quarantined: [], handoffs: [], visitors: [], othersNamingAddress: 0 });
    s.close();
  });
});

describe('exportPerson: other people on shared browsers and in the quarantine (QA diffread11)', () => {
  it('Kari and then Ola sign in on one browser: Kari\'s export holds her events there, not his, and says what it left out', () => {
    const { s, write } = store();
    write([
      view('shared'), identify('shared', 'kari-1', { email: KARI }), view('shared', 'kari-1'),
      identify('shared', 'ola-2', { email: 'ola@example.com', phone: '+47 900 00 000' }), track('purchase', 'shared', 'ola-2', { transaction_id: 'T-OLA', value: 999 }),
      view('own'), identify('own', 'kari-1'),
    ]);
    const r = exportPerson(s.db, { emails: [KARI] });
    expect(JSON.stringify(r)).not.toMatch(/ola@example\.com|T-OLA|900 00 000/);
    expect(r.events.map((e) => [(e.message as any).anonymousId, (e.message as any).type, (e.message as any).userId ?? null])).toEqual([
      ['shared', 'identify', 'kari-1'], ['shared', 'track', 'kari-1'], ['own', 'track', null], ['own', 'identify', 'kari-1'],
    ]);
    expect(r.sharedBrowsers).toEqual(['shared']);
    expect(r.leftOutOnSharedBrowsers).toEqual({ otherPeople: 2, unattributed: 1 });
    expect(r.visitors.map((v) => v.anonymous_id)).toEqual(['own']);
    s.close();
  });

  it('the quarantine: their own messages only, not another person\'s that names their address or merely holds their user id as a text', () => {
    const { s, write } = store();
    write([
      identify('ka', '42', { email: KARI }), identify('ob', 'ola-2', { email: 'ola@example.com' }),
      { type: 'bogus', anonymousId: 'ob', userId: 'ola-2', messageId: 'q-ola', note: `refer ${KARI}` },
      { type: 'bogus', anonymousId: 'zz', userId: 'per-9', messageId: 'q-per', traits: { shoe_size: '42' } },
      { type: 'bogus', anonymousId: 'ka', messageId: 'q-kari', note: 'hers' },
    ]);
    const r = exportPerson(s.db, { emails: [KARI] });
    expect(r.quarantined.map((q) => (q.message as any).messageId)).toEqual(['q-kari']);
    expect(exportPerson(s.db, { userIds: ['42'] }).quarantined.map((q) => (q.message as any).messageId)).toEqual(['q-kari']);
    s.close();
  });
});

describe('exportPerson: someone else known only by an address (QA diffread12)', () => {
  it('Ola identifies on her browser with an e-mail and no user id: the browser counts as shared, and nothing of his is exported', () => {
    const { s, write } = store();
    write([
      view('fam'), identify('fam', 'kari-1', { email: KARI }), view('fam', 'kari-1'),
      { type: 'identify', anonymousId: 'fam', messageId: 'i-ola', traits: { email: 'ola@example.com', phone: '+47 900 00 000' } },
      track('purchase', 'fam', undefined, { transaction_id: 'T-OLA', value: 999 }),
      { type: 'bogus', anonymousId: 'fam', messageId: 'q-ola', traits: { email: 'ola@example.com' } },
    ]);
    const r = exportPerson(s.db, { emails: [KARI] });
    expect(JSON.stringify(r)).not.toMatch(/ola@example\.com|900 00 000|T-OLA/);
    expect(r.sharedBrowsers).toEqual(['fam']);
    expect(r.events.map((e) => (e.message as any).type)).toEqual(['identify', 'track']);
    expect(r.quarantined).toEqual([]);
    s.close();
  });

  it('a message on her own browser that names another address in its traits is not exported to her', () => {
    const { s, write } = store();
    write([identify('own', 'kari-1', { email: KARI }), { type: 'bogus', anonymousId: 'own', messageId: 'q-other', traits: { email: 'per@example.com' } }, { type: 'bogus', anonymousId: 'own', messageId: 'q-hers' }]);
    expect(exportPerson(s.db, { emails: [KARI] }).quarantined.map((q) => (q.message as any).messageId)).toEqual(['q-hers']);
    s.close();
  });

  it('by user id only: her hand-off, to the address her own sign-in gave, is hers', () => {
    const { s, write } = store();
    write([view('a1'), identify('a1', 'kari-1', { email: KARI }), view('a1', 'kari-1')]);
    s.db.prepare(`INSERT INTO webhook_outbox (id, kind, visitor, email, payload, status, created_at) VALUES ('cart:a1:0', 'cart_abandoned', 'a1', ?, '{}', 'delivered', ?)`).run(KARI, now());
    expect(exportPerson(s.db, { userIds: ['kari-1'] }).handoffs.map((h) => h.id)).toEqual(['cart:a1:0']);
    s.close();
  });
});

describe('measureplan export', () => {
  it('writes the JSON to --out (readable by its owner only) and a summary on stderr; to stdout without --out', () => {
    const { s, file, dir } = shop();
    s.close();
    const out = join(dir, 'kari.json');
    const r = run(['export', '--db', file, '--email', KARI, '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`measureplan export: wrote ${out}: 5 events, 1 quarantined message, 1 hand-off, 2 visitor summaries (2 browsers); 1 event of other people names the address and is left out`);
    expect(statSync(out).mode & 0o777).toBe(0o600);
    const json = JSON.parse(readFileSync(out, 'utf8'));
    expect(json.exported_at).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(json.events).toHaveLength(5);
    const stdout = run(['export', '--db', file, '--anonymous-id', 'a2']);
    expect(stdout.code).toBe(0);
    // A browser id alone is that browser: a user id it signed in with may be another person's, so
    // the events under it are left out (give the e-mail or user id to have them).
    expect(JSON.parse(stdout.stdout)).toMatchObject({ anonymousIds: ['a2'], userIds: [], events: [], sharedBrowsers: ['a2'], leftOutOnSharedBrowsers: { otherPeople: 2, unattributed: 0 } });
    // --out never overwrites a file: not the store, not an earlier export (whose mode it would keep).
    const again = run(['export', '--db', file, '--email', KARI, '--out', file]);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('exists already: an export is only written to a new file.');
    expect(readFileSync(file).subarray(0, 15).toString()).toBe('SQLite format 3');
  });

  it('usage mistakes exit 2; a missing store exits 1 and is not created', () => {
    const { s, file, dir } = shop();
    s.close();
    expect(run(['export', '--db', file]).code).toBe(2);
    expect(run(['export', '--email', KARI]).code).toBe(2);
    expect(run(['export', '--db', file, '--email', 'not-an-address']).code).toBe(2);
    const missing = run(['export', '--db', join(dir, 'nope.db'), '--email', KARI]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('there is no such file');
    expect(run(['--help']).stdout).toMatch(/export\s+write what the store holds about one person/);
  });
});
