/**
 * Second read of schema 12 (sessions.clicks) and the ingest speed-ups (2026-12-08).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { parsePlan } from '../../src/plan/parse';
import type { Plan } from '../../src/plan/types';
import { exportPerson, forget } from '../../src/server/forget';
import { toOutcome } from '../../src/server/message';
import { recountSessions } from '../../src/server/sessions';
import { openStore, type Store } from '../../src/server/store';
import { tempStore } from './helpers';

const plan = (parsePlan({
  version: 1, name: 'Shop', currency: 'NOK', destinations: { collector: { url: '/collect' } },
  conversions: {
    purchase: { kind: 'macro', properties: { transaction_id: { type: 'string' }, value: { type: 'number' } }, value: 'value', send: { collector: {} } },
    view_item: { kind: 'micro', properties: { item_id: { type: 'string' } }, send: { collector: {} } },
  },
}) as { plan: Plan }).plan;

const T0 = Date.UTC(2026, 10, 2, 10, 0, 0);
const iso = (m: number) => new Date(T0 + m * 60_000).toISOString();
let n = 0;
interface Ctx { session?: string; referrer?: string; clickIds?: Record<string, string>; id?: string; userId?: string; email?: string }
const view = (visitor: string, m: number, c: Ctx) => ({
  type: 'track', event: 'view_item', anonymousId: visitor, ...(c.userId && { userId: c.userId }), messageId: c.id ?? `r${++n}`, timestamp: iso(m), properties: { item_id: 'tent' },
  context: {
    page: { url: 'https://shop.example/p', referrer: c.referrer ?? '' },
    measureplan: { kind: 'micro', ...(c.session && { session_id: c.session }), ...(c.clickIds && { click_ids: c.clickIds }) },
  },
});

const dirs: ReturnType<typeof tempStore>[] = [];
const stores: Store[] = [];
afterEach(() => { for (const s of stores.splice(0)) s.close(); for (const d of dirs.splice(0)) d.remove(); });
function storeOf(...commits: object[][]): Store {
  const d = tempStore();
  dirs.push(d);
  const s = openStore(d.db);
  stores.push(s);
  for (const c of commits) s.write([c.map((m) => toOutcome(m, {}, iso(10_000), plan))]);
  return s;
}
const write = (s: Store, ...groups: object[][]) => s.write(groups.map((g) => g.map((m) => toOutcome(m, {}, iso(10_000), plan))));
const all = (s: Store) => s.db.prepare('SELECT * FROM sessions ORDER BY anonymous_id, session_id').all();
const recounted = (s: Store) => { s.db.exec('DELETE FROM sessions'); recountSessions(s.db, '1'); return all(s); };

describe('a hand-edited clicks column', () => {
  for (const bad of ['not json', '{}', '[1]', '[["gclid"]]']) {
    it(`(${bad}) does not fail the commits of every visitor written with that visitor's events`, () => {
      const s = storeOf([view('a', 0, { session: 's1', clickIds: { gclid: 'G1' } })]);
      s.db.prepare('UPDATE sessions SET clicks = ?').run(bad);
      // Another browser's batch, committed in the same transaction as a's next session.
      const w = write(s, [view('b', 5, { session: 's9', referrer: 'https://blog.example/' })], [view('a', 1440, { session: 's2', clickIds: { gclid: 'G1' } }), view('a', 1441, { session: 's1', clickIds: { msclkid: 'M1' } })]);
      expect(w.map((x) => x.stored)).toEqual([1, 2]);
      // What the events say, as a recount gives it.
      const atIngest = all(s);
      expect(atIngest).toEqual(recounted(s));
    });
  }
});
