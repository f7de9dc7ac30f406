import type { AdapterContext } from '../../src/core/types';

/**
 * Loads a vendor's tag through the tracker (one script tag per URL, with the page's CSP nonce).
 * Resolves `false` instead of rejecting when the script is blocked (an ad blocker, the network):
 * the vendor's queue keeps its calls but nothing reaches the vendor, which the warning says.
 */
export const loadVendorScript = (ctx: AdapterContext, src: string, vendor: string, cancelled?: () => void): Promise<boolean> =>
  ctx.loadScript(src).then(
    () => true,
    (error) => (error?.name === 'AbortError' ? cancelled?.() : ctx.warn(`${vendor}: ${src} was blocked, nothing reaches ${vendor} on this page`, error), false),
  );
