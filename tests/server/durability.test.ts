/**
 * kill -9 during a load run, then a restart: every batch that got a 2xx is in the store, and the
 * client's retries (of the unanswered batches, and of answered ones) store nothing twice.
 */
import { afterAll, expect, it } from 'vitest';
import { PLAN, post, readStore, startCollect, tempStore, viewItem } from './helpers';

const store = tempStore();
afterAll(() => store.remove());

it('loses no acknowledged event and stores none twice across kill -9 and retries', async () => {
  let server = await startCollect(['--db', store.db, '--plan', PLAN, '--quiet']);
  const batches = Array.from({ length: 400 }, () => Array.from({ length: 50 }, () => viewItem()));
  const acked = new Set<number>();
  let next = 0;
  let killed = false;
  // Four clients post as fast as they can; the server is killed while requests are in flight.
  const clients = Array.from({ length: 4 }, async () => {
    while (next < batches.length && !killed) {
      const i = next++;
      try {
        const r = await post(`${server.url}/v1/batch`, { batch: batches[i] });
        if (r.status === 200) acked.add(i);
      } catch { /* the connection died with the server: not acknowledged */ }
    }
  });
  // Killed once some batches are in, at a moment that varies: by the clock alone, a fast run could
  // be over before the kill (all 400 acknowledged).
  const after = 20 + Math.floor(Math.random() * 60);
  while (acked.size < after && next < batches.length) await new Promise((ok) => setTimeout(ok, 5));
  killed = true;
  await server.kill9();
  await Promise.all(clients);
  expect(acked.size).toBeGreaterThan(0);
  expect(acked.size).toBeLessThan(batches.length); // the kill came mid-run

  const ids = (i: number) => batches[i]!.map((m) => m.messageId as string);
  const inStore = (list: string[]) => readStore(store.db, (d) => {
    const q = d.prepare('SELECT count(*) FROM events WHERE id = ?').pluck();
    return list.filter((id) => (q.get(id) as number) === 1).length;
  });
  const ackedIds = [...acked].flatMap(ids);
  expect(inStore(ackedIds)).toBe(ackedIds.length);

  // The restart, and the client's retries: every batch again, answered or not.
  server = await startCollect(['--db', store.db, '--plan', PLAN, '--quiet']);
  let storedByRetry = 0;
  try {
    for (let i = 0; i < batches.length; i++) {
      const r = await post(`${server.url}/v1/batch`, { batch: batches[i] });
      expect(r.status).toBe(200);
      storedByRetry += r.body.stored as number;
      if (acked.has(i)) expect(r.body.stored).toBe(0);
    }
  } finally {
    expect(await server.stop()).toBe(0);
  }
  const total = batches.length * 50;
  const rows = readStore(store.db, (d) => d.prepare('SELECT count(*) AS n, count(DISTINCT id) AS ids FROM events').get()) as { n: number; ids: number };
  expect(rows).toEqual({ n: total, ids: total });
  expect(storedByRetry).toBeLessThanOrEqual(total - ackedIds.length);
}, 90_000);
