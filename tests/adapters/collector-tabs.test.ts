// @vitest-environment jsdom
/**
 * The collector's outbox shared by two tabs of one site (one IndexedDB): a tab that adopted
 * another tab's unsent messages must never store again what the other tab delivered.
 */
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { beforeEach, expect, it } from 'vitest';
import { createQueue } from '../../adapters/collector/queue';

beforeEach(() => { (globalThis as any).indexedDB = new IDBFactory(); });
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));
const queue = () => createQueue(20_000, () => {});

it('a record another tab emptied (delivered and deleted) is not brought back by this tab\'s rewrite', async () => {
  const b = queue();
  for (let i = 1; i <= 4; i++) b.add(`m${i}`, JSON.stringify({ messageId: `m${i}` }));
  await b.persist(); // tab B, offline: its record of 4 is stored
  await wait(5);
  const a = queue(); // tab A opens later and adopts B's unsent messages
  expect(await a.restore()).toBe(4);
  const fromA = a.take(2, 1e6); // back online: A delivers 2 of them ...
  const fromB = b.take(4, 1e6); // ... while B delivers all 4
  b.done(fromB); await b.persist(); // B deletes its record
  a.done(fromA); await a.persist(); // A rewrites the record without its 2
  await wait(5);
  const next = queue(); // the next page
  expect(await next.restore()).toBe(0);
});

it('a record another tab partly delivered keeps only what neither tab delivered', async () => {
  const b = queue();
  for (let i = 1; i <= 4; i++) b.add(`m${i}`, JSON.stringify({ messageId: `m${i}` }));
  await b.persist();
  await wait(5);
  const a = queue();
  expect(await a.restore()).toBe(4);
  b.done(b.take(1, 1e6)); await b.persist(); // B: m1
  const fromA = a.take(4, 1e6).filter((x) => x.id === 'm3'); // A: m3
  a.done(fromA); await a.persist();
  await wait(5);
  const next = queue();
  expect(await next.restore()).toBe(2);
  expect(next.take(10, 1e6).map((x) => x.id)).toEqual(['m2', 'm4']);
});
