/**
 * One retention pass (./retain.ts) in a worker thread of `measureplan collect --retain-days`, on
 * a connection of its own, so that the server's thread keeps answering requests meanwhile. The
 * server asks it to stop through the shared flag; it stops between two slices, each of which is
 * committed whole or not at all.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { retain } from './retain';
import { openStore } from './store';

const { file, days, chunk, stop } = workerData as { file: string; days: number; chunk?: number; stop: Int32Array };
const STOPPED = 'stopped';
let store;
try {
  store = openStore(file, { mustExist: true });
  const result = retain(store.db, { days, ...(chunk ? { chunk } : {}), progress: () => { if (Atomics.load(stop, 0)) throw new Error(STOPPED); } });
  parentPort!.postMessage({ ok: true, result });
} catch (e) {
  const message = (e as Error).message;
  parentPort!.postMessage(message === STOPPED ? { ok: false, stopped: true } : { ok: false, message });
} finally {
  store?.close();
}
