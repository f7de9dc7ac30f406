/**
 * `measureplan collect`'s HTTP side: the Segment/RudderStack HTTP API (`POST /v1/batch`,
 * `/v1/track`, `/v1/page`, `/v1/identify`), JSON or the `text/plain` bodies `sendBeacon` sends,
 * gzip or not. Status codes and `{"msg": …}` error bodies follow RudderStack's gateway; limits
 * follow Segment (32 KB per event and per single call, 500 KB per batch). A 2xx is sent only after
 * the request's events are committed; a failed commit is a 503 the client retries.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Plan } from '../plan/types';
import { BodyError, readBody } from './body';
import { Backlog, groupCommitter } from './commit';
import { batchOutcomes, MAX_EVENT_BYTES, toOutcome, type Outcome } from './message';
import type { Store, Written } from './store';

export const MAX_BATCH_BYTES = 500 * 1024;
const SINGLE = new Set(['track', 'page', 'identify']);

export interface CollectServerOptions {
  store: Store;
  /** Events that break it go to quarantine; without a plan every well-formed event is stored. */
  plan?: Plan;
  port?: number;
  host?: string;
  /** Origins allowed to post from a browser (`https://shop.example`), or `*` for any. */
  allowOrigins?: readonly string[];
  /** Called after each commit with what it stored (progress lines, the relay's wake-up). */
  onCommit?(written: Written[]): void;
  /** Called for each request turned away (status, reason), for the server's log. */
  onReject?(status: number, reason: string): void;
  /**
   * Called when commits start failing (with the error), when the reason changes, and once they
   * work again (undefined): the operator's log line, which --quiet does not silence.
   */
  onStoreFailure?(error: unknown): void;
}

export interface CollectServer {
  url: string;
  port: number;
  /** Stops accepting, answers what is in flight, commits, then resolves (SIGTERM's drain). */
  close(timeoutMs?: number): Promise<void>;
}

type Obj = Record<string, unknown>;

export async function startCollectServer(options: CollectServerOptions): Promise<CollectServer> {
  const { store, plan, allowOrigins = [], onCommit, onReject, onStoreFailure } = options;
  const committer = groupCommitter(store, onCommit);
  let inFlight = 0;
  let draining = false;
  /** The last commit failed with this (cleared by a commit as large, or /health's retry, that succeeds): /health says so. */
  let failing: string | undefined;
  /**
   * The largest request whose commit failed since the last one as large went through: /health
   * tries it again, on its own (a full disk may take a one-page probe, or a small post, and still
   * refuse a batch: security QA and diff read 2026-12-06). Stored once by messageId, so the
   * client's own retry of it is a duplicate then.
   */
  let failedWrite: Outcome[] | undefined;
  let drained: (() => void) | undefined;
  const setFailing = (e: unknown) => {
    const was = failing;
    failing = e === undefined ? undefined : (e as Error)?.message ?? String(e);
    if (failing !== was) { try { onStoreFailure?.(e); } catch { /* logging only */ } }
  };
  /** The counts for /health; a store that cannot even be read says so instead of failing the request. */
  const countsOr = () => { try { return store.counts(); } catch { return {}; } };

  const reply = (res: ServerResponse, status: number, body: Obj, headers: Record<string, string> = {}) => {
    if (res.headersSent) return;
    const text = JSON.stringify(body);
    res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-store', ...headers });
    res.end(text);
    if (status >= 400) { try { onReject?.(status, String(body.msg ?? body.reason ?? (body.ok === false ? 'not healthy: the server is shutting down' : ''))); } catch { /* logging only */ } }
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://collect.invalid');
    } catch {
      // A request target that is no URL (`http://[::1`) is a path we do not serve, not a server error.
      req.resume();
      return reply(res, 404, { msg: `Not found: ${String(req.url).slice(0, 200)}` });
    }
    const path = url.pathname.replace(/\/+$/, '') || '/';
    const origin = req.headers.origin;
    const cors = origin === undefined ? undefined : originAllowed(origin, req, allowOrigins);
    if (cors) {
      res.setHeader('Access-Control-Allow-Origin', origin!);
      // Not CORS-safelisted: without this, the collector adapter cannot read how long to wait.
      res.setHeader('Access-Control-Expose-Headers', 'Retry-After');
    }
    res.setHeader('Vary', 'Origin');

    if (path === '/health' && (req.method === 'GET' || req.method === 'HEAD')) {
      // After a failed commit, healthy only once the store takes a write again (space freed, a lock let go).
      if (failing) {
        try {
          // Not through the group committer: the posts committed with it would fail with it.
          if (failedWrite) {
            const written = store.write([failedWrite]);
            await store.synced?.();
            try { onCommit?.(written); } catch { /* the listener's failure is not the store's */ }
          } else store.probe();
          failedWrite = undefined;
          setFailing(undefined);
        } catch (e) { setFailing(e); }
      } else {
        // A store deleted or replaced since the last commit: not healthy, though nothing failed yet.
        try { store.check?.(); } catch (e) { setFailing(e); }
      }
      if (failing) return reply(res, 503, { ok: false, reason: `the store cannot be written: ${failing}`, ...countsOr() });
      return reply(res, draining ? 503 : 200, { ok: !draining, ...countsOr() });
    }
    const route = /^\/v1\/(batch|track|page|identify)$/.exec(path)?.[1];
    if (!route) return reply(res, 404, { msg: `Not found: ${path} (POST /v1/batch, /v1/track, /v1/page or /v1/identify)` });
    if (req.method === 'OPTIONS') {
      if (!cors) return reply(res, 403, { msg: `Origin not allowed: ${origin ?? '(none)'}; start the server with --allow-origin ${origin ?? '<origin>'}` });
      res.writeHead(204, {
        'Access-Control-Allow-Methods': 'POST, OPTIONS',
        'Access-Control-Allow-Headers': 'Content-Type, Content-Encoding, Authorization',
        'Access-Control-Max-Age': '600',
      }).end();
      return;
    }
    if (req.method !== 'POST') return reply(res, 400, { msg: 'Invalid HTTP Request Method' }, { Allow: 'POST, OPTIONS' });
    if (origin !== undefined && !cors) { req.resume(); return reply(res, 403, { msg: `Origin not allowed: ${origin}` }); }
    if (draining) { req.resume(); return reply(res, 503, { msg: 'The server is shutting down; retry' }, { 'Retry-After': '5', Connection: 'close' }); }

    let body: string;
    try {
      body = await readBody(req, route === 'batch' ? MAX_BATCH_BYTES : MAX_EVENT_BYTES);
    } catch (e) {
      const status = e instanceof BodyError ? e.status : 500;
      return reply(res, status, { msg: e instanceof BodyError ? e.message : 'Failed to read body from request' }, status === 413 || status === 500 ? { Connection: 'close' } : {});
    }
    if (!body.trim()) return reply(res, 400, { msg: 'Request body is nil' });
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.charCodeAt(0) === 0xfeff ? body.slice(1) : body); // a byte-order mark some HTTP clients write is no JSON error
    } catch {
      return reply(res, 400, { msg: 'Invalid JSON' });
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return reply(res, 400, { msg: 'Invalid JSON: the body must be an object' });
    const receivedAt = new Date().toISOString();
    const p = parsed as Obj;

    let outcomes: Outcome[];
    if (route === 'batch') {
      const list = Object.prototype.hasOwnProperty.call(p, 'batch') ? p.batch : undefined;
      if (!Array.isArray(list)) return reply(res, 400, { msg: 'Invalid JSON: expected { "batch": [ … ] }' });
      const batch = { sentAt: p.sentAt, context: p.context };
      // Bounded work and rows per request, however many items the list holds (docs/collect.md).
      outcomes = batchOutcomes(list, batch, receivedAt, plan);
    } else {
      if (!SINGLE.has(route)) return reply(res, 404, { msg: 'Not found' });
      // A single call names its type by its path (Segment's rule); the body's own `type` is ignored.
      const message = { ...p, type: route };
      if (!stringId(p.anonymousId) && !stringId(p.userId)) return reply(res, 400, { msg: 'Request neither has anonymousId nor userId' });
      outcomes = [toOutcome(message, {}, receivedAt, plan)];
    }
    let written: Written;
    try {
      written = await committer.submit(outcomes);
      if (!failedWrite || outcomes.length >= failedWrite.length) { failedWrite = undefined; setFailing(undefined); }
    } catch (e) {
      // Nothing failed: the disk is slow, and the post was not committed.
      if (e instanceof Backlog) return reply(res, 503, { msg: `The server is busy: ${e.message}; retry` }, { 'Retry-After': '1' });
      setFailing(e);
      if (!failedWrite || outcomes.length >= failedWrite.length) failedWrite = outcomes;
      return reply(res, 503, { msg: `The store could not commit: ${(e as Error).message}; retry` }, { 'Retry-After': '2' });
    }
    reply(res, 200, { ok: true, ...written });
  }

  // Node checks requestTimeout only every connectionsCheckingInterval (30 s by default): checked
  // every 5 s, a body that never ends (slowloris) is cut off near 30 s, not after up to a minute.
  const server = createServer({ connectionsCheckingInterval: 5000 }, (req, res) => {
    inFlight++;
    res.on('close', () => {
      if (--inFlight === 0 && drained) drained();
    });
    handle(req, res).catch((e) => {
      // A bug, not the client's mistake: answer 500 and keep serving.
      process.emitWarning(`measureplan collect: ${(e as Error)?.stack ?? String(e)}`);
      reply(res, 500, { msg: 'Internal error' });
    });
  });
  server.keepAliveTimeout = 5000;
  server.headersTimeout = 15000;
  server.requestTimeout = 30000;

  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(options.port ?? 8787, options.host ?? '127.0.0.1', () => { server.off('error', fail); ok(); });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  return {
    url: `http://${host}:${address.port}`,
    port: address.port,
    async close(timeoutMs = 10000) {
      if (draining) return;
      draining = true;
      const closed = new Promise<void>((ok) => server.close(() => ok()));
      server.closeIdleConnections();
      if (inFlight > 0) {
        await Promise.race([new Promise<void>((ok) => { drained = ok; }), new Promise((ok) => setTimeout(ok, timeoutMs).unref())]);
      }
      await committer.settled();
      server.closeAllConnections();
      await closed;
    },
  };
}

const stringId = (v: unknown) => typeof v === 'string' && v !== '';

/**
 * An allowed browser origin: listed, `*`, or the server's own (a same-origin proxy). Behind a proxy
 * that sets its upstream as `Host` (nginx's default), the shop's host arrives as
 * `X-Forwarded-Host`. A page elsewhere cannot borrow that: a browser asks a preflight for the
 * header first, and the preflight carries no such header.
 */
function originAllowed(origin: string, req: IncomingMessage, allowed: readonly string[]): boolean {
  if (allowed.includes('*') || allowed.includes(origin)) return true;
  const forwarded = req.headers['x-forwarded-host'];
  const hosts = [req.headers.host, (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]!.trim()];
  return hosts.some((host) => !!host && (origin === `http://${host}` || origin === `https://${host}`));
}
