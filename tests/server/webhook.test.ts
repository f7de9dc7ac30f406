/**
 * The abandonment hand-off: each abandoned cart or browse with a known e-mail posted once, also
 * across restarts; never for an order; suppressed for a person reminded recently; cancelled when
 * the visitor orders before it went out; retried; a refusal kept with its reason.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { parsePlan } from '../../src/plan/parse';
import type { Plan } from '../../src/plan/types';
import { toOutcome } from '../../src/server/message';
import { openStore, type Store } from '../../src/server/store';
import { startWebhook } from '../../src/server/webhook';
import { PLAN, post, readStore, startCollect, tempStore } from './helpers';
import { readFileSync } from 'node:fs';

const plan = (parsePlan(readFileSync(PLAN, 'utf8')) as { plan: Plan }).plan;
const H = 3_600_000;
const T = Date.UTC(2026, 11, 1, 12);
let n = 0;
const msg = (visitor: string, event: string, at: number, properties: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) => ({
  type: 'track', event, anonymousId: visitor, messageId: `w${++n}`, timestamp: new Date(at).toISOString(), properties,
  context: { page: { url: `https://shop.example/product/${properties.item_id ?? 'x'}`, path: '/' }, measureplan: { kind: 'micro', consent: { analytics: 'granted', ads: 'denied' } } }, ...extra,
});
const add = (v: string, at: number, sku = 'tind-shell-jacket') => msg(v, 'add_to_cart', at, { item_id: sku, item_name: 'Tind', value: 2499, currency: 'NOK' });
const view = (v: string, at: number, sku: string) => msg(v, 'view_item', at, { item_id: sku, item_name: sku });
const buy = (v: string, at: number) => msg(v, 'purchase', at, { transaction_id: `T-${v}`, value: 2499, currency: 'NOK', items: [{ item_id: 'tind-shell-jacket', price: 2499 }] }, { context: { measureplan: { kind: 'macro' } } });
const identify = (v: string, email: string, at: number) => ({ type: 'identify', anonymousId: v, userId: `u-${v}`, messageId: `i${++n}`, timestamp: new Date(at).toISOString(), traits: { email } });

/** `under`: the plan the collect server checked them with (null: a plan that had them all, since changed). */
function fill(store: Store, messages: Record<string, unknown>[], under: Plan | null = plan) {
  const at = new Date(T).toISOString();
  store.write([messages.map((m) => toOutcome(m, {}, at, under ?? undefined))]);
}

async function hook(answer: (n: number) => number = () => 200) {
  const posts: { body: Record<string, unknown>; key: string | undefined; auth?: string; path?: string }[] = [];
  let count = 0;
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => {
      const status = answer(count++);
      if (status === 200) posts.push({ body: JSON.parse(body) as Record<string, unknown>, key: req.headers['idempotency-key'] as string | undefined, auth: req.headers.authorization, path: req.url });
      res.writeHead(status).end(status === 200 ? 'ok' : 'no');
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  return { posts, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, close: () => { server.closeAllConnections(); return new Promise((ok) => server.close(ok)); } };
}

const until = async (what: () => boolean, ms = 10_000) => {
  const end = Date.now() + ms;
  while (!what()) { if (Date.now() > end) throw new Error('timed out'); await new Promise((ok) => setTimeout(ok, 20)); }
};
const cleanups: (() => unknown)[] = [];
afterEach(async () => { for (const c of cleanups.splice(0).reverse()) await c(); });

describe('the webhook (in process)', () => {
  it('posts each abandoned cart and browse with a known e-mail once, never for an order, once per person in the quiet period', async () => {
    const dir = tempStore();
    cleanups.push(() => dir.remove());
    let store = openStore(dir.db);
    fill(store, [
      identify('a', 'kari@example.no', T - 5 * H), add('a', T - 3 * H), add('a', T - 3 * H + 60_000, 'fjell-boots'), // abandoned, 2 lines
      identify('b', 'ola@example.no', T - 5 * H), add('b', T - 3 * H), buy('b', T - 2.5 * H), // ordered
      add('c', T - 3 * H), // abandoned, nobody to write to
      identify('d', 'kari@example.no', T - 5 * H), add('d', T - 2 * H), // the same person as a: suppressed
      identify('e', 'per@example.no', T - 5 * H), view('e', T - 3 * H, 'ro-daypack'), view('e', T - 3 * H + 1000, 'ulv-base-layer'), // browse
      identify('f', 'liv@example.no', T - 5 * H), add('f', T - 10 * 60_000), // not yet (10 min < 1 h)
    ]);
    const h = await hook();
    cleanups.push(() => h.close());
    let w = startWebhook({ store, plan, url: h.url, everyMs: 30, now: () => T });
    await until(() => h.posts.length >= 2);
    await new Promise((ok) => setTimeout(ok, 150));
    await w.stop();

    const cart = h.posts.find((p) => p.body.type === 'cart_abandoned')!;
    expect(cart.body).toMatchObject({
      email: 'kari@example.no', user_id: 'u-a', visitor: 'a', value: 4998, currency: 'NOK', plan: 'Fjellsport webshop',
      abandoned_at: new Date(T - 3 * H + 60_000 + H).toISOString(), consent: { analytics: 'granted', ads: 'denied' },
    });
    expect(cart.body.items).toEqual([
      expect.objectContaining({ item_id: 'tind-shell-jacket', quantity: 1, price: 2499, url: 'https://shop.example/product/tind-shell-jacket' }),
      expect.objectContaining({ item_id: 'fjell-boots', quantity: 1, url: 'https://shop.example/product/fjell-boots' }),
    ]);
    expect(cart.key).toBe(cart.body.id);
    const browse = h.posts.find((p) => p.body.type === 'browse_abandoned')!;
    expect(browse.body).toMatchObject({ email: 'per@example.no', visitor: 'e' });
    expect(h.posts).toHaveLength(2);
    expect(readStore(dir.db, (d) => d.prepare('SELECT visitor, status, reason FROM webhook_outbox ORDER BY visitor').all())).toEqual([
      { visitor: 'a', status: 'delivered', reason: null },
      { visitor: 'd', status: 'suppressed', reason: 'a reminder went to this person less than 7 days ago' },
      { visitor: 'e', status: 'delivered', reason: null },
    ]);

    // A restart, later: nothing is posted twice; f's cart has now waited long enough.
    store.close();
    store = openStore(dir.db);
    w = startWebhook({ store, plan, url: h.url, everyMs: 30, now: () => T + 2 * H });
    await until(() => h.posts.length >= 3);
    await new Promise((ok) => setTimeout(ok, 150));
    await w.stop();
    store.close();
    expect(h.posts.map((p) => p.body.visitor)).toEqual(expect.arrayContaining(['a', 'e', 'f']));
    expect(h.posts).toHaveLength(3);
  });

  it('retries a failing endpoint; cancels a reminder whose visitor ordered before it went out', async () => {
    const dir = tempStore();
    cleanups.push(() => dir.remove());
    const store = openStore(dir.db);
    cleanups.push(() => store.close());
    fill(store, [identify('a', 'kari@example.no', T - 5 * H), add('a', T - 3 * H), identify('b', 'ola@example.no', T - 5 * H), add('b', T - 3 * H)]);
    let up = false;
    const h = await hook(() => (up ? 200 : 503));
    cleanups.push(() => h.close());
    const start = Date.now();
    const w = startWebhook({ store, plan, url: h.url, everyMs: 30, minDelay: 20, maxDelay: 40, now: () => T + (Date.now() - start) });
    await until(() => (readStore(dir.db, (d) => d.prepare('SELECT max(attempts) FROM webhook_outbox').pluck().get()) as number) >= 2);
    fill(store, [buy('b', T - H)]); // b orders while the endpoint is down
    await until(() => readStore(dir.db, (d) => d.prepare("SELECT status FROM webhook_outbox WHERE visitor = 'b'").pluck().get()) === 'cancelled');
    up = true;
    await until(() => h.posts.length >= 1);
    await new Promise((ok) => setTimeout(ok, 200));
    await w.stop();
    expect(h.posts.map((p) => p.body.visitor)).toEqual(['a']);
    expect(readStore(dir.db, (d) => d.prepare("SELECT status, reason FROM webhook_outbox WHERE visitor = 'b'").get())).toEqual({ status: 'cancelled', reason: 'no longer abandoned when it was due: ordered or changed' });
  });

  it("posts no cart for a person who ordered as their user: an order the shop's server sent with the user id only, or one made on another device (phone orders, 2026-12-07)", async () => {
    const dir = tempStore();
    cleanups.push(() => dir.remove());
    const store = openStore(dir.db);
    cleanups.push(() => store.close());
    // The back office confirms a's phone order: a Segment message with the user id only.
    const serverOrder = { type: 'track', event: 'purchase', userId: 'u-a', messageId: `s${++n}`, timestamp: new Date(T - 2 * H).toISOString(), properties: { transaction_id: 'PHONE-1', value: 2499, currency: 'NOK', items: [{ item_id: 'tind-shell-jacket', price: 2499 }] } };
    // c orders on a second device (another visitor id, the same user).
    const laptop = { ...identify('c2', 'carl@example.no', T - 4 * H), userId: 'u-c' };
    fill(store, [
      identify('a', 'kari@example.no', T - 5 * H), add('a', T - 3 * H), serverOrder,
      identify('b', 'ola@example.no', T - 5 * H), add('b', T - 3 * H),
      identify('c', 'carl@example.no', T - 5 * H), add('c', T - 3 * H), laptop, { ...buy('c2', T - 2 * H), userId: 'u-c' },
      // An order of a's before the cart's last change does not end it.
      identify('d', 'dina@example.no', T - 6 * H), { ...serverOrder, messageId: `s${++n}`, userId: 'u-d', timestamp: new Date(T - 5 * H).toISOString() }, add('d', T - 3 * H),
    ]);
    const h = await hook();
    cleanups.push(() => h.close());
    const w = startWebhook({ store, plan, url: h.url, everyMs: 30, now: () => T });
    await until(() => w.stats().pending === 0 && h.posts.length >= 2);
    await new Promise((ok) => setTimeout(ok, 200));
    await w.stop();
    expect(h.posts.map((p) => `${p.body.type} ${p.body.email}`).sort()).toEqual(['cart_abandoned dina@example.no', 'cart_abandoned ola@example.no']);
  });

  it('a shared computer: the visitor is the user of the latest sign-in, with their e-mail; another user\'s order does not end the cart (late read 2026-12-07)', async () => {
    const dir = tempStore();
    cleanups.push(() => dir.remove());
    const store = openStore(dir.db);
    cleanups.push(() => store.close());
    fill(store, [
      { ...identify('lap', 'zoe@example.no', T - 6 * H), userId: 'u-zoe' },
      { ...identify('lap', 'anna@example.no', T - 5 * H), userId: 'u-anna' },
      add('lap', T - 3 * H),
      // Zoe orders on her own phone: not Anna's order.
      { ...identify('zphone', 'zoe@example.no', T - 4 * H), userId: 'u-zoe' }, { ...buy('zphone', T - 2 * H), userId: 'u-zoe' },
    ]);
    const h = await hook();
    cleanups.push(() => h.close());
    const w = startWebhook({ store, plan, url: h.url, everyMs: 30, now: () => T });
    await until(() => w.stats().pending === 0 && h.posts.length >= 1);
    await new Promise((ok) => setTimeout(ok, 200));
    await w.stop();
    expect(h.posts.map((p) => [p.body.type, p.body.email, p.body.user_id])).toEqual([['cart_abandoned', 'anna@example.no', 'u-anna']]);
  });

  it('cancels a queued reminder when the shop\'s server reports the order with the user id only before it goes out (phone orders, 2026-12-07)', async () => {
    const dir = tempStore();
    cleanups.push(() => dir.remove());
    const store = openStore(dir.db);
    cleanups.push(() => store.close());
    fill(store, [identify('a', 'kari@example.no', T - 5 * H), add('a', T - 3 * H)]);
    let up = false;
    const h = await hook(() => (up ? 200 : 503));
    cleanups.push(() => h.close());
    const start = Date.now();
    const w = startWebhook({ store, plan, url: h.url, everyMs: 30, minDelay: 20, maxDelay: 40, now: () => T + (Date.now() - start) });
    await until(() => (readStore(dir.db, (d) => d.prepare('SELECT max(attempts) FROM webhook_outbox').pluck().get()) as number) >= 1);
    fill(store, [{ type: 'track', event: 'purchase', userId: 'u-a', messageId: `s${++n}`, timestamp: new Date(T - H).toISOString(), properties: { transaction_id: 'PHONE-2', value: 2499, currency: 'NOK', items: [{ item_id: 'tind-shell-jacket', price: 2499 }] } }]);
    await until(() => readStore(dir.db, (d) => d.prepare("SELECT status FROM webhook_outbox WHERE visitor = 'a'").pluck().get()) === 'cancelled');
    up = true;
    await new Promise((ok) => setTimeout(ok, 200));
    await w.stop();
    expect(h.posts).toEqual([]);
  });

  it('posts no cart for a visitor who ordered under a name the plan has since changed; a known conversion with an order number is no order (plan QA, diff read 2026-12-06)', async () => {
    // The order conversion renamed (purchase → order_completed): the stored order under the old name still ends the cart.
    // A renamed add (add_to_cart → cart_add) is no order: the browse is handed over (docs/plan-authoring.md says to keep the old name a while).
    const dir = tempStore();
    cleanups.push(() => dir.remove());
    const store = openStore(dir.db);
    cleanups.push(() => store.close());
    const old = (v: string, event: string, at: number, properties: Record<string, unknown>, kind: string) => msg(v, event, at, properties, { context: { page: { url: 'https://shop.example/', path: '/' }, measureplan: { kind } } });
    // Stored by the collect server of the time, whose plan had those names.
    fill(store, [
      identify('k', 'kari@example.no', T - 5 * H), add('k', T - 3 * H), old('k', 'order_completed', T - 2.5 * H, { transaction_id: 'FS-1', value: 2499, currency: 'NOK' }, 'macro'),
      identify('o', 'ola@example.no', T - 5 * H), add('o', T - 3 * H),
      identify('p', 'per@example.no', T - 5 * H), view('p', T - 3 * H, 'ro-daypack'), view('p', T - 3 * H + 1000, 'ulv-base-layer'), old('p', 'cart_add', T - 3 * H + 2000, { item_id: 'ro-daypack', value: 499 }, 'micro'),
      // A conversion this plan has, with an order number (a checkout step carrying it): the cart is still abandoned.
      identify('q', 'quinn@example.no', T - 5 * H), add('q', T - 3 * H), old('q', 'begin_checkout', T - 3 * H + 60_000, { transaction_id: 'FS-9' }, 'micro'),
    ], null);
    const h = await hook();
    cleanups.push(() => h.close());
    const w = startWebhook({ store, plan, url: h.url, everyMs: 30, now: () => T });
    await until(() => w.stats().pending === 0 && h.posts.length >= 3);
    await new Promise((ok) => setTimeout(ok, 200));
    await w.stop();
    expect(h.posts.map((p) => `${p.body.type} ${p.body.email}`).sort()).toEqual(['browse_abandoned per@example.no', 'cart_abandoned ola@example.no', 'cart_abandoned quinn@example.no']);
  });

  it('sends user:password in the URL as Basic authentication and never logs a secret of the URL (security QA 2026-12-06)', async () => {
    const dir = tempStore();
    cleanups.push(() => dir.remove());
    const store = openStore(dir.db);
    cleanups.push(() => store.close());
    fill(store, [identify('a', 'kari@example.no', T - 5 * H), add('a', T - 3 * H), identify('b', 'ola@example.no', T - 5 * H), add('b', T - 3 * H)]);
    const h = await hook((n) => (n === 0 ? 500 : n === 1 ? 422 : 200));
    cleanups.push(() => h.close());
    const lines: string[] = [];
    const url = h.url.replace('http://', 'http://mail%40shop:s3cr%3At@') + '?api_key=HOOKSECRET';
    const start = Date.now();
    const w = startWebhook({ store, plan, url, everyMs: 30, minDelay: 10, maxDelay: 20, now: () => T + (Date.now() - start), log: (l) => lines.push(l) });
    await until(() => h.posts.length === 1);
    await w.stop();
    expect(h.posts[0]).toMatchObject({ auth: `Basic ${Buffer.from('mail@shop:s3cr:t').toString('base64')}`, path: '/hook?api_key=HOOKSECRET' });
    expect(lines.join('\n')).toMatch(/webhook: http:\/\/127\.0\.0\.1:\d+\/hook\?api_key=… failed/);
    expect(lines.join('\n')).toMatch(/webhook: http:\/\/127\.0\.0\.1:\d+\/hook\?api_key=… refused/);
    expect(lines.join('\n')).not.toMatch(/HOOKSECRET|s3cr|mail%40shop/);
  });

  it('keeps a refused post (4xx) as failed, with the answer', async () => {
    const dir = tempStore();
    cleanups.push(() => dir.remove());
    const store = openStore(dir.db);
    cleanups.push(() => store.close());
    fill(store, [identify('a', 'kari@example.no', T - 5 * H), add('a', T - 3 * H)]);
    const h = await hook(() => 422);
    cleanups.push(() => h.close());
    const lines: string[] = [];
    const w = startWebhook({ store, plan, url: h.url, everyMs: 30, now: () => T, log: (l) => lines.push(l) });
    await until(() => w.stats().failed === 1);
    await w.stop();
    expect(readStore(dir.db, (d) => d.prepare('SELECT status, reason, attempts FROM webhook_outbox').get())).toEqual({ status: 'failed', reason: '422 no', attempts: 1 });
    expect(lines.some((l) => /refused cart:a:/.test(l))).toBe(true);
  });

  it('posts a cart once when two collect processes share the store (an overlapping restart) and the e-mail tool is slow (server QA 2026-12-06)', async () => {
    const dir = tempStore();
    cleanups.push(() => dir.remove());
    const one = openStore(dir.db);
    cleanups.push(() => one.close());
    fill(one, [identify('a', 'kari@example.no', T - 5 * H), add('a', T - 3 * H)]);
    const two = openStore(dir.db);
    cleanups.push(() => two.close());
    const ids: string[] = [];
    const server: Server = createServer((req, res) => {
      ids.push(req.headers['idempotency-key'] as string);
      req.resume();
      req.on('end', () => setTimeout(() => res.writeHead(200).end('ok'), 400)); // a slow e-mail tool
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    cleanups.push(() => { server.closeAllConnections(); return new Promise((ok) => server.close(ok)); });
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
    const a = startWebhook({ store: one, plan, url, everyMs: 20, now: () => T });
    const b = startWebhook({ store: two, plan, url, everyMs: 20, now: () => T });
    await until(() => a.stats().delivered === 1);
    await new Promise((ok) => setTimeout(ok, 300));
    await a.stop();
    await b.stop();
    expect(ids).toHaveLength(1);
  });

  it("posts a cart filled in another currency with that currency, not the plan's (server QA 2026-12-06)", async () => {
    // A 249 EUR jacket on the NOK shop went to the e-mail tool as "currency": "NOK".
    const dir = tempStore();
    cleanups.push(() => dir.remove());
    const store = openStore(dir.db);
    cleanups.push(() => store.close());
    fill(store, [identify('a', 'hans@example.de', T - 5 * H), msg('a', 'add_to_cart', T - 3 * H, { item_id: 'jakke', item_name: 'Jakke', value: 249, currency: 'EUR' })]);
    const h = await hook();
    cleanups.push(() => h.close());
    const w = startWebhook({ store, plan, url: h.url, everyMs: 30, now: () => T });
    await until(() => h.posts.length === 1);
    await w.stop();
    expect(h.posts[0]!.body).toMatchObject({ type: 'cart_abandoned', value: 249, currency: 'EUR' });
  });

  it("hands a product's link over only when it is an http(s) page on the shop's origins (security QA 2026-12-06)", async () => {
    // Anyone can post to the collector: a cart whose page was "https://evil.example/login" or a
    // javascript: URL became a link in an e-mail sent in the shop's name.
    const pages: [string, string][] = [['a', 'https://shop.example/product/ok'], ['b', 'https://evil.example/login'], ['c', 'javascript:alert(document.domain)']];
    /** Each visitor's cart, left on its page; the first item of each hand-off, by visitor. */
    const handOff = async (linkOrigins?: string[]) => {
      const dir = tempStore();
      cleanups.push(() => dir.remove());
      const store = openStore(dir.db);
      cleanups.push(() => store.close());
      fill(store, pages.flatMap(([v, url]) => [identify(v, `${v}@example.no`, T - 5 * H), msg(v, 'add_to_cart', T - 3 * H, { item_id: `sku-${v}`, item_name: v, value: 1, currency: 'NOK' }, { context: { page: { url, path: '/' }, measureplan: { kind: 'micro' } } })]));
      const h = await hook();
      cleanups.push(() => h.close());
      const w = startWebhook({ store, plan, url: h.url, everyMs: 30, now: () => T, ...(linkOrigins && { linkOrigins }) });
      await until(() => h.posts.length === pages.length);
      await w.stop();
      return Object.fromEntries(h.posts.map((p) => [p.body.visitor, ((p.body.items as { url?: string }[])[0])!.url]));
    };
    expect(await handOff(['https://shop.example'])).toEqual({ a: 'https://shop.example/product/ok', b: undefined, c: undefined });
    // Without --allow-origin: any http(s) page, never a javascript: one.
    expect(await handOff()).toEqual({ a: 'https://shop.example/product/ok', b: 'https://evil.example/login', c: undefined });
    // --allow-origin '*': every site, so any http(s) page (diff read 2026-12-06: no link at all).
    expect(await handOff(['*'])).toEqual({ a: 'https://shop.example/product/ok', b: 'https://evil.example/login', c: undefined });
  });
});

describe('measureplan collect --webhook (a real process)', () => {
  it('a remove without a quantity empties the line, as the tracker does: no reminder for a cart emptied that way', async () => {
    const dir = tempStore();
    cleanups.push(() => dir.remove());
    const store = openStore(dir.db);
    const three = msg('r', 'add_to_cart', T - 3 * H, { item_id: 'tind-shell-jacket', item_name: 'Tind', quantity: 3, value: 7497, currency: 'NOK' });
    const remove = msg('r', 'remove_from_cart', T - 3 * H + 60_000, { item_id: 'tind-shell-jacket' });
    fill(store, [identify('r', 'rune@example.no', T - 5 * H), three, remove, identify('s', 'sol@example.no', T - 5 * H), add('s', T - 3 * H)]);
    const h = await hook();
    cleanups.push(() => h.close());
    const w = startWebhook({ store, plan, url: h.url, everyMs: 30, now: () => T });
    await until(() => h.posts.length >= 1);
    await new Promise((ok) => setTimeout(ok, 150));
    await w.stop();
    store.close();
    expect(h.posts.map((p) => p.body.visitor)).toEqual(['s']);
  });

  it('hands over an abandoned cart once, also across a restart', async () => {
    const dir = tempStore();
    cleanups.push(() => dir.remove());
    const h = await hook();
    cleanups.push(() => h.close());
    const now = Date.now();
    const args = ['--db', dir.db, '--plan', PLAN, '--webhook', `${h.url}?token=HOOKSECRET`, '--webhook-every', '0.1'];
    let c = await startCollect(args);
    // The URL's secret is not in the log (security QA 2026-12-06).
    expect(c.output()).toMatch(/webhook {4}http:\/\/127\.0\.0\.1:\d+\/hook\?token=…: abandoned carts and browses, checked every 0\.1 s/);
    expect(c.output()).not.toContain('HOOKSECRET');
    await post(`${c.url}/v1/batch`, { batch: [identify('z', 'siri@example.no', now - 3 * H), add('z', now - 2 * H)] });
    await until(() => h.posts.length >= 1);
    expect(await c.stop()).toBe(0);
    c = await startCollect(args);
    await new Promise((ok) => setTimeout(ok, 600));
    expect(await c.stop()).toBe(0);
    expect(h.posts).toHaveLength(1);
    expect(h.posts[0]!.body).toMatchObject({ type: 'cart_abandoned', email: 'siri@example.no' });
  }, 30_000);
});

describe('pinned by the mutation review of 2026-12-06', () => {
  it('a rate-limited hand-off (429) is retried and delivered, not kept as failed', async () => {
    const dir = tempStore();
    cleanups.push(() => dir.remove());
    const store = openStore(dir.db);
    cleanups.push(() => store.close());
    fill(store, [identify('a', 'kari@example.no', T - 5 * H), add('a', T - 3 * H)]);
    const h = await hook((i) => (i === 0 ? 429 : 200));
    cleanups.push(() => h.close());
    const start = Date.now();
    const w = startWebhook({ store, plan, url: h.url, everyMs: 30, minDelay: 20, maxDelay: 40, now: () => T + (Date.now() - start) });
    await until(() => h.posts.length >= 1 || w.stats().failed > 0, 5000);
    await w.stop();
    expect(h.posts.map((p) => p.body.visitor)).toEqual(['a']);
    expect(readStore(dir.db, (d) => d.prepare('SELECT status FROM webhook_outbox').pluck().get())).toBe('delivered');
  });

  it('carts are looked for in the last 30 days (docs/collect.md): one abandoned 10 days ago is handed over', async () => {
    const dir = tempStore();
    cleanups.push(() => dir.remove());
    const store = openStore(dir.db);
    cleanups.push(() => store.close());
    fill(store, [identify('a', 'kari@example.no', T - 241 * H), add('a', T - 240 * H)]);
    const h = await hook();
    cleanups.push(() => h.close());
    const w = startWebhook({ store, plan, url: h.url, everyMs: 30, now: () => T });
    await until(() => h.posts.length >= 1, 3000).catch(() => {});
    await w.stop();
    expect(h.posts.map((p) => p.body.visitor)).toEqual(['a']);
  });
});
