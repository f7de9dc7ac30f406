// The Fjellsport demo shop's server (used by `npm start`, the scripted shopper and e2e tests):
//   /                   examples/storefront (extensionless URLs: /pricing → pricing.html,
//                       /product/x → product/x.html, /checkout/done → checkout/done.html)
//   /measureplan/…      dist/ (the script tag dist/measureplan.iife.js, the debug panel next to it)
//   /plans/…            examples/plans/ (the shop uses /plans/webshop.json)
//   POST /collect       the collector endpoint: Segment batch bodies, JSON or text/plain (beacons);
//                       with `collect` (a `measureplan collect` URL) passed on to its /v1/batch
//   POST /newsletter    the shop's newsletter form: 303 back to /?subscribed=1
// Each collected message is stored once per messageId: by `measureplan collect` in its store when
// `collect` is given (npm start), else one JSON line per message in `dataFile` (tests).
// Binds 127.0.0.1 only.
import { createServer } from 'node:http';
import { appendFileSync, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { dirname, extname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const STOREFRONT_DIR = join(ROOT, 'examples/storefront');
export const PLANS_DIR = join(ROOT, 'examples/plans');
export const DIST_DIR = join(ROOT, 'dist');
export const DEFAULT_DATA_FILE = join(ROOT, '.data/events.ndjson');
export const PLAN_FILE = join(PLANS_DIR, 'webshop.json');

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};
const MAX_BODY = 5 * 1024 * 1024;

/** Which consent category each destination belongs to (see DESIGN.md, "Consent"). */
export const CATEGORY = { ga4: 'analytics', collector: 'analytics', googleAds: 'ads', meta: 'ads', linkedin: 'ads', microsoftAds: 'ads' };

/**
 * The destinations that receive a conversion under the consent the collector reported: the
 * plan's `send` keys, each kept only when its category is `granted`.
 */
export function destinationsFor(plan, event, consent = {}) {
  return Object.keys(sendOf(plan, event)).filter((d) => consent[CATEGORY[d]] === 'granted');
}

/**
 * Where the plan sends an event: a conversion's `send`; the journey signals go to GA4 and the
 * collector, when the plan has them (Core Web Vitals: where `vitals.send` says).
 */
function sendOf(plan, event) {
  if (plan?.conversions?.[event]) return plan.conversions[event].send ?? {};
  const has = (d) => Boolean(plan?.destinations?.[d]);
  if (event === 'web_vital') return Object.fromEntries(Object.keys(plan?.vitals?.send ?? {}).filter(has).map((d) => [d, {}]));
  if (event === 'experiment_viewed') return Object.fromEntries(['ga4', 'collector'].filter(has).map((d) => [d, {}]));
  return {};
}

/** One readable line for a collected conversion: `purchase  macro  2499 NOK  → ga4, meta, collector`. */
export function describeConversion(plan, message) {
  const p = message.properties ?? {};
  const mp = message.context?.measureplan ?? {};
  const known = Boolean(plan?.conversions?.[message.event]);
  const kind = mp.kind ?? plan?.conversions?.[message.event]?.kind ?? '';
  // Journey signals are no conversion of the plan: say what they measured.
  if (kind === 'signal') {
    const what = message.event === 'web_vital' ? `${p.metric_name} ${formatValue(p.metric_value)} (${p.metric_rating})` : `${p.experiment_id} = ${p.variant_id}`;
    return `${String(message.event).padEnd(18)} ${'signal'.padEnd(6)} ${what}`;
  }
  const value = typeof p.value === 'number' ? `${formatValue(p.value)} ${p.currency ?? plan?.currency ?? ''}`.trim() : '—';
  const dests = known ? destinationsFor(plan, message.event, mp.consent) : [];
  return `${String(message.event).padEnd(18)} ${String(kind).padEnd(6)} ${value.padEnd(10)} → ${known ? dests.join(', ') || '(nothing granted)' : '(not in the plan)'}`;
}

const formatValue = (v) => (Number.isInteger(v) ? String(v) : v.toFixed(2));

/**
 * @param {{ port?: number, dataFile?: string, log?: (line: string, message: object) => void,
 *           planFile?: string, distDir?: string, collect?: string }} [options]
 *   `log` gets one line per new `track` message; `distDir` serves another build at /measureplan/
 *   (tests); `planFile` is the plan used to describe conversions (default examples/plans/webshop.json);
 *   `collect`: the URL of a running `measureplan collect` (or a function returning it), which then
 *   stores what /collect receives.
 * @returns {Promise<{ url: string, port: number, dataFile: string, close(): Promise<void>, events(): object[] }>}
 *   `events()`: the messages this server stored since it started, in arrival order.
 */
export async function startStorefront({ port = 0, dataFile = DEFAULT_DATA_FILE, log, planFile = PLAN_FILE, distDir = DIST_DIR, collect: collectUrl } = {}) {
  dataFile = resolve(dataFile);
  if (!collectUrl) mkdirSync(dirname(dataFile), { recursive: true });
  const seen = collectUrl ? new Set() : loadSeenIds(dataFile);
  const stored = [];
  const plan = planReader(planFile);

  const mounts = [
    { prefix: '/measureplan/', dir: resolve(distDir) },
    { prefix: '/plans/', dir: PLANS_DIR },
    { prefix: '/', dir: STOREFRONT_DIR, pages: true },
  ];

  const server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      res.setHeader('X-Content-Type-Options', 'nosniff');
      res.setHeader('Cache-Control', 'no-cache');

      if (url.pathname === '/collect') {
        if (req.method !== 'POST') return send(res, 405, 'text/plain; charset=utf-8', 'POST only', { Allow: 'POST' });
        const body = await readBody(req);
        if (body === undefined) return send(res, 413, 'text/plain; charset=utf-8', 'body too large');
        return collectUrl ? passOn(req, body, res) : collect(body, res);
      }
      if (url.pathname === '/newsletter' && req.method === 'POST') {
        await readBody(req); // the address would go to the mailing list here; the demo keeps nothing
        res.writeHead(303, { Location: '/?subscribed=1' }).end();
        return;
      }
      if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'text/plain; charset=utf-8', 'method not allowed', { Allow: 'GET, HEAD' });

      let path;
      try { path = decodeURIComponent(url.pathname); } catch { return notFound(res, url.pathname); }
      // Clean URLs: /pricing.html → /pricing, /index.html → /
      if (path.endsWith('.html') && !path.startsWith('/measureplan/') && !path.startsWith('/plans/')) {
        const clean = path === '/index.html' ? '/' : path.slice(0, -'.html'.length).replace(/\/index$/, '/');
        res.writeHead(301, { Location: clean + url.search }).end();
        return;
      }
      const mount = mounts.find((m) => path.startsWith(m.prefix));
      const file = await resolveFile(mount, path.slice(mount.prefix.length));
      if (!file) return notFound(res, path, mount.prefix === '/measureplan/');
      const data = await readFile(file);
      res.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream', 'Content-Length': data.length });
      res.end(req.method === 'HEAD' ? undefined : data);
    } catch (e) {
      if (!res.headersSent) send(res, 500, 'text/plain; charset=utf-8', 'internal error');
      else res.destroy();
      console.error('storefront server:', e);
    }
  });

  /** To `measureplan collect`, which stores and answers; its answer goes back to the browser. */
  async function passOn(req, body, res) {
    let answer;
    try {
      answer = await fetch(`${typeof collectUrl === 'function' ? collectUrl() : collectUrl}/v1/batch`, { method: 'POST', body, headers: { 'Content-Type': req.headers['content-type'] ?? 'text/plain', ...(req.headers.origin ? { Origin: req.headers.origin } : {}) } });
    } catch (e) {
      return send(res, 502, 'application/json', JSON.stringify({ msg: `measureplan collect did not answer: ${e.message}` }));
    }
    const text = await answer.text();
    send(res, answer.status, answer.headers.get('content-type') ?? 'application/json', text);
    if (answer.ok) {
      let batch = [];
      try { batch = JSON.parse(body).batch ?? []; } catch { /* the server said 200: nothing to describe */ }
      remember(Array.isArray(batch) ? batch.filter((m) => m && typeof m.messageId === 'string' && !seen.has(m.messageId)) : []);
    }
  }

  function remember(fresh) {
    for (const m of fresh) seen.add(m.messageId);
    stored.push(...fresh);
    if (!log) return;
    const p = plan();
    for (const m of fresh) if (m.type === 'track') {
      try { log(describeConversion(p, m), m); } catch (e) { console.error('storefront server: log failed:', e); }
    }
  }

  function collect(body, res) {
    let parsed;
    try { parsed = JSON.parse(body); } catch { return send(res, 400, 'application/json', '{"ok":false,"error":"body is not JSON"}'); }
    const batch = Array.isArray(parsed?.batch) ? parsed.batch : parsed && typeof parsed === 'object' && parsed.type ? [parsed] : undefined;
    if (!batch) return send(res, 400, 'application/json', '{"ok":false,"error":"expected { batch: [...] }"}');
    const receivedAt = new Date().toISOString();
    const fresh = [];
    for (const m of batch) {
      if (!m || typeof m !== 'object' || typeof m.messageId !== 'string' || !m.messageId) continue;
      if (seen.has(m.messageId)) continue; // a repeat (at-least-once delivery): stored once
      seen.add(m.messageId);
      fresh.push({ ...m, sentAt: parsed.sentAt ?? m.sentAt, receivedAt });
    }
    if (fresh.length) {
      appendFileSync(dataFile, fresh.map((m) => JSON.stringify(m) + '\n').join(''));
      remember(fresh);
    }
    send(res, 200, 'application/json', JSON.stringify({ ok: true, stored: fresh.length }));
  }

  await new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(port, '127.0.0.1', () => { server.off('error', fail); ok(); });
  });
  const actual = server.address().port;
  return {
    url: `http://127.0.0.1:${actual}`,
    port: actual,
    dataFile,
    events: () => stored.slice(),
    close: () => new Promise((ok) => { server.closeAllConnections?.(); server.close(() => ok()); }),
  };
}

/** The file for a URL path inside a mount, or undefined (never outside the mount's folder). */
async function resolveFile(mount, rest) {
  const candidates = [];
  if (mount.pages) {
    if (rest === '' || rest.endsWith('/')) candidates.push(rest + 'index.html');
    else if (!extname(rest)) candidates.push(rest + '.html', rest + '/index.html');
    else candidates.push(rest);
  } else candidates.push(rest);
  for (const c of candidates) {
    const file = resolve(mount.dir, '.' + sep + c);
    const rel = relative(mount.dir, file);
    if (rel.startsWith('..') || rel.split(sep).some((part) => part.startsWith('.'))) continue; // outside, or a dotfile
    try {
      if ((await stat(file)).isFile()) return file;
    } catch { /* try the next */ }
  }
  return undefined;
}

function readBody(req) {
  return new Promise((ok, fail) => {
    const chunks = [];
    let size = 0;
    req.on('data', (c) => {
      size += c.length;
      if (size <= MAX_BODY) chunks.push(c);
    });
    req.on('end', () => ok(size > MAX_BODY ? undefined : Buffer.concat(chunks).toString('utf8')));
    req.on('error', fail);
  });
}

function send(res, status, type, body, headers = {}) {
  res.writeHead(status, { 'Content-Type': type, ...headers }).end(body);
}

function notFound(res, path, isDist = false) {
  const hint = isDist ? '<p>The measureplan files are built into <code>dist/</code>: run <code>npm run build</code>.</p>' : '';
  const safe = String(path).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);
  send(res, 404, 'text/html; charset=utf-8', `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Not found · Fjellsport</title><link rel="stylesheet" href="/styles.css"></head>
<body><header class="site-header"><div class="inner"><a class="logo" href="/">Fjellsport</a></div></header>
<main><h1>This trail ends here</h1><p>There is no page at <code>${safe}</code>.</p>${hint}<p><a class="button" href="/">Back to the shop</a> &nbsp; <a href="/products">All products</a></p></main></body></html>`);
}

/** The messageIds already in the data file, so a restart does not store a repeat either. */
function loadSeenIds(file) {
  const seen = new Set();
  if (!existsSync(file)) return seen;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    try { const m = JSON.parse(line); if (typeof m.messageId === 'string') seen.add(m.messageId); } catch { /* a torn line */ }
  }
  return seen;
}

/** The plan, re-read when the file changes (edit the plan, reload the page, see the new destinations). */
function planReader(file) {
  let cached;
  let mtime = -1;
  return () => {
    try {
      const m = statSync(file).mtimeMs;
      if (m !== mtime) { cached = JSON.parse(readFileSync(file, 'utf8')); mtime = m; }
    } catch { /* keep the last good one */ }
    return cached;
  };
}

/** Reads a data file back: one message per line (what `events()` returned, across runs). */
export function readEvents(file = DEFAULT_DATA_FILE) {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8').split('\n').filter((l) => l.trim()).flatMap((l) => { try { return [JSON.parse(l)]; } catch { return []; } });
}
