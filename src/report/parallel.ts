/**
 * `measureplan report` on two cores: the aggregates in a worker thread (./worker.ts, built as
 * dist/report-worker.js) and the sequences and channels in this one, each on its own read-only connection
 * (WAL lets readers run side by side). Whatever keeps the worker from answering (no worker file,
 * a plan that cannot be cloned, an error on its connection) falls back to reading the aggregates
 * here, so the report is the same either way, only slower.
 */
import { Worker } from 'node:worker_threads';
import type { Plan } from '../plan/types';
import type { Database } from '../server/sqlite';
import { assembleReport, readAggregates, readJourneys, resolveOptions, type Report, type ReportAggregates, type ReportOptions, type ResolvedOptions } from './build';

const DEFAULT_WORKER = new URL('./report-worker.js', import.meta.url);

export interface ParallelOptions extends ReportOptions {
  /** The worker's module (default: report-worker.js next to the built command). */
  workerUrl?: URL;
  /** Told why the worker did not answer, before the aggregates are read in this thread. */
  onFallback?: (reason: string) => void;
}

function aggregatesInWorker(file: string, plan: Plan, options: ResolvedOptions, url: URL): Promise<ReportAggregates | string> {
  return new Promise((done) => {
    let worker: Worker;
    try {
      worker = new Worker(url, { workerData: { file, plan, options } });
    } catch (e) {
      done(`the report worker could not start: ${(e as Error).message}`);
      return;
    }
    worker.once('message', (m: { ok: true; aggregates: ReportAggregates } | { ok: false; message: string }) => done(m.ok ? m.aggregates : m.message));
    worker.once('error', (e) => done(`the report worker failed: ${e.message}`));
    worker.once('exit', (code) => done(`the report worker exited (${code}) without an answer`));
  });
}

/**
 * The report of the store at `file`, `db` being this thread's connection to it. On a store being
 * written meanwhile, the two connections read moments apart: totals and funnels may differ by the
 * events stored in between, as two reports run a second apart would.
 */
export async function reportInParallel(file: string, db: Database, plan: Plan, options: ParallelOptions = {}): Promise<Report> {
  const o = resolveOptions(options);
  const pending = aggregatesInWorker(file, plan, o, options.workerUrl ?? DEFAULT_WORKER);
  const journeys = readJourneys(db, plan, o);
  let aggregates = await pending;
  if (typeof aggregates === 'string') {
    options.onFallback?.(aggregates);
    aggregates = readAggregates(db, plan, o);
  }
  return assembleReport(plan, o, journeys, aggregates);
}
