/**
 * The first-party collector: conversions (and, with `pages: true`, page views, plus identify
 * calls) POSTed in batches to your own endpoint in the Segment/RudderStack HTTP batch shape
 * `{ batch: [...], sentAt }`. Unsent events are kept in IndexedDB and survive reloads, offline
 * periods and server errors; when the page is hidden the outbox goes out with `sendBeacon` (or a
 * keepalive `fetch`).
 * Delivery is at least once; every message carries its `messageId` so the server drops repeats.
 */
import type { Adapter, AdapterContext, ConversionEvent } from '../../src/core/types';
import { stringify, uuid } from '../../src/core/env';
import { pageContext } from '../../src/core/enrich';
import { adsWithdrawn, builtWithoutClickIds, identifyMessage, pageMessage, trackMessage, withoutClickIds, type Message } from './message';
import { clearOutbox, createQueue, STASH, utf8, type Entry, type Queue } from './queue';
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

/** The longest a task of the collector's own spends building and serialising messages before it yields. */
const SLICE_MS = 5;

export function collector(options: CollectorOptions = {}): CollectorAdapter {
  const batchSize = options.batchSize ?? 100;
  const interval = options.flushInterval ?? 1000;
  let ctx: AdapterContext | undefined;
  let queue: Queue | undefined;
  let url = '';
  let timer: ReturnType<typeof setTimeout> | undefined;
  let soon = false; // the pending timer is for the next task
  let retry: ReturnType<typeof setTimeout> | undefined;
  let attempt = 0;
  let inFlight = 0;
  let keepalive = 0; // bytes of this page's keepalive fetches in flight
  let stopped = false;
  let paused = false; // backing off after a failed request, until `retry`
  /**
   * The endpoint itself answered with a failure (5xx, 408, 429) and no request has got through
   * since: no beacon to it. A network error is no answer: a navigation fails the page's requests
   * in flight before pagehide, and the beacon then carries their events.
   */
  let refusing = false;
  const waiters: (() => void)[] = [];
  /**
   * Messages handed over but not yet built: `send` runs inside `track()`, on the host page's time,
   * so it only notes the event; building, serialising and storing happen in the collector's own
   * task (`intake`), or at once when the page is hidden.
   */
  let inbox: (ConversionEvent | Message)[] = [];
  /** The consent each conversion in the inbox was received under (undefined for a ready message). No closure per conversion: a burst's inbox is garbage the page's collector walks. */
  let under: (ConversionEvent['consent'] | undefined)[] = [];
  /** The consent the last messages were received under, shared while it holds. */
  let consent: ConversionEvent['consent'] | undefined;
  const headers: Record<string, string> = { 'content-type': 'application/json', ...(options.writeKey && { authorization: 'Basic ' + btoa(options.writeKey + ':') }) };
  const tail = options.writeKey ? ',"writeKey":' + JSON.stringify(options.writeKey) + '}' : '}';
  /**
   * Ads denied on this page: what earlier pages stored or stashed under their grant is sent without
   * click ids too (consent QA 2026-12-07: 32 messages went with theirs). Stripped as it leaves, so
   * no path into the outbox (a restore, a tab's stash) can miss it; not rewritten where it waits,
   * which for a big outbox was a long task of its own (its second read: 1.5 s at 12,000).
   */
  const adsDenied = () => ctx?.consent().ads === 'denied';
  /** Ads consent as this collector last heard it: a rewrite is for a withdrawal only. */
  let adsWere: string | undefined;
  /** The messages' JSON texts as they go: without click ids while ads is denied. */
  const asSent = (batch: Entry[]) => { const strip = adsDenied(); return batch.map((x) => (strip ? withoutClickIds(x.json) : x.json)); };
  /** The batch body, `{ batch, sentAt, writeKey? }`, from the messages' JSON texts (each serialised once). */
  const body = (batch: Entry[]) => '{"batch":[' + asSent(batch).join(',') + '],"sentAt":"' + new Date().toISOString() + '"' + tail;

  /** Runs `pump` after `delay` (0 or the flush interval), unless it is already due by then. */
  const schedule = (delay: number) => {
    if (stopped || (timer !== undefined && (soon || delay > 0))) return;
    clearTimeout(timer);
    soon = delay === 0;
    timer = setTimeout(() => { timer = undefined; pump(); }, delay);
  };
  const settle = () => { if ((!queue!.size() && !inbox.length) || paused) while (waiters.length) waiters.shift()!(); };
  /**
   * Stores what was handed over in the next task, before the flush interval sends it: a page left
   * within that second kept it in memory only, and what did not fit the leaving beacon was lost
   * (reliability QA 2026-12-06: 12 of 20 events of 4 KB arrived). One task per burst.
   */
  let storing = false;
  const storeSoon = () => {
    if (storing || stopped) return;
    storing = true;
    setTimeout(() => { storing = false; if (intake(SLICE_MS)) storeSoon(); });
  };
  /** The oldest messages the outbox let go when full: said once per page, as an `error` event. */
  let toldDropped = false;

  /**
   * Builds, serialises and queues (and so stores) the messages handed over, for at most `budget`
   * ms; returns whether some are left for another task.
   */
  function intake(budget: number): boolean {
    if (!queue || !inbox.length) return false;
    const until = budget === Infinity ? Infinity : performance.now() + budget;
    let i = 0;
    for (; i < inbox.length; i++) {
      const x = inbox[i]!;
      const c = under[i];
      const id = c ? (x as ConversionEvent).id : (x as Message).messageId;
      if (queue.has(id)) continue;
      let json: string | undefined;
      // A value JSON cannot hold (a BigInt, a loop in the page's item objects) costs that message only.
      try { json = stringify(c ? trackMessage(x as ConversionEvent, c) : x); } catch (e) {
        ctx?.error(`a message could not be serialised for the collector (${(e as Error)?.message ?? e}); it is dropped`, x);
      }
      if (json !== undefined) queue.add(id, json);
      if ((i & 15) === 15 && performance.now() > until) { i++; break; }
    }
    if (queue.dropped && !toldDropped) {
      toldDropped = true;
      ctx?.error(`the collector's outbox is full (${options.maxQueue ?? 20_000} events waiting, the endpoint unreachable): the oldest are dropped`, queue.dropped);
    }
    if (i >= inbox.length) { inbox = []; under = []; return false; }
    inbox = inbox.slice(i);
    under = under.slice(i);
    return true;
  }

  /** Sends batches while there are any, up to two requests at once; on a failure it backs off. */
  function pump(): void {
    if (!queue || stopped) { while (waiters.length) waiters.shift()!(); return; }
    const more = intake(SLICE_MS);
    while (inFlight < 2 && !paused) {
      const batch = queue.take(batchSize, MAX_BATCH_BYTES);
      if (!batch.length) break;
      send(batch, body(batch));
    }
    if (more) schedule(0);
    else if (!inFlight) settle();
  }

  /**
   * POSTs one batch, with keepalive while it fits the keepalive budget (so closing the page does
   * not cancel it). Confirmed: gone for good. Refused: dropped. Otherwise: kept, retried later.
   */
  function send(batch: Entry[], payload: string, h = headers): void {
    const n = utf8(payload);
    const kept = n <= KEEPALIVE_BYTES - keepalive ? n : 0;
    keepalive += kept;
    inFlight++;
    void post(url, payload, h, !!kept).then((r) => {
      keepalive -= kept;
      inFlight--;
      if (r.kind === 'ok') { queue!.done(batch); attempt = 0; refusing = false; }
      else if (r.kind === 'drop') {
        queue!.done(batch);
        // The detail as it was sent (its third read: earlier pages' click ids under an ads denial).
        ctx?.error(`the collector endpoint refused a batch of ${batch.length} event(s) with HTTP ${r.status}; they are dropped, not retried`, asSent(batch).map((j) => JSON.parse(j) as Message));
      } else {
        queue!.release(batch);
        if (r.status) refusing = true;
        if (!paused) {
          paused = true;
          const delay = Math.max(backoff(attempt++), r.after ?? 0);
          ctx?.warn(`collector delivery failed (${r.status ?? 'network error'}); retrying in ${Math.round(delay / 100) / 10} s`);
          retry = setTimeout(() => { retry = undefined; paused = false; pump(); }, delay);
        }
        settle();
        return;
      }
      if (queue!.size() || inbox.length) pump(); else settle();
    });
  }

  /**
   * Page hidden: what is not already in flight goes out with sendBeacon (text/plain, no preflight)
   * or, without it (or when it refuses), a keepalive fetch with the same body; all within the
   * keepalive budget, counted in UTF-8 bytes. What does not fit stays queued (and in IndexedDB).
   */
  function beacon(): void {
    if (!queue) return;
    intake(Infinity); // the page may be going: everything handed over is queued and stored now
    const nav = ctx?.window.navigator;
    // Offline, sendBeacon still says yes (it only queues the request): what waits stays stored for
    // the next page instead of being taken for delivered (reliability QA 2026-12-06: 11 of 11 lost).
    // The endpoint answering with failures (a 5xx, a 429 with its Retry-After): a beacon never
    // reports back, and one sent to it took its messages along (host-page QA 2026-12-06: 61 of 301
    // lost on a tab switch). They stay stored for the retry, or the next page.
    if (nav?.onLine === false || refusing) { void queue.persist(); return; }
    // Beacons never report back: those of the last seconds count as still in flight (a hidden page's,
    // then its pagehide's, in Safari's order, handed 118 KB over at once: third read 2026-12-07).
    const now = Date.now();
    let used = now - spentAt < 10_000 ? spent : 0;
    const envelope = utf8(body([])); // take() counts the messages; the body's wrapper counts too
    /** Messages too large for any beacon on their own: they wait for an ordinary request, the rest goes on. */
    const alone: Entry[] = [];
    for (;;) {
      const budget = KEEPALIVE_BYTES - keepalive - used;
      const batch = queue.take(batchSize, budget - envelope);
      if (!batch.length) break;
      const payload = body(batch);
      const n = utf8(payload);
      if (n > budget) {
        if (batch.length === 1 && n > KEEPALIVE_BYTES) { alone.push(batch[0]!); continue; } // fits no beacon, ever
        queue.release(batch);
        break;
      }
      let sent = false;
      try { sent = !!nav?.sendBeacon?.(url, payload); } catch { /* fall back to fetch */ }
      if (sent) { used += n; queue.done(batch); }
      else send(batch, payload, {});
    }
    queue.release(alone);
    spent = used;
    spentAt = now;
    void queue.persist();
  }

  /** pagehide seen and no pageshow since: whatever comes in now leaves at once. */
  let left = false;
  /** A beacon for what came in after pagehide is due at the end of this task. */
  let late = false;
  /** Keepalive bytes the last beacons took, and when: the next ones within seconds share the budget. */
  let spent = 0;
  let spentAt = 0;
  const onHide = () => { if (ctx?.window.document?.visibilityState === 'hidden') beacon(); };
  /** The page is left: what it could not send, stored now, is the next page's (or another tab's) at once. */
  const onLeave = () => { left = true; queue?.leave(); beacon(); };
  /** Back from the back/forward cache (diff read 2026-12-06: a tab opened next sent its new events again). */
  const onShow = (e: Event) => { left = false; if ((e as PageTransitionEvent).persisted) queue?.back(); };
  /**
   * Another tab stashed events as it went: taken over now, not at this tab's next page load (a
   * single-page app may have none for long); once per burst of keys, the IndexedDB outbox read
   * again only for a gone page newly taken over (each key re-read it all: its third read).
   */
  let adopting: ReturnType<typeof setTimeout> | undefined;
  const onStorage = (e: StorageEvent) => {
    if (!e.newValue || !e.key?.startsWith(STASH)) return;
    clearTimeout(adopting);
    adopting = setTimeout(() => { if (!left && !stopped && ctx?.consent().analytics === 'granted') void queue?.adopt(() => schedule(0)); }, 50);
  };
  const onOnline = () => { attempt = 0; paused = false; clearTimeout(retry); retry = undefined; pump(); };

  /** A conversion (with the consent it was received under) or a ready message, for `intake`. */
  const enqueue = (x: ConversionEvent | Message, consent?: ConversionEvent['consent']) => {
    inbox.push(x);
    under.push(consent);
    // A full batch goes out on the next task; schedule() returns early when that is already due.
    schedule(inbox.length + queue!.size() >= batchSize ? 0 : interval);
    storeSoon();
    // Handed over after the page's pagehide was handled (a page-experience value measured on the
    // way out, where no visibilitychange follows, as in in-app browsers: compat QA 2026-12-07):
    // no later task may run, so it goes before this one ends, all of a burst in one beacon.
    if (left && !late) { late = true; queueMicrotask(() => { late = false; beacon(); }); }
  };

  const adapter: CollectorAdapter = {
    name: 'collector',
    category: 'analytics',
    browserOnly: true,
    dropped: () => { intake(Infinity); return queue?.dropped ?? 0; },
    pending: () => { intake(Infinity); return queue?.size() ?? 0; },
    load(c) {
      ctx = c;
      adsWere = c.consent().ads;
      // Relative to the page, so `/collect` works on every path (and in fetch outside a page).
      url = new URL(c.plan.destinations.collector?.url ?? '/', c.window.location?.href).href;
      const w = c.window;
      // Web Locks tell a live tab's stored messages from a closed one's (see queue.ts).
      queue = createQueue(options.maxQueue ?? 20_000, (m) => c.warn(m), w.navigator?.locks);
      w.document?.addEventListener?.('visibilitychange', onHide);
      w.addEventListener?.('pagehide', onLeave);
      w.addEventListener?.('pageshow', onShow);
      w.addEventListener?.('online', onOnline);
      w.addEventListener?.('storage', onStorage);
      // The tracker's first page view, though a grant (and so this load) may come pages later.
      if (c.plan.destinations.collector?.pages) adapter.page!(c.landing ?? pageContext(), c);
      // identify() on this page before analytics consent reached no adapter: the user is known now
      // (a user only remembered from an earlier page was sent then, and is on every message anyway).
      const who = c.identity();
      if (who.told) adapter.identify!(who, c);
      return queue.restore(() => schedule(0)).then(() => undefined);
    },
    forget() {
      // A withdrawal stops sending at once: what waits, here and in memory, is dropped unsent (a
      // request already on its way is not called back, and is not retried if it fails).
      inbox = []; under = [];
      queue?.drop();
      queue?.storeNew(false); // before the clear: nothing of this page is written after it
      (queue ? queue.clear() : clearOutbox()).catch(() => undefined); // no IndexedDB: nothing was stored
    },
    consent(status) {
      // Nothing new is written to IndexedDB after a denial.
      queue?.storeNew(status.analytics !== 'denied');
      // Ads withdrawn (analytics still on): what waits keeps no ad click id, in memory or stored.
      // Rewritten only after a grant on this page: a first "denied" is no withdrawal, and what
      // earlier pages stored is stripped as it is sent (its third read: 409 ms with 12,000 restored).
      const withdrawn = adsWere == 'granted';
      adsWere = status.ads;
      if (status.ads == 'denied') {
        under = under.map(adsWithdrawn);
        if (withdrawn) queue?.rewrite(withoutClickIds);
        // Page and identify messages are built when handed over: those not yet queued go the same way.
        inbox = inbox.map((x, i) => (under[i] ? x : builtWithoutClickIds(x as Message)));
      }
    },
    send(event, c) {
      const now = c.consent();
      if (!consent || consent.analytics !== now.analytics || consent.ads !== now.ads) consent = Object.freeze({ ...now });
      enqueue(event, consent);
    },
    page(page, c) {
      if (!c.plan.destinations.collector?.pages) return;
      const who = c.identity();
      enqueue(pageMessage(uuid(), page, who.anonymousId, who.userId, new Date().toISOString(), { ...c.consent() }, c.clickIds?.()));
    },
    identify(who) {
      enqueue(identifyMessage(uuid(), who, pageContext(), who.anonymousId, new Date().toISOString(), ctx?.consent().ads));
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
      clearTimeout(retry);
      const w = ctx?.window;
      w?.document?.removeEventListener?.('visibilitychange', onHide);
      w?.removeEventListener?.('pagehide', onLeave);
      w?.removeEventListener?.('pageshow', onShow);
      w?.removeEventListener?.('online', onOnline);
      w?.removeEventListener?.('storage', onStorage);
      clearTimeout(adopting);
      intake(Infinity);
      await queue?.persist();
      queue?.leave(); // what is left stored is another page's to send
    },
  };
  return adapter;
}
