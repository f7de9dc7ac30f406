/** How the report's text, Markdown and HTML write shares, money and times. */
import { parseZone, UTC, wallTime, type Zone } from '../offline/time';
import { formatShare } from './stats';

/** A share as text (one rounding rule everywhere), '—' when there is none. */
export const pct = (r: number | null | undefined): string => (r === null || r === undefined ? '—' : formatShare(r));
/** Whole units of money with the plan's currency, '—' for none. */
export const money = (v: number | null, cur: string | null): string => (v === null ? '—' : `${Math.round(v).toLocaleString('en')}${cur ? ` ${cur}` : ''}`);

const zones = new Map<string, Zone>();

/** `2026-12-01 00:30`: an ISO time in `timezone` (an IANA id or an offset; UTC by default); '—' for none. */
export function localTime(iso: string | null, timezone = 'UTC'): string {
  if (!iso) return '—';
  let zone = zones.get(timezone);
  if (!zone) zones.set(timezone, (zone = parseZone(timezone) ?? UTC));
  return wallTime(Date.parse(iso), zone).slice(0, 16);
}
