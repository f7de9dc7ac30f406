/**
 * The first-party collector: conversions (and, with `pages: true`, page views, plus identify
 * calls) POSTed in batches to your own endpoint in the Segment/RudderStack HTTP batch shape
 * `{ batch: [...], sentAt }`. Unsent events are kept in IndexedDB and survive reloads, offline
 * periods and server errors; when the page is hidden the outbox goes out with `sendBeacon` (or a
 * keepalive `fetch`).
 * Delivery is at least once; every message carries its `messageId` so the server drops repeats.
 */
import type { Adapter, AdapterContext } from '../../src/core/types';
import { uuid } from '../../src/core/env';
import { pageContext } from '../../src/core/enrich';
import { identifyMessage, pageMessage, trackMessage, type Message } from './message';
import { createQueue, utf8, type Queue } from './queue';
import { backoff, post } from './transport';

export interface CollectorOptions {
  /** Messages per request (default 100). */
  batchSize?: number;
  /** How long a new message may wait for others to share its request, in ms (default 1000). */
  flushInterval?: number;
  /** Most messages kept unsent; past that the oldest are dropped and counted (default 20,000). */
  maxQueue?: number;
  /** A Segment/RudderStack write key, sent as HTTP basic auth (and in beacon bodies). */
  writeKey?: string;
}

/** Keepalive requests (beacons and keepalive fetches) share at most 64 KiB (UTF-8) in flight; stay below it. */
export const KEEPALIVE_BYTES = 60_000;
const MAX_BATCH_BYTES = 480_000;

export interface CollectorAdapter extends Adapter {
  /** Messages dropped because the outbox was full. */
  dropped(): number;
  /** Messages waiting to be delivered. */
  pending(): number;
}

export function collector(options: CollectorOptions = {}): CollectorAdapter {
  const batchSize = options.batchSize ?? 100;
  const interval = options.flushInterval ?? 1000;
  let ctx: AdapterContext | undefined;
  let queue: Queue | undefined;
  let url = '';
  let timer: ReturnType<typeof setTimeout> | undefined;
  let attempt = 0;
  let inFlight = 0;
  let keepalive = 0; // bytes of this page's keepalive fetches in flight
  let stopped = false;
  const waiters: (() => void)[] = [];
  const headers: Record<string, string> = { 'content-type': 'application/json', ...(options.writeKey && { authorization: 'Basic ' + btoa(options.writeKey + ':') }) };
  const body = (batch: Message[]) => JSON.stringify({ batch, sentAt: new Date().toISOString(), ...(options.writeKey ? { writeKey: options.writeKey } : {}) });

  let due = 0;
  let paused = false; // backing off after a failed request
  /** Runs `pump` after `delay`, unless it is already due sooner. */
  const schedule = (delay: number, resume = false) => {
    if (stopped || (!resume && timer !== undefined && (due <= Date.now() + delay))) return;
    clearTimeout(timer);
    due = Date.now() + delay;
    timer = setTimeout(() => { timer = undefined; if (resume) paused = false; void pump(); }, delay);
  };
  const settle = () => { if (!queue!.size() || paused) while (waiters.length) waiters.shift()!(); };

  /** Sends batches while there are any, up to two requests at once; on a failure it backs off. */
  function pump(): void {
    if (!queue || stopped) { while (waiters.length) waiters.shift()!(); return; }
    while (inFlight < 2 && !paused) {
      const messages = queue.take(batchSize, MAX_BATCH_BYTES);
      if (!messages.length) break;
      send(messages, body(messages));
    }
    if (!inFlight) settle();
  }

  /**
   * POSTs one batch, with keepalive while it fits the keepalive budget (so closing the page does
   * not cancel it). Confirmed: gone for good. Refused: dropped. Otherwise: kept, retried later.
   */
  function send(messages: Message[], payload: string, h = headers): void {
    const n = utf8(payload);
    const kept = n <= KEEPALIVE_BYTES - keepalive ? n : 0;
    keepalive += kept;
    inFlight++;
    void post(url, payload, h, !!kept).then((r) => {
      keepalive -= kept;
      inFlight--;
      if (r.kind === 'ok') { queue!.done(messages); attempt = 0; }
      else if (r.kind === 'drop') {
        queue!.done(messages);
        ctx?.error(`the collector endpoint refused a batch of ${messages.length} event(s) with HTTP ${r.status}; they are dropped, not retried`, messages);
      } else {
        queue!.release(messages);
        if (!paused) {
          paused = true;
          const delay = Math.max(backoff(attempt++), r.after ?? 0);
          ctx?.warn(`collector delivery failed (${r.status ?? 'network error'}); retrying in ${Math.round(delay / 100) / 10} s`);
          schedule(delay, true);
        }
        settle();
        return;
      }
      if (queue!.size()) pump(); else settle();
    });
  }

  /**
   * Page hidden: what is not already in flight goes out with sendBeacon (text/plain, no preflight)
   * or, without it (or when it refuses), a keepalive fetch with the same body; all within the
   * keepalive budget, counted in UTF-8 bytes. What does not fit stays queued (and in IndexedDB).
   */
  function beacon(): void {
    if (!queue) return;
    const nav = ctx?.window.navigator;
    let used = 0; // beacons never report back: count them for this hide
    for (;;) {
      const budget = KEEPALIVE_BYTES - keepalive - used;
      const messages = queue.take(batchSize, budget);
      if (!messages.length) break;
      const payload = body(messages);
      const n = utf8(payload);
      if (n > budget) { queue.release(messages); break; }
      let sent = false;
      try { sent = !!nav?.sendBeacon?.(url, payload); } catch { /* fall back to fetch */ }
      if (sent) { used += n; queue.done(messages); }
      else send(messages, payload, {});
    }
    void queue.persist();
  }

  const onHide = () => { if (ctx?.window.document?.visibilityState === 'hidden') beacon(); };
  const onOnline = () => { attempt = 0; paused = false; clearTimeout(timer); timer = undefined; pump(); };

  const enqueue = (id: string, make: () => Message) => {
    queue!.add(id, make);
    // A full batch goes out on the next task; schedule() returns early when that is already due.
    schedule(queue!.size() >= batchSize ? 0 : interval);
  };

  const adapter: CollectorAdapter = {
    name: 'collector',
    category: 'analytics',
    dropped: () => queue?.dropped ?? 0,
    pending: () => queue?.size() ?? 0,
    load(c) {
      ctx = c;
      // Relative to the page, so `/collect` works on every path (and in fetch outside a page).
      url = new URL(c.plan.destinations.collector?.url ?? '/', c.window.location?.href).href;
      queue = createQueue(options.maxQueue ?? 20_000, (m) => c.warn(m));
      const w = c.window;
      w.document?.addEventListener?.('visibilitychange', onHide);
      w.addEventListener?.('pagehide', beacon);
      w.addEventListener?.('online', onOnline);
      if (c.plan.destinations.collector?.pages) adapter.page!(pageContext(), c);
      // identify() before analytics consent reached no adapter: the user is known now.
      const who = c.identity();
      if (who.userId !== undefined || Object.keys(who.traits).length) adapter.identify!(who, c);
      return queue.restore().then((earlier) => { if (earlier) schedule(0); });
    },
    send(event, c) {
      const consent = { ...c.consent() };
      enqueue(event.id, () => trackMessage(event, consent));
    },
    page(page, c) {
      if (!c.plan.destinations.collector?.pages) return;
      const who = c.identity();
      const id = uuid();
      const at = new Date().toISOString();
      enqueue(id, () => pageMessage(id, page, who.anonymousId, who.userId, at));
    },
    identify(who) {
      const id = uuid();
      const page = pageContext();
      const at = new Date().toISOString();
      enqueue(id, () => identifyMessage(id, who, page, who.anonymousId, at));
    },
    flush(reason) {
      if (!queue) return Promise.resolve();
      if (reason === 'hidden') { beacon(); return Promise.resolve(); }
      clearTimeout(timer);
      timer = undefined;
      return new Promise<void>((resolve) => { waiters.push(resolve); pump(); });
    },
    async shutdown() {
      stopped = true;
      clearTimeout(timer);
      const w = ctx?.window;
      w?.document?.removeEventListener?.('visibilitychange', onHide);
      w?.removeEventListener?.('pagehide', beacon);
      w?.removeEventListener?.('online', onOnline);
      await queue?.persist();
    },
  };
  return adapter;
}

