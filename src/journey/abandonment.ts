/**
 * Cart and browse abandonment. The visitor's cart is kept across pages and sessions from the
 * plan's `add` and `remove` conversions and emptied by its `complete` one; the products viewed
 * (the `view` conversion) are kept until a cancelling conversion. When the visitor comes back
 * (a new page, a route change, the tab shown again, the next conversion) and the cart or the
 * views have been left untouched for `after`, the tracker reports it once: `cart_abandoned` /
 * `browse_abandoned` on `on()`, and the plan's conversion for it, if there is one, is tracked.
 */
import type { Item } from '../plan/define';
import type { Plan } from '../plan/types';
import type { Store } from '../core/storage';
import type { ConversionEvent } from '../core/types';
import { kept, type Kept, type Writer } from './kept';
import { passed } from '../core/env';
import { ownCurrency } from '../core/enrich';
import { defined } from '../plan/shape';

/** A list of products, when it was started and last changed (ms), and whether its abandonment was reported. */
interface Basket { items: Item[]; since: number; updated: number; told?: number; cur?: string }
/** One check for a left basket: its time, and whether it found one (on this page's copy or at the replay). */
interface Look { t: number; told?: 1 }

/** What `tracker.cart()` returns, and what `cart_abandoned` reports. */
export interface Cart {
  items: Item[];
  /** The sum of price × quantity (items without a price count 0). */
  value: number;
  currency?: string;
  /** ISO times: when the first product went in, when the cart last changed. */
  since?: string;
  updated?: string;
}

/** What `browse_abandoned` reports: the products viewed (with ids, names, categories, prices). */
export interface Browse { items: Item[]; since: string; updated: string }

export type AbandonmentKind = 'cart' | 'browse';

const MAX_ITEMS = 50;
const empty = (): Basket => ({ items: [], since: 0, updated: 0 });
/** A stored number that may be summed: missing, or finite (a text "5" would be concatenated, NaN would spread). */
const num = (x: unknown) => x == null || Number.isFinite(x);
/** A stored basket is used only when it has this shape (storage is shared with the site's own code). */
const isBasket = (v: unknown): v is Basket => {
  const b = v as Basket;
  return !!b && Array.isArray(b.items) && b.items.every((i) => typeof i?.item_id === 'string' && num(i.quantity) && num(i.price)) && Number.isFinite(b.since) && Number.isFinite(b.updated);
};

export function valueOf(items: Item[]): number {
  let v = 0;
  for (const i of items) v += (Number(i.price) || 0) * (i.quantity ?? 1);
  return Math.round(v * 1000) / 1000; // three decimals: KWD and BHD have them; float noise goes
}

/**
 * The basket with `items` put in (quantities summed when `sum`, else each product once). It
 * changes `b` in place: an add to cart runs on every click, and copying a 50-line cart each time
 * is garbage for the host page's collector; an operation always gets the basket it may change.
 */
function put(b: Basket, items: Item[], t: number, sum: boolean): Basket {
  if (!b.items.length) b.since = t;
  for (const it of items) {
    const line = lineOf(b, it.item_id);
    // A field given as undefined is no field: it neither blanks the line's price or name nor is kept.
    const known = defined(it as unknown as Record<string, unknown>) as unknown as Item;
    if (!line) b.items.push({ ...known, quantity: it.quantity ?? 1 });
    else if (sum) { const q = (line.quantity ?? 1) + (it.quantity ?? 1); Object.assign(line, known); line.quantity = q; }
  }
  if (b.items.length > MAX_ITEMS) b.items.splice(0, b.items.length - MAX_ITEMS);
  b.updated = t;
  delete b.told;
  return b;
}

/** A sign of life in checkout: the cart's clock starts again, and a cart reported left may be reported again later. */
const busy = (b: Basket, t: number) => { b.updated = t; delete b.told; return b; };
/** Adds to the cart (quantities summed) / to the viewed products (each once). */
const add = (b: Basket, items: Item[], t: number) => put(b, items, t, true);
const view = (b: Basket, items: Item[], t: number) => put(b, items, t, false);
/**
 * One basket, one currency: items in another than the basket's (a currency switcher re-priced the
 * shop) start it again, so its value is never a sum across currencies.
 */
const inCurrency = (b: Basket, cur: string | undefined, op: typeof add, items: Item[], t: number): Basket => {
  if (cur && b.cur && b.cur != cur) b.items = [];
  op(b, items, t);
  if (cur) b.cur = cur;
  return b;
};

/** The basket's line for a product (the basket owns its lines: they are copies, changed in place). */
function lineOf(b: Basket, id: string): Item | undefined {
  // An index loop: for-of allocated an iterator on every add to cart.
  for (let k = 0; k < b.items.length; k++) if (b.items[k]!.item_id === id) return b.items[k];
  return undefined;
}

/** The basket with `items` taken out (the whole line when an item has no quantity); in place too. */
function take(b: Basket, items: Item[], t: number): Basket {
  let hit = false;
  for (const it of items) {
    const i = b.items.findIndex((x) => x.item_id === it.item_id);
    // A remove of 0 units or fewer takes nothing out (its second read: -2 put two more in).
    if (i < 0 || !((it.quantity ?? 1) > 0)) continue;
    hit = true;
    const left = (b.items[i]!.quantity ?? 1) - (it.quantity ?? Infinity);
    if (left > 0) b.items[i] = { ...b.items[i]!, quantity: left }; else b.items.splice(i, 1);
  }
  if (!hit) return b; // a stale remove button: the cart is as it was, and a reported cart stays reported
  if (!b.items.length) return empty();
  b.updated = t;
  delete b.told;
  return b;
}

/**
 * The conversions that are checkout steps, which keep a cart alive (a visitor paying is not leaving
 * it): GA4's recommended checkout events, by the conversion's name or its GA4 event; never the
 * cart's own add, remove or complete. The report reads carts by the same list.
 */
export function checkoutSteps(plan: Plan): string[] {
  const c = plan.abandonment.cart;
  return Object.values(plan.conversions).filter((x) => [x.name, x.send.ga4?.event].some((n) => /^(begin_checkout|add_(shipping|payment)_info)$/.test(n!)) && ![c?.add, c?.remove, c?.complete].includes(x.name)).map((x) => x.name);
}

export function createAbandonment(plan: Plan, store: Store, writer: Writer, report: (kind: AbandonmentKind, basket: Item[], since: number, updated: number, currency?: string) => void) {
  const spec = plan.abandonment;
  const checkout = checkoutSteps(plan);
  const cart = kept<Basket>(store, 'cart', empty, isBasket, writer);
  const viewed = kept<Basket>(store, 'seen', empty, isBasket, writer);
  const due = (b: Basket, after: number, min: number, t: number) => b.items.length >= min && !b.told && passed(t, b.updated, after - 1);
  /**
   * What the checks found: reported once the basket is marked and written (a report tracks a
   * conversion, which checks again); what a grant's replay finds, at the check the grant asks for.
   */
  const found: Parameters<typeof report>[] = [];
  /**
   * A check at `t`, as a change of the basket: one left for `after` is marked reported (a browse
   * starts anew). Before consent it is kept with the page's other changes, so the grant replays it
   * onto what earlier pages stored at its own time, before the page's add or view hides it; it
   * reports once, on this page's copy or at the replay (`l.told` is shared by both).
   */
  const checkOf = (kind: AbandonmentKind, after: number, min: number) => (b: Basket, l: Look): Basket => {
    if (!due(b, after, min, l.t)) return b;
    if (!l.told) { l.told = 1; found.push([kind, b.items.map((i) => ({ ...i })), b.since, b.updated, b.cur]); }
    return kind === 'cart' ? { ...b, told: l.t } : empty();
  };
  /**
   * The check queued last of each kind, while no other change followed it: the next check stands
   * for it (its time moves on) instead of taking another place among the page's changes, which
   * are bounded, so a page's many conversions before consent never push its cart changes out.
   */
  const last: Partial<Record<AbandonmentKind, Look>> = {};
  const look = (k: Kept<Basket>, kind: AbandonmentKind, after: number, min: number, t: number) => {
    if (k.allowed) {
      if (!due(k.value, after, min, t)) return; // the usual case, on every conversion: nothing to do
      k.fresh(); // another tab opened in the same moment may have reported it
      return k.update(check[kind], { t });
    }
    const l = last[kind];
    if (!l) return k.update(check[kind], (last[kind] = { t }));
    // Reported already on this page's copy: the queued check marks the stored one at the grant.
    if (!l.told) { l.t = t; k.value = check[kind](k.value, l); }
  };
  const check = {
    cart: checkOf('cart', spec.cart?.afterMs ?? 0, 1),
    browse: checkOf('browse', spec.browse?.afterMs ?? 0, spec.browse?.min ?? 1),
  };

  return {
    states: [cart, viewed],
    /** Reports (once) a cart or a browse left for longer than the plan's `after`. */
    check(t: number): void {
      if (spec.cart) look(cart, 'cart', spec.cart.afterMs, 1, t);
      if (spec.browse) look(viewed, 'browse', spec.browse.afterMs, spec.browse.min, t);
      if (!found.length) return;
      writer.flush(); // written before the reports: a tab that checks next reads them reported
      for (const f of found.splice(0)) report(...f);
    },
    /** An accepted conversion fills, empties or completes the cart, or records or ends a browse. */
    observe(e: ConversionEvent, t: number): void {
      const items = e.items ?? [];
      const cur = e.currency ?? ownCurrency(e.properties);
      let units: Item[];
      const c = spec.cart;
      // Each change ends the run of checks before it (see `last`).
      if (c) {
        if (e.name === c.complete) { last.cart = undefined; cart.update(empty); }
        // The add's own currency (an order in EUR on a NOK shop) is the cart's (journey QA 2026-12-06: reported as NOK).
        // One cart, one currency: an add in another (a currency switcher re-priced the shop's cart)
        // starts it again, never a sum across currencies (analyst QA 2026-12-06: 2,499 NOK + 249 EUR sent as 2,748 EUR).
        // Its currency also when its money is only in the items' prices (no value: journey QA 2026-12-07).
        // An add of 0 units (or fewer) puts nothing in: no empty cart to report as left (journey QA 2026-12-07).
        else if (e.name === c.add && (units = items.filter((i) => (i.quantity ?? 1) > 0)).length) {
          last.cart = undefined;
          cart.update((b: Basket) => inCurrency(b, cur, add, units, t));
        }
        // enrich fills in a single product's quantity (1): a remove without one of its own takes the whole line.
        else if (e.name === c.remove && items.length) { last.cart = undefined; cart.update(take, e.properties.items || e.properties.quantity != null ? items : [{ item_id: items[0]!.item_id }], t); }
        // A checkout step: the visitor is paying, the cart is not left (its clock starts again).
        else if (checkout.includes(e.name) && cart.value.items.length) { last.cart = undefined; cart.update(busy, t); }
      }
      const b = spec.browse;
      if (b) {
        // A cancel (an add to cart) on an empty browse is a no-op, unless it must be replayed onto what is stored at a grant.
        if (b.cancel.includes(e.name)) { if (!viewed.allowed || viewed.value.items.length) { last.browse = undefined; viewed.update(empty); } }
        else if (e.name === b.view && items.length) { last.browse = undefined; viewed.update((x: Basket) => inCurrency(x, cur, view, items, t)); }
      }
    },
    cart: (): Basket => cart.value,
  };
}
