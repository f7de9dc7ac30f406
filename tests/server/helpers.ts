/**
 * `measureplan collect` as a real process (the built CLI), on a free port, with a temporary
 * store; plus small HTTP helpers and a read-only look into the store.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, expect } from 'vitest';
import { openStore, type Store } from '../../src/server/store';
import { bin, ensureBuilt, root } from '../cli/helpers';

export const PLAN = join(root, 'examples/plans/webshop.json');

export interface Collect {
  url: string;
  proc: ChildProcess;
  output(): string;
  /** SIGTERM, resolves with the exit code. */
  stop(): Promise<number | null>;
  /** Resolves with the exit code once the process has ended (however it was stopped). */
  exited: Promise<number | null>;
  /** kill -9, resolves when the process is gone. */
  kill9(): Promise<void>;
}

export function tempStore(): { dir: string; db: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'measureplan-collect-'));
  return { dir, db: join(dir, 'events.db'), remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A new store on disk; closing and removing it is put on `cleanups` (run after the test). */
export function openedStore(cleanups: (() => unknown)[]): Store {
  const dir = tempStore();
  cleanups.push(() => dir.remove());
  const store = openStore(dir.db);
  cleanups.push(() => store.close());
  return store;
}

/** `maxFileKB`: the process may write no file beyond this size (`ulimit -f`, SIGXFSZ ignored): a full disk. */
export async function startCollect(args: string[], env: Record<string, string> = {}, maxFileKB?: number): Promise<Collect> {
  ensureBuilt();
  const argv = [bin, 'collect', '--port', '0', ...args];
  const proc = maxFileKB === undefined
    ? spawn(process.execPath, argv, { cwd: root, env: { ...process.env, NO_COLOR: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
    : spawn('bash', ['-c', `trap '' XFSZ; ulimit -f ${maxFileKB}; exec "$0" "$@"`, process.execPath, ...argv], { cwd: root, env: { ...process.env, NO_COLOR: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout!.on('data', (c) => { out += c; });
  proc.stderr!.on('data', (c) => { out += c; });
  const exited = new Promise<number | null>((ok) => proc.once('exit', (code) => ok(code)));
  const url = await new Promise<string>((ok, fail) => {
    const t = setTimeout(() => fail(new Error(`collect did not start:\n${out}`)), 15000);
    proc.stdout!.on('data', () => { const m = /listening on (http:\/\/\S+)/.exec(out); if (m) { clearTimeout(t); ok(m[1]!); } });
    void exited.then((code) => { clearTimeout(t); fail(new Error(`collect exited with ${code}:\n${out}`)); });
  });
  // Without --quiet the server describes itself after its first line: wait for the whole of it.
  if (!args.includes('--quiet')) {
    const end = Date.now() + 5000;
    while (!out.includes('  endpoints  ') && Date.now() < end) await new Promise((ok) => setTimeout(ok, 10));
  }
  return {
    url,
    proc,
    output: () => out,
    stop: () => { proc.kill('SIGTERM'); return exited; },
    exited,
    kill9: async () => { proc.kill('SIGKILL'); await exited; },
  };
}

export interface Reply { status: number; headers: Headers; body: Record<string, unknown> }

export async function post(url: string, body: unknown, { headers = {}, gzip = false, raw = false }: { headers?: Record<string, string>; gzip?: boolean; raw?: boolean } = {}): Promise<Reply> {
  let data: string | Uint8Array<ArrayBuffer> = raw ? (body as string) : JSON.stringify(body);
  if (gzip) data = new Uint8Array(gzipSync(data));
  const res = await fetch(url, { method: 'POST', body: data, headers: { 'Content-Type': 'application/json', ...(gzip ? { 'Content-Encoding': 'gzip' } : {}), ...headers } });
  const text = await res.text();
  let parsed: Record<string, unknown> = {};
  try { parsed = JSON.parse(text) as Record<string, unknown>; } catch { parsed = { text }; }
  return { status: res.status, headers: res.headers, body: parsed };
}

/** A read-only look at the store (the server may still be writing: WAL lets us read alongside). */
export function readStore<T>(db: string, fn: (d: Database.Database) => T): T {
  const d = new Database(db, { readonly: true, fileMustExist: true });
  try { return fn(d); } finally { d.close(); }
}

let n = 0;
/** A view_item message the webshop plan accepts, shaped like the collector adapter's. */
export function viewItem(over: Record<string, unknown> = {}): Record<string, unknown> {
  n++;
  return {
    type: 'track', event: 'view_item', messageId: `m-${process.pid}-${Date.now()}-${n}-${Math.random().toString(36).slice(2)}`, anonymousId: `anon-${n % 7}`,
    timestamp: new Date().toISOString(),
    properties: { item_id: 'tind-shell-jacket', item_name: 'Tind shell jacket', item_category: 'jackets', value: 2499, currency: 'NOK', funnel: 'checkout', funnel_step: 1, funnel_steps: 4 },
    context: {
      library: { name: 'measureplan', version: '0.1.0' }, userAgent: 'vitest', locale: 'nb-NO',
      page: { url: 'http://127.0.0.1/product/tind-shell-jacket', path: '/product/tind-shell-jacket', title: 'Tind', referrer: '' },
      measureplan: { kind: 'micro', session_id: 's1', click_ids: { gclid: 'g-1' }, consent: { analytics: 'granted', ads: 'granted' } },
    },
    ...over,
  };
}

/**
 * One collect server with a temporary store for a whole test file, started before its tests (with
 * the webshop plan and `args`) and stopped after them, where it must exit 0. `count` runs a
 * single-value query on the store.
 */
export function useCollect(args: string[]): { server: Collect; store: ReturnType<typeof tempStore>; count(sql: string, ...params: unknown[]): number } {
  const c = {
    server: undefined as unknown as Collect,
    store: undefined as unknown as ReturnType<typeof tempStore>,
    count: (sql: string, ...params: unknown[]) => readStore(c.store.db, (d) => d.prepare(sql).pluck().get(...params) as number),
  };
  beforeAll(async () => {
    c.store = tempStore();
    c.server = await startCollect(['--db', c.store.db, '--plan', PLAN, ...args]);
  }, 30_000);
  afterAll(async () => {
    expect(await c.server.stop()).toBe(0);
    c.store.remove();
  });
  return c;
}
