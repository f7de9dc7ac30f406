// @vitest-environment jsdom
/**
 * An ads withdrawal rewrites what the collector holds without click ids (queue.rewrite). Second
 * read of 2026-12-07: the old copies were still counted when the new ones went in, so with the
 * outbox more than half full its limit dropped real messages (20 of 80 lost with 100 the most).
 */
import 'fake-indexeddb/auto';
import { expect, it } from 'vitest';
import { createQueue } from '../../adapters/collector/queue';
import { withoutClickIds } from '../../adapters/collector/message';

const msg = (i: number, click: boolean) => JSON.stringify({
  type: 'track', event: 'add_to_cart', messageId: `m-${i}`, anonymousId: 'a1', timestamp: new Date().toISOString(), properties: { item_id: `SKU-${i}` },
  context: { page: { url: `https://shop.example/p${click ? `?gclid=G${i}` : ''}` }, measureplan: { consent: { analytics: 'granted', ads: 'granted' }, ...(click && { click_ids: { gclid: `G${i}` } }) } },
});

it('rewriting a full outbox without click ids keeps every message, each once', () => {
  const max = 100;
  const q = createQueue(max, () => {});
  for (let i = 0; i < max; i++) q.add(`m-${i}`, msg(i, i >= 20)); // 80 with click ids
  q.rewrite(withoutClickIds);
  expect(q.dropped).toBe(0);
  expect(q.size()).toBe(max);
  const left = q.take(1e6, 1e12);
  expect(left.map((x) => x.id).sort()).toEqual(Array.from({ length: max }, (_, i) => `m-${i}`).sort());
  expect(left.some((x) => x.json.includes('gclid'))).toBe(false);
});
