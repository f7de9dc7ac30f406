/**
 * The abandonment hand-off (`measureplan collect --webhook <url>`): the store is checked every
 * `everyMs` for carts and browses that became abandoned under the plan's rules (the waiting time
 * passed, no order, an identified e-mail known), and each is posted to the shop's e-mail tool
 * once. The `webhook_outbox` table makes it durable: a cart is queued under an id made of the
 * visitor and the cart's start, so it is never queued twice, also across restarts; a person who
 * got a reminder within `quietMs` is not sent another (the row says so); a queued cart whose
 * visitor ordered before it went out is cancelled. Posts are retried with backoff; a refused
 * post is kept with the reason. The receiver also gets the id as `Idempotency-Key`, so a post
 * repeated after a crash between its answer and our commit can be recognised.
 */
import { printable } from '../cli/safe-text';
import type { Plan } from '../plan/types';
import { browseHistory, cartHistory, type CartLine, type ItemRecord } from '../report/abandonment';
import { checkoutSteps } from '../journey/abandonment';
import { identities, sequences, type SeqEvent } from '../report/read';
import { backoffMs, shownUrl, withCredentials, type DeliveryOptions } from './delivery';
import { foldEmail, SIGNAL_EVENTS } from './message';
import { ORDER_WHERE } from './schema';
import type { Store } from './store';

export interface WebhookOptions extends DeliveryOptions {
  store: Store;
  plan: Plan;
  url: string;
  /** How often the store is checked (default 60 s). */
  everyMs?: number;
  /** No second reminder to the same e-mail within this time (default 7 days). */
  quietMs?: number;
  /** How far back carts are looked for (default 30 days). */
  lookbackMs?: number;
  /**
   * The shop's origins (`--allow-origin`): a product's `url` is handed over only on one of them.
   * Without any (or with `*`), any http(s) page. The page URL comes from the browser, and an e-mail sent in
   * the shop's name must not link anywhere a visitor's request chose (security QA 2026-12-06).
   */
  linkOrigins?: readonly string[];
}

export interface WebhookStats { pending: number; delivered: number; suppressed: number; cancelled: number; failed: number }

export interface Webhook {
  /** Checks the store now; returns how many were queued. */
  detect(): number;
  stats(): WebhookStats;
  stop(): Promise<void>;
}

interface Candidate {
  id: string; kind: 'cart_abandoned' | 'browse_abandoned'; visitor: string; payload: Record<string, unknown>;
  /** The visitor's only cart in the lookback window: it may have begun before it. */
  firstInWindow?: boolean;
  /** The visitor's cart events in the window (a cart's). */
  events?: readonly SeqEvent[];
}

const DAY = 86_400_000;

export function startWebhook(options: WebhookOptions): Webhook {
  const { store, plan, url, everyMs = 60_000, quietMs = 7 * DAY, lookbackMs = 30 * DAY, minDelay = 1000, maxDelay = 300_000, timeoutMs = 15_000, log: logLine = () => {}, now = Date.now } = options;
  // Lines quote a hand-off's id (a browser's anonymous id) and the receiver's answer: control characters are written out.
  const log = (line: string) => logLine(printable(line));
  const doFetch = options.fetch ?? globalThis.fetch;
  // `https://user:secret@…`: sent as Basic authentication (fetch takes no credentials in a URL), never logged.
  const [target, auth] = withCredentials(url, { 'Content-Type': 'application/json' });
  const shown = shownUrl(url);
  const linkable = (url: string) => {
    const o = /^https?:\/\//i.test(url) && URL.canParse(url) ? new URL(url).origin : undefined;
    // `*` (--allow-origin '*', every site): any http(s) page, as with no origins given (diff read 2026-12-06).
    return o !== undefined && (!options.linkOrigins?.length || options.linkOrigins.includes('*') || options.linkOrigins.includes(o));
  };
  const db = store.db;
  const cart = plan.abandonment.cart;
  const browse = plan.abandonment.browse;
  const iso = (t: number) => new Date(t).toISOString();

  const exists = db.prepare('SELECT status FROM webhook_outbox WHERE id = ?').pluck();
  const lastCart = db.prepare("SELECT id, payload FROM webhook_outbox WHERE kind = 'cart_abandoned' AND visitor = ? ORDER BY created_at DESC LIMIT 1");
  const firstSeen = db.prepare('SELECT first_seen FROM visitors WHERE anonymous_id = ?').pluck();
  /**
   * Once a cart's first add leaves the lookback window, or the store (`measureplan retain`
   * deleted it), what is left shows as a cart of its own, with a later start (a new id). It is
   * the cart handed over already when the visitor's last handed-over cart began before the
   * window, and they have not ordered since. Before the visitor's oldest stored event the cart's
   * start is gone, but the hand-off kept what the cart held: replayed from that with the events
   * after it, the cart is still the one handed over unless it was emptied (or ordered) meanwhile.
   */
  const handedOver = (c: Candidate, windowStart: number, t: number) => {
    const last = c.firstInWindow ? (lastCart.get(c.visitor) as { id: string; payload: string } | undefined) : undefined;
    const since = last ? Number(last.id.slice(last.id.lastIndexOf(':') + 1)) : NaN;
    if (!(since < windowStart) && !(since < Date.parse((firstSeen.get(c.visitor) as string | undefined) ?? ''))) return false;
    if (endedSince(c.kind, c.visitor, iso(since))) return false;
    if (since < windowStart) return true;
    let held: { items?: (CartLine & { url?: string })[]; last_activity?: string };
    try { held = JSON.parse(last!.payload); } catch { return false; }
    const from = Date.parse(held.last_activity ?? '');
    if (!cart || !held.items?.length || !Number.isFinite(from) || !c.events) return false;
    const state = { event: cart.add, t: from, items: held.items.map(({ url: _url, ...line }) => line) };
    return cartHistory([state, ...c.events.filter((e) => e.t > from)], { ...cart, checkout }, t).some((x) => x.since === from && x.outcome === 'abandoned');
  };
  const recent = db.prepare("SELECT 1 FROM webhook_outbox WHERE email = ? AND status IN ('pending', 'delivered') AND created_at > ? LIMIT 1").pluck();
  const insert = db.prepare('INSERT INTO webhook_outbox (id, kind, visitor, email, payload, status, reason, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO NOTHING');
  const pendingIds = db.prepare("SELECT id FROM webhook_outbox WHERE status = 'pending'").pluck();
  const cancel = db.prepare("UPDATE webhook_outbox SET status = 'cancelled', reason = ? WHERE id = ? AND status = 'pending'");
  const due = db.prepare("SELECT id, payload, attempts FROM webhook_outbox WHERE status = 'pending' AND (next_attempt_at IS NULL OR next_attempt_at <= ?) ORDER BY created_at LIMIT 20");
  /**
   * A due row is claimed before its post: its next attempt moves past the post's time-out. A second
   * `collect` on the same store (an overlapping restart or deploy) finds it claimed and leaves it;
   * a process that dies mid-post leaves a claim that runs out, and the row is posted again (with
   * the same Idempotency-Key).
   */
  const claim = db.prepare("UPDATE webhook_outbox SET next_attempt_at = ? WHERE id = ? AND status = 'pending' AND (next_attempt_at IS NULL OR next_attempt_at <= ?)");
  const delivered = db.prepare("UPDATE webhook_outbox SET status = 'delivered', delivered_at = ?, attempts = attempts + 1 WHERE id = ?");
  const retry = db.prepare('UPDATE webhook_outbox SET attempts = attempts + 1, next_attempt_at = ?, reason = ? WHERE id = ?');
  const failed = db.prepare("UPDATE webhook_outbox SET status = 'failed', attempts = attempts + 1, reason = ? WHERE id = ?");
  const counts = db.prepare('SELECT status, count(*) AS n FROM webhook_outbox GROUP BY status');
  // Just before a post: did the visitor order (or, for a browse, add to the cart) since it was queued?
  // Also an order under a name this plan does not have (the order conversion renamed since: plan QA
  // 2026-12-06): a macro conversion, or an event with an order number, strictly after the last
  // activity. Only unknown names: a macro sign-up, a refund or the cart's own events are no order
  // (diff read 2026-12-06). The `events_orders` index keeps the look to the visitor's orders.
  const known = [...Object.keys(plan.conversions), ...SIGNAL_EVENTS];
  const ended = (names: readonly string[]) => db.prepare(`SELECT 1 FROM events WHERE anonymous_id = ? AND ((timestamp >= ? AND event IN (${names.map(() => '?').join(', ') || "''"}))
    OR (timestamp > ? AND ${ORDER_WHERE} AND event NOT IN (${known.map(() => '?').join(', ')}))) LIMIT 1`).pluck();
  // The person's orders under their user id: one the shop's own server sent with the user id only
  // (an order confirmed by the back office, a phone order), or one made on another of their
  // devices. Orders only (with an order number, or a macro conversion), through events_orders_user.
  const endedForUser = (names: readonly string[]) => db.prepare(`SELECT 1 FROM events WHERE user_id = ? AND ${ORDER_WHERE}
    AND ((timestamp >= ? AND event IN (${names.map(() => '?').join(', ') || "''"})) OR (timestamp > ? AND event NOT IN (${known.map(() => '?').join(', ')}))) LIMIT 1`).pluck();
  const checkout = checkoutSteps(plan);
  const ends = { cart_abandoned: cart ? [cart.complete] : [], browse_abandoned: browse?.cancel ?? [] };
  const queries = { cart_abandoned: ended(ends.cart_abandoned), browse_abandoned: ended(ends.browse_abandoned) };
  const userQueries = { cart_abandoned: endedForUser(ends.cart_abandoned), browse_abandoned: endedForUser(ends.browse_abandoned) };
  const endedSince = (kind: string, visitor: string, since: string, userId?: string | null) => {
    const k = kind as keyof typeof ends;
    if (!queries[k]) return false;
    if (queries[k].get(visitor, since, ...ends[k], since, ...known) !== undefined) return true;
    return !!userId && userQueries[k].get(userId, since, ...ends[k], since, ...known) !== undefined;
  };

  function candidates(t: number): Candidate[] {
    const cartEvents = cart ? [cart.add, cart.complete, ...(cart.remove ? [cart.remove] : []), ...checkout] : [];
    const browseEvents = browse ? [browse.view, ...browse.cancel] : [];
    const seqs = sequences(db, [...new Set([...cartEvents, ...browseEvents])], { from: t - lookbackMs }, {
      withItems: new Set([...(cart ? [cart.add, cart.complete, ...(cart.remove ? [cart.remove] : [])] : []), ...(browse ? [browse.view] : [])]), extras: true,
      // A remove without a quantity takes the whole line out, as the tracker's cart does.
      wholeLine: new Set(cart?.remove ? [cart.remove] : []),
    });
    const found: Candidate[] = [];
    const consentOf = (events: SeqEvent[]) => [...events].reverse().find((e) => e.consent)?.consent ?? { analytics: null, ads: null };
    for (const [visitor, all] of seqs) {
      const links = new Map<string, string>();
      for (const e of all) if (e.url && linkable(e.url)) for (const i of e.items ?? []) links.set(i.item_id, e.url);
      const withLinks = <T extends ItemRecord>(items: T[]) => items.map((i) => ({ ...i, ...(links.has(i.item_id) ? { url: links.get(i.item_id) } : {}) }));
      if (cart) {
        const events = all.filter((e) => cartEvents.includes(e.event));
        const carts = events.length ? cartHistory(events, { ...cart, checkout }, t) : [];
        for (const c of carts) {
          if (c.outcome !== 'abandoned') continue;
          found.push({ id: `cart:${visitor}:${c.since}`, kind: 'cart_abandoned', visitor, firstInWindow: carts.length === 1, events, payload: { since: iso(c.since), last_activity: iso(c.lastActivity), abandoned_at: iso(c.abandonedAt!), items: withLinks<CartLine>(c.items), value: c.value, ...(c.currency && { currency: c.currency }), consent: consentOf(all) } });
        }
      }
      if (browse) {
        const events = all.filter((e) => browseEvents.includes(e.event));
        if (!events.some((e) => e.event === browse.view)) continue;
        for (const b of browseHistory(events, browse, t)) {
          if (b.outcome !== 'abandoned') continue;
          found.push({ id: `browse:${visitor}:${b.since}`, kind: 'browse_abandoned', visitor, payload: { since: iso(b.since), last_activity: iso(b.lastActivity), abandoned_at: iso(b.abandonedAt!), items: withLinks(b.items), consent: consentOf(all) } });
        }
      }
    }
    return found;
  }

  function detect(): number {
    const t = now();
    const all = candidates(t);
    const who = identities(db, all.map((c) => c.visitor));
    // Ordered as the user (the shop's server, another device): no longer abandoned.
    const found = all.filter((c) => { const u = who.get(c.visitor)?.userId; return !u || !endedSince(c.kind, c.visitor, String(c.payload.last_activity), u); });
    const live = new Set(found.map((c) => c.id));
    let queued = 0;
    db.transaction(() => {
      // Queued but no longer abandoned (the visitor ordered, or came back to the cart): not sent.
      for (const id of pendingIds.all() as string[]) if (!live.has(id)) cancel.run('no longer abandoned when it was due: ordered or changed', id);
      for (const c of found) {
        const person = who.get(c.visitor);
        if (!person?.email?.trim() || exists.get(c.id) || handedOver(c, t - lookbackMs, t)) continue; // no one to write to (yet), or handled already
        // One person, however the address was typed: the quiet period compares folded addresses.
        const email = person.email.trim();
        const key = foldEmail(email);
        const payload = JSON.stringify({ type: c.kind, id: c.id, email, user_id: person.userId ?? null, visitor: c.visitor, plan: plan.name, currency: plan.currency ?? null, ...c.payload });
        const quiet = recent.get(key, iso(t - quietMs));
        insert.run(c.id, c.kind, c.visitor, key, payload, quiet ? 'suppressed' : 'pending', quiet ? `a reminder went to this person less than ${Math.round(quietMs / DAY)} days ago` : null, iso(t));
        if (!quiet) queued++;
      }
    })();
    if (queued) log(`webhook: ${queued} abandoned ${queued === 1 ? 'cart or browse' : 'carts or browses'} to hand over`);
    return queued;
  }

  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let wake: (() => void) | undefined;
  let failures = 0;

  async function send(): Promise<void> {
    for (const row of due.all(iso(now())) as { id: string; payload: string; attempts: number }[]) {
      if (stopped) return;
      const p = JSON.parse(row.payload) as { type: string; visitor: string; last_activity: string; user_id?: string | null };
      if (endedSince(p.type, p.visitor, p.last_activity, p.user_id)) { cancel.run('no longer abandoned when it was due: ordered or changed', row.id); continue; }
      const at = now();
      if (!claim.run(iso(at + timeoutMs + 60_000), row.id, iso(at)).changes) continue; // another process took it
      let status = 0;
      let reason = '';
      try {
        const res = await doFetch(target, { method: 'POST', headers: { ...auth, 'Idempotency-Key': row.id }, body: row.payload, signal: AbortSignal.timeout(timeoutMs) });
        status = res.status;
        reason = `${res.status} ${(await res.text().catch(() => '')).slice(0, 200)}`.trim();
      } catch (e) {
        reason = (e as Error).message;
      }
      if (status >= 200 && status < 300) { delivered.run(iso(now()), row.id); failures = 0; continue; }
      if (status >= 400 && status < 500 && status !== 408 && status !== 429) {
        failed.run(reason, row.id);
        log(`webhook: ${shown} refused ${row.id} (${reason}); kept as failed`);
        continue;
      }
      failures++;
      retry.run(iso(now() + backoffMs(row.attempts, minDelay, maxDelay)), reason, row.id);
      if (failures === 1) log(`webhook: ${shown} failed (${reason}); retrying with backoff`);
    }
  }

  const loop = (async () => {
    while (!stopped) {
      try {
        detect();
        await send();
      } catch (e) {
        log(`webhook: ${(e as Error).message}`);
      }
      if (stopped) break;
      await new Promise<void>((ok) => { wake = ok; timer = setTimeout(ok, everyMs); });
    }
  })();

  return {
    detect,
    stats() {
      const s: WebhookStats = { pending: 0, delivered: 0, suppressed: 0, cancelled: 0, failed: 0 };
      for (const r of counts.all() as { status: keyof WebhookStats; n: number }[]) s[r.status] = r.n;
      return s;
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      wake?.();
      await loop;
    },
  };
}
