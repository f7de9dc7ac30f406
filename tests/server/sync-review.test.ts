/**
 * Second read of the off-thread fsync (sync review 2026-12-08): a refused sync is not cured by a
 * later one that succeeds (Linux reports a lost writeback once), and closing the store never
 * closes the log's descriptor under a sync still queued on it.
 */
import { fstatSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';

// The store's one off-thread fs call, held or failed at will, with the descriptor it was given.
const disk = vi.hoisted(() => ({ fds: [] as number[], hold: false, fail: undefined as Error | undefined, waiting: [] as (() => void)[] }));
vi.mock('node:fs', async (original) => {
  const fs = await original<typeof import('node:fs')>();
  const fdatasync = (fd: number, done: (e: Error | null) => void) => {
    disk.fds.push(fd);
    const go = () => (disk.fail ? done(disk.fail) : fs.fdatasync(fd, done));
    if (disk.hold) disk.waiting.push(go); else go();
  };
  return { ...fs, default: { ...fs, fdatasync }, fdatasync };
});

const { Backlog, groupCommitter } = await import('../../src/server/commit');
const { startCollectServer } = await import('../../src/server/http');
const { toOutcome } = await import('../../src/server/message');
const { openStore } = await import('../../src/server/store');
const { post, tempStore, viewItem } = await import('./helpers');

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const f of cleanups.splice(0).reverse()) await f();
  Object.assign(disk, { fds: [], hold: false, fail: undefined, waiting: [] });
});
const eio = () => Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' });
const outcome = () => toOutcome(viewItem(), {}, new Date().toISOString(), undefined);
function stored() {
  const dir = tempStore();
  const store = openStore(dir.db, { syncOffThread: true });
  cleanups.push(() => dir.remove(), () => store.close());
  return store;
}

describe('a sync the disk refused', () => {
  it('leaves the store unable to acknowledge anything until a restart, though the next fdatasync would succeed', async () => {
    const store = stored();
    store.write([[outcome()]]);
    disk.fail = eio();
    await expect(store.synced!()).rejects.toMatchObject({ kind: 'io' });
    disk.fail = undefined; // the kernel's next fdatasync says nothing of the pages it dropped
    expect(() => store.write([[outcome()]])).toThrow(/restart measureplan collect/);
    expect(() => store.probe()).toThrow(/restart measureplan collect/);
    await expect(store.synced!()).rejects.toMatchObject({ kind: 'io' });
  });

  it('keeps the collect server answering 503, and /health 503, after the disk takes syncs again', async () => {
    const store = stored();
    const srv = await startCollectServer({ store, port: 0 });
    cleanups.push(() => srv.close());
    const item = viewItem();
    disk.fail = eio();
    expect((await post(`${srv.url}/v1/batch`, { batch: [item] })).status).toBe(503);
    disk.fail = undefined;
    // The browser's retry of the refused post: its event is in the log, but not proven on disk.
    const retry = await post(`${srv.url}/v1/batch`, { batch: [item] });
    expect(retry.status).toBe(503);
    expect((await post(`${srv.url}/v1/batch`, { batch: [viewItem()] })).status).toBe(503);
    const health = await fetch(`${srv.url}/health`);
    expect(health.status).toBe(503);
    expect(String(((await health.json()) as { reason: string }).reason)).toMatch(/restart measureplan collect/);
  });
});

describe('closing the store', () => {
  it('keeps the log open for a sync queued on it, which then succeeds, and closes it after', async () => {
    const store = stored();
    store.write([[outcome()]]);
    disk.hold = true;
    const first = store.synced!();
    store.write([[outcome()]]);
    const second = store.synced!(); // waits for the next sync: the first may have begun before this commit
    store.close();
    for (const go of disk.waiting.splice(0)) go();
    await expect(first).resolves.toBeUndefined();
    await vi.waitFor(() => expect(disk.waiting.length).toBe(1));
    for (const go of disk.waiting.splice(0)) go();
    await expect(second).resolves.toBeUndefined();
    const fd = disk.fds[0]!;
    expect(disk.fds).toEqual([fd, fd]);
    expect(() => fstatSync(fd)).toThrow(/EBADF/);
    await expect(store.synced!()).rejects.toThrow(/closed/);
  });
});

describe('opening the store for the collect server', () => {
  it('copies the log left by the last run into the store file (synced there), so a restart after a refused sync relies on no cached frame', async () => {
    const { copyFileSync } = await import('node:fs');
    const Database = (await import('better-sqlite3')).default;
    const dir = tempStore();
    cleanups.push(() => dir.remove());
    const before = openStore(dir.db, { sync: 'normal' }); // holds the log open: nothing checkpointed at its close
    cleanups.push(() => before.close());
    before.write([[outcome(), outcome(), outcome()]]);
    const server = openStore(dir.db, { syncOffThread: true });
    cleanups.push(() => server.close());
    // The store file alone, without its -wal: what survives if the log's cached frames do not.
    const alone = `${dir.db}.alone`;
    copyFileSync(dir.db, alone);
    const db = new Database(alone, { readonly: true });
    cleanups.push(() => db.close());
    const events = (() => { try { return db.prepare('SELECT count(*) FROM events').pluck().get(); } catch { return 0; } })();
    expect(events).toBe(3);
  });
});

describe('the group committer during a slow sync', () => {
  it('turns posts away (Backlog, to retry) once the messages waiting for it reach the bound, and commits the rest after it', async () => {
    const store = stored();
    disk.hold = true;
    const c = groupCommitter(store, undefined, { maxWaiting: 3 });
    const first = c.submit([outcome()]);
    await vi.waitFor(() => expect(disk.waiting.length).toBe(1)); // committed; its sync is on the disk
    const two = c.submit([outcome(), outcome()]);
    const over = c.submit([outcome(), outcome()]);
    await expect(over).rejects.toBeInstanceOf(Backlog);
    const one = c.submit([outcome()]); // 3 waiting: still within the bound
    for (const go of disk.waiting.splice(0)) go();
    expect(await first).toEqual({ stored: 1, duplicates: 0, quarantined: 0 });
    await vi.waitFor(() => expect(disk.waiting.length).toBe(1));
    for (const go of disk.waiting.splice(0)) go();
    expect(await Promise.all([two, one])).toEqual([{ stored: 2, duplicates: 0, quarantined: 0 }, { stored: 1, duplicates: 0, quarantined: 0 }]);
  });
});

describe('the other writers on the server\'s connection', () => {
  it('commit with SQLite\'s own fsync (the relay and the webhook call no synced()), before and after an ingest commit', () => {
    const store = stored();
    const level = () => store.db.pragma('synchronous', { simple: true });
    expect(level()).toBe(2); // FULL: a webhook's claim or delivered mark is on disk at its commit
    store.write([[outcome()]]);
    expect(level()).toBe(2);
  });
});
