import type { ConversionName, Item, TrackArgs } from '../plan/define';
import type { Browse, Cart } from '../journey/abandonment';
import type { FunnelProgress } from '../journey/funnels';
import type { ConsentCategory, ConsentState, ConsentUpdate, DestinationName, Plan, PlanInput, SendSpec } from '../plan/types';

/** Ad click ids captured from landing URLs, kept 90 days for later and offline attribution. */
export type ClickIds = Partial<Record<'gclid' | 'gbraid' | 'wbraid' | 'fbclid' | 'li_fat_id' | 'msclkid', string>>;

export interface PageContext {
  url: string;
  path: string;
  title: string;
  referrer: string;
}

/** The visitor's current consent, per category. `pending`: only the plan default, no decision yet. */
export type ConsentStatus = Record<ConsentCategory, ConsentState | 'pending'>;

/**
 * One accepted conversion, enriched: what every destination's adapter maps to its vendor call.
 * `id` is the same everywhere (collector messageId, Meta eventID, LinkedIn/Microsoft event_id).
 */
export interface ConversionEvent {
  id: string;
  name: string;
  /** `signal`: not a conversion of the plan but a journey signal (an experiment exposure, a Core Web Vital). */
  kind: 'macro' | 'micro' | 'signal';
  properties: Record<string, unknown>;
  value?: number;
  currency?: string;
  items?: Item[];
  transactionId?: string;
  /** ISO 8601 time the conversion was tracked. */
  timestamp: string;
  page: PageContext;
  anonymousId?: string;
  sessionId?: string;
  userId?: string;
  clickIds: ClickIds;
  utm: Record<string, string>;
  /** The destinations this conversion goes to, with its name there (the plan's `send`). */
  send: SendSpec;
  /** The visitor's consent when the conversion was tracked. */
  consent: ConsentStatus;
  /** The experiments the visitor is in: experiment name → variant. */
  experiments?: Record<string, string>;
  /** The page's Core Web Vitals known when the conversion was tracked (plans with `vitals`). */
  vitals?: Record<string, { value: number; rating: string }>;
}

/** What the user told `identify()`; adapters that match users hash it first. */
export interface Identity {
  userId?: string;
  traits: Record<string, unknown>;
  /** The tracker's anonymous visitor id (stored only with analytics consent). */
  anonymousId?: string;
  /** identify() named the user on this page (the user is not only remembered from an earlier page). */
  told?: boolean;
}

/** What the tracker gives each adapter: the plan, the page's window, and safe helpers. */
export interface AdapterContext {
  plan: Plan;
  window: Window & Record<string, any>;
  /** Adds a vendor script once per URL (with the page's CSP nonce, if any); resolves on load. */
  loadScript(src: string, wanted?: () => boolean): Promise<void>;
  /** A debug-mode warning: a vendor rule the event broke, a value withheld. Never throws. */
  warn(message: string, detail?: unknown): void;
  /** Reports a failure of this destination as an `error` event (and in debug output). */
  error(reason: string, detail?: unknown): void;
  /**
   * The vendor's script could not be loaded (an ad blocker, the network): reported once as an
   * `error` event; the destination's later conversions are `failed`, not `sent`.
   */
  blocked?(reason: string): void;
  consent(): ConsentStatus;
  identity(): Identity;
  /** The visit's ad click ids (kept only with ads consent): the collector's page views carry them as conversions do. */
  clickIds?(): ClickIds;
  /** The page the tracker started on: its first page view, whenever the adapter loads (a grant may come pages later in an SPA). */
  landing?: PageContext;
}

/**
 * A destination. A plain object: its name, its consent category, and hooks the dispatcher calls
 * (each isolated: a throw or a hang in one adapter never reaches the others or the page).
 */
export interface Adapter {
  name: DestinationName;
  category: ConsentCategory;
  /**
   * Needs a browser: `createTracker` leaves it out where there is no `window` (server-side
   * rendering), so that a server never sends a visitor's conversions. Every built-in adapter is one.
   */
  browserOnly?: boolean;
  /** Installs the vendor's queue and tag. Called once, only after the category is granted. */
  load(ctx: AdapterContext): void | Promise<void>;
  /** Maps one conversion to the vendor's call. Called only after `load`, with consent granted. */
  send(event: ConversionEvent, ctx: AdapterContext): void | Promise<void>;
  /**
   * Every consent change after `load` (the Google adapters send Consent Mode updates). `again`:
   * no change, but say it again, since something else on the page may have written over it (a
   * consent platform granting ads in Google's tag on a browser whose Global Privacy Control keeps
   * ads denied).
   */
  consent?(status: ConsentStatus, ctx: AdapterContext, again?: boolean): void;
  /** `identify()` was called (after `load`). */
  identify?(identity: Identity, ctx: AdapterContext): void | Promise<void>;
  /**
   * A page view (SPA route change); vendor tags that count page views send theirs. `past`: the
   * visitor has left that page since (the view waited for consent, or the script tag replays a
   * route taken before its plan arrived): a tag that reads the page's URL itself cannot count it.
   */
  page?(page: PageContext, ctx: AdapterContext, past?: boolean): void;
  /**
   * An explicit denial of its category, whether it was loaded on this page or not: delete what it
   * stored on earlier pages (the collector's outbox), creating no storage to do so.
   */
  forget?(ctx: AdapterContext): void;
  /** Deliver anything queued (the collector). */
  flush?(reason: 'manual' | 'hidden'): Promise<void>;
  shutdown?(): Promise<void>;
}

/** What `on()` reports. */
export interface TrackerEvents {
  /** A conversion was accepted; `destinations` lists where it goes. */
  event: { event: ConversionEvent; destinations: DestinationName[] };
  /** Something was rejected or failed: a bad call, an adapter error, an undeliverable batch. */
  error: { path: string; reason: string; conversion?: string; destination?: DestinationName; detail?: unknown };
  /** A destination received a conversion (after its consent and load). */
  sent: { event: ConversionEvent; destination: DestinationName };
  /**
   * A conversion waits for the visitor's analytics decision before it is judged: its `limit`
   * (per session or user) or its `dedupe` key needs what earlier pages stored. Then an `event`
   * (forwarded), or a `skipped`/`duplicate` with this same `event`, follows for it.
   */
  waiting: { event: ConversionEvent };
  /** A conversion was not sent (limit, duplicate, consent denied). */
  skipped: { event?: ConversionEvent; conversion: string; reason: string };
  /**
   * A conversion with a `dedupe` key was not forwarded anywhere: its key value (`key`, e.g. the
   * order number) was already forwarded, by this page, an earlier one or another tab.
   */
  duplicate: { conversion: string; key: string; event: ConversionEvent };
  /**
   * The visitor came back to a cart they left for the plan's `abandonment.cart.after` without
   * ordering (reported once per cart): show "your cart is still here".
   */
  cart_abandoned: Cart & { since: string; updated: string };
  /** The visitor came back after viewing products (at least `min`) and never adding one to the cart. */
  browse_abandoned: Browse;
  /** The visitor was exposed to a variant of an experiment (once per visitor and experiment). */
  exposure: { experiment: string; variant: string };
}
export type TrackerEventName = keyof TrackerEvents;

/** The tracker's public surface; `P` is the plan's literal type, so `track` is checked at compile time. */
export interface Tracker<P extends PlanInput = PlanInput> {
  /** Tracks one conversion of the plan. Unknown names and bad properties are reported, never thrown. */
  track<N extends keyof P['conversions'] & string>(name: N, ...properties: TrackArgs<P, N>): void;
  /** Records a page view (call on SPA route changes); the collector gets it when `pages: true`. */
  page(): void;
  identify(userId: string | null, traits?: Record<string, unknown>): void;
  /** The visitor's decision, e.g. `{ analytics: 'granted', ads: 'denied' }`. */
  consent(update: ConsentUpdate): void;
  /** Delivers everything queued now. */
  flush(): Promise<void>;
  on<E extends TrackerEventName>(event: E, fn: (payload: TrackerEvents[E]) => void): () => void;
  /** The ad click ids known for this visitor (from landing URLs, up to 90 days old). */
  clickIds(): ClickIds;
  /**
   * An address the site's own script goes to (`location.href = tracker.linkUrl(url)`), carrying the
   * visitor when it is on one of the plan's `linker` domains and consent allows, as links and forms
   * do by themselves. Any other address, and every address before the linker's file has loaded,
   * comes back as given.
   */
  linkUrl(url: string): string;
  /** The visitor's furthest step in one of the plan's funnels, or undefined before its first step. */
  funnel(name: FunnelName<P>): FunnelProgress | undefined;
  /** The visitor's cart, kept from the plan's `abandonment.cart` conversions across pages and sessions. */
  cart(): Cart;
  /**
   * The visitor's variant of one of the plan's experiments (the same on every page and in every
   * session), recording the exposure once. Without analytics consent: the first variant (control),
   * nothing recorded. With a typed plan, one of the variants the plan declares, so a comparison
   * with a misspelt one (`=== 'contrl'`) is a compile error.
   */
  variant<E extends ExperimentName<P>>(name: E): VariantOf<P, E> | undefined;
  /** Records an assignment made by another A/B tool, so conversions carry it and reports can judge it. */
  experiment(name: string, variant: string): void;
  shutdown(): Promise<void>;
}

/**
 * Names of the plan's funnels and experiments: any string for a plan known only at run time, none
 * for a literal plan that declares none (a name there could only be a typo).
 */
export type FunnelName<P extends PlanInput> = 'funnels' extends keyof P ? P['funnels'] extends Readonly<Record<infer K, unknown>> ? K & string : string : never;
/** The variants one experiment of a literal plan declares (any string for a plan known only at run time). */
export type VariantOf<P extends PlanInput, E extends string> =
  NonNullable<P['experiments']>[E] extends { readonly variants: readonly (infer V)[] } ? V & string : string;
export type ExperimentName<P extends PlanInput> = 'experiments' extends keyof P ? P['experiments'] extends Readonly<Record<infer K, unknown>> ? K & string : string : never;
