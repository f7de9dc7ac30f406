/** Pinned by the mutation review of 2026-12-06: requests committed together each get their own counts (the 200 body `{ ok, stored, duplicates, quarantined }`). */
import { expect, it } from 'vitest';
import { groupCommitter } from '../../src/server/commit';
import { toOutcome } from '../../src/server/message';
import { openStore } from '../../src/server/store';
import { viewItem } from './helpers';

it('two requests in one group commit are answered with their own stored/duplicates/quarantined', async () => {
  const store = openStore(':memory:');
  const at = new Date().toISOString();
  const seen = viewItem();
  store.write([[toOutcome(seen, {}, at, undefined)]]);
  const c = groupCommitter(store);
  const one = c.submit([toOutcome(viewItem(), {}, at, undefined)]);
  const two = c.submit([toOutcome(seen, {}, at, undefined), toOutcome(viewItem(), {}, at, undefined), toOutcome({ type: 'nope', messageId: 'q-1' }, {}, at, undefined)]);
  expect(await one).toEqual({ stored: 1, duplicates: 0, quarantined: 0 });
  expect(await two).toEqual({ stored: 1, duplicates: 1, quarantined: 1 });
  store.close();
});
