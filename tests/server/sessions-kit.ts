/**
 * What the sessions tests share: a shop plan, minutes from a fixed start, and stores filled commit
 * by commit (each closed and removed after its test).
 */
import { afterEach } from 'vitest';
import { parsePlan } from '../../src/plan/parse';
import type { Plan } from '../../src/plan/types';
import { toOutcome } from '../../src/server/message';
import { openStore, type Store } from '../../src/server/store';
import { tempStore } from './helpers';

export const plan = (parsePlan({
  version: 1, name: 'Shop', currency: 'NOK', destinations: { collector: { url: '/collect' } },
  conversions: {
    purchase: { kind: 'macro', properties: { transaction_id: { type: 'string' }, value: { type: 'number' } }, value: 'value', send: { collector: {} } },
    view_item: { kind: 'micro', properties: { item_id: { type: 'string' } }, send: { collector: {} } },
  },
}) as { plan: Plan }).plan;

export const T0 = Date.UTC(2026, 10, 2, 10, 0, 0);
/** `m` minutes after T0, as an ISO time. */
export const iso = (m: number) => new Date(T0 + m * 60_000).toISOString();

const dirs: ReturnType<typeof tempStore>[] = [];
const stores: Store[] = [];
afterEach(() => { for (const s of stores.splice(0)) s.close(); for (const d of dirs.splice(0)) d.remove(); });

/** A store file removed after the test (for a test that closes the store and opens it again). */
export function storeFile(): string { const d = tempStore(); dirs.push(d); return d.db; }
/** A store opened by the test itself, closed after it. */
export function kept(s: Store): Store { stores.push(s); return s; }

/** One commit of batches of messages, each batch as the collect server groups one request. */
export const write = (s: Store, ...groups: object[][]) => s.write(groups.map((g) => g.map((m) => toOutcome(m, {}, iso(10_000), plan))));

/** A new store with each argument written as a commit of one batch. */
export function storeOf(...commits: object[][]): Store {
  const s = kept(openStore(storeFile()));
  for (const c of commits) write(s, c);
  return s;
}
