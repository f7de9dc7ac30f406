// Pinned by the mutation review of 2026-12-06: src/core/dedupe.ts keeps at most DEDUPE_MAX keys, "the oldest [dropped]
// when it is full". A key forwarded when the record is full must be the one kept, or the next
// page forwards the same order again (DESIGN.md: exactly once across reloads).
import { expect, it } from 'vitest';
import { createDedupe, DEDUPE_MAX } from '../../src/core/dedupe';
import type { Store } from '../../src/core/storage';

function memoryStore(): Store {
  const m = new Map<string, unknown>();
  return { get: (k: string) => structuredClone(m.get(k)), set: (k: string, v: unknown) => { m.set(k, structuredClone(v)); }, del: (k: string) => { m.delete(k); } } as unknown as Store;
}
const locks = { request: (_: string, fn: () => Promise<unknown>) => Promise.resolve().then(fn) };
const claim = (d: ReturnType<typeof createDedupe>, value: string, now: number) => new Promise<boolean>((r) => d.claim('purchase', value, undefined, now, r));

it('with a full record, the newly forwarded order is remembered on the next page (the oldest goes)', async () => {
  const store = memoryStore();
  const now = Date.now();
  const page1 = createDedupe(store, locks);
  page1.allow(true);
  for (let i = 0; i < DEDUPE_MAX; i++) expect(await claim(page1, `T-${i}`, now)).toBe(true);
  expect(await claim(page1, 'T-new', now)).toBe(true);
  await page1.settled();
  const page2 = createDedupe(store, locks); // a reload
  page2.allow(true);
  expect(await claim(page2, 'T-new', now)).toBe(false);
  expect(await claim(page2, 'T-0', now)).toBe(true); // the oldest was let go
});
