/**
 * `npm start`'s loop, for real: the shop, `measureplan collect` with its store, a small crowd in
 * headless Chromium, and the summary of what the store holds, per conversion.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, expect, it } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'mp-start-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('runs the crowd through the shop into the store and prints what it holds', async () => {
  const db = join(dir, 'start.db');
  const child = spawn(process.execPath, ['scripts/start.mjs', '--crowd', '10', '--exit', '--db', db], { env: { ...process.env, PORT: '0', NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (c) => { out += c; });
  child.stderr.on('data', (c) => { out += c; });
  const code = await new Promise((ok) => child.once('exit', ok));
  expect(code, out).toBe(0);
  expect(out).toMatch(/served by:\n {2}measureplan collect --db .*start\.db --plan examples\/plans\/webshop\.json --allow-origin http:\/\/127\.0\.0\.1:\d+/);
  expect(out).toMatch(/the crowd is done: 10 shoppers/);
  const table = out.slice(out.indexOf('What the store holds'));
  expect(table).toMatch(/conversion\s+kind\s+events\s+visitors\s+value \(NOK\)/);

  // The printed figures are the store's.
  const store = new Database(db, { readonly: true });
  const rows = store.prepare("SELECT event, count(*) AS n FROM events WHERE type = 'track' AND context_measureplan_kind != 'signal' GROUP BY event").all() as { event: string; n: number }[];
  const quarantined = store.prepare('SELECT count(*) FROM quarantine').pluck().get();
  store.close();
  expect(rows.find((r) => r.event === 'view_item')?.n).toBeGreaterThan(0);
  for (const r of rows) expect(table).toMatch(new RegExp(`\\n {2}${r.event}\\s+(macro|micro)\\s+${r.n}\\s`));
  expect(quarantined).toBe(0);
  expect(table).toMatch(/in all\s+\d+ events from \d+ visitors; 0 in quarantine/);
}, 180_000);
