/** Pinned by the mutation review of 2026-12-06: retention of the relay's refusal records by their own age (docs/cli.md#retain). */
import { afterEach, expect, it } from 'vitest';
import { toOutcome } from '../../src/server/message';
import { retain } from '../../src/server/retain';
import { openStore } from '../../src/server/store';
import { tempStore } from './helpers';

const DAY = 86_400_000;
const NOW = Date.parse('2026-11-30T12:00:00.000Z');
const cleanups: (() => unknown)[] = [];
afterEach(() => { for (const c of cleanups.splice(0).reverse()) c(); });

it('a relay refusal recorded before the cutoff goes, even when its event is recent enough to stay', () => {
  const dir = tempStore();
  cleanups.push(() => dir.remove());
  const s = openStore(dir.db);
  cleanups.push(() => s.close());
  const recent = new Date(NOW - DAY).toISOString();
  const at = new Date(NOW).toISOString();
  s.write([[toOutcome({ type: 'track', event: 'view_item', anonymousId: 'a', messageId: 'kept-1', timestamp: recent, properties: { item_id: 'x' } }, {}, at, undefined)]]);
  const ins = s.db.prepare(`INSERT INTO relay_rejected (target, event_seq, message_id, status, reason, at) VALUES ('https://api.segment.io/v1/batch', 1, 'kept-1', 400, ?, ?)`);
  ins.run('old refusal', new Date(NOW - 30 * DAY).toISOString());
  ins.run('new refusal', recent);
  retain(s.db, { days: 7, now: NOW });
  expect(s.db.prepare('SELECT count(*) FROM events').pluck().get()).toBe(1);
  expect(s.db.prepare('SELECT reason FROM relay_rejected').pluck().all()).toEqual(['new refusal']);
});
