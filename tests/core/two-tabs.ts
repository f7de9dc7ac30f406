/**
 * Fakes for exactly-once tests across tabs: a Web Locks API and two tabs' views of one
 * localStorage. Shared by dedupe.test.ts and dedupe-edges.test.ts.
 */
import { createDedupe } from '../../src/core/dedupe';

/** A fake Web Locks API: one lock at a time per name, in request order (what navigator.locks guarantees across tabs). */
export function fakeLocks() {
  const requests: string[] = [];
  const tails = new Map<string, Promise<unknown>>();
  let held = 0;
  let overlap = false;
  const locks = {
    request(name: string, fn: () => Promise<unknown>) {
      requests.push(name);
      const run = (tails.get(name) ?? Promise.resolve()).then(async () => {
        if (held++) overlap = true;
        await new Promise((r) => setTimeout(r, 0)); // the grant arrives in a later task
        try { return await fn(); } finally { held--; }
      });
      tails.set(name, run.catch(() => undefined));
      return run;
    },
  };
  return { locks, requests, overlapped: () => overlap };
}
/**
 * Two tabs' views of one localStorage, as in a multi-process browser (Chromium's cached storage
 * areas): a tab sees its own writes at once; every write reaches the shared store `latency / 2` ms
 * later and the other tab's view after `latency` ms, in arrival order; while a tab's own write of
 * a key is unacknowledged it ignores other writes of that key (so both views end up equal).
 */
export function twoTabStores(latency: number) {
  const views = [new Map<string, string | undefined>(), new Map<string, string | undefined>()];
  const unacked = [new Map<string, number>(), new Map<string, number>()];
  const write = (i: number, k: string, raw: string | undefined) => {
    views[i]!.set(k, raw);
    unacked[i]!.set(k, (unacked[i]!.get(k) ?? 0) + 1);
    setTimeout(() => { // at the shared store: the writer gets its acknowledgement, the other tab the change
      for (const j of [0, 1]) setTimeout(() => {
        if (j === i) unacked[i]!.set(k, unacked[i]!.get(k)! - 1);
        else if (!unacked[j]!.get(k)) views[j]!.set(k, raw);
      }, latency / 2);
    }, latency / 2);
  };
  const store = (i: number) => ({
    get: <T>(k: string) => { const v = views[i]!.get(k); return v === undefined ? undefined : (JSON.parse(v) as T); },
    set: (k: string, value: unknown) => write(i, k, JSON.stringify(value)),
    del: (k: string) => write(i, k, undefined),
  });
  return [store(0), store(1)] as const;
}

/**
 * Two tabs racing to claim one order: their dedupe records over `twoTabStores(latency)`, with or
 * without the fake Web Locks. `claim` starts a tab's claim of `key`; `count` waits for both and
 * says how many tabs won.
 */
export function orderRace(latency: number, withLocks: boolean) {
  const [sa, sb] = twoTabStores(latency);
  const { locks } = fakeLocks();
  const tabs = [createDedupe(sa, withLocks ? locks : undefined), createDedupe(sb, withLocks ? locks : undefined)] as const;
  for (const t of tabs) t.allow(true);
  const wins: boolean[] = [];
  return {
    claim: (tab: 0 | 1, key: string, now: number) => tabs[tab].claim('purchase', key, undefined, now, (first) => wins.push(first)),
    async count(): Promise<number> {
      await Promise.all(tabs.map((t) => t.settled()));
      if (wins.length !== 2) throw new Error(`expected both tabs to decide, got ${wins.length}`);
      return wins.filter(Boolean).length;
    },
  };
}
