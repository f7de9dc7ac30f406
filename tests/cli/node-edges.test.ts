/**
 * Where the Node commands' behaviour and their docs disagreed: write failures of --out, a --db
 * file that is not SQLite, the exit code of an unreadable orders file, the report's browse line,
 * docs/cli.md's command list, and placeholder hints that named files the package does not ship.
 */
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePlan } from '../../src/plan/parse';
import type { Plan } from '../../src/plan/types';
import { toOutcome } from '../../src/server/message';
import { openStore } from '../../src/server/store';
import { ensureBuilt, root, run, tempDir } from './helpers';

const tmp = tempDir();
beforeAll(ensureBuilt);
afterAll(() => tmp.remove());

const WEBSHOP = 'examples/plans/webshop.json';
/** Node's error codes (EISDIR, ENOTDIR, EEXIST …) are not words for the person running the CLI. */
const NODE_CODE = /\bE[A-Z]{3,}\b/;
const doc = (name: string) => readFileSync(join(root, 'docs', name), 'utf8');

describe('an --out that cannot be written is a usage error in plain words (docs/cli.md: exit 2)', () => {
  it('codegen --out <a folder>: "it is a folder"', () => {
    const folder = join(tmp.dir, 'a-folder');
    mkdirSync(folder);
    const r = run(['codegen', WEBSHOP, '--out', folder]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain(`cannot write ${folder}: it is a folder.`);
    expect(r.stderr).not.toMatch(NODE_CODE);
    expect(r.stdout).toBe('');
  });

  it('docs --out under a file: "part of the path is a file, not a folder"', () => {
    const file = tmp.file('a-file.txt', 'x');
    for (const out of [join(file, 'plan.md'), join(file, 'deeper', 'plan.md')]) {
      const r = run(['docs', WEBSHOP, '--out', out]);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain(`cannot write ${out}: part of the path is a file, not a folder.`);
      expect(r.stderr).not.toMatch(NODE_CODE);
    }
  });

  it('reading and writing share one wording (permission and a missing folder included)', async () => {
    const { fileTrouble } = await import('../../src/cli/io');
    const err = (code: string) => Object.assign(new Error(`${code}: raw`), { code });
    expect(fileTrouble(err('ENOENT'), 'read')).toBe('no such file');
    expect(fileTrouble(err('ENOENT'), 'write')).toBe('its folder does not exist');
    expect(fileTrouble(err('EISDIR'), 'read')).toBe('it is a folder');
    expect(fileTrouble(err('EACCES'), 'write')).toBe('permission denied');
    expect(fileTrouble(err('EPERM'), 'write')).toBe('permission denied');
    expect(fileTrouble(err('EEXIST'), 'write')).toBe('part of the path is a file, not a folder');
    // validate keeps its read wording, now from the shared helper.
    expect(run(['validate', 'examples/plans']).stderr).toContain('cannot read examples/plans: it is a folder.');
  });
});

describe('a --db file that is not SQLite: exit 1 and a clear message, no stack (docs/report.md, docs/offline.md)', () => {
  const expectClear = (r: ReturnType<typeof run>, db: string) => {
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toContain(`${db} is not a measureplan store (not a SQLite database).`);
    expect(r.stderr).not.toMatch(/unexpected failure|\n\s+at /);
  };

  it('measureplan report', () => {
    const db = tmp.file('notes.txt', 'these are my notes, not a database\n'.repeat(20));
    expectClear(run(['report', '--plan', WEBSHOP, '--db', db]), db);
  });

  it('measureplan offline (with orders that need the store)', () => {
    const db = tmp.file('notes2.txt', 'these are my notes, not a database\n'.repeat(20));
    const orders = tmp.file('orders-store.csv', 'order_id,time,value,currency,visitor_id\nA-1,2026-03-01 13:00,10,NOK,anon-a\n');
    expectClear(run(['offline', '--orders', orders, '--to', 'meta', '--db', db, '--out', join(tmp.dir, 'meta.json')]), db);
  });
});

describe('offline: an orders file that cannot be read is a usage error, exit 2, as everywhere in the CLI', () => {
  it('exits 2, and offline --help and docs/offline.md say so (not 1)', () => {
    const r = run(['offline', '--orders', join(tmp.dir, 'no-orders.csv'), '--to', 'meta']);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/cannot read \S+no-orders\.csv: no such file\./);

    const help = run(['offline', '--help']).stdout;
    const exits = /Exit codes:([\s\S]*?)\n\n/.exec(help)![1]!.replace(/\s+/g, ' ');
    expect(/ 1 (.*?), 2 /.exec(exits)![1]).not.toMatch(/orders file/);
    expect(exits).toMatch(/ 2 usage error[^.]*orders file/);

    const md = doc('offline.md');
    expect(/^- 1: (.*)$/m.exec(md)![1]).not.toMatch(/orders file/);
    expect(/^- 2: (.*)$/m.exec(md)![1]).toMatch(/orders file that cannot be read/);
  });
});

describe('making the folders of an --out or a store never hangs', () => {
  it('makeFolders creates nested folders, accepts existing ones, and fails with Node\'s code where it cannot', async () => {
    const { makeFolders } = await import('../../src/server/folders');
    const deep = join(tmp.dir, 'm1', 'm2', 'm3');
    makeFolders(deep);
    makeFolders(deep);
    expect(statSync(deep).isDirectory()).toBe(true);
    const file = tmp.file('plain-file', 'x');
    expect(() => makeFolders(join(file, 'sub'))).toThrow(expect.objectContaining({ code: 'ENOTDIR' }));
  });

  it.runIf(existsSync('/proc/self'))('codegen --out under /proc exits 2 in words (Node\'s recursive mkdir spins there forever)', () => {
    const r = run(['codegen', WEBSHOP, '--out', '/proc/measureplan-nowhere/plan.gen.ts'], { timeoutMs: 15_000 });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain('cannot write /proc/measureplan-nowhere/plan.gen.ts: its folder does not exist.');
  });
});

describe('offline: an --out that cannot be written is a usage error too (exit 2, in words)', () => {
  it('offline --out <a folder>', () => {
    const folder = join(tmp.dir, 'upload-folder');
    mkdirSync(folder);
    const orders = tmp.file('orders-gclid.csv', 'order_id,time,value,currency,click_id\nA-1,2026-03-01 13:00,10,NOK,Cj0KCQiA-gclid-abc\n');
    const r = run(['offline', '--orders', orders, '--to', 'google-ads', '--conversion-name', 'Phone order', '--out', folder]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain(`cannot write ${folder}: it is a folder.`);
    expect(r.stderr).not.toMatch(NODE_CODE);
    const help = run(['offline', '--help']).stdout;
    expect(/Exit codes:([\s\S]*?)\n\n/.exec(help)![1]!.replace(/\s+/g, ' ')).toMatch(/ 2 usage error[^.]*--out file that cannot be written/);
    expect(/^- 2: ([\s\S]*?)\n\n/m.exec(doc('offline.md'))![1]).toMatch(/`--out` file that cannot be written/);
  });
});

describe('report: the browse line labels each number with what it counts', () => {
  // The abandonment rules of the report tests: a browse is abandoned with 2+ products viewed,
  // nothing added, and 1 h without a new view.
  const PLAN_JSON = {
    version: 1, name: 'Browse shop', currency: 'NOK',
    destinations: { collector: { url: '/collect' } },
    conversions: {
      purchase: { kind: 'macro', properties: { transaction_id: { type: 'string' }, value: { type: 'number' } }, value: 'value', send: { collector: {} } },
      view_item: { kind: 'micro', supports: ['purchase'], properties: { item_id: { type: 'string' }, item_name: { type: 'string', optional: true } }, send: { collector: {} } },
      add_to_cart: { kind: 'micro', supports: ['purchase'], properties: { item_id: { type: 'string' }, value: { type: 'number' } }, value: 'value', send: { collector: {} } },
    },
    abandonment: { cart: { add: 'add_to_cart', complete: 'purchase', after: '1h' }, browse: { view: 'view_item', min: 2, after: '1h' } },
  };
  const plan = (parsePlan(PLAN_JSON) as { plan: Plan }).plan;
  const MIN = 60_000;
  const T0 = Date.now() - 10 * 60 * MIN; // the CLI judges abandonment as of now
  let n = 0;
  const track = (visitor: string, event: string, at: number, properties: Record<string, unknown>) => ({
    type: 'track', event, anonymousId: visitor, messageId: `b${++n}`, timestamp: new Date(T0 + at * MIN).toISOString(), properties,
    context: { page: { path: '/' }, measureplan: { kind: 'micro', session_id: `s-${visitor}` } },
  });
  const view = (v: string, at: number, sku: string) => track(v, 'view_item', at, { item_id: sku, item_name: sku });
  const add = (v: string, at: number, sku: string) => track(v, 'add_to_cart', at, { item_id: sku, value: 100, currency: 'NOK' });

  let db: string;
  let planFile: string;
  beforeAll(() => {
    db = join(tmp.dir, 'browse.db');
    planFile = tmp.file('browse-plan.json', JSON.stringify(PLAN_JSON));
    const EVENTS = [
      view('abandoned', 0, 'jacket'), view('abandoned', 1, 'boots'), // 2 products, nothing added, 10 h ago
      view('one-product', 0, 'jacket'), // 1 product: never abandoned, stays open
      view('added', 0, 'jacket'), view('added', 1, 'boots'), add('added', 2, 'boots'), // ended by the add
      view('recent', 597, 'jacket'), view('recent', 598, 'boots'), // 2 products, 2 min ago: still open
    ];
    const store = openStore(db);
    store.write([EVENTS.map((m) => toOutcome(m, {}, new Date().toISOString(), plan))]);
    store.close();
  });

  it('4 browses started, 1 abandoned with 2+ products viewed and nothing added', () => {
    const json = run(['report', '--plan', planFile, '--db', db, '--format', 'json']);
    expect(json.code, json.stderr).toBe(0);
    expect(JSON.parse(json.stdout).abandonment.browse).toMatchObject({ min: 2, browses: 4, abandoned: 1, cancelled: 1, open: 2 });

    for (const format of ['text', 'md']) {
      const r = run(['report', '--plan', planFile, '--db', db, '--format', format]);
      expect(r.code, r.stderr).toBe(0);
      const line = r.stdout.split('\n').find((l) => l.includes('Browses'))!;
      expect(line, format).toMatch(/\b4 started\b/);
      // "2+ products viewed, nothing added" describes the abandoned browses: 1, not all 4.
      expect(line, format).toMatch(/\b1 abandoned(\*\*)? \(2\+ products viewed, nothing added\b/);
      expect(line, format).not.toMatch(/nothing added\): 4/);
    }
  });
});

describe('docs/cli.md lists every command', () => {
  const md = doc('cli.md');

  it('the command table has a row for each command of measureplan --help (report and offline included)', () => {
    const help = run(['--help']).stdout;
    const commands = [...help.matchAll(/^ {2}([a-z]+) {2,}/gm)].map((m) => m[1]!);
    expect(commands).toEqual(expect.arrayContaining(['report', 'offline']));
    const table = md.slice(md.indexOf('| Command |'), md.indexOf('## Exit codes'));
    const rows = [...table.matchAll(/^\| \[`([a-z]+)`\]/gm)].map((m) => m[1]);
    expect(rows).toEqual(commands);
  });

  it('the unknown-command example shows the real output', () => {
    const r = run(['valdate', 'plan.json']);
    expect(md).toContain(`$ npx measureplan valdate plan.json\n${r.stderr}`);
  });
});

describe('placeholder ids: the hint says where to find the real id', () => {
  it('names the place in the tool, not a file', () => {
    const plan = join(tmp.dir, 'starter.json');
    expect(run(['init', '--out', plan]).code).toBe(0);
    const r = run(['validate', plan, '--format', 'json']);
    const warnings = (JSON.parse(r.stdout).files[0].warnings as { rule: string; path: string; hint: string }[]).filter((w) => w.rule === 'placeholder-id');
    expect(warnings.length).toBeGreaterThan(0);
    for (const w of warnings) expect(w.hint, w.path).not.toMatch(/docs\//);
    expect(warnings.find((w) => w.path === 'destinations.ga4.measurementId')!.hint).toMatch(/GA4 Admin → Data streams/);
  });
});
