// `npm run bench:server`: durable ingest through HTTP. Starts `measureplan collect` (the built
// CLI, a separate process, sync full) on a fresh store, then a load generator on loopback posts
// batches of Segment messages (view_item/add_to_cart/purchase shaped like the collector
// adapter's) with several connections at once, and reports events/s from the first request to
// the last 2xx, then checks the store holds every event once. Results: bench/results/server-*.json
//
//   npm run bench:server                      200,000 events, batches of 100, 8 connections
//   node bench/server.mjs --events 500000 --batch 250 --connections 16 --sync normal
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { randomUUID } from 'node:crypto';

const { values } = parseArgs({ options: {
  events: { type: 'string', default: '200000' }, batch: { type: 'string', default: '100' },
  connections: { type: 'string', default: '8' }, sync: { type: 'string', default: 'full' },
} });
const EVENTS = Number(values.events), BATCH = Number(values.batch), CONNECTIONS = Number(values.connections);
const root = new URL('..', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'mp-bench-server-'));
const db = join(dir, 'bench.db');

const server = spawn(process.execPath, [...(process.env.BENCH_PROFILE ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_PROFILE] : []), join(root, 'bin/measureplan.js'), 'collect', '--port', '0', '--db', db, '--plan', join(root, 'examples/plans/webshop.json'), '--sync', values.sync, '--quiet'], { stdio: ['ignore', 'pipe', 'inherit'] });
const url = await new Promise((ok, fail) => {
  let out = '';
  server.stdout.on('data', (c) => { out += c; const m = /listening on (http:\/\/\S+)/.exec(out); if (m) ok(m[1]); });
  server.once('exit', (code) => fail(new Error(`collect exited with ${code}`)));
});

// Bodies are built before the clock starts: the generator's own work is not the server's.
const products = ['tind-shell-jacket', 'fjell-boots', 'ulv-base-layer', 'ro-daypack'];
function message(i) {
  const visitor = `anon-${i % 50000}`;
  const item = products[i % products.length];
  const kind = i % 10;
  const base = {
    type: 'track', messageId: randomUUID(), anonymousId: visitor, timestamp: new Date(Date.now() - 60000 + (i % 60000)).toISOString(),
    context: {
      library: { name: 'measureplan', version: '0.1.0' }, userAgent: 'Mozilla/5.0 (X11; Linux x86_64) bench', locale: 'nb-NO',
      page: { url: `http://127.0.0.1/product/${item}`, path: `/product/${item}`, title: 'Fjellsport', referrer: '' },
      measureplan: { kind: kind === 9 ? 'macro' : 'micro', session_id: `s-${i % 80000}`, click_ids: i % 3 ? {} : { gclid: `gclid-${i}` }, consent: { analytics: 'granted', ads: 'granted' } },
    },
  };
  if (kind === 9) return { ...base, event: 'purchase', properties: { transaction_id: `T${i}`, value: 2499, currency: 'NOK', items: [{ item_id: item, item_name: item, price: 2499, quantity: 1 }], funnel: 'checkout', funnel_step: 4, funnel_steps: 4 } };
  if (kind >= 6) return { ...base, event: 'add_to_cart', properties: { item_id: item, item_name: item, value: 2499, currency: 'NOK', funnel: 'checkout', funnel_step: 2, funnel_steps: 4 } };
  return { ...base, event: 'view_item', properties: { item_id: item, item_name: item, item_category: 'jackets', value: 2499, currency: 'NOK', funnel: 'checkout', funnel_step: 1, funnel_steps: 4 } };
}
const bodies = [];
for (let i = 0; i < EVENTS; i += BATCH) {
  const batch = [];
  for (let j = i; j < Math.min(EVENTS, i + BATCH); j++) batch.push(message(j));
  bodies.push(JSON.stringify({ batch, sentAt: new Date().toISOString() }));
}
const bytes = bodies.reduce((n, b) => n + b.length, 0);

const agent = new Agent({ keepAlive: true, maxSockets: CONNECTIONS });
const post = (body) => new Promise((ok, fail) => {
  const req = request(`${url}/v1/batch`, { method: 'POST', agent, headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) } }, (res) => {
    let text = '';
    res.on('data', (c) => { text += c; });
    res.on('end', () => (res.statusCode === 200 ? ok(JSON.parse(text)) : fail(new Error(`${res.statusCode} ${text}`))));
  });
  req.on('error', fail);
  req.end(body);
});

let next = 0, stored = 0, quarantined = 0;
const latencies = [];
const started = performance.now();
await Promise.all(Array.from({ length: CONNECTIONS }, async () => {
  while (next < bodies.length) {
    const body = bodies[next++];
    const t = performance.now();
    const r = await post(body);
    latencies.push(performance.now() - t);
    stored += r.stored; quarantined += r.quarantined;
  }
}));
const seconds = (performance.now() - started) / 1000;
agent.destroy();

// Every event once: a second pass of the first 10 batches adds nothing.
let repeats = 0;
for (const body of bodies.slice(0, 10)) repeats += (await post(body)).stored;
server.kill('SIGTERM');
await new Promise((ok) => server.once('exit', ok));

latencies.sort((a, b) => a - b);
const q = (p) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))].toFixed(1);
const result = {
  date: new Date().toISOString(), node: process.version, cpus: cpus().length, sync: values.sync,
  events: EVENTS, batch: BATCH, connections: CONNECTIONS, megabytes: +(bytes / 1e6).toFixed(1),
  seconds: +seconds.toFixed(2), eventsPerSecond: Math.round(EVENTS / seconds), stored, quarantined, storedByRetry: repeats,
  requestMs: { median: +q(0.5), p95: +q(0.95), max: +q(1) },
};
console.log(`
measureplan collect, durable ingest over HTTP (${result.cpus} cores, ${result.node}, sync ${result.sync})
  ${EVENTS.toLocaleString('en')} events in batches of ${BATCH}, ${CONNECTIONS} connections, ${result.megabytes} MB of JSON
  ${result.seconds} s  →  ${result.eventsPerSecond.toLocaleString('en')} events/s   (target ≥ 20,000)
  request time: median ${result.requestMs.median} ms, p95 ${result.requestMs.p95} ms, max ${result.requestMs.max} ms
  stored ${stored.toLocaleString('en')}, quarantined ${quarantined}, stored again by a retry ${repeats}`);
mkdirSync(join(root, 'bench/results'), { recursive: true });
const file = join(root, 'bench/results', `server-${result.date.slice(0, 10)}.json`);
writeFileSync(file, JSON.stringify(result, null, 2) + '\n');
console.log(`  written to ${file.slice(root.length)}`);
rmSync(dir, { recursive: true, force: true });
if (stored !== EVENTS || repeats !== 0) process.exit(1);
