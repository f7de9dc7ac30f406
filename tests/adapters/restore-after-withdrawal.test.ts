// @vitest-environment jsdom
// Pinned by the mutation review of 2026-12-06: adapters/collector/queue.ts restore(): an analytics withdrawal (drop())
// while an earlier page's outbox is being read must leave nothing to send ("a restore read in
// flight across one is dropped"; DESIGN.md: before a category is granted nothing of it is sent).
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { beforeEach, expect, it } from 'vitest';
import { createQueue } from '../../adapters/collector/queue';

beforeEach(() => { (globalThis as any).indexedDB = new IDBFactory(); });
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

it('a withdrawal while the earlier page\'s outbox is read: nothing of it is restored or sent', async () => {
  const earlier = createQueue(20_000, () => {});
  for (let i = 1; i <= 3; i++) earlier.add(`m${i}`, JSON.stringify({ messageId: `m${i}` }));
  await earlier.persist();
  await wait(5);
  const q = createQueue(20_000, () => {});
  let told = 0;
  const reading = q.restore(() => { told++; });
  q.drop(); // the visitor withdraws analytics while the read runs
  expect(await reading).toBe(0);
  expect(told).toBe(0);
  expect(q.size()).toBe(0);
  expect(q.take(10, 1e6)).toEqual([]);
});
