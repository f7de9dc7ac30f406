/** Order times and zones: offsets, IANA zones with daylight saving time, the file's time format. */
import { describe, expect, it } from 'vitest';
import { fromWall, offsetParam, parseTime, parseZone, UTC, wallTime, type Zone } from '../../src/offline/time';

const zone = (s: string) => parseZone(s)!;
const at = (text: string, z: Zone) => { const r = parseTime(text, z); if ('problem' in r) throw new Error(r.problem); return new Date(r.time).toISOString(); };

describe('zones', () => {
  it('reads offsets in the usual spellings and names them for the file as ±HHMM', () => {
    for (const s of ['+01:00', '+0100', '+1', 'UTC+1', 'GMT+01:00']) expect(zone(s).param).toBe('+0100');
    expect(zone('-05:30').param).toBe('-0530');
    expect(zone('-05:30').name).toBe('-05:30');
    for (const s of ['Z', 'UTC', 'gmt', 'Etc/UTC']) expect(zone(s)).toBe(UTC);
    expect(offsetParam(-300)).toBe('-0500');
  });

  it('reads IANA zones, canonically spelled', () => {
    expect(zone('Europe/Oslo').param).toBe('Europe/Oslo');
    expect(zone('europe/oslo').name).toBe('Europe/Oslo');
  });

  it('refuses what is neither', () => {
    for (const s of ['+15:00', '+01:75', 'Mars/Olympus', 'Oslo time', '']) expect(parseZone(s)).toBeUndefined();
  });

  it("knows Oslo's offset in winter and summer", () => {
    const oslo = zone('Europe/Oslo');
    expect(oslo.offset(Date.UTC(2026, 0, 15))).toBe(60);
    expect(oslo.offset(Date.UTC(2026, 6, 15))).toBe(120);
  });
});

describe('parseTime', () => {
  const oslo = zone('Europe/Oslo');
  it('reads wall clock times in the zone given, with or without seconds, T or space', () => {
    expect(at('2026-01-15 14:05', oslo)).toBe('2026-01-15T13:05:00.000Z');
    expect(at('2026-07-15 14:05:30', oslo)).toBe('2026-07-15T12:05:30.000Z');
    expect(at('2026-07-15T14:05', oslo)).toBe('2026-07-15T12:05:00.000Z');
    expect(at('2026-07-15 9:05', zone('+01:00'))).toBe('2026-07-15T08:05:00.000Z');
  });

  it('an ISO-8601 offset or Z wins over the zone', () => {
    expect(at('2026-07-15T14:05:00Z', oslo)).toBe('2026-07-15T14:05:00.000Z');
    expect(at('2026-07-15T14:05:00.250+03:00', oslo)).toBe('2026-07-15T11:05:00.250Z');
    expect(at('2026-07-15 14:05-0500', oslo)).toBe('2026-07-15T19:05:00.000Z');
  });

  it('in the hour that repeats when clocks go back, takes the first; refuses a skipped hour', () => {
    // Oslo: 2026-10-25 03:00 CEST → 02:00 CET; 2026-03-29 02:00 CET → 03:00 CEST.
    expect(at('2026-10-25 02:30', oslo)).toBe('2026-10-25T00:30:00.000Z');
    expect(parseTime('2026-03-29 02:30', oslo)).toEqual({ problem: expect.stringMatching(/does not exist in Europe\/Oslo/) });
    expect(fromWall(Date.UTC(2026, 2, 29, 3, 0), oslo)).toBe(Date.UTC(2026, 2, 29, 1, 0));
  });

  it('says why a time cannot be read', () => {
    expect(parseTime('', oslo)).toEqual({ problem: 'the time is empty' });
    expect(parseTime('2026-03-01', oslo)).toEqual({ problem: expect.stringMatching(/no time of day/) });
    expect(parseTime('01.03.2026 14:05', oslo)).toEqual({ problem: expect.stringMatching(/not a time this reads/) });
    expect(parseTime('2026-02-30 10:00', oslo)).toEqual({ problem: expect.stringMatching(/not a date and time that exists/) });
    expect(parseTime('2026-03-01 24:00', oslo)).toEqual({ problem: expect.stringMatching(/not a date and time that exists/) });
  });
});

describe('wallTime: the upload files\' yyyy-MM-dd HH:mm:ss', () => {
  it('writes the instant in the zone, whole seconds, no T, no offset', () => {
    const t = Date.UTC(2026, 6, 15, 12, 5, 30, 900);
    expect(wallTime(t, zone('Europe/Oslo'))).toBe('2026-07-15 14:05:30');
    expect(wallTime(t, zone('+01:00'))).toBe('2026-07-15 13:05:30');
    expect(wallTime(t, UTC)).toBe('2026-07-15 12:05:30');
    expect(wallTime(t, zone('America/New_York'))).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
  });
});
