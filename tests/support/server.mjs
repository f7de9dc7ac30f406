// A local HTTP server for benchmarks and browser tests: static files, a recording collector
// endpoint (`POST /collect`, Segment batch bodies, JSON or text/plain), and COOP/COEP headers so
// that performance.now() has its fine (5 µs) resolution in Chromium.
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';

const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.json': 'application/json', '.css': 'text/css', '.svg': 'image/svg+xml', '.png': 'image/png' };

/**
 * @param {{ root: string, routes?: Record<string, (req, res, body: string) => void> }} options
 * @returns {Promise<{ url: string, close(): Promise<void>, received: { id: string, at: number, body: any }[], unique(): number, duplicates(): number, reset(): void }>}
 */
export async function startServer({ root, routes = {} }) {
  const received = [];
  const server = createServer(async (req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1');
    res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
    res.setHeader('Cross-Origin-Embedder-Policy', 'require-corp');
    let body = '';
    for await (const chunk of req) body += chunk;
    if (routes[url.pathname]) return routes[url.pathname](req, res, body);
    if (req.method === 'POST' && url.pathname === '/collect') {
      try {
        const parsed = JSON.parse(body);
        const at = Date.now();
        for (const m of parsed.batch ?? [parsed]) received.push({ id: m.messageId, at, body: m });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
      } catch {
        res.writeHead(400).end('bad json');
      }
      return;
    }
    const file = normalize(join(root, url.pathname === '/' ? '/index.html' : url.pathname));
    if (!file.startsWith(normalize(root))) return res.writeHead(403).end();
    try {
      const data = await readFile(file);
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(data);
    } catch {
      res.writeHead(404).end('not found');
    }
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    unique: () => new Set(received.map((r) => r.id)).size,
    duplicates: () => received.length - new Set(received.map((r) => r.id)).size,
    reset: () => { received.length = 0; },
    close: () => new Promise((r) => { server.closeAllConnections?.(); server.close(() => r()); }),
  };
}
