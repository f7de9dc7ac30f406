import type { AdapterContext } from '../../src/core/types';

/** The `fbq` function of Meta's base code: a queue until fbevents.js sets `callMethod`. */
export interface Fbq {
  (...args: unknown[]): void;
  callMethod?: (...args: unknown[]) => void;
  queue: IArguments[];
  push: Fbq;
  loaded: boolean;
  version: string;
  disablePushState?: boolean;
  /** fbevents.js, once loaded: the pixels initialised on the page. */
  getState?: () => { pixels?: { id?: unknown }[] } | undefined;
}

/**
 * Installs `window.fbq` the way Meta's base code does: each call is kept (as its `arguments`)
 * in `fbq.queue` until fbevents.js arrives and replays it. An existing `fbq` is left alone and
 * returned.
 */
export function installFbq(w: AdapterContext['window']): Fbq {
  if (w.fbq) return w.fbq;
  const fbq = function () {
    // eslint-disable-next-line prefer-rest-params
    if (fbq.callMethod) fbq.callMethod.apply(fbq, arguments as unknown as unknown[]);
    // eslint-disable-next-line prefer-rest-params
    else fbq.queue.push(arguments);
  } as Fbq;
  fbq.push = fbq;
  fbq.loaded = true;
  fbq.version = '2.0';
  fbq.queue = [];
  // fbevents.js counts a PageView on every history change unless told not to; the tracker's own
  // page() hook sends one per route change (GA4 and UET count theirs the same way), so two would follow.
  fbq.disablePushState = true;
  w.fbq = fbq;
  if (!w._fbq) w._fbq = fbq;
  return fbq;
}
