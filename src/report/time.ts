/** Times in the report's text and HTML, on the wall clock of the zone the report was asked for. */
import { parseZone, UTC, wallTime, type Zone } from '../offline/time';

const zones = new Map<string, Zone>();

/** `2026-12-01 00:30`: an ISO time in `timezone` (an IANA id or an offset; UTC by default); '—' for none. */
export function localTime(iso: string | null, timezone = 'UTC'): string {
  if (!iso) return '—';
  let zone = zones.get(timezone);
  if (!zone) zones.set(timezone, (zone = parseZone(timezone) ?? UTC));
  return wallTime(Date.parse(iso), zone).slice(0, 16);
}
