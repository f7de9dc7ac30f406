/**
 * The report's aggregates (totals, counts, experiments, page experience, quarantine) read in a
 * worker thread on a read-only connection of its own, while the command's thread reads the
 * per-visitor sequences: the two halves take about as long, and the machine has a second core.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openStore } from '../server/store';
import { readAggregates, type ResolvedOptions } from './build';
import type { Plan } from '../plan/types';

const { file, plan, options } = workerData as { file: string; plan: Plan; options: ResolvedOptions };
let store;
try {
  store = openStore(file, { readonly: true });
  parentPort!.postMessage({ ok: true, aggregates: readAggregates(store.db, plan, options) });
} catch (e) {
  parentPort!.postMessage({ ok: false, message: (e as Error).message });
} finally {
  store?.close();
}
