/**
 * The relay to an existing Segment- or RudderStack-compatible endpoint. The events table is the
 * durable outbox: it is append-only and ordered by `seq`, and the relay commits its position per
 * target only after the target acknowledged a batch. So every stored event is delivered at least
 * once, as stored (the message JSON kept in `events_raw`, with the id and the corrected time the
 * store gave it), across failures and restarts; a new target starts from the first stored event. Retries back off exponentially with jitter and
 * honour `Retry-After`; a batch the target refuses as too large or malformed is split, and a
 * single event it still refuses is recorded in `relay_rejected` with the reason, never dropped
 * silently.
 */
import { printable } from '../cli/safe-text';
import { backoffMs, shownUrl, type DeliveryOptions } from './delivery';
import type { Statement } from './sqlite';
import type { Store } from './store';

export interface RelayOptions extends DeliveryOptions {
  store: Store;
  /** The endpoint: a base URL (`https://api.segment.io`) gets `/v1/batch` appended. */
  url: string;
  /** Sent as HTTP Basic auth, the write key as user name and an empty password. */
  writeKey: string;
  batchSize?: number;
  /** Where the relay says it stopped for good (a damaged store): an operator must hear it, `--quiet` or not. Default: `log`. */
  fatal?: (line: string) => void;
}

export interface RelayStats { target: string; delivered: number; waiting: number; rejected: number; failing: boolean; lastError?: string }

export interface Relay {
  /** New events were committed: deliver them soon. */
  wake(): void;
  stats(): RelayStats;
  /** Finishes the request in flight (or gives up after `timeoutMs`) and stops. */
  stop(timeoutMs?: number): Promise<void>;
  /** Resolves when nothing is waiting (tests and the end of a demo). */
  idle(): Promise<void>;
}

export function batchUrl(url: string): string {
  const u = new URL(url);
  if (!/\/v1\/batch\/?$/.test(u.pathname)) u.pathname = `${u.pathname.replace(/\/+$/, '')}/v1/batch`;
  return u.toString();
}

const MAX_BODY = 450 * 1024; // under Segment's 500 KB per batch, with room for the envelope

export function startRelay(options: RelayOptions): Relay {
  const { store, writeKey, batchSize = 200, minDelay = 1000, maxDelay = 60_000, timeoutMs = 30_000, log: logLine = () => {}, now = Date.now } = options;
  // Lines quote a browser's messageId and the target's answer: control characters are written out.
  const log = (line: string) => logLine(printable(line));
  const doFetch = options.fetch ?? globalThis.fetch;
  const target = batchUrl(options.url);
  const auth = `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}`;
  const db = store.db;
  db.prepare('INSERT INTO relay_state (target, position, delivered, updated_at) VALUES (?, 0, 0, ?) ON CONFLICT(target) DO NOTHING').run(target, new Date(now()).toISOString());
  const position = db.prepare('SELECT position FROM relay_state WHERE target = ?').pluck();
  const delivered = db.prepare('SELECT delivered FROM relay_state WHERE target = ?').pluck();
  const next: Statement = db.prepare('SELECT e.seq, e.id, e.timestamp, r.raw FROM events e JOIN events_raw r ON r.seq = e.seq WHERE e.seq > ? ORDER BY e.seq LIMIT ?');
  const waitingCount = db.prepare('SELECT count(*) FROM events WHERE seq > ?').pluck();
  const rejectedCount = db.prepare('SELECT count(*) FROM relay_rejected WHERE target = ?').pluck();
  // Only from the position the batch was read at: `measureplan forget` may have moved it back meanwhile.
  const advance = db.prepare('UPDATE relay_state SET position = ?, delivered = delivered + ?, updated_at = ? WHERE target = ? AND position = ?');
  const reject = db.prepare('INSERT INTO relay_rejected (target, event_seq, message_id, status, reason, at) VALUES (?, ?, ?, ?, ?, ?)');
  const idAt = db.prepare('SELECT id FROM events WHERE seq = ?').pluck();
  const commit = db.transaction((from: number, sent: Stored[], count: number, rejected?: { seq: number; id: string; status: number; reason: string }) => {
    // The batch's events may have been erased while it was on its way (measureplan forget), and
    // SQLite numbers new events again from the last seq kept: the position goes only as far as
    // the last sent event still in the store, so that a number handed out again is not skipped.
    let to = from;
    for (const r of sent) if (idAt.get(r.seq) === r.id) to = r.seq;
    if (advance.run(to, count, new Date(now()).toISOString(), target, from).changes && rejected) {
      reject.run(target, rejected.seq, rejected.id, rejected.status, rejected.reason, new Date(now()).toISOString());
    }
  });

  let stopped = false;
  let failures = 0;
  let lastError: string | undefined;
  let timer: NodeJS.Timeout | undefined;
  let wakeUp: (() => void) | undefined;
  let controller: AbortController | undefined;
  let idleWaiters: (() => void)[] = [];
  let limit = batchSize;
  // The last seq of a refused batch being halved: until the event it refuses is found, a good
  // half does not bring the full batch size back (that would re-split the same batch from the top).
  let suspectEnd: number | undefined;

  const sleep = (ms: number) => new Promise<void>((ok) => {
    wakeUp = ok;
    timer = setTimeout(ok, ms);
  });

  async function post(messages: string[], sentAt: string): Promise<{ ok: true } | { ok: false; status: number; retryAfter?: number; reason: string }> {
    const body = `{"batch":[${messages.join(',')}],"sentAt":"${sentAt}"}`;
    controller = new AbortController();
    const t = setTimeout(() => controller?.abort(), timeoutMs);
    try {
      const res = await doFetch(target, { method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: auth }, body, signal: controller.signal });
      const text = await res.text().catch(() => '');
      if (res.ok) return { ok: true };
      return { ok: false, status: res.status, retryAfter: retryAfter(res.headers.get('retry-after'), now()), reason: `${res.status} ${text.slice(0, 200)}`.trim() };
    } catch (e) {
      return { ok: false, status: 0, reason: (e as Error).name === 'AbortError' ? 'no answer in time' : (e as Error).message };
    } finally {
      clearTimeout(t);
      controller = undefined;
    }
  }

  /** The store is busy: another connection (retention, forget, a second process) holds its write lock longer than the wait. */
  const busy = (e: unknown) => /^SQLITE_(BUSY|LOCKED)/.test((e as { code?: string })?.code ?? '');

  async function loop() {
    while (!stopped) {
      try { await turn(); } catch (e) {
        // Retried like a failing target, never the end of the relay (ops QA 2026-12-06: stopped for good).
        if (!busy(e)) throw e;
        if (stopped) break; // stopping: the batch goes again at the next start
        failures++;
        lastError = `the store is busy (${(e as Error).message})`;
        const wait = backoffMs(failures - 1, minDelay, maxDelay);
        if (failures === 1 || failures % 10 === 0) log(`relay: ${lastError}; retrying in ${Math.round(wait / 1000)} s`);
        await sleep(wait);
      }
    }
  }

  /** One batch: read, post, and record how far the target has it. */
  async function turn(): Promise<void> {
    {
      const from = position.get(target) as number;
      let rows = next.all(from, limit) as Stored[];
      if (!rows.length) {
        const list = idleWaiters; idleWaiters = [];
        for (const f of list) f();
        await sleep(5000);
        return;
      }
      const sentAt = new Date(now()).toISOString();
      let messages = rows.map((r) => asStored(r, sentAt));
      let size = 0;
      const cut = messages.findIndex((m) => (size += Buffer.byteLength(m) + 1) > MAX_BODY); // bytes, as targets count them
      if (cut > 0) { rows = rows.slice(0, cut); messages = messages.slice(0, cut); }
      const result = await post(messages, sentAt);
      if (stopped && !result.ok) return;
      if (result.ok) {
        commit.immediate(from, rows, rows.length);
        if (failures) log(`relay: ${shownUrl(target)} answers again; delivering`);
        failures = 0;
        lastError = undefined;
        if (suspectEnd === undefined || rows[rows.length - 1]!.seq >= suspectEnd) { limit = batchSize; suspectEnd = undefined; }
        return;
      }
      lastError = result.reason;
      const { status } = result;
      // Too large or malformed for the target: halve the batch to find the one it refuses.
      if ((status === 400 || status === 413) && rows.length > 1) {
        limit = Math.max(1, Math.floor(rows.length / 2));
        suspectEnd = rows[rows.length - 1]!.seq;
        return;
      }
      if ((status === 400 || status === 413) && rows.length === 1) {
        const r = rows[0]!;
        commit.immediate(from, rows, 0, { seq: r.seq, id: r.id, status, reason: result.reason });
        log(`relay: ${shownUrl(target)} refused event ${r.id} (${result.reason}); recorded in relay_rejected`);
        // The target answered and the store took the record: not failing (a busy store before this
        // left it "failing" while idle, deaf to wake() until the backoff ran out).
        failures = 0;
        limit = batchSize;
        suspectEnd = undefined;
        return;
      }
      // Network errors, 5xx, 408, 429, and 401/403/404 (a wrong key or URL that a person must fix): retry, never skip.
      failures++;
      const wait = Math.max(result.retryAfter ?? 0, backoffMs(failures - 1, minDelay, maxDelay));
      if (failures === 1 || failures % 10 === 0) log(`relay: ${shownUrl(target)} failed (${result.reason}); retrying in ${Math.round(wait / 1000)} s${status === 401 || status === 403 ? ' — check --write-key' : status === 404 ? ' — check --forward' : ''}`);
      await sleep(wait);
    }
  }

  const running = loop().catch((e) => (options.fatal ?? logLine)(printable(`relay: stopped by an unexpected error: ${(e as Error).message}`)));

  return {
    wake() {
      if (failures) return; // backing off: the timer decides
      if (timer) clearTimeout(timer);
      wakeUp?.();
    },
    stats: () => {
      const pos = position.get(target) as number;
      return { target, delivered: delivered.get(target) as number, waiting: waitingCount.get(pos) as number, rejected: rejectedCount.get(target) as number, failing: failures > 0, ...(lastError ? { lastError } : {}) };
    },
    async stop(timeoutMs = 5000) {
      stopped = true;
      if (timer) clearTimeout(timer);
      wakeUp?.();
      const abort = setTimeout(() => controller?.abort(), timeoutMs);
      await running;
      clearTimeout(abort);
    },
    idle: () => new Promise<void>((ok) => {
      idleWaiters.push(ok);
      if (!failures) { if (timer) clearTimeout(timer); wakeUp?.(); }
    }),
  };
}

interface Stored { seq: number; id: string; timestamp: string; raw: string }

/**
 * The message as the store holds it: its id (derived when it came without one, so the target
 * drops a repeat too) and its corrected time, sent at `sentAt` (now), so that the target's
 * clock-skew rule (timestamp = receivedAt − (sentAt − originalTimestamp)) gives that time back
 * instead of correcting it a second time. One JSON parse and encoding per message relayed.
 */
function asStored(r: Stored, sentAt: string): string {
  const m = JSON.parse(r.raw) as Record<string, unknown>;
  m.messageId = r.id;
  m.timestamp = r.timestamp;
  if (m.originalTimestamp !== undefined) m.originalTimestamp = r.timestamp;
  m.sentAt = sentAt;
  return JSON.stringify(m);
}

/** `Retry-After` in ms: seconds or an HTTP date. */
function retryAfter(header: string | null, now: number): number | undefined {
  if (!header) return undefined;
  const s = Number(header);
  if (Number.isFinite(s)) return Math.max(0, s * 1000);
  const t = Date.parse(header);
  return Number.isFinite(t) ? Math.max(0, t - now) : undefined;
}
