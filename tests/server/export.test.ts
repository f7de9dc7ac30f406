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
    // A browser id alone is that browser: a user id it signed in with may be another person's (as forget).
    expect(JSON.parse(stdout.stdout)).toMatchObject({ anonymousIds: ['a2'], userIds: [] });
    expect(JSON.parse(stdout.stdout).events).toHaveLength(2);
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
