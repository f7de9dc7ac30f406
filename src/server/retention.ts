/**
 * `measureplan collect --retain-days N`: the retention pass (./retain.ts) once soon after the
 * server starts and then once a day, each in a worker thread (dist/retain-worker.js) so that
 * ingest never waits on it for more than one slice's transaction. Stopping the server stops a
 * pass between two slices.
 */
import { Worker } from 'node:worker_threads';
import type { Retained } from './retain';

const DEFAULT_WORKER = new URL('./retain-worker.js', import.meta.url);

export interface RetentionOptions {
  file: string;
  days: number;
  /** Time between passes (default a day); the first runs after `firstMs` (default 5 s). */
  everyMs?: number;
  firstMs?: number;
  /** Told each pass's result, or why it failed. */
  onResult(r: { ok: true; result: Retained } | { ok: false; message: string }): void;
  workerUrl?: URL;
  /** Events per slice (the retention pass's default when absent). */
  chunk?: number;
}

export interface Retention {
  /** Resolves once no pass runs (a running one stops after its current slice). */
  stop(): Promise<void>;
}

export function startRetention({ file, days, everyMs = 86_400_000, firstMs = 5000, onResult, workerUrl = DEFAULT_WORKER, chunk }: RetentionOptions): Retention {
  const stopFlag = new Int32Array(new SharedArrayBuffer(4));
  let running: Promise<void> | undefined;
  let stopped = false;
  const pass = () => {
    if (stopped || running) return;
    running = new Promise<void>((done) => {
      let worker: Worker;
      let answered = false;
      const answer = (r: Parameters<RetentionOptions['onResult']>[0]) => { if (!answered) { answered = true; onResult(r); } };
      try {
        worker = new Worker(workerUrl, { workerData: { file, days, chunk, stop: stopFlag } });
      } catch (e) {
        answer({ ok: false, message: `the retention worker could not start: ${(e as Error).message}` });
        done();
        return;
      }
      worker.on('message', (m: { ok: true; result: Retained } | { ok: false; message?: string; stopped?: true }) => {
        if (m.ok) answer(m);
        else if (!m.stopped) answer({ ok: false, message: m.message ?? 'unknown' });
        else answered = true;
      });
      worker.on('error', (e) => answer({ ok: false, message: e.message }));
      worker.on('exit', (code) => {
        if (code !== 0) answer({ ok: false, message: `the retention worker exited (${code})` });
        running = undefined;
        done();
      });
    });
  };
  const first = setTimeout(pass, firstMs);
  const daily = setInterval(pass, everyMs);
  first.unref();
  daily.unref();
  return {
    async stop() {
      stopped = true;
      clearTimeout(first);
      clearInterval(daily);
      Atomics.store(stopFlag, 0, 1);
      await running;
    },
  };
}
