/** Small wording helpers shared by the CLI's messages and the plan document. */
export { closest } from '../plan/hints';
import type { DestinationName } from '../plan/types';

const TOOLS: Record<DestinationName, string> = {
  ga4: 'GA4',
  googleAds: 'Google Ads',
  meta: 'Meta',
  linkedin: 'LinkedIn',
  microsoftAds: 'Microsoft Ads',
  collector: 'Collector',
};

/** The name a marketer knows a destination by: `googleAds` → `Google Ads`. */
export const toolName = (d: string): string => TOOLS[d as DestinationName] ?? d;

export const quote = (s: string): string => JSON.stringify(s);

/** `1 plan`, `2 plans`, `0 problems`. */
export const count = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

const UNITS: Record<string, string> = { m: 'minute', h: 'hour', d: 'day' };
/** A plan duration in words: `30m` → `30 minutes`, `1h` → `1 hour`. */
export const durationWords = (d: string): string => count(parseInt(d, 10), UNITS[d.slice(-1)] ?? d.slice(-1));
