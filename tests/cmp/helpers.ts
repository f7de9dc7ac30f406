import { afterEach, beforeEach, vi } from 'vitest';
import { followConsentPlatform, type ConsentPlatform } from '../../src/cmp';
import { clearCookies } from './fakes';

export const GLOBALS = ['__tcfapi', 'dataLayer', 'gtag', '__measureplanGtag', 'Cookiebot', 'CookieInformation', 'OneTrust', 'OnetrustActiveGroups', 'OptanonActiveGroups', 'OptanonWrapper', 'Shopify'];

export const w = () => window as Window & Record<string, any>;

const stops: (() => void)[] = [];

/** Fake timers, a clean window and cookie jar around every test. */
export function useCleanPage(): void {
  beforeEach(() => { vi.useFakeTimers(); });
  afterEach(() => {
    for (const s of stops.splice(0)) s();
    vi.useRealTimers();
    for (const g of GLOBALS) delete w()[g];
    clearCookies();
  });
}

/** Starts following `name`; records its decisions and debug output. */
export function follow(name: ConsentPlatform, options: { timeout?: number } = {}) {
  const decisions: { analytics?: string | undefined; ads?: string | undefined }[] = [];
  const warnings: string[] = [];
  const stop = followConsentPlatform(name, { onDecision: (d) => decisions.push(d), warn: (m) => warnings.push(m), ...options });
  stops.push(stop);
  return { decisions, warnings, stop, last: () => decisions[decisions.length - 1] };
}

export const GRANTED = { analytics: 'granted', ads: 'granted' };
export const DENIED = { analytics: 'denied', ads: 'denied' };
export const ANALYTICS_ONLY = { analytics: 'granted', ads: 'denied' };
export const ADS_ONLY = { analytics: 'denied', ads: 'granted' };

/** Runs `body` twice: the platform's script on the page before measureplan starts, and after. */
export const ORDERS = [['loads before measureplan', true], ['loads after measureplan', false]] as const;
