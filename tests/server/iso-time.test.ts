/**
 * The collect server's timestamp check (`iso` in src/server/message.ts) decides by arithmetic
 * whether a date-time exists; it must decide as a round trip through Date does, on every month
 * length, leap year and out-of-range field (the round trip cost 1.6 µs of the server's thread per
 * timestamp, two per event).
 */
import { expect, it } from 'vitest';
import { iso } from '../../src/server/message';

const PATTERN = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-](?:[01]\d|2[0-3]):[0-5]\d)$/;
/** The reference: the fields exist when they read back unchanged from Date. */
function byDate(v: string): string | undefined {
  if (!PATTERN.test(v)) return undefined;
  const fields = v.slice(0, 19);
  const t = Date.parse(`${fields}Z`);
  if (!Number.isFinite(t) || new Date(t).toISOString().slice(0, 19) !== fields) return undefined;
  return v.length === 24 && v[23] === 'Z' ? v : new Date(Date.parse(v)).toISOString();
}

it('decides as Date does for every day 00–32 of months 00–13 in common, leap and century years, with out-of-range times', () => {
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  let checked = 0;
  for (const y of [1, 1900, 1999, 2000, 2024, 2026, 2100, 2400, 9999]) {
    for (let m = 0; m <= 13; m++) for (let d = 0; d <= 32; d++) {
      for (const time of ['00:00:00', '23:59:59', '24:00:00', '12:60:00', '12:00:60', '99:99:99']) {
        for (const zone of ['Z', '.123Z', '.5+02:00', '-11:30']) {
          const v = `${pad(y, 4)}-${pad(m)}-${pad(d)}T${time}${zone}`;
          expect(iso(v), v).toBe(byDate(v));
          checked++;
        }
      }
    }
  }
  expect(checked).toBe(9 * 14 * 33 * 6 * 4);
  // The cases the arithmetic must get right, named.
  expect(iso('2024-02-29T12:00:00.000Z')).toBe('2024-02-29T12:00:00.000Z');
  expect([iso('2026-02-29T12:00:00Z'), iso('2100-02-29T12:00:00Z'), iso('2026-04-31T00:00:00Z')]).toEqual([undefined, undefined, undefined]);
  expect(iso('2026-10-01T14:00:00+02:00')).toBe('2026-10-01T12:00:00.000Z');
});
