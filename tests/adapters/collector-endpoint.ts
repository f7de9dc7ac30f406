/**
 * A collector endpoint for jsdom tests (msw): every batch's messages, and a fresh IndexedDB and
 * localStorage before each test. Call at the top of a test file.
 */
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, beforeEach } from 'vitest';

export const COLLECT_URL = 'http://localhost:3000/collect';

export function collectEndpoint(each?: () => void): { messages: () => any[] } {
  let received: any[] = [];
  const server = setupServer(http.post(COLLECT_URL, async ({ request }) => {
    received.push(...JSON.parse(await request.text()).batch);
    return new HttpResponse(null, { status: 200 });
  }));
  beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
  afterAll(() => server.close());
  beforeEach(() => {
    (globalThis as any).indexedDB = new IDBFactory();
    localStorage.clear();
    received = [];
    each?.();
  });
  return { messages: () => received };
}
