import type { AdapterContext } from '../../src/core/types';

/**
 * Loads a vendor's tag through the tracker (one script tag per URL, with the page's CSP nonce).
 * Resolves `false` instead of rejecting when the script is blocked (an ad blocker, the network):
 * the vendor's queue keeps its calls but nothing reaches the vendor, which the warning says.
 * An insert cancelled before it was made (shutdown(), consent withdrawn since) is no block:
 * `undefined`, and `cancelled` is called.
 */
export const loadVendorScript = (ctx: AdapterContext, src: string, vendor: string, cancelled?: () => void): Promise<boolean | undefined> =>
  ctx.loadScript(src).then(
    () => true,
    (error) => (error?.name === 'AbortError' ? void cancelled?.() : (blocked(ctx, `${vendor}: ${src} was blocked, nothing reaches ${vendor} on this page`, error), false)),
  );

/** Said in the console (debug) and to the tracker, which reports the destination's later conversions as failed. */
export const blocked = (ctx: AdapterContext, message: string, error?: unknown): void => {
  ctx.warn(message, error);
  ctx.blocked?.(message);
};

/**
 * Marks a vendor object (a queue, a tag, fbq) as measureplan's, with `value`: a tracker re-created
 * on the page finds its own there, and a page (or a test) that replaces the object starts afresh.
 * Not enumerable: it is no part of what the object holds.
 */
export const markOwn = (o: object, value: unknown): void => {
  try { Object.defineProperty(o, '__measureplan', { value, configurable: true }); } catch { /* a frozen object: unmarked */ }
};
