/**
 * `--sync full` with the fsync off the server's thread (store option `syncOffThread`): SQLite
 * commits without waiting for the disk, the write-ahead log is fdatasync'ed on libuv's pool, and
 * a post is answered only after the sync that followed its commit. The server reads and checks
 * the next requests meanwhile (docs/store.md, "Durable, and off the thread").
 */
import { afterEach, describe, expect, it, vi } from 'vitest';

// The one fs call the store makes off the thread, held or failed at will; everything else is fs itself.
const disk = vi.hoisted(() => ({ calls: 0, hold: false, fail: undefined as Error | undefined, waiting: [] as (() => void)[], openFails: false }));
vi.mock('node:fs', async (original) => {
  const fs = await original<typeof import('node:fs')>();
  const fdatasync = (fd: number, done: (e: Error | null) => void) => {
    disk.calls++;
    const go = () => (disk.fail ? done(disk.fail) : fs.fdatasync(fd, done));
    if (disk.hold) disk.waiting.push(go); else go();
  };
  const openSync = ((path: string, ...rest: unknown[]) => {
    if (disk.openFails && String(path).endsWith('-wal')) throw Object.assign(new Error(`EMFILE: too many open files, open '${path}'`), { code: 'EMFILE' });
    return (fs.openSync as (...a: unknown[]) => number)(path, ...rest);
  }) as typeof fs.openSync;
  return { ...fs, default: { ...fs, fdatasync, openSync }, fdatasync, openSync };
});

const { groupCommitter } = await import('../../src/server/commit');
const { startCollectServer } = await import('../../src/server/http');
const { toOutcome } = await import('../../src/server/message');
const { openStore } = await import('../../src/server/store');
const { post, readStore, tempStore, viewItem } = await import('./helpers');

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const f of cleanups.splice(0).reverse()) await f();
  Object.assign(disk, { calls: 0, hold: false, fail: undefined, waiting: [], openFails: false });
});
const release = () => { for (const go of disk.waiting.splice(0)) go(); };
const tick = () => new Promise((r) => setTimeout(r, 20));
const outcome = () => toOutcome(viewItem(), {}, new Date().toISOString(), undefined);

function stored(options: Parameters<typeof openStore>[1] = {}) {
  const dir = tempStore();
  const store = openStore(dir.db, { syncOffThread: true, ...options });
  cleanups.push(() => dir.remove(), () => store.close());
  return { store, db: dir.db };
}

describe('the store', () => {
  it('has synced(); without the option, or with --sync normal, SQLite keeps its own', () => {
    const { store } = stored();
    // FULL between ingest commits: only write() commits under NORMAL (tests/server/sync-review.test.ts).
    expect(store.db.pragma('synchronous', { simple: true })).toBe(2);
    expect(typeof store.synced).toBe('function');
    const plain = stored({ syncOffThread: false }).store;
    expect([plain.db.pragma('synchronous', { simple: true }), plain.synced]).toEqual([2, undefined]); // FULL
    const normal = stored({ sync: 'normal' }).store;
    expect([normal.db.pragma('synchronous', { simple: true }), normal.synced]).toEqual([1, undefined]);
  });

  it('a sync asked for while one is running is a new one after it (it may have begun before the commit); the calls waiting share it', async () => {
    const { store } = stored();
    disk.hold = true;
    const first = store.synced!();
    await tick();
    const second = store.synced!();
    const third = store.synced!();
    await tick();
    expect(disk.calls).toBe(1);
    release();
    await first;
    await tick();
    expect(disk.calls).toBe(2);
    release();
    await Promise.all([second, third]);
    expect(disk.calls).toBe(2);
  });

  it('a log it cannot open for its fsync leaves SQLite to sync each commit itself, as without the option', () => {
    disk.openFails = true;
    const { store } = stored();
    expect([store.db.pragma('synchronous', { simple: true }), store.synced]).toEqual([2, undefined]);
    expect(store.write([[outcome()]])).toEqual([{ stored: 1, duplicates: 0, quarantined: 0 }]);
  });

  it('a disk that refuses the sync is a StoreError in words, kind io', async () => {
    const { store } = stored();
    disk.fail = Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' });
    await expect(store.synced!()).rejects.toMatchObject({ kind: 'io', message: expect.stringMatching(/write-ahead log was not saved to disk \(EIO/) });
  });
});

describe('the group committer', () => {
  it('answers a group only once its sync is done, and settled() waits for it', async () => {
    const { store } = stored();
    disk.hold = true;
    const c = groupCommitter(store);
    let answered = false;
    const one = c.submit([outcome()]).then((w) => { answered = true; return w; });
    let settled = false;
    void c.settled().then(() => { settled = true; });
    await tick();
    expect([answered, settled, disk.calls]).toEqual([false, false, 1]);
    release();
    expect(await one).toEqual({ stored: 1, duplicates: 0, quarantined: 0 });
    await tick();
    expect(settled).toBe(true);
  });

  it('commits the requests that arrive while a sync is on the disk together, once it is done', async () => {
    const { store, db } = stored();
    const write = vi.spyOn(store, 'write');
    disk.hold = true;
    const c = groupCommitter(store);
    const one = c.submit([outcome()]);
    await tick();
    const two = c.submit([outcome(), outcome()]);
    await tick();
    const three = c.submit([outcome()]);
    await tick();
    const count = () => readStore(db, (d) => d.prepare('SELECT count(*) FROM events').pluck().get());
    expect([count(), write.mock.calls.length]).toEqual([1, 1]);
    release();
    expect(await one).toEqual({ stored: 1, duplicates: 0, quarantined: 0 });
    await tick();
    // One commit for both, then a sync of its own before either is answered.
    expect([count(), write.mock.calls.length, disk.calls]).toEqual([4, 2, 2]);
    release();
    expect(await Promise.all([two, three])).toEqual([{ stored: 2, duplicates: 0, quarantined: 0 }, { stored: 1, duplicates: 0, quarantined: 0 }]);
  });

  it('fails the group whose sync the disk refused', async () => {
    const { store } = stored();
    disk.fail = Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' });
    await expect(groupCommitter(store).submit([outcome()])).rejects.toMatchObject({ kind: 'io' });
  });
});

describe('the collect server', () => {
  it('answers a post 2xx only after the sync that followed its commit, and 503 when the disk refuses it', async () => {
    const { store } = stored();
    const srv = await startCollectServer({ store, port: 0 });
    cleanups.push(() => srv.close());
    disk.hold = true;
    let status = 0;
    const reply = post(`${srv.url}/v1/batch`, { batch: [viewItem()] }).then((r) => { status = r.status; return r; });
    await tick();
    await tick();
    expect([status, disk.calls]).toEqual([0, 1]);
    release();
    expect((await reply).body).toEqual({ ok: true, stored: 1, duplicates: 0, quarantined: 0 });
    disk.hold = false;
    disk.fail = Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' });
    const refused = await post(`${srv.url}/v1/batch`, { batch: [viewItem()] });
    expect(refused.status).toBe(503);
    expect(String(refused.body.msg)).toMatch(/write-ahead log was not saved to disk/);
    // Not healthy again when the disk takes the next sync: it may say nothing of what it dropped
    // (tests/server/sync-review.test.ts); only a restart, which reads the log from disk, is.
    expect((await fetch(`${srv.url}/health`)).status).toBe(503);
    disk.fail = undefined;
    expect((await fetch(`${srv.url}/health`)).status).toBe(503);
  });
});
