/**
 * Exactly once on a page left open for hours (soak review 2026-12-06): each claim checked the
 * page's own keys by scanning every key claimed so far, so track() of a deduplicated conversion
 * grew by about 14 µs per 1,000 keys (325 µs after 20,000 lead ids). The work per claim must not
 * grow with the keys before it. Counted, not timed: Array#some is replaced by a counting copy
 * while the next claim runs (its own file, as it patches a prototype).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createDedupe, SERVER_KEYS } from '../../src/core/dedupe';
import type { Store } from '../../src/core/storage';

const some = Array.prototype.some;
afterEach(() => { Array.prototype.some = some; });

/** A first-party store in memory, as localStore keeps it (JSON text per key). */
function memoryStore(): Store {
  const m = new Map<string, string>();
  return { get: (k) => (m.has(k) ? JSON.parse(m.get(k)!) : undefined), set: (k, v) => void m.set(k, JSON.stringify(v)), del: (k) => void m.delete(k) };
}

/** Elements Array#some looks at while `fn` runs. */
function scanned(fn: () => void): number {
  let n = 0;
  Array.prototype.some = function (this: unknown[], cb: (v: unknown, i: number, a: unknown[]) => unknown, that?: unknown) {
    for (let i = 0; i < this.length; i++) { n++; if (cb.call(that, this[i], i, this)) return true; }
    return false;
  };
  try { fn(); } finally { Array.prototype.some = some; }
  return n;
}

describe('exactly once: the cost of a claim on a long-lived page', () => {
  it('does not grow with the keys the page claimed before (no analytics storage: memory only)', () => {
    const d = createDedupe(memoryStore());
    const now = Date.now();
    const answers: boolean[] = [];
    for (let i = 0; i < 5000; i++) d.claim('lead', `L-${i}`, undefined, now, (f) => answers.push(f));
    expect(answers.every(Boolean)).toBe(true);
    const cost = scanned(() => d.claim('lead', 'L-new', undefined, now, (f) => answers.push(f)));
    expect(cost).toBeLessThan(50);
    // …and the page's keys still answer: a repeat is a duplicate, a new one is first.
    d.claim('lead', 'L-42', undefined, now, (f) => answers.push(f));
    expect(answers.slice(-2)).toEqual([true, false]);
  });

  it('on a server keeps at most 10,000 keys of its own, the newest: a tracker shared by its requests does not grow per order (devx QA 2026-12-06)', () => {
    const d = createDedupe(memoryStore(), undefined, SERVER_KEYS);
    const now = Date.now();
    const got: boolean[] = [];
    for (let i = 0; i < 30_000; i++) d.claim('purchase', `T-${i}`, undefined, now, () => undefined);
    for (let i = 30_000; i < 60_000; i++) d.claim('purchase', `T-${i}`, undefined, now, () => undefined);
    // The newest 10,000 still answer as duplicates; the oldest were let go (no stored record here).
    d.claim('purchase', 'T-59999', undefined, now, (f) => got.push(f));
    d.claim('purchase', 'T-50000', undefined, now, (f) => got.push(f));
    d.claim('purchase', 'T-0', undefined, now, (f) => got.push(f));
    expect(got).toEqual([false, false, true]);
  });

  it('a page keeps every key it claimed: a repeat after 20,000 others is still a duplicate (second read 2026-12-06)', () => {
    const d = createDedupe(memoryStore());
    const now = Date.now();
    const got: boolean[] = [];
    d.claim('lead', 'L-first', undefined, now, (f) => got.push(f));
    for (let i = 0; i < 20_000; i++) d.claim('lead', `L-${i}`, undefined, now, () => undefined);
    d.claim('lead', 'L-first', undefined, now, (f) => got.push(f));
    expect(got).toEqual([true, false]);
  });

  it('a key expired in memory is first again, with its new expiry', () => {
    const d = createDedupe(memoryStore());
    const got: boolean[] = [];
    const t0 = Date.now();
    d.claim('lead', 'L-1', 1, t0, (f) => got.push(f));
    d.claim('lead', 'L-1', 1, t0 + 86_400_000 + 1, (f) => got.push(f));
    d.claim('lead', 'L-1', 1, t0 + 86_400_000 + 2, (f) => got.push(f));
    expect(got).toEqual([true, true, false]);
  });

  it('on a grant, the keys of this page join the stored record (once each, unexpired only)', () => {
    const store = memoryStore();
    const d = createDedupe(store);
    const now = Date.now();
    d.claim('lead', 'A', undefined, now, () => undefined);
    d.claim('lead', 'B', 0.000001, now - 1000, () => undefined); // expired by now
    d.claim('lead', 'A', undefined, now, () => undefined);
    d.allow(true);
    const rec = store.get<[string, number][]>('dd')!;
    expect(rec).toHaveLength(1);
    expect(rec[0]![1]).toBeGreaterThan(now);
  });
});

describe('exactly once: the page\'s keys in the order they were claimed', () => {
  it('a key claimed again after it expired is the newest: a full record drops the oldest, not it (second read 2026-12-06)', () => {
    const store = memoryStore();
    const d = createDedupe(store);
    const t0 = Date.now();
    d.claim('lead', 'A', 1, t0, () => undefined);
    const t1 = t0 + 86_400_000 + 10;
    for (let i = 0; i < 500; i++) d.claim('lead', `B${i}`, undefined, t1, () => undefined);
    d.claim('lead', 'A', 1, t1, () => undefined); // expired, so first again, and now the newest
    d.allow(true);
    const rec = store.get<[string, number][]>('dd')!;
    expect(rec).toHaveLength(500);
    expect(rec[rec.length - 1]![1]).toBe(t1 + 86_400_000); // A, last
  });
});
