/**
 * Cart and browse abandonment for `measureplan report` (reference `journey-and-reports.md` §4,
 * the plan's `abandonment` section). Pure functions over one visitor's conversions in time order;
 * no I/O, no dependencies. They replay what the tracker in the browser keeps
 * (`src/journey/abandonment.ts`), so the report agrees with the `cart_abandoned` and
 * `browse_abandoned` the tracker reported, and say, as of a given `now`, what is open, what was
 * completed and what counts as abandoned.
 *
 * **Cart** (rule `{ add, remove?, complete, afterMs }`):
 * - The `add` conversion puts its `items` in the cart (the same `item_id` again adds to its
 *   quantity; a missing quantity is 1; newer names and prices replace older ones). The first
 *   add into an empty cart opens a cart: its `since`.
 * - The `remove` conversion takes its items out: its quantity of the line, or the whole line
 *   when it gives none. A remove that empties the cart closes it (`emptied`).
 * - The `complete` conversion (the order) closes the open cart as `completed`, whatever it
 *   contains. **A completed cart never counts as abandoned**, however long it waited first
 *   (`wasLeft` then says that it had been left that long: a recovered cart).
 * - An add after a completion opens a new cart.
 * - Adds and removes are the cart's activity (`lastActivity`). An open cart counts as
 *   **abandoned** once `now − lastActivity ≥ afterMs` (the boundary included, as in the tracker)
 *   and it has not been completed or emptied by `now`. A cart left that long and touched again
 *   stays the same cart (its products are still in it), with `wasLeft` set.
 * - Conversions without items change nothing for `add` and `remove` (the tracker ignores them
 *   too); `value` on a conversion is not used: the cart's value is Σ price × quantity of its
 *   lines (lines without a price count 0), rounded to 2 decimals.
 *
 * **Browse** (rule `{ view, min, cancel, afterMs }`):
 * - Each `view` conversion records its products (distinct `item_id`s, newest details); the
 *   first view opens a browse.
 * - Any `cancel` conversion (by default the cart's add and complete) ends the open browse as
 *   `cancelled`: the visitor moved on to buying.
 * - An open browse counts as **abandoned** once it has at least `min` distinct products, no
 *   cancelling conversion, and `now − lastActivity ≥ afterMs` (the last view; boundary
 *   included). A view that comes after the browse has counted as abandoned starts a new browse
 *   (the tracker reports the old one and starts afresh), whereas a cancel that comes after it
 *   cancels it (`wasLeft` set). With fewer than `min` products a browse never counts as
 *   abandoned and keeps collecting views.
 *
 * Conversions after `now` are ignored (the state as of `now`); conversions of the same ms keep
 * their order. Whether the visitor can be reminded (an identified email, consent) is not decided
 * here (§4.1: only identified contacts can be messaged).
 */
import type { Plan } from '../plan/types';

/** A product in a conversion's `items` (the plan's `items` type). */
export interface ItemRecord {
  item_id: string;
  item_name?: string;
  item_category?: string;
  price?: number;
  quantity?: number;
}

/** One conversion of one visitor: its name, time (ms), items and value. */
export interface ConversionRecord {
  event: string;
  t: number;
  items?: readonly ItemRecord[];
  value?: number;
  /** The conversion's own currency, when it gave one. */
  currency?: string;
}

/** What the cart replay needs from the plan's normalised `abandonment.cart`. */
export type CartRule = Pick<NonNullable<Plan['abandonment']['cart']>, 'add' | 'remove' | 'complete' | 'afterMs'> & { checkout?: readonly string[] };
/** What the browse replay needs from the plan's normalised `abandonment.browse`. */
export type BrowseRule = Pick<NonNullable<Plan['abandonment']['browse']>, 'view' | 'min' | 'cancel' | 'afterMs'>;

/** A line of a cart: the product with its quantity (always set). */
export type CartLine = ItemRecord & { quantity: number };

export type CartOutcome =
  /** Open and touched less than `afterMs` before `now`. */
  | 'open'
  /** Open, untouched for `afterMs` or more at `now`. */
  | 'abandoned'
  /** Closed by the `complete` conversion. */
  | 'completed'
  /** Closed by a `remove` that took the last product out. */
  | 'emptied';

/** One cart of the visitor, from its first add to its end (or `now`). */
export interface Cart {
  outcome: CartOutcome;
  /** The products in it (for a completed cart: at the order; for an emptied one: none). */
  items: CartLine[];
  /** Σ price × quantity, rounded to 2 decimals. */
  value: number;
  /** The first add, and the last add or remove (ms). */
  since: number;
  lastActivity: number;
  /** When it was completed or emptied (ms). */
  endedAt?: number;
  /** For an abandoned cart: when it started to count as abandoned, `lastActivity + afterMs`. */
  abandonedAt?: number;
  /** It was left untouched for `afterMs` at least once before its last activity or its completion. */
  wasLeft: boolean;
  /** The currency of its adds (the last one that gave one), as the browser's cart keeps it; none: the plan's. */
  currency?: string;
}

export type BrowseOutcome = 'open' | 'abandoned' | 'cancelled';

/** One browse of the visitor: products viewed until a cancel, an abandonment, or `now`. */
export interface Browse {
  outcome: BrowseOutcome;
  /** The distinct products viewed, newest details, in the order first viewed. */
  items: ItemRecord[];
  /** The first and the last view (ms). */
  since: number;
  lastActivity: number;
  /** When a cancelling conversion ended it (ms). */
  endedAt?: number;
  /** For an abandoned browse: `lastActivity + afterMs`. */
  abandonedAt?: number;
  /** It had counted as abandoned before a cancelling conversion came. */
  wasLeft: boolean;
}

/** The conversions up to `now`, in time order (stable). */
function upTo(events: readonly ConversionRecord[], now: number): ConversionRecord[] {
  const list = events.filter((e) => e.t <= now);
  for (let i = 1; i < list.length; i++) {
    if (list[i]!.t < list[i - 1]!.t) return list.sort((a, b) => a.t - b.t);
  }
  return list;
}

/** Σ price × quantity of the lines, rounded to 3 decimals. */
export function cartValue(items: readonly ItemRecord[]): number {
  let v = 0;
  for (const i of items) v += (Number(i.price) || 0) * (i.quantity ?? 1);
  return Math.round(v * 1000) / 1000; // three decimals, as the browser's cart (KWD, BHD)
}

const checkAfter = (afterMs: number) => {
  if (!(afterMs >= 0)) throw new RangeError(`abandonment: afterMs must be a duration in ms ≥ 0, got ${afterMs}`);
};

/**
 * Every cart of one visitor as of `now`, oldest first: completed, emptied, and the last one open
 * or abandoned (see the module comment for the rules).
 */
export function cartHistory(events: readonly ConversionRecord[], rule: CartRule, now: number): Cart[] {
  checkAfter(rule.afterMs);
  const carts: Cart[] = [];
  let open: Cart | undefined;
  const close = (c: Cart, outcome: 'completed' | 'emptied', t: number) => {
    c.outcome = outcome;
    c.endedAt = t;
    c.value = cartValue(c.items);
    carts.push(c);
    open = undefined;
  };
  const touch = (c: Cart, t: number) => {
    if (t - c.lastActivity >= rule.afterMs) c.wasLeft = true;
    c.lastActivity = t;
  };

  for (const e of upTo(events, now)) {
    const items = e.items ?? [];
    if (e.event === rule.complete) {
      if (open) {
        if (e.t - open.lastActivity >= rule.afterMs) open.wasLeft = true;
        close(open, 'completed', e.t);
      }
    } else if (e.event === rule.add) {
      if (!items.length) continue;
      if (!open) open = { outcome: 'open', items: [], value: 0, since: e.t, lastActivity: e.t, wasLeft: false };
      else touch(open, e.t);
      // One cart, one currency, as the browser keeps it: an add in another starts the cart again.
      if (e.currency && open.currency && open.currency != e.currency) { open.items = []; open.since = e.t; }
      if (e.currency) open.currency = e.currency;
      for (const it of items) {
        const line = open.items.find((l) => l.item_id === it.item_id);
        if (line) Object.assign(line, it, { quantity: line.quantity + (it.quantity ?? 1) });
        else open.items.push({ ...it, quantity: it.quantity ?? 1 });
      }
    } else if (open && rule.checkout?.includes(e.event)) {
      touch(open, e.t); // a checkout step: the visitor is paying, not leaving
    } else if (rule.remove !== undefined && e.event === rule.remove) {
      if (!open || !items.length) continue;
      touch(open, e.t);
      for (const it of items) {
        const i = open.items.findIndex((l) => l.item_id === it.item_id);
        if (i < 0) continue;
        const left = open.items[i]!.quantity - (it.quantity ?? Infinity);
        if (left > 0) open.items[i]!.quantity = left; else open.items.splice(i, 1);
      }
      if (!open.items.length) close(open, 'emptied', e.t);
    }
  }
  if (open) {
    open.value = cartValue(open.items);
    if (now - open.lastActivity >= rule.afterMs) {
      open.outcome = 'abandoned';
      open.abandonedAt = open.lastActivity + rule.afterMs;
    }
    carts.push(open);
  }
  return carts;
}

/**
 * The visitor's cart at `now`, if one is open: its items, value, `since` and `lastActivity`,
 * and `outcome` `'abandoned'` when it has waited `afterMs` or more, else `'open'`.
 */
export function openCart(events: readonly ConversionRecord[], rule: CartRule, now: number): Cart | undefined {
  const last = cartHistory(events, rule, now).at(-1);
  return last && (last.outcome === 'open' || last.outcome === 'abandoned') ? last : undefined;
}

/** Whether the visitor has an abandoned cart at `now` (open, untouched for `afterMs`, never completed). */
export function isCartAbandoned(events: readonly ConversionRecord[], rule: CartRule, now: number): boolean {
  return openCart(events, rule, now)?.outcome === 'abandoned';
}

/**
 * Every browse of one visitor as of `now`, oldest first: cancelled ones, abandoned ones, and
 * the last one possibly open (see the module comment for the rules).
 */
export function browseHistory(events: readonly ConversionRecord[], rule: BrowseRule, now: number): Browse[] {
  checkAfter(rule.afterMs);
  const browses: Browse[] = [];
  let open: Browse | undefined;
  const due = (b: Browse, t: number) => b.items.length >= rule.min && t - b.lastActivity >= rule.afterMs;
  const cancels = new Set(rule.cancel);

  for (const e of upTo(events, now)) {
    if (cancels.has(e.event)) {
      if (open) {
        open.outcome = 'cancelled';
        open.endedAt = e.t;
        if (due(open, e.t)) open.wasLeft = true;
        browses.push(open);
        open = undefined;
      }
    } else if (e.event === rule.view) {
      const items = e.items ?? [];
      if (!items.length) continue;
      if (open && due(open, e.t)) {
        open.outcome = 'abandoned';
        open.abandonedAt = open.lastActivity + rule.afterMs;
        browses.push(open);
        open = undefined;
      }
      if (!open) open = { outcome: 'open', items: [], since: e.t, lastActivity: e.t, wasLeft: false };
      open.lastActivity = e.t;
      for (const it of items) {
        const i = open.items.findIndex((x) => x.item_id === it.item_id);
        if (i < 0) open.items.push({ ...it }); else open.items[i] = { ...open.items[i]!, ...it };
      }
    }
  }
  if (open) {
    if (due(open, now)) {
      open.outcome = 'abandoned';
      open.abandonedAt = open.lastActivity + rule.afterMs;
    }
    browses.push(open);
  }
  return browses;
}

/**
 * The visitor's current browse at `now`, if any: `'open'`, or `'abandoned'` when it has at least
 * `min` products and its last view is `afterMs` or more before `now`. (Only the last browse can be
 * current: an earlier abandoned one was followed by a view that started a new browse.)
 */
export function openBrowse(events: readonly ConversionRecord[], rule: BrowseRule, now: number): Browse | undefined {
  const last = browseHistory(events, rule, now).at(-1);
  return last && last.outcome !== 'cancelled' ? last : undefined;
}

/** Whether the visitor has an abandoned browse at `now` (≥ `min` products viewed, no cancel, `afterMs` passed). */
export function isBrowseAbandoned(events: readonly ConversionRecord[], rule: BrowseRule, now: number): boolean {
  return openBrowse(events, rule, now)?.outcome === 'abandoned';
}
