/**
 * Group commit: requests that finish reading in the same turn of the event loop are written in
 * one SQLite transaction, then each is answered once it is on disk. Under load this is what lifts
 * durable ingest above the one-transaction-per-request rate. With a store that syncs off the
 * thread, the server reads and checks the next requests while a group's fsync is on the disk,
 * and commits them together once it is done (one larger commit, not several small ones, measured
 * the faster on two cores: docs/performance.md).
 */
import type { Outcome } from './message';
import type { Store, Written } from './store';

interface Waiting { outcomes: readonly Outcome[]; ok(w: Written): void; fail(e: unknown): void }

/**
 * The messages that may wait for a slow sync (about a second of the target's ingest). The thread
 * that once sat in the fsync read nothing meanwhile; now it reads on, and a disk that stalls for
 * seconds would gather every post's events in memory, then commit them as one long transaction.
 */
export const MAX_WAITING = 20_000;

/** A post turned away while the disk finishes a sync and enough others wait: the store is sound, retry. */
export class Backlog extends Error {
  constructor() { super('the store is still saving earlier posts to disk'); }
}

export function groupCommitter(store: Store, after?: (written: Written[]) => void, { maxWaiting = MAX_WAITING } = {}) {
  let waiting: Waiting[] = [];
  /** The messages in `waiting`. */
  let queued = 0;
  let scheduled = false;
  let idle: (() => void)[] = [];
  /** A committed group's fsync is on the disk. */
  let syncing = false;

  const schedule = () => { if (!scheduled) { scheduled = true; setImmediate(flush); } };
  const answer = (group: Waiting[], results: Written[]) => {
    group.forEach((w, i) => w.ok(results[i]!));
    try { after?.(results); } catch { /* a listener's failure is not the request's */ }
  };
  const settle = () => {
    if (!waiting.length && !scheduled && !syncing) { const list = idle; idle = []; for (const f of list) f(); }
  };
  const flush = () => {
    scheduled = false;
    if (syncing) return; // committed when the sync is done, with whatever else arrives meanwhile
    const group = waiting;
    waiting = [];
    queued = 0;
    if (group.length) {
      let results: Written[] | undefined;
      try {
        results = store.write(group.map((w) => w.outcomes));
      } catch (e) {
        for (const w of group) w.fail(e);
      }
      const sync = results && store.synced?.();
      if (sync) {
        syncing = true;
        sync.then(() => answer(group, results!), (e) => { for (const w of group) w.fail(e); })
          .finally(() => { syncing = false; if (waiting.length) schedule(); settle(); });
      } else if (results) answer(group, results);
    }
    settle();
  };

  return {
    /** Resolves once the outcomes are committed (and rejects when the commit failed). */
    submit(outcomes: readonly Outcome[]): Promise<Written> {
      // A single post larger than the bound still waits when it is the only one.
      if (syncing && queued && queued + outcomes.length > maxWaiting) return Promise.reject(new Backlog());
      return new Promise((ok, fail) => {
        waiting.push({ outcomes, ok, fail });
        queued += outcomes.length;
        schedule();
      });
    },
    /** Resolves when nothing waits to be committed or synced. */
    settled(): Promise<void> {
      return waiting.length || scheduled || syncing ? new Promise((r) => idle.push(r)) : Promise.resolve();
    },
  };
}
