/**
 * Following a consent platform (`consent.cmp` in the plan): the visitor's decision, read from the
 * platform's own JavaScript API, as measureplan's two categories. See docs/consent-platforms.md.
 */
import type { ConsentPlatform } from '../plan/types';
import { cookiebot } from './cookiebot';
import { cookieinformation } from './cookieinformation';
import { google } from './google';
import { onetrust } from './onetrust';
import { shopify } from './shopify';
import { tcf } from './tcf';
import { follow, type PlatformOptions, type Reader } from './watch';

export type { PlatformOptions } from './watch';
export type { ConsentPlatform } from '../plan/types';

const READERS: Record<ConsentPlatform, Reader> = { tcf, google, cookiebot, cookieinformation, onetrust, shopify };

/**
 * Starts following a consent platform; returns a function that stops it. Never throws.
 * The platform may load before or after this call; `onDecision` is called on its first answer
 * (a decision the visitor made) and on every later change, never for its defaults.
 */
export function followConsentPlatform(name: ConsentPlatform, options: PlatformOptions): () => void {
  return follow(name, READERS[name], options);
}
