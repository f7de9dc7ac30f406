/** Pinned by the mutation review of 2026-12-06: forget's re-search under the write lock must not take another person's browser on its recent events alone. */
import { expect, it } from 'vitest';
import { forget } from '../../src/server/forget';
import { all, identify, KARI, page, store, track } from './forget-kit';

it('a browser signed in as Per that names Kari\'s address in an event stored while forget searches loses only that event', () => {
  const { s, write } = store();
  write([
    identify('k1', 'u-kari', { email: KARI }), page('k1'),
    identify('p1', 'user-per', { email: 'per@example.no' }), page('p1'),
  ]);
  let once = false;
  // The server commits Per's gift form (no user id on it) after forget's search and before its
  // write lock: simulated at forget's first prepare after the search (its delete statement).
  const prepare = s.db.prepare.bind(s.db);
  (s.db as { prepare: unknown }).prepare = (sql: string) => {
    if (!once && sql === 'DELETE FROM events WHERE seq = ?') { once = true; write([track('gift_sent', 'p1', undefined, { email: KARI })]); }
    return prepare(sql);
  };
  const r = forget(s.db, { emails: [KARI] });
  expect(once).toBe(true);
  expect([...r.anonymousIds].sort()).toEqual(['k1']);
  expect(all(s, 'SELECT anonymous_id, user_id, type FROM events ORDER BY seq')).toEqual([
    ['p1', 'user-per', 'identify'], ['p1', null, 'page'],
  ]);
  s.close();
});
