/**
 * `npm start`'s loop, for real: the shop, `measureplan collect` with its store, a small crowd in
 * headless Chromium, and the report over what the store holds.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, expect, it } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'mp-start-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('runs the crowd through the shop into the store and prints the report over it', async () => {
  const db = join(dir, 'start.db');
  const child = spawn(process.execPath, ['scripts/start.mjs', '--crowd', '10', '--exit', '--db', db], { env: { ...process.env, PORT: '0', NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (c) => { out += c; });
  child.stderr.on('data', (c) => { out += c; });
  const code = await new Promise((ok) => child.once('exit', ok));
  expect(code, out).toBe(0);
  expect(out).toMatch(/served by:\n {2}measureplan collect --db .*start\.db --plan examples\/plans\/webshop\.json --allow-origin http:\/\/127\.0\.0\.1:\d+/);
  expect(out).toMatch(/the crowd is done: 10 shoppers/);
  const report = out.slice(out.indexOf('The report (measureplan report'));
  expect(report).toMatch(/conversion\s+kind\s+events\s+visitors\s+of visitors\s+value/);

  // The printed figures are the store's.
  const store = new Database(db, { readonly: true });
  const rows = store.prepare("SELECT event, count(*) AS n FROM events WHERE type = 'track' AND context_measureplan_kind != 'signal' GROUP BY event").all() as { event: string; n: number }[];
  const quarantined = store.prepare('SELECT count(*) FROM quarantine').pluck().get();
  const events = store.prepare('SELECT count(*) FROM events').pluck().get() as number;
  store.close();
  expect(rows.find((r) => r.event === 'view_item')?.n).toBeGreaterThan(0);
  for (const r of rows) expect(report).toMatch(new RegExp(`\\n {2}${r.event}\\s+(macro|micro)\\s+${r.n.toLocaleString('en')}\\s`));
  expect(quarantined).toBe(0);
  expect(report).toMatch(new RegExp(`All stored events \\(first [^)]*\\): \\d+ visitors, ${events.toLocaleString('en')} events\\.`));
  expect(report).toMatch(/Nothing in quarantine/);
}, 180_000);
