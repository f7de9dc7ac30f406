// `npm run bench:report`: `measureplan report` over 1,000,000 stored events from the crowd
// simulator (scripts/crowd/synthetic.mjs, 30 days of a shop). The store is filled once through
// `measureplan collect` over HTTP (kept in bench/.cache/ for the next run; --fresh rebuilds it),
// then the report command is timed as a user runs it, in each format, best and median of 5.
// Results: bench/results/report-<date>.json
//
//   npm run bench:report
//   node bench/report.mjs --events 200000 --fresh
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startCollectProcess } from '../scripts/collect-process.mjs';
import { syntheticBatches } from '../scripts/crowd/synthetic.mjs';

const { values } = parseArgs({ options: { events: { type: 'string', default: '1000000' }, fresh: { type: 'boolean', default: false }, runs: { type: 'string', default: '5' } } });
const EVENTS = Number(values.events);
const root = new URL('..', import.meta.url).pathname;
const plan = join(root, 'examples/plans/webshop.json');
const cache = join(root, 'bench/.cache');
const db = join(cache, `report-${EVENTS}.db`);
mkdirSync(cache, { recursive: true });

if (values.fresh || !existsSync(db)) {
  const building = `${db}.building`;
  for (const f of [building, `${building}-wal`, `${building}-shm`]) rmSync(f, { force: true });
  const server = await startCollectProcess(['--db', building, '--plan', plan, '--sync', 'normal', '--quiet']);
  const agent = new Agent({ keepAlive: true, maxSockets: 4 });
  const post = (body) => new Promise((ok, fail) => {
    const req = request(`${server.url}/v1/batch`, { method: 'POST', agent, headers: { 'Content-Type': 'application/json' } }, (res) => {
      let text = '';
      res.on('data', (c) => { text += c; });
      res.on('end', () => (res.statusCode === 200 ? ok(JSON.parse(text)) : fail(new Error(`${res.statusCode} ${text}`))));
    });
    req.on('error', fail);
    req.end(body);
  });
  const t0 = performance.now();
  let sent = 0, stored = 0, quarantined = 0, lastLine = 0;
  const inFlight = new Set();
  // 30 days, about 15 messages per shopper; a third of the buyers give their e-mail at checkout.
  for (const batch of syntheticBatches({ shoppers: Math.ceil(EVENTS / 15), seed: 7, days: 30, start: Date.UTC(2026, 9, 1), identify: 0.3, maxEvents: EVENTS }, { size: 250 })) {
    const p = post(JSON.stringify(batch)).then((r) => { stored += r.stored; quarantined += r.quarantined; inFlight.delete(p); });
    inFlight.add(p);
    sent += batch.batch.length;
    if (inFlight.size >= 4) await Promise.race(inFlight);
    if (performance.now() - lastLine > 5000) { lastLine = performance.now(); console.log(`  filling the store: ${sent.toLocaleString('en')} events sent (${Math.round((performance.now() - t0) / 1000)} s)`); }
  }
  await Promise.all(inFlight);
  agent.destroy();
  await server.stop();
  for (const ext of ['', '-wal', '-shm']) if (existsSync(`${building}${ext}`)) renameSync(`${building}${ext}`, `${db}${ext}`);
  console.log(`  store filled: ${stored.toLocaleString('en')} stored, ${quarantined} quarantined, ${((performance.now() - t0) / 1000).toFixed(1)} s`);
} else {
  // A store cached by an older build is brought to this build's schema, as a user's would be:
  // by starting the collect server on it once (its migrations run at open).
  const t0 = performance.now();
  const server = await startCollectProcess(['--db', db, '--plan', plan, '--sync', 'normal', '--quiet']);
  await server.stop();
  console.log(`  cached store opened by measureplan collect (migrated if it was older): ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}

const bin = join(root, 'bin/measureplan.js');
const time = (format) => {
  const t = performance.now();
  const r = spawnSync(process.execPath, [bin, 'report', '--plan', plan, '--db', db, '--format', format, '--out', join(cache, `report.${format}`)], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`report --format ${format} failed:\n${r.stderr}`);
  return performance.now() - t;
};
const node = (() => { const t = performance.now(); spawnSync(process.execPath, ['-e', '0']); return performance.now() - t; })();
const rows = [];
for (const format of ['json', 'text', 'html']) {
  const runs = Array.from({ length: Number(values.runs) }, () => time(format)).sort((a, b) => a - b);
  rows.push({ format, bestMs: Math.round(runs[0]), medianMs: Math.round(runs[Math.floor(runs.length / 2)]) });
}
const result = { date: new Date().toISOString(), node: process.version, cpus: cpus().length, events: EVENTS, storeMB: +(statSync(db).size / 1e6).toFixed(0), nodeStartMs: Math.round(node), runs: rows };
console.log(`
measureplan report over ${EVENTS.toLocaleString('en')} stored events (${result.cpus} cores, ${result.node}; store ${result.storeMB} MB)
  the whole command, as a user runs it (node starts in ${result.nodeStartMs} ms of that):
${rows.map((r) => `    --format ${r.format.padEnd(5)} best ${String(r.bestMs).padStart(5)} ms, median ${String(r.medianMs).padStart(5)} ms   (target ≤ 2,000)`).join('\n')}`);
const file = join(root, 'bench/results', `report-${result.date.slice(0, 10)}.json`);
mkdirSync(join(root, 'bench/results'), { recursive: true });
writeFileSync(file, JSON.stringify(result, null, 2) + '\n');
console.log(`  written to ${file.slice(root.length)}`);
