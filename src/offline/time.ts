/**
 * Order times and time zones. An order time is ISO-8601 with an offset (an instant), or a wall
 * clock time (`2026-03-01 14:05`) read in the shop's zone: a fixed offset (`+01:00`) or an IANA
 * zone (`Europe/Oslo`, daylight saving time included). The upload files write wall clock times
 * as `yyyy-MM-dd HH:mm:ss` in one zone, named in their `Parameters:TimeZone=` row.
 */

export interface Zone {
  /** As a person writes it: `Europe/Oslo`, `+01:00`. */
  name: string;
  /** The `Parameters:TimeZone=` value: the IANA id, or the offset as `+0100`. */
  param: string;
  /** Minutes east of UTC at instant `t` (ms). */
  offset(t: number): number;
  /** Set for a fixed-offset zone. */
  fixed?: number;
}

const MINUTE = 60_000;

/** `+0100`, `-0530`: the RFC-822 offset Google's and Microsoft's files take. */
export function offsetParam(minutes: number): string {
  const a = Math.abs(minutes);
  return `${minutes < 0 ? '-' : '+'}${String(Math.floor(a / 60)).padStart(2, '0')}${String(a % 60).padStart(2, '0')}`;
}

function fixedZone(minutes: number): Zone {
  const p = offsetParam(minutes);
  return { name: `${p.slice(0, 3)}:${p.slice(3)}`, param: p, offset: () => minutes, fixed: minutes };
}

export const UTC: Zone = fixedZone(0);

/** `+01:00`, `+0100`, `+1`, `-05:30`, `UTC+2`, `Z`, `UTC`, `GMT`, or an IANA id; undefined when it is none of those. */
export function parseZone(text: string): Zone | undefined {
  const t = text.trim();
  if (/^(z|utc|gmt)$/i.test(t)) return UTC;
  const m = /^(?:utc|gmt)?\s*([+-])(\d{1,2})(?::?(\d{2}))?$/i.exec(t);
  if (m) {
    const h = Number(m[2]);
    const min = Number(m[3] ?? 0);
    if (h > 14 || min > 59) return undefined;
    return fixedZone((m[1] === '-' ? -1 : 1) * (h * 60 + min));
  }
  if (!/^[A-Za-z][A-Za-z0-9_+\-/]*$/.test(t)) return undefined;
  let id: string;
  try {
    id = new Intl.DateTimeFormat('en-US', { timeZone: t }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
  if (/^(etc\/)?(utc|gmt|uct|zulu|universal)$/i.test(id)) return UTC;
  return ianaZone(id);
}

/** This computer's zone (UTC when it has none). */
export function systemZone(): Zone {
  const id = Intl.DateTimeFormat().resolvedOptions().timeZone;
  return (id && parseZone(id)) || UTC;
}

function ianaZone(id: string): Zone {
  const format = new Intl.DateTimeFormat('en-US', {
    timeZone: id, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric',
  });
  const offset = (t: number) => {
    const p: Record<string, number> = {};
    for (const part of format.formatToParts(new Date(t))) if (part.type !== 'literal') p[part.type] = Number(part.value);
    const wall = Date.UTC(p.year!, p.month! - 1, p.day!, p.hour! % 24, p.minute!, p.second!);
    return Math.round((wall - Math.floor(t / 1000) * 1000) / MINUTE);
  };
  return { name: id, param: id, offset };
}

/** `yyyy-MM-dd HH:mm:ss` of instant `t` in `zone` (whole seconds). */
export function wallTime(t: number, zone: Zone): string {
  const local = new Date(Math.floor(t / 1000) * 1000 + zone.offset(t) * MINUTE).toISOString();
  return `${local.slice(0, 10)} ${local.slice(11, 19)}`;
}

/**
 * Instant `t` falls in the hour that repeats when the clocks go back in `zone`: its wall clock
 * time names two instants, and a file in that zone cannot say which (time QA 2026-12-06).
 */
export function repeated(t: number, zone: Zone): boolean {
  // Both passes: the first (summer time) as well as the second (diff read 2026-12-06).
  return instants(Math.floor(t / 1000) * 1000 + zone.offset(t) * MINUTE, zone).length > 1;
}

/** Every instant whose wall clock time in `zone` is `wall` (given as if it were UTC), earliest first. */
function instants(wall: number, zone: Zone): number[] {
  if (zone.fixed !== undefined) return [wall - zone.fixed * MINUTE];
  const offsets = new Set([zone.offset(wall - 86_400_000), zone.offset(wall), zone.offset(wall + 86_400_000)]);
  return [...offsets].map((o) => wall - o * MINUTE).filter((t) => zone.offset(t) * MINUTE === wall - t).sort((a, b) => a - b);
}

/**
 * The instant of a wall clock time (given as if it were UTC) in `zone`. In the hour that repeats
 * when clocks go back the earlier one is taken; a time the clocks skip does not exist.
 */
export function fromWall(wall: number, zone: Zone): number | undefined {
  return instants(wall, zone)[0];
}

const TIME = /^(\d{4})-(\d{2})-(\d{2})(?:[Tt]|\s+)(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

export const TIME_FORMATS = '2026-03-01 14:05, 2026-03-01 14:05:30 or ISO-8601 such as 2026-03-01T14:05:00+01:00';

/** An order time as an instant (ms), or why it is not one. */
export function parseTime(text: string, zone: Zone): { time: number } | { problem: string } {
  const t = text.trim();
  if (t === '') return { problem: 'the time is empty' };
  const m = TIME.exec(t);
  if (!m) {
    if (/^\d{4}-\d{2}-\d{2}$/.test(t)) return { problem: `"${t}" has no time of day (write ${TIME_FORMATS})` };
    if (/^\d{1,2}:\d{2}(:\d{2})?$/.test(t)) return { problem: `"${t}" has no date (write ${TIME_FORMATS}, or add a date column next to the time column)` };
    return { problem: `"${t}" is not a time this reads (write ${TIME_FORMATS})` };
  }
  const [year, month, day, hour, minute] = [m[1], m[2], m[3], m[4], m[5]].map(Number) as [number, number, number, number, number];
  const second = Number(m[6] ?? 0);
  const ms = Math.floor(Number(`0.${m[7] ?? '0'}`) * 1000);
  const wall = Date.UTC(year, month - 1, day, hour, minute, second, ms);
  const back = new Date(wall);
  if (month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59 || back.getUTCDate() !== day || back.getUTCMonth() !== month - 1) {
    return { problem: `"${t}" is not a date and time that exists` };
  }
  const suffix = m[8];
  const inZone = suffix ? parseZone(suffix) : zone;
  if (!inZone) return { problem: `"${t}" has an offset this does not read` };
  const time = fromWall(wall, inZone);
  if (time === undefined) return { problem: `"${t}" does not exist in ${zone.name}: the clocks skip that hour` };
  return { time };
}
