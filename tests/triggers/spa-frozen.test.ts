// @vitest-environment jsdom
/**
 * A page that froze `history` (hostile QA 2026-12-06): wrapping it threw before the landing page
 * was checked, so its page_view triggers were lost. Its own file: a frozen history stays frozen.
 */
import { afterEach, expect, it } from 'vitest';
import { cleanUp, install, plan } from './helpers';

afterEach(cleanUp);

it('history frozen: the landing page\'s page_view triggers still fire', async () => {
  history.replaceState(null, '', '/pricing');
  Object.freeze(history);
  const t = install(plan('webshop'));
  expect(t.names()).toEqual(['visited_pricing']);
});
