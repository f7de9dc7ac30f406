/**
 * `measureplan collect` and the readers when the store's infrastructure fails (ops QA 2026-12-07):
 * a damaged file, a full disk, a write lock held elsewhere, the file deleted under a running
 * server, a signal while it starts, a reader that may not create the -shm. Real SQLite throughout:
 * pages overwritten in a real store, `ulimit -f` for a full disk, a second connection holding
 * BEGIN IMMEDIATE for a busy store, unlink for a deleted one.
 */
import { spawn, spawnSync } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { chmodSync, closeSync, existsSync, openSync, rmSync, symlinkSync, unlinkSync, writeSync } from 'node:fs';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { collect } from '../../src/cli/collect';
import { toOutcome } from '../../src/server/message';
import { busyTimeoutMs, openStore, storeTrouble } from '../../src/server/store';
import { bin, ensureBuilt, root } from '../cli/helpers';
import { PLAN, post, startCollect, tempStore, viewItem } from './helpers';

const dirs: ReturnType<typeof tempStore>[] = [];
afterEach(() => { for (const d of dirs.splice(0)) d.remove(); });
const fresh = () => { const d = tempStore(); dirs.push(d); return d; };

/** A closed store of `n` events (its -wal checkpointed into the file and removed). */
function storeOf(file: string, n: number, prepare?: (db: Database.Database) => void): void {
  if (prepare) { const raw = new Database(file); prepare(raw); raw.close(); }
  const s = openStore(file);
  const at = new Date().toISOString();
  for (let i = 0; i < n; i += 100) s.write([Array.from({ length: Math.min(100, n - i) }, () => toOutcome(viewItem(), {}, at, undefined))]);
  s.close();
}

/** Overwrites the root page of each b-tree of `tables` (the table's, or also its indexes') with bytes no page has: a bad sector. */
function damage(file: string, tables: string[], { indexes = true } = {}): void {
  const d = new Database(file, { readonly: true });
  const size = d.pragma('page_size', { simple: true }) as number;
  const roots = (d.prepare(`SELECT rootpage FROM sqlite_schema WHERE tbl_name IN (${tables.map(() => '?').join(', ')}) AND rootpage > 1 ${indexes ? '' : "AND type = 'table'"}`).pluck().all(...tables) as number[]);
  d.close();
  expect(roots.length).toBeGreaterThan(0);
  const fd = openSync(file, 'r+');
  try { for (const r of roots) writeSync(fd, Buffer.alloc(size, 0xff), 0, size, (r - 1) * size); } finally { closeSync(fd); }
}

/**
 * For the processes that meet a write lock held here: SQLite's busy timeout at 250 ms instead of
 * 5 s (MEASUREPLAN_BUSY_TIMEOUT_MS, docs/collect.md). The lock is held for the whole wait either
 * way: what they say and do once it runs out is the same, only sooner.
 */
const SHORT_BUSY = { MEASUREPLAN_BUSY_TIMEOUT_MS: '250' };

interface Ran { code: number | null; stdout: string; stderr: string }
const cli = (args: string[], prefix: string[] = [], env: Record<string, string> = {}): Ran => {
  ensureBuilt();
  const [cmd, ...rest] = prefix.length ? prefix : [process.execPath];
  const r = spawnSync(cmd!, [...rest, ...(prefix.length ? [process.execPath] : []), bin, ...args], { cwd: root, env: { ...process.env, NO_COLOR: '1', ...env }, encoding: 'utf8', timeout: 30_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};

/** `collect` as a process that may never print "listening": its output, and its exit code. */
function spawnCollect(args: string[], env: Record<string, string> = {}) {
  ensureBuilt();
  const proc = spawn(process.execPath, [bin, 'collect', '--port', '0', ...args], { cwd: root, env: { ...process.env, NO_COLOR: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout.on('data', (c) => { out += c; });
  proc.stderr.on('data', (c) => { out += c; });
  const exited = new Promise<number | null>((ok) => proc.once('exit', (code) => ok(code)));
  /** Resolves once the output matches (no timing guess: the test's own timeout ends a wait that never comes). */
  const until = async (re: RegExp) => { while (!re.test(out)) { if (proc.exitCode !== null) throw new Error(`collect exited ${proc.exitCode}:\n${out}`); await new Promise((ok) => setTimeout(ok, 20)); } };
  return { proc, output: () => out, exited, until };
}

describe('a damaged store (F1)', () => {
  it('collect refuses it in words at start (exit 1, restore the backup), not as an unexpected failure (exit 3)', () => {
    const d = fresh();
    storeOf(d.db, 500);
    damage(d.db, ['events']);
    const r = cli(['collect', '--port', '0', '--db', d.db, '--quiet']);
    expect(r.stderr).not.toMatch(/unexpected failure|SqliteError|\n\s+at /);
    expect(r.stderr).toContain(`measureplan collect: the store ${d.db} is damaged (database disk image is malformed).`);
    expect(r.stderr).toMatch(/Restore the last backup \(docs\/collect\.md#backups\)/);
    expect(r.stderr).toContain(`sqlite3 ${d.db} ".recover"`);
    expect(r.stdout).not.toMatch(/listening/);
    expect(r.code).toBe(1);
  });

  it('report and export say so too (exit 1)', () => {
    const d = fresh();
    storeOf(d.db, 500);
    damage(d.db, ['events', 'events_raw']);
    const report = cli(['report', '--plan', PLAN, '--db', d.db]);
    expect(report.stderr).not.toMatch(/unexpected failure|SqliteError/);
    expect(report.stderr).toContain(`measureplan report: the store ${d.db} is damaged`);
    expect(report.stderr).toMatch(/Restore the last backup/);
    expect(report.code).toBe(1);
    const exported = cli(['export', '--db', d.db, '--anonymous-id', 'anon-1']);
    expect(exported.stderr).toContain(`measureplan export: the store ${d.db} is damaged`);
    expect(exported.stderr).toMatch(/Restore the last backup/);
    expect(exported.code).toBe(1);
  });

  it('a commit that meets the damage is refused 503 and said on stderr with the advice, even with --quiet (F4)', async () => {
    const d = fresh();
    storeOf(d.db, 500);
    damage(d.db, ['events'], { indexes: false }); // the count reads an index: the server starts, the first insert meets the table's root
    const c = await startCollect(['--db', d.db, '--quiet']);
    try {
      const r = await post(`${c.url}/v1/batch`, { batch: [viewItem()] });
      expect(r.status).toBe(503);
      const health = await fetch(`${c.url}/health`);
      expect(health.status).toBe(503);
      expect(((await health.json()) as { reason: string }).reason).toMatch(/malformed/);
      expect(c.output()).toContain(`measureplan collect: the store ${d.db} is damaged (database disk image is malformed).`);
      expect(c.output()).toMatch(/Posts are answered 503 .*Restore the last backup/);
    } finally {
      expect(await c.stop()).toBe(0);
    }
  });
});

// Second read 2026-12-07: the relay's count reads pages the start's check does not.
describe('a damaged store with --forward', () => {
  const damaged = () => {
    const d = fresh();
    storeOf(d.db, 500);
    damage(d.db, ['events'], { indexes: false }); // the start's count reads an index; the relay's reads the table
    return d;
  };

  it('starts and says the relay cannot read it, instead of an unexpected failure (exit 3)', async () => {
    const d = damaged();
    const c = spawnCollect(['--db', d.db, '--forward', 'http://127.0.0.1:9/x', '--write-key', 'k']);
    try {
      await c.until(/relay {6}http:\/\/127\.0\.0\.1:9\/x/);
      await c.until(/endpoints/);
      expect(c.output()).toMatch(/relay {6}\S+ \(the store .* is damaged/);
      c.proc.kill('SIGTERM');
      expect(await c.exited).toBe(0);
      expect(c.output()).not.toMatch(/unexpected failure|\n\s+at /);
    } finally {
      c.proc.kill('SIGKILL');
    }
  }, 30_000);

  it('a damaged relay table: the relay cannot start, said in words; the events are still stored (final read 2026-12-07)', async () => {
    const d = fresh();
    storeOf(d.db, 10);
    const c0 = spawnCollect(['--db', d.db, '--forward', 'http://127.0.0.1:9/x', '--write-key', 'k', '--quiet']); // makes relay_state
    await c0.until(/listening on (http:\S+)/);
    c0.proc.kill('SIGTERM');
    expect(await c0.exited).toBe(0);
    damage(d.db, ['relay_state']);
    const c = spawnCollect(['--db', d.db, '--forward', 'http://127.0.0.1:9/x', '--write-key', 'k', '--quiet']);
    try {
      await c.until(/listening on (http:\S+)/);
      expect(c.output()).toMatch(/measureplan collect: the relay to http:\/\/127\.0\.0\.1:9\/x\/v1\/batch cannot start: the store .* is damaged/);
      const url = /listening on (http:\S+)/.exec(c.output())![1]!;
      expect((await post(`${url}/v1/batch`, { batch: [viewItem()] })).status).toBe(200);
      c.proc.kill('SIGTERM');
      expect(await c.exited).toBe(0);
      expect(c.output()).not.toMatch(/unexpected failure/);
    } finally {
      c.proc.kill('SIGKILL');
    }
  }, 30_000);

  it('with --quiet, a relay stopped by the damage is said on stderr', async () => {
    const d = damaged();
    const c = spawnCollect(['--db', d.db, '--forward', 'http://127.0.0.1:9/x', '--write-key', 'k', '--quiet']);
    try {
      await c.until(/measureplan collect: relay: stopped by an unexpected error: database disk image is malformed/);
      c.proc.kill('SIGTERM');
      expect(await c.exited).toBe(0);
    } finally {
      c.proc.kill('SIGKILL');
    }
  }, 30_000);
});

describe('a full disk or a busy store (F2)', () => {
  it('a full disk is said as one, with what to do (not "is it a measureplan store?")', () => {
    // SQLite says SQLITE_FULL only for the kernel's ENOSPC, which a test cannot cause without
    // mounting a small volume: the words are checked on SQLite's own error here, and the open
    // that fails writing (below, a file size limit) through the process.
    const full = storeTrouble('/srv/shop/measureplan.db', new Database.SqliteError('database or disk is full', 'SQLITE_FULL'));
    expect(full?.message).toBe('the store /srv/shop/measureplan.db cannot be written: the disk is full (database or disk is full).');
    expect(full?.hint).toMatch(/^Free space on the volume that holds \/srv\/shop\/measureplan\.db/);
  });

  it('a write refused at start (a file size limit) is said with where to look, not "is it a measureplan store?"', () => {
    const d = fresh();
    // 64 KB pages: the first write at the open (one WAL frame) does not fit under a 40 KB file size limit.
    storeOf(d.db, 10, (raw) => { raw.pragma('page_size = 65536'); raw.exec('VACUUM'); });
    const r = cli(['collect', '--port', '0', '--db', d.db, '--quiet'], ['bash', '-c', 'trap "" XFSZ; ulimit -f 40; exec "$0" "$@"']);
    expect(r.stderr).toContain(`measureplan collect: the store ${d.db} could not be written or read (disk I/O error).`);
    expect(r.stderr).toMatch(/Check the free space on the volume that holds .*ulimit -f.*dmesg/);
    expect(r.stderr).not.toMatch(/Is it a measureplan store/);
    expect(r.code).toBe(1);
  });

  it('the busy wait is 5 s unless MEASUREPLAN_BUSY_TIMEOUT_MS gives whole milliseconds (what the tests below use)', () => {
    expect(busyTimeoutMs({})).toBe(5000);
    expect(busyTimeoutMs({ MEASUREPLAN_BUSY_TIMEOUT_MS: '250' })).toBe(250);
    for (const v of ['', '-1', '1.5', '5s', 'x']) expect(busyTimeoutMs({ MEASUREPLAN_BUSY_TIMEOUT_MS: v }), v).toBe(5000);
    const s = openStore(fresh().db);
    try { expect(s.db.pragma('busy_timeout', { simple: true })).toBe(busyTimeoutMs()); } finally { s.close(); }
  });

  it('forget and retain say that another process holds the write lock, and to try again (exit 1)', () => {
    const d = fresh();
    storeOf(d.db, 10);
    const other = new Database(d.db);
    other.pragma('busy_timeout = 0');
    other.exec('BEGIN IMMEDIATE');
    try {
      for (const args of [['forget', '--db', d.db, '--anonymous-id', 'anon-1'], ['retain', '--db', d.db, '--days', '30']]) {
        const r = cli(args, [], SHORT_BUSY);
        expect(r.stderr).toContain(`measureplan ${args[0]}: the store ${d.db} is busy: another process holds its write lock (database is locked).`);
        expect(r.stderr).toMatch(/forget or retain, a second measureplan collect, or a sqlite3 shell is writing it: try again when it has finished/);
        expect(r.stderr).not.toMatch(/Is it a measureplan store/);
        expect(r.code).toBe(1);
      }
    } finally {
      other.exec('COMMIT');
      other.close();
    }
  }, 30_000);

  it('collect waits a held write lock out at start, says so, and starts once it is let go', async () => {
    const d = fresh();
    storeOf(d.db, 10);
    const other = new Database(d.db);
    other.exec('BEGIN IMMEDIATE');
    const c = spawnCollect(['--db', d.db, '--quiet'], SHORT_BUSY);
    try {
      await c.until(/Waiting for it/);
      expect(c.output()).toContain(`measureplan collect: the store ${d.db} is busy: another process holds its write lock`);
      other.exec('COMMIT');
      await c.until(/listening on (http:\/\/\S+)/);
      const url = /listening on (http:\/\/\S+)/.exec(c.output())![1]!;
      expect((await post(`${url}/v1/batch`, { batch: [viewItem()] })).status).toBe(200);
      c.proc.kill('SIGTERM');
      expect(await c.exited).toBe(0);
    } finally {
      if (other.inTransaction) other.exec('COMMIT');
      other.close();
      c.proc.kill('SIGKILL');
    }
  }, 30_000);

  it('a commit refused by a held lock is said on stderr with --quiet, and so is the recovery (F4)', async () => {
    const d = fresh();
    const c = await startCollect(['--db', d.db, '--quiet'], SHORT_BUSY);
    const other = new Database(d.db);
    try {
      other.exec('BEGIN IMMEDIATE');
      expect((await post(`${c.url}/v1/batch`, { batch: [viewItem()] })).status).toBe(503); // after the busy wait (250 ms here)
      other.exec('COMMIT');
      expect(c.output()).toContain(`measureplan collect: the store ${d.db} is busy: another process holds its write lock (database is locked).`);
      expect((await post(`${c.url}/v1/batch`, { batch: [viewItem()] })).status).toBe(200);
      expect(c.output()).toContain(`measureplan collect: the store ${d.db} commits again.`);
    } finally {
      if (other.inTransaction) other.exec('COMMIT');
      other.close();
      expect(await c.stop()).toBe(0);
    }
  }, 30_000);
});

describe('a store deleted while collect runs (F3)', () => {
  it.each([
    ['the store and its -wal and -shm', ['', '-wal', '-shm'], 'was deleted or replaced while the server ran; restart it'],
    ['only its -wal and -shm', ['-wal', '-shm'], 'write-ahead log'],
  ])('%s: nothing is acknowledged after, /health says 503, stderr says what happened', async (_, suffixes, words) => {
    const d = fresh();
    const c = await startCollect(['--db', d.db, '--quiet']);
    try {
      expect((await post(`${c.url}/v1/batch`, { batch: [viewItem()] })).status).toBe(200);
      expect((await fetch(`${c.url}/health`)).status).toBe(200);
      for (const s of suffixes) unlinkSync(d.db + s);
      const health = await fetch(`${c.url}/health`);
      expect(health.status).toBe(503);
      expect(((await health.json()) as { reason: string }).reason).toContain(words);
      const r = await post(`${c.url}/v1/batch`, { batch: [viewItem()] });
      expect(r.status).toBe(503);
      expect(String(r.body.msg)).toContain(words);
      expect(c.output()).toMatch(new RegExp(`measureplan collect: the (store|store's write-ahead log) ${d.db}(-wal)? was deleted or replaced while the server ran; restart it`));
    } finally {
      expect(await c.stop()).toBe(0);
    }
  });

  it('the events in a deleted -wal are copied into the store file at once: they survive kill -9', async () => {
    const d = fresh();
    const c = await startCollect(['--db', d.db, '--quiet']);
    const acked = viewItem();
    expect((await post(`${c.url}/v1/batch`, { batch: [acked] })).status).toBe(200);
    for (const s of ['-wal', '-shm']) unlinkSync(d.db + s);
    expect((await post(`${c.url}/v1/batch`, { batch: [viewItem()] })).status).toBe(503);
    await c.kill9();
    const r = new Database(d.db, { readonly: true });
    try {
      expect(r.prepare('SELECT id FROM events').pluck().all()).toEqual([acked.messageId]);
    } finally {
      r.close();
    }
  });

  // Second read 2026-12-07: a reader's open transaction held part of the copy back, and the
  // server still said the events were copied; kill -9 then lost all of them.
  it('with a reader holding a transaction, the copy is not said done until it is; it completes once the reader lets go', async () => {
    const d = fresh();
    const c = await startCollect(['--db', d.db, '--quiet']);
    const acked = [viewItem(), viewItem()];
    expect((await post(`${c.url}/v1/batch`, { batch: [acked[0]] })).status).toBe(200);
    const reader = new Database(d.db, { readonly: true });
    reader.exec('BEGIN');
    reader.prepare('SELECT count(*) FROM events').get(); // its snapshot: the first event only
    expect((await post(`${c.url}/v1/batch`, { batch: [acked[1]] })).status).toBe(200);
    for (const x of ['-wal', '-shm']) unlinkSync(d.db + x);
    expect((await fetch(`${c.url}/health`)).status).toBe(503);
    expect(c.output()).toContain('write-ahead log');
    expect(c.output()).not.toContain('were copied'); // the reader held part of it back
    reader.exec('COMMIT');
    reader.close();
    expect((await fetch(`${c.url}/health`)).status).toBe(503); // checks again: the copy completes
    await c.kill9();
    const r = new Database(d.db, { readonly: true });
    try {
      expect(r.prepare('SELECT id FROM events ORDER BY id').pluck().all()).toEqual(acked.map((m) => m.messageId).sort());
    } finally {
      r.close();
    }
  });

  it('a --db that is a symlink: the -wal beside the file it names is watched', async () => {
    const d = fresh();
    const link = `${d.db}.link`;
    symlinkSync(d.db, link);
    const c = await startCollect(['--db', link, '--quiet']);
    try {
      expect((await post(`${c.url}/v1/batch`, { batch: [viewItem()] })).status).toBe(200);
      expect(existsSync(`${d.db}-wal`)).toBe(true);
      for (const x of ['-wal', '-shm']) unlinkSync(d.db + x);
      expect((await post(`${c.url}/v1/batch`, { batch: [viewItem()] })).status).toBe(503);
      expect((await fetch(`${c.url}/health`)).status).toBe(503);
    } finally {
      expect(await c.stop()).toBe(0);
      rmSync(link, { force: true });
    }
  });

  it('a server that commits as usual never takes its own files for replaced ones', async () => {
    const d = fresh();
    // Checkpoints every 40 MB here (160 MB by default): about 80 MB (message and properties)
    // passes one about twice. The -wal is written again from its start then, never made anew.
    const c = await startCollect(['--db', d.db, '--quiet'], { MEASUREPLAN_WAL_CHECKPOINT_PAGES: '10000' });
    try {
      const big = 'x'.repeat(20_000);
      for (let i = 0; i < 100; i++) expect((await post(`${c.url}/v1/batch`, { batch: Array.from({ length: 20 }, () => viewItem({ properties: { item_id: 'a', note: big } })) })).status).toBe(200);
      const other = openStore(d.db); // forget and retain open and close their own connections beside it
      other.close();
      expect((await post(`${c.url}/v1/batch`, { batch: [viewItem()] })).status).toBe(200);
      expect((await fetch(`${c.url}/health`)).status).toBe(200);
    } finally {
      expect(await c.stop()).toBe(0);
    }
  }, 60_000);
});

describe('a signal while collect starts (F5)', () => {
  it('SIGTERM as the port opens drains and exits 0: the handler is there before the server listens', async () => {
    const d = fresh();
    const signals = new EventEmitter();
    let out = '';
    let sent = false;
    const io = {
      out: { write: (s: string) => { out += s; if (!sent && /listening on/.test(s)) { sent = true; signals.emit('SIGTERM'); } } },
      err: { write: (s: string) => { out += s; } },
    };
    const code = await Promise.race([
      collect(['--port', '0', '--db', d.db], io, signals),
      new Promise((ok) => setTimeout(() => ok('still running'), 10_000)),
    ]);
    expect(code).toBe(0);
    expect(out).toMatch(/SIGTERM: finishing the requests in flight/);
    expect(signals.listenerCount('SIGTERM')).toBe(0);
  }, 20_000);

  it('SIGTERM while it waits for a busy store stops it with exit 0', async () => {
    const d = fresh();
    storeOf(d.db, 10);
    const other = new Database(d.db);
    other.exec('BEGIN IMMEDIATE');
    const c = spawnCollect(['--db', d.db], SHORT_BUSY);
    try {
      await c.until(/Waiting for it/);
      c.proc.kill('SIGTERM');
      expect(await c.exited).toBe(0);
      expect(c.output()).toContain('SIGTERM: stopped before the server started.');
    } finally {
      other.exec('COMMIT');
      other.close();
      c.proc.kill('SIGKILL');
    }
  }, 30_000);
});

describe('a reader that may not create the -shm beside a stopped store (F6)', () => {
  it('says so in a reader\'s words: run as the store\'s user, or copy it', () => {
    const d = fresh();
    storeOf(d.db, 10);
    // As root, the store is read as nobody from root's folder; otherwise from a folder made read-only.
    const root = process.getuid?.() === 0;
    const prefix = root ? ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'] : [];
    chmodSync(d.dir, root ? 0o755 : 0o555);
    try {
      const r = cli(['report', '--plan', PLAN, '--db', d.db], prefix);
      expect(r.stderr).toContain(`measureplan report: the store ${d.db} cannot be read here: SQLite needs to create ${d.db}-shm beside it to read it, and this user may not create files in its folder`);
      expect(r.stderr).toMatch(/Run this as the user that runs measureplan collect .*or copy/);
      expect(r.stderr).not.toMatch(/writable by the user that runs measureplan collect/);
      expect(r.code).toBe(1);
    } finally {
      chmodSync(d.dir, 0o755);
      rmSync(`${d.db}-shm`, { force: true });
    }
  });
});
