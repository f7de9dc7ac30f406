/**
 * The hashes' values, pinned. Event ids and dedupe keys reach the vendors and the shop's server,
 * which deduplicate on them; the experiments' buckets place visitors in variants; the linker's
 * check is read by the other origin, which may run another release. A change to any of them must
 * be a decision, not a side effect of a refactor (final read 2026-12-07: a mutated FNV loop passed
 * every other test). The values are the fourteenth session's release's, checked equal after the
 * size hunt moved the loop into src/core/hash.ts.
 */
import { expect, it } from 'vitest';
import { hash64 } from '../../src/core/dedupe';
import { linkValue } from '../../src/core/linker';
import { assign, bucketHash } from '../../src/journey/experiments';

it('hash64 (event ids and dedupe keys)', () => {
  expect(hash64('kari@fjord.example')).toBe('qujo27.19mi2b5');
  expect(hash64('+47 912 34 567')).toBe('pxl5am.nyufim');
  expect(hash64('purchase\nFS-5101')).toBe('15y8ujz.1o9dbqb');
});

it("the experiments' bucket, and so the variant a visitor gets", () => {
  const visitor = 'aaaaaaaa-1111-4111-8111-111111111111';
  expect(bucketHash(`free_shipping_banner:${visitor}`)).toBe(1104686504);
  // 1104686504 / 2^32 = 0.257: the first quarter of [50, 50] is control.
  expect(assign(visitor, 'free_shipping_banner', ['control', 'banner'], [50, 50])).toBe('control');
  expect(assign(visitor, 'free_shipping_banner', ['control', 'banner'], [20, 80])).toBe('banner');
});

it("the linker's check over the value and the user agent", () => {
  expect(linkValue({ aid: 'a', sid: 's', fired: [], utm: {}, clicks: {} }, Date.UTC(2026, 11, 7, 12), 'UA/1')).toBe('v=1&t=mxd7xc00&a=a&s=s&f=&h=xoeyc6');
});
