/**
 * Group commit: requests that finish reading in the same turn of the event loop are written in
 * one SQLite transaction (one fsync), then each is answered. Under load this is what lifts
 * durable ingest above the one-transaction-per-request rate.
 */
import type { Outcome } from './message';
import type { Store, Written } from './store';

interface Waiting { outcomes: readonly Outcome[]; ok(w: Written): void; fail(e: unknown): void }

export function groupCommitter(store: Store, after?: (written: Written[]) => void) {
  let waiting: Waiting[] = [];
  let scheduled = false;
  let idle: (() => void)[] = [];

  const flush = () => {
    scheduled = false;
    const group = waiting;
    waiting = [];
    if (group.length) {
      let results: Written[] | undefined;
      try {
        results = store.write(group.map((w) => w.outcomes));
      } catch (e) {
        for (const w of group) w.fail(e);
      }
      if (results) {
        group.forEach((w, i) => w.ok(results![i]!));
        try { after?.(results); } catch { /* a listener's failure is not the request's */ }
      }
    }
    if (!waiting.length) { const list = idle; idle = []; for (const f of list) f(); }
  };

  return {
    /** Resolves once the outcomes are committed (and rejects when the commit failed). */
    submit(outcomes: readonly Outcome[]): Promise<Written> {
      return new Promise((ok, fail) => {
        waiting.push({ outcomes, ok, fail });
        if (!scheduled) { scheduled = true; setImmediate(flush); }
      });
    },
    /** Resolves when nothing waits to be committed. */
    settled(): Promise<void> {
      return waiting.length || scheduled ? new Promise((r) => idle.push(r)) : Promise.resolve();
    },
  };
}
