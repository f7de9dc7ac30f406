/**
 * Findings of an exploratory QA pass over the built CLI (negative --timezone offsets, a folder
 * or a missing file as --db, codegen --out to a device or a pipe, init --out to a folder, the
 * offline docs on Microsoft click ids), each checked the way a user meets it.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePlan } from '../../src/plan/parse';
import type { Plan } from '../../src/plan/types';
import { toOutcome } from '../../src/server/message';
import { openStore } from '../../src/server/store';
import { bin, ensureBuilt, root, run, tempDir } from './helpers';

const tmp = tempDir();
afterAll(() => tmp.remove());

const PLAN_JSON = {
  version: 1, name: 'Shop', currency: 'NOK',
  destinations: { collector: { url: '/collect' } },
  conversions: { purchase: { kind: 'macro', properties: { transaction_id: { type: 'string' }, value: { type: 'number' } }, value: 'value', send: { collector: {} } } },
};
const plan = (parsePlan(PLAN_JSON) as { plan: Plan }).plan;
const webshop = join(root, 'examples/plans/webshop.json');

let db: string;
let planFile: string;
let folder: string;
beforeAll(() => {
  ensureBuilt();
  planFile = tmp.file('plan.json', JSON.stringify(PLAN_JSON));
  folder = join(tmp.dir, 'a-folder');
  mkdirSync(folder);
  db = join(tmp.dir, 'shop.db');
  const store = openStore(db);
  const buy = (id: string, iso: string, who: Record<string, string>) => ({
    type: 'track', event: 'purchase', messageId: id, timestamp: iso, ...who,
    properties: { transaction_id: `T-${id}`, value: 100, currency: 'NOK' }, context: { measureplan: { kind: 'macro' } },
  });
  store.write([[
    buy('m1', '2026-11-10T10:00:00.000Z', { anonymousId: 'v1' }),
    // A purchase a shop's server sent with the customer's user id only: no browser, no visitors row.
    buy('m2', '2026-11-10T14:00:00.000Z', { userId: 'u-7' }),
    buy('m0', '2026-11-09T08:00:00.000Z', { userId: 'u-8' }),
  ].map((m) => toOutcome(m, {}, new Date().toISOString(), plan))]);
  store.close();
});

describe('a value that starts with "-" (finding 1)', () => {
  it('report --timezone -05:00 is an offset, as +01:00 is', () => {
    const r = run(['report', '--plan', planFile, '--db', db, '--timezone', '-05:00', '--from', '2026-11-10', '--format', 'json']);
    expect(r.code, r.stderr).toBe(0);
    // 2026-11-10 00:00 at -05:00 is 05:00 UTC.
    expect(JSON.parse(r.stdout).range).toMatchObject({ timezone: '-05:00', from: '2026-11-10T05:00:00.000Z' });
  });

  it('offline --timezone -03:30 is an offset: the Google Ads file says so', () => {
    const orders = tmp.file('orders.csv', 'order_id,time,value,currency,gclid\nO-1,2026-03-01 13:00,100,NOK,Cj0KCQiA4example\n');
    const out = join(tmp.dir, 'google.csv');
    const r = run(['offline', '--orders', orders, '--to', 'google-ads', '--conversion-name', 'Phone order', '--timezone', '-03:30', '--out', out], { cwd: tmp.dir });
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(out, 'utf8').split('\n')[0]).toBe('Parameters:TimeZone=-0330');
  });

  it('report --mde -5 gets the range message, not "needs a value"', () => {
    const r = run(['report', '--plan', planFile, '--db', db, '--mde', '-5']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--mde must be a percentage above 0, not "-5".');
  });

  it('a missing value, an option in its place and unknown options are still told apart', () => {
    const end = run(['report', '--plan', planFile, '--db', db, '--timezone']);
    expect([end.code, end.stderr]).toEqual([2, expect.stringContaining('option --timezone needs a value.')]);
    const next = run(['report', '--plan', planFile, '--db', db, '--timezone', '--format', 'json']);
    expect([next.code, next.stderr]).toEqual([2, expect.stringContaining('option --timezone needs a value.')]);
    const unknown = run(['report', '--plan', planFile, '--db', db, '--timezon', '-05:00']);
    expect([unknown.code, unknown.stderr]).toEqual([2, expect.stringContaining('unknown option --timezon for "report".')]);
    expect(unknown.stderr).toContain('Did you mean --timezone?');
  });
});

describe('the all-time range covers every event (finding 2)', () => {
  it('first and last event include the userId-only purchases, as a dated report does', () => {
    const all = run(['report', '--plan', planFile, '--db', db, '--format', 'json']);
    expect(all.code, all.stderr).toBe(0);
    const dated = run(['report', '--plan', planFile, '--db', db, '--format', 'json', '--from', '2026-11-01']);
    const a = JSON.parse(all.stdout);
    expect(a.range).toMatchObject({ first_event: '2026-11-09T08:00:00.000Z', last_event: '2026-11-10T14:00:00.000Z' });
    expect(JSON.parse(dated.stdout).range).toMatchObject({ first_event: a.range.first_event, last_event: a.range.last_event });
    // Visitors are still the browsers (anonymous ids); events count all three.
    expect(a.totals).toMatchObject({ events: 3, visitors: 1 });
    const text = run(['report', '--plan', planFile, '--db', db]);
    expect(text.stdout).toContain('first 2026-11-09 08:00, last 2026-11-10 14:00');
  });
});

describe('a store that is not there (finding 4) or is a folder (finding 8)', () => {
  it('forget on a missing --db exits 1, as report and offline do, and creates nothing', () => {
    const missing = join(tmp.dir, 'nope.db');
    const forget = run(['forget', '--db', missing, '--email', 'kari@example.com']);
    expect([forget.code, forget.stderr]).toEqual([1, expect.stringContaining(`the store ${missing} cannot be opened: there is no such file.`)]);
    expect(existsSync(missing)).toBe(false);
    const report = run(['report', '--plan', planFile, '--db', missing]);
    expect([report.code, report.stderr]).toEqual([1, expect.stringContaining(`the store ${missing} cannot be opened: there is no such file.`)]);
  });

  it('forget --help gives the same exit code for it', () => {
    const help = run(['forget', '--help']).stdout;
    expect(help).toMatch(/1 the store cannot be\s+opened \(it does not exist/);
  });

  it('report, offline, forget and collect say that a folder is a folder', async () => {
    const said = `${folder} is a folder, not a store.`;
    const report = run(['report', '--plan', planFile, '--db', folder]);
    expect([report.code, report.stderr]).toEqual([1, expect.stringContaining(said)]);
    expect(report.stderr).not.toContain('disk I/O error');
    const orders = tmp.file('orders-visitor.csv', 'order_id,time,value,currency,visitor_id\nO-1,2026-03-01 13:00,100,NOK,v1\n');
    const offline = run(['offline', '--orders', orders, '--to', 'meta', '--db', folder], { cwd: tmp.dir });
    expect([offline.code, offline.stderr]).toEqual([1, expect.stringContaining(said)]);
    const forget = run(['forget', '--db', folder, '--email', 'kari@example.com']);
    expect([forget.code, forget.stderr]).toEqual([1, expect.stringContaining(said)]);
    const collect = run(['collect', '--db', folder, '--port', '0', '--quiet'], { timeoutMs: 20_000 });
    expect([collect.code, collect.stderr]).toEqual([1, expect.stringContaining(said)]);
  });
});

describe('codegen --out to something that is not a file (finding 6)', () => {
  it.skipIf(!existsSync('/dev/full'))('/dev/full: "the disk is full", exit 2, as the other commands', () => {
    const r = run(['codegen', webshop, '--out', '/dev/full'], { timeoutMs: 20_000 });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('cannot write /dev/full: the disk is full.');
    expect(r.stderr).not.toContain('bad_alloc');
  });

  it.skipIf(!existsSync('/dev/stdout') || !existsSync('/usr/bin/timeout'))('/dev/stdout into a shell pipe: the module is written there, nothing waits', () => {
    // A shell pipe is a FIFO (spawnSync's own pipes are sockets, which /dev/stdout cannot reopen).
    // `timeout` ends a codegen that waits for input on the pipe, so a failure leaves no process behind.
    const r = spawnSync('sh', ['-c', `{ timeout 20 "${process.execPath}" "${bin}" codegen "${webshop}" --out /dev/stdout; echo "exit $?" >&2; } | cat`], { encoding: 'utf8', timeout: 30_000 });
    expect(r.stderr).toContain('exit 0');
    expect(r.stdout).toContain('export const plan = {');
  });

  it('--check on a folder says it is not a file', () => {
    const r = run(['codegen', webshop, '--out', folder, '--check']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${folder} is not a file`);
  });
});

describe('init --out <a folder> (finding 7)', () => {
  it('says it is a folder right away, without suggesting --force', () => {
    const r = run(['init', '--out', folder]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`cannot write ${folder}: it is a folder.`);
    expect(r.stderr).not.toContain('--force');
  });
});

describe('docs/offline.md on click ids of unknown kind (finding 5)', () => {
  it('Microsoft takes only msclkid-shaped ids: the code refuses a gclid, and the doc says so', () => {
    const orders = tmp.file('orders-ms.csv', 'order_id,time,value,currency,click_id\nO-1,2026-03-01 13:00,100,NOK,Cj0KCQiA4example_gclid\n');
    const r = run(['offline', '--orders', orders, '--to', 'microsoft', '--conversion-name', 'Phone order', '--timezone', 'Europe/Oslo', '--out', join(tmp.dir, 'ms.csv')], { cwd: tmp.dir });
    expect(r.stderr + r.stdout).toContain('its click id is not a msclkid');
    const doc = readFileSync(join(root, 'docs/offline.md'), 'utf8').replace(/\s+/g, ' ');
    expect(doc.includes('Otherwise the id is read as the kind of the platform you export to.')).toBe(false);
    expect(doc.includes('Microsoft Advertising takes only an id shaped like a `msclkid`')).toBe(true);
  });
});
