/**
 * Consent per category (`analytics`, `ads`). A category the plan defaults to `denied` is
 * `pending` until the visitor decides on this page: its deliveries wait in a bounded buffer,
 * released on a grant and dropped on a denial (or with the page). Only a grant opens a category.
 * A browser sending Global Privacy Control has opted out of sale and sharing, which is what the
 * `ads` category does: unless the plan leaves the signal to its banner, ads is denied from the
 * start and no grant opens it (docs/consent.md).
 */
import type { ConsentCategory, ConsentUpdate, Plan } from '../plan/types';
import type { ConsentStatus } from './types';
import { browser } from './env';

export const CATEGORIES: ConsentCategory[] = ['analytics', 'ads'];
export const BUFFER_LIMIT = 200;

export interface Consent<T> {
  status: ConsentStatus;
  /** The browser sends Global Privacy Control and the plan lets it decide ads: ads stays denied. */
  gpc: boolean;
  /**
   * The current status as a frozen copy, shared until the next change: every conversion carries
   * the consent it was tracked under, and a copy per conversion would be garbage on the page.
   */
  snapshot(): ConsentStatus;
  /** Applies the visitor's decision; returns the categories whose state changed. */
  update(update: ConsentUpdate): ConsentCategory[];
  /** Holds a delivery until its category is decided; false when the buffer is full. */
  hold(category: ConsentCategory, item: T): boolean;
  /** Takes every held delivery of a category (to send on grant, or to drop on denial). */
  take(category: ConsentCategory): T[];
}

export function createConsent<T>(plan: Plan): Consent<T> {
  const gpc = plan.consent.gpc !== 'banner' && (browser()?.navigator as { globalPrivacyControl?: unknown } | undefined)?.globalPrivacyControl === true;
  const status: ConsentStatus = {
    analytics: plan.consent.default.analytics === 'granted' ? 'granted' : 'pending',
    ads: gpc ? 'denied' : plan.consent.default.ads === 'granted' ? 'granted' : 'pending',
  };
  const held: Record<ConsentCategory, T[]> = { analytics: [], ads: [] };
  let snap: ConsentStatus | undefined;
  return {
    status,
    gpc,
    snapshot: () => (snap ??= Object.freeze({ ...status })),
    update(update) {
      const changed: ConsentCategory[] = [];
      for (const c of CATEGORIES) {
        const v = update?.[c];
        if ((v === 'granted' || v === 'denied') && status[c] !== v && !(gpc && c === 'ads')) { status[c] = v; changed.push(c); }
      }
      if (changed.length) snap = undefined;
      return changed;
    },
    hold(category, item) {
      const list = held[category];
      if (list.length >= BUFFER_LIMIT) return false;
      list.push(item);
      return true;
    },
    take(category) {
      const list = held[category];
      held[category] = [];
      return list;
    },
  };
}
