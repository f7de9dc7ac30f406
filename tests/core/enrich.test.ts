import { describe, expect, it } from 'vitest';
import { isoTime } from '../../src/core/enrich';

describe('isoTime', () => {
  it('formats like Date#toISOString across eras, leap days and the epoch', () => {
    const samples = [0, 1, 999, 86_399_999, 951_782_400_000, 1_709_164_800_123, 1_796_208_000_000, 4_102_444_799_999, -1, -86_400_001, 253_402_300_799_999];
    for (let i = 0; i < 2000; i++) samples.push(Math.floor(Math.random() * 4e12));
    for (const ms of samples) expect(isoTime(ms)).toBe(new Date(ms).toISOString());
  });
});

describe('uuid', () => {
  it('makes RFC 4122 version 4 ids, all different', async () => {
    const { uuid } = await import('../../src/core/env');
    const ids = Array.from({ length: 5000 }, uuid);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(new Set(ids).size).toBe(5000);
  });
});
