/**
 * Second read of schema 12 (sessions.clicks) and the ingest speed-ups (2026-12-07).
 */
import { describe, expect, it } from 'vitest';
import { exportPerson, forget } from '../../src/server/forget';
import { recountSessions } from '../../src/server/sessions';
import type { Store } from '../../src/server/store';
import { iso, storeOf, write } from './sessions-kit';

let n = 0;
interface Ctx { session?: string; referrer?: string; clickIds?: Record<string, string>; id?: string; userId?: string; email?: string }
const view = (visitor: string, m: number, c: Ctx) => ({
  type: 'track', event: 'view_item', anonymousId: visitor, ...(c.userId && { userId: c.userId }), messageId: c.id ?? `r${++n}`, timestamp: iso(m), properties: { item_id: 'tent' },
  context: {
    page: { url: 'https://shop.example/p', referrer: c.referrer ?? '' },
    measureplan: { kind: 'micro', ...(c.session && { session_id: c.session }), ...(c.clickIds && { click_ids: c.clickIds }) },
  },
});

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
