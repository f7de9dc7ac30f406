/** Pinned by the mutation review of 2026-12-06: behaviour no earlier test held. */
import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../src/offline/csv';
import { normalisePhone } from '../../src/offline/normalise';

describe('CSV', () => {
  it('separators inside quoted header names do not count towards the delimiter (kills C2: quotes ignored)', () => {
    const t = parseCsv('order_id;"value, NOK";"time, local"\nFS-1;2499;2026-03-01 14:05\n');
    expect(t.delimiter).toBe(';');
    expect(t.header).toEqual(['order_id', 'value, NOK', 'time, local']);
    expect(t.records[0]!.fields).toEqual(['FS-1', '2499', '2026-03-01 14:05']);
  });
});

describe('phone', () => {
  it('a number that fits both a national and an international length is refused, not guessed (kills N5)', () => {
    // Sweden: national numbers of 7, 8 or 9 digits. "461234567" is 9 digits (national) or 46 + 7 (international).
    expect(normalisePhone('461234567', '46')).toEqual({ problem: expect.stringContaining('may have it already') });
  });
});
