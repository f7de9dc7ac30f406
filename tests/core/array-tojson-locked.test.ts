// @vitest-environment jsdom
/**
 * A page whose library defined Array.prototype.toJSON so that it cannot be removed (not
 * configurable; hostile QA 2026-12-06): createTracker said "could not start, tracks nothing".
 * Its own file: the property cannot be taken away again in this process.
 */
import 'fake-indexeddb/auto';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { createTracker } from '../../src/core/create';
import { collector } from '../../adapters/collector';
import { example } from '../plan/fixtures';

const bodies: string[] = [];
const server = setupServer(http.post('http://localhost:3000/collect', async ({ request }) => { bodies.push(await request.text()); return new HttpResponse(null, { status: 200 }); }));
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterAll(() => server.close());

it('still tracks and delivers, and leaves the page\'s toJSON in place', async () => {
  const toJSON = function (this: unknown[]) { return 'list of ' + this.length; };
  Object.defineProperty(Array.prototype, 'toJSON', { value: toJSON, writable: false, configurable: false, enumerable: false });
  const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined);
  const plan = { ...example('webshop'), consent: { default: { analytics: 'granted' as const, ads: 'denied' as const } } };
  const tracker = createTracker({ plan, adapters: [collector({ flushInterval: 10 })] });
  const errors: unknown[] = [];
  tracker.on('error', (e) => errors.push(e));
  tracker.track('phone_click' as never);
  await tracker.flush();
  await new Promise((r) => setTimeout(r, 50));
  expect(logged).not.toHaveBeenCalled();
  expect(errors).toEqual([]);
  expect(bodies.flatMap((b) => JSON.parse(b).batch).map((m: { event: string }) => m.event)).toEqual(['phone_click']);
  expect((Array.prototype as any).toJSON).toBe(toJSON);
  await tracker.shutdown();
});
