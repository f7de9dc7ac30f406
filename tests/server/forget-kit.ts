/**
 * For the `forget` tests: Segment-shaped messages, numbered in order and a second apart, and
 * throw-away stores (removed after each test) to write them into as the collect server would.
 */
import { existsSync, readFileSync } from 'node:fs';
import { afterEach } from 'vitest';
import { toOutcome } from '../../src/server/message';
import { openStore, type Store } from '../../src/server/store';
import { tempStore } from './helpers';

const T0 = Date.UTC(2026, 10, 2, 10);
let n = 0;
const at = (s: number) => new Date(T0 + s * 1000).toISOString();
/** The time of the newest message made, as the server's receiving time. */
export const now = () => at(n);

export const KARI = 'kari.nordmann@example.no';

export const page = (anonymousId: string | undefined, url = `https://shop.example/p/${n}`, userId?: string) => ({
  type: 'page', ...(anonymousId ? { anonymousId } : {}), ...(userId ? { userId } : {}), messageId: `p${++n}`, timestamp: at(n), context: { page: { url } },
});
export const identify = (anonymousId: string, userId: string, traits: Record<string, unknown> = {}) => ({ type: 'identify', anonymousId, userId, messageId: `i${++n}`, timestamp: at(n), traits });
export const track = (event: string, anonymousId: string | undefined, userId: string | undefined, properties: Record<string, unknown>) => ({
  type: 'track', event, ...(anonymousId ? { anonymousId } : {}), ...(userId ? { userId } : {}), messageId: `t${++n}`, timestamp: at(n), properties,
});
export const vital = (anonymousId: string, value: number) => ({
  type: 'track', event: 'web_vital', anonymousId, messageId: `v${++n}`, timestamp: at(n),
  properties: { metric_name: 'LCP', metric_value: value, metric_rating: value <= 2500 ? 'good' : 'poor' }, context: { measureplan: { kind: 'signal' } },
});
/** A message the server quarantines (an unknown type), with `text` in its field `key`. */
export const bogus = (anonymousId: string, text: string, key = 'note') => ({ type: 'bogus', anonymousId, messageId: `q${++n}`, [key]: text });

const dirs: ReturnType<typeof tempStore>[] = [];
afterEach(() => { for (const d of dirs.splice(0)) d.remove(); });

/** A folder for a store file (`db`), removed after the test. */
export function scratch(): ReturnType<typeof tempStore> {
  const d = tempStore();
  dirs.push(d);
  return d;
}

/** A new store, and `write` that stores messages in one commit as the collect server does. */
export function store(): { d: ReturnType<typeof tempStore>; s: Store; write(ms: unknown[]): void } {
  const d = scratch();
  const s = openStore(d.db);
  return { d, s, write: (ms) => { s.write([ms.map((m) => toOutcome(m, {}, now(), undefined))]); } };
}

export const all = (s: Store, sql: string, ...args: unknown[]) => s.db.prepare(sql).raw().all(...args);
export const col = (s: Store, sql: string, ...args: unknown[]) => s.db.prepare(sql).pluck().all(...args);
/** The store file and its write-ahead log as text, to search for what should be gone. */
export const fileText = (db: string) => ['', '-wal'].map((x) => (existsSync(db + x) ? readFileSync(db + x).toString('latin1') : '')).join('');
